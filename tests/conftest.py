"""Shared fixtures: the real app over HTTP on a real database, SQLite and PostgreSQL.

Every API test runs once per database (the `database` fixture is parametrised). Isolation is by
tenant: each test gets a workspace of its own, so tests never see each other's data, and tenant
scoping is exercised by every test. The schema is migrated from empty with Alembic at session start.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import socket
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from bench.databases import recreate
from fastapi import FastAPI
from xdist.scheduler import LoadScopeScheduling

from leadapi.app import create_app
from leadapi.cli import migrate
from leadapi.config import Settings
from leadapi.workspaces.service import operator

PG_ADMIN_URL = os.environ.get("LEADAPI_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Every test database's name starts with this one. Under pytest-xdist each worker gets its own
# (leadapi_test_gw0, ...): fresh_pg_database drops a database before it makes it again, so two
# workers sharing one name would pull it from under each other.
PG_TEST_DB = os.environ.get("LEADAPI_TEST_PG_DB", "leadapi_test") + (
    f"_{os.environ['PYTEST_XDIST_WORKER']}" if "PYTEST_XDIST_WORKER" in os.environ else ""
)
IN_CI = bool(os.environ.get("CI"))
REDIS_HOST, REDIS_PORT = "127.0.0.1", int(os.environ.get("LEADAPI_TEST_REDIS_PORT", "6379"))


class Clock:
    """An injectable clock: tests move time instead of sleeping."""

    def __init__(self) -> None:
        self.offset = timedelta()
        self.frozen: datetime | None = None

    def __call__(self) -> datetime:
        return (self.frozen or datetime.now(UTC)) + self.offset

    def advance(self, **kwargs: float) -> None:
        self.offset += timedelta(**kwargs)

    @contextmanager
    def travel(self, **kwargs: float) -> Iterator[None]:
        """Move time ahead for a block, then back: the app and the clock live for the session,
        so a test that ages its leads must not age every later test's too."""
        saved = self.offset
        self.offset += timedelta(**kwargs)
        try:
            yield
        finally:
            self.offset = saved

    @contextmanager
    def freeze(self, at: datetime) -> Iterator[None]:
        """Stop time at `at` for a block (advance() still moves it), then give real time back:
        for tests whose expected figures are exact durations."""
        saved = (self.frozen, self.offset)
        self.frozen, self.offset = at, timedelta()
        try:
            yield
        finally:
            self.frozen, self.offset = saved


async def _pg_reachable() -> str | None:
    try:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def fresh_pg_database(name: str, template: str | None = None) -> str:
    """(Re)create a database that belongs to the tests alone, empty or a copy of `template`;
    returns its SQLAlchemy URL."""
    await recreate(PG_ADMIN_URL, name, template)
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


# The schema at head, migrated once per test process and copied for every test that needs a
# database of its own but does not test migrating: running the revisions takes seconds (a second
# in process on PostgreSQL, two to five as a `leadapi migrate` process), a copy milliseconds.
_templates: dict[str, str] = {}


def _template(kind: str) -> str:
    """This process's migrated template: a SQLite file's path, or a PostgreSQL database's name."""
    if kind not in _templates:
        if kind == "sqlite":
            folder = tempfile.mkdtemp(prefix="leadapi-template-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            path = Path(folder) / "template.db"
            migrate(Settings(database_url=f"sqlite+aiosqlite:///{path}", _env_file=None))
            _templates[kind] = str(path)
        else:
            name = f"{PG_TEST_DB}_template"
            migrate(Settings(database_url=asyncio.run(fresh_pg_database(name)), _env_file=None))
            _templates[kind] = name
    return _templates[kind]


def migrated_database(kind: str, tmp: Path, name: str) -> str:
    """A new database at the schema's head with nothing in it, `name` (PostgreSQL) or a file of
    that name in `tmp` (SQLite); returns its SQLAlchemy URL. A copy of the process's template:
    SQLite's backup API (whole and consistent, whatever the journal mode), PostgreSQL's CREATE
    DATABASE ... TEMPLATE."""
    if kind == "sqlite":
        target = tmp / f"{name}.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(_template(kind))) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return f"sqlite+aiosqlite:///{target}"
    require_postgres()
    return asyncio.run(migrated_pg_database(name))


async def migrated_pg_database(name: str) -> str:
    """A new PostgreSQL database `name` at the schema's head with nothing in it (a copy of the
    process's template); returns its SQLAlchemy URL."""
    return await fresh_pg_database(name, template=await asyncio.to_thread(_template, "postgresql"))


def require_service(service: str, where: str, problem: str | None) -> None:
    """A service the tests need is down (`problem` says how; None: it is up): CI fails, for CI
    must run every test (.ci/run starts the services); a local run skips, saying CI would fail."""
    if problem is None:
        return
    message = f"{service} at {where} is unreachable ({problem})"
    if IN_CI:
        pytest.fail(f"{message}: CI requires {service} (.ci/run starts it)", pytrace=False)
    pytest.skip(f"{message}: skipping (CI would fail here)")


def require_postgres() -> None:
    require_service("PostgreSQL", PG_ADMIN_URL, asyncio.run(_pg_reachable()))


def _redis_reachable() -> str | None:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2):
            return None
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture
def redis_url() -> str:
    """Redis for the tests that share state through it (rate limit counters)."""
    require_service("Redis", f"{REDIS_HOST}:{REDIS_PORT}", _redis_reachable())
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def _migrated_url(kind: str, tmp_dir: Path) -> str:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_dir / 'leadapi-test.db'}"
    else:
        require_postgres()
        url = asyncio.run(fresh_pg_database(PG_TEST_DB))
    migrate(Settings(database_url=url))
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return _migrated_url(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture(scope="session")
def dialect(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def postgres_only() -> None:
    """Marks a test that needs PostgreSQL (concurrency across connections); its SQLite run is
    deselected at collection, so a skip in the report always means PostgreSQL is missing."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        fixtures = getattr(item, "fixturenames", ())
        is_sqlite_run = callspec is not None and callspec.params.get("database_url") == "sqlite"
        (drop if "postgres_only" in fixtures and is_sqlite_run else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# Modules whose servers hold many connections at once: the four-process fleet, 40; the webhook
# crash test's server and workers, about 20.
CONNECTION_HUNGRY = ("tests/e2e/test_routing_processes.py", "tests/e2e/test_routing_races.py",
                     "tests/e2e/test_webhook_crash.py", "tests/e2e/test_dedupe_races.py",
                     "tests/e2e/test_workers_scale_out.py")  # fmt: skip
# API modules whose module fixtures take seconds (the simulation writes a population through the
# services): their half on one database is one unit, as an end-to-end module's, or each worker
# that runs one of their tests would set them up again, once per switch of module.
COSTLY_MODULE_FIXTURES = ("tests/api/test_simulation.py",)


class _SuiteScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no types
    """How `make test` spreads the suite over the cores (pytest-xdist). An end-to-end module's
    half on one database is one unit of work (its module fixtures start servers once); the
    connection-hungry modules together are one unit, so they run one at a time and PostgreSQL's
    100 connections are never overdrawn (those modules hold 40 at most, each worker's session
    app up to 30). Every other test is a unit of its own. Larger units go out first, so the long
    end-to-end units start at once and the API tests fill the gaps. (xdist's `loadgroup` cannot
    do this under pytest 9.2: it renames node ids by a private attribute pytest no longer reads.)
    """

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        if module in CONNECTION_HUNGRY:
            return "connection-hungry end-to-end modules"
        if not module.startswith("tests/e2e/") and module not in COSTLY_MODULE_FIXTURES:
            return nodeid
        # A module's SQLite and PostgreSQL halves set up apart anyway (their fixtures are
        # parametrised by database), so they can go to different workers.
        params = nodeid.partition("[")[2].rstrip("]").split("-")
        return f"{module} {next((p for p in params if p in ('sqlite', 'postgresql')), '')}"


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    return _SuiteScheduling(config, log) if config.getoption("dist") == "load" else None


@pytest.fixture(scope="session")
def clock() -> Clock:
    return Clock()


# Every background loop's interval: a test's app runs none of them, so nothing races the test's
# own steps (draining the sequencer, running a consumer or a sweep); a new loop is off here too.
LOOPS = tuple(name for name in Settings.model_fields if name.endswith("_interval"))


def quiet_settings(database_url: str, **changes: Any) -> Settings:
    """Settings for a test's app: its database, no bootstrap, every background loop off."""
    loops_off: dict[str, Any] = dict.fromkeys(LOOPS, 0)
    return Settings(
        **{"database_url": database_url, "bootstrap": False, **loops_off, **changes}, _env_file=None
    )


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # Tests drain the sequencer, run jobs and sweeps themselves, deterministically.
    return quiet_settings(
        database_url,
        max_body_bytes=256 * 1024,
        import_max_bytes=256 * 1024,
        webhooks_allow_private=True,
        enrichment_allow_private=True,
        webhook_timeout=1.0,
    )


@asynccontextmanager
async def serving(application: FastAPI) -> AsyncIterator[FastAPI]:
    """The app's lifespan in a task of its own, as a server runs it: the MCP transport's task
    group must be left by the task that entered it, and pytest may finish a session fixture
    from another task than the one that set it up."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with application.router.lifespan_context(application):
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():  # the startup failed: its exception, not a hang
        waiting.cancel()
        task.result()
    try:
        yield application
    finally:
        stop.set()
        await task


@pytest.fixture(scope="session")
async def app(settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    async with serving(create_app(settings, clock=clock)) as application:
        yield application


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as http:
        yield http


@dataclass
class Tenant:
    """A fresh workspace with a key per scope."""

    workspace_id: str
    admin: dict[str, str]
    write: dict[str, str]
    read: dict[str, str]


async def make_tenant(app: FastAPI, name: str = "test", *, seeded: bool = False) -> Tenant:
    """A bare workspace by default (each test sees only what it makes); `seeded`: with the
    defaults a real new workspace gets (the activation automations and tracks)."""
    service = app.state.workspaces
    headers = {}
    async with app.state.db.transaction() as conn:
        workspace_id = await service.create_workspace(conn, name, seeded=seeded)
        for scope in ("admin", "write", "read"):
            _, secret = await service.create_key(conn, operator(workspace_id), f"{scope} key", [scope])
            headers[scope] = {"Authorization": f"Bearer {secret}"}
    return Tenant(workspace_id, headers["admin"], headers["write"], headers["read"])


@pytest.fixture
async def tenant(app: FastAPI) -> Tenant:
    return await make_tenant(app)


@pytest.fixture
async def other_tenant(app: FastAPI) -> Tenant:
    return await make_tenant(app, "other")
