"""The `leadapi` command: serve, worker, migrate, init, secrets, keys, defaults, import, export, simulate,
rollups, mcp, openapi."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadapi.config import Settings
from leadapi.leads.transfer import FORMATS, export_header, export_lines

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.ext.asyncio import AsyncConnection

    from leadapi.principal import Principal
    from leadapi.services import Services
    from leadapi.workspaces.service import WorkspaceService

SCOPES = ("read", "write", "admin")


def migrations_dir() -> Path:
    """migrations/ of a source checkout, else of the working directory (Docker image)."""
    configured = os.environ.get("LEADAPI_MIGRATIONS_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [Path(__file__).resolve().parents[2] / "migrations", Path.cwd() / "migrations"]
    for candidate in candidates:
        if (candidate / "env.py").exists():
            return candidate
    raise SystemExit("leadapi: cannot find the migrations directory (set LEADAPI_MIGRATIONS_DIR)")


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config  # imported here: most commands never touch Alembic

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = database_url
    return config


def migrate(settings: Settings, revision: str = "head") -> None:
    from alembic import command

    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.database_url), revision)
    if revision == "head":
        # Values stored before sealing existed, or under a key since rotated out of first place.
        asyncio.run(reseal_secrets(settings))


async def reseal_secrets(settings: Settings) -> int:
    """Seal every stored secret under the first key of the keyring; returns the rows changed."""
    from typing import cast

    from sqlalchemy import Table

    from leadapi.db import Database, create_engine
    from leadapi.sealing import load_sealer, reseal_columns
    from leadapi.sources.models import Source
    from leadapi.webhooks.models import WebhookSubscription

    sealer = load_sealer(settings)
    db = Database(create_engine(settings.database_url))
    subscriptions = cast(Table, WebhookSubscription.__table__)
    sources = cast(Table, Source.__table__)
    try:
        async with db.transaction() as conn:
            changed = await reseal_columns(
                conn, subscriptions, [subscriptions.c.secret, subscriptions.c.previous_secret], sealer
            )
            return changed + await reseal_columns(conn, sources, [sources.c.secret], sealer)
    finally:
        await db.dispose()


@asynccontextmanager
async def _workspaces(settings: Settings) -> AsyncIterator[tuple[WorkspaceService, AsyncConnection]]:
    """A WorkspaceService and one transaction on its own short-lived engine, for one CLI command:
    what the command does commits together, or not at all."""
    from leadapi.automations.service import AutomationService
    from leadapi.db import Database, create_engine, utcnow
    from leadapi.flows.activation import ActivationFlow
    from leadapi.tracks.service import TrackService
    from leadapi.workspaces.service import WorkspaceService

    db = Database(create_engine(settings.database_url))
    # A workspace the command makes gets the activation defaults, as one the app makes does.
    activation = ActivationFlow(utcnow, AutomationService(utcnow), TrackService(utcnow))
    try:
        async with db.transaction() as conn:
            yield WorkspaceService(db, utcnow, 0, seed=activation.install), conn
    finally:
        await db.dispose()


async def _operator(service: WorkspaceService, conn: AsyncConnection, workspace: str | None) -> Principal:
    """The operator of the given workspace (checked), else of the first one, else of a new one."""
    from leadapi.workspaces.service import operator

    return operator(await service.ensure_workspace(conn, workspace))


async def create_key(
    settings: Settings, name: str, scopes: Sequence[str], workspace: str | None, rate_limit: str | None = None
) -> str:
    async with _workspaces(settings) as (service, conn):
        principal = await _operator(service, conn, workspace)
        _, secret = await service.create_key(conn, principal, name, scopes, rate_limit)
        return secret


async def _bootstrap(settings: Settings) -> str | None:
    """First start with an empty database: a default workspace and an admin key."""
    async with _workspaces(settings) as (service, conn):
        if await service.has_any_key(conn):
            return None
        principal = await _operator(service, conn, None)
        _, secret = await service.create_key(conn, principal, "bootstrap admin", ["admin"])
        return secret


async def _list_keys(settings: Settings, workspace: str | None) -> list[dict[str, object]]:
    from leadapi.workspaces.schemas import ApiKey

    async with _workspaces(settings) as (service, conn):
        rows = await service.list_keys(conn, await _operator(service, conn, workspace), 10_000, None)
        return [ApiKey.model_validate(r).model_dump(mode="json") for r in rows]


async def _revoke_key(settings: Settings, key_id: str, workspace: str | None) -> None:
    async with _workspaces(settings) as (service, conn):
        await service.revoke_key(conn, await _operator(service, conn, workspace), key_id)


async def _rebuild_rollups(settings: Settings, workspace: str | None, start: date, end: date) -> int:
    scopes = frozenset({"admin"})
    async with (
        _lead_services(settings, workspace, scopes) as (services, principal),
        services.db.transaction() as conn,
    ):
        return await services.rollup_flow.rebuild(conn, principal.workspace_id, start, end)


async def _install_defaults(settings: Settings, workspace: str | None) -> list[dict[str, Any]]:
    """The activation defaults the workspace was never given, installed (as POST
    /v1/automations/defaults does); each default listed."""
    from leadapi.automations.service import AutomationService
    from leadapi.db import utcnow
    from leadapi.flows.activation import ActivationFlow
    from leadapi.tracks.service import TrackService

    activation = ActivationFlow(utcnow, AutomationService(utcnow), TrackService(utcnow))
    async with _workspaces(settings) as (service, conn):
        return await activation.install(conn, await _operator(service, conn, workspace))


@asynccontextmanager
async def _lead_services(
    settings: Settings, workspace: str | None, scopes: frozenset[str]
) -> AsyncIterator[tuple[Services, Principal]]:
    """The services and a principal of the workspace, for a command that works on its leads."""
    from leadapi.db import utcnow
    from leadapi.principal import Principal
    from leadapi.services import build_services

    # Imported here, not at the top: `leadapi --help` should not load the whole service graph.
    services = build_services(settings, utcnow)
    try:
        async with services.db.transaction() as conn:
            workspace_id = await services.workspaces.ensure_workspace(conn, workspace)
        yield services, Principal(workspace_id, "cli", scopes)
    finally:
        await services.reads.dispose()
        await services.db.dispose()


async def _import_leads(settings: Settings, args: argparse.Namespace) -> int:
    """The file goes through the import job as `POST /v1/imports` takes one: spooled (checked as
    UTF-8, its header against the lead's fields) and queued in one transaction, then this process
    claims that job and runs it, chunk by chunk, with a progress bar; the refused rows are the
    import's error report (`GET /v1/imports/{id}/errors`), written to --errors. Interrupted, the
    job stays queued with its committed position: a worker (`leadapi serve` or `leadapi worker`)
    finishes it once its lease runs out."""
    from rich.console import Console
    from rich.progress import Progress

    from leadapi.imports.schemas import ImportOptions
    from leadapi.imports.service import FINAL
    from leadapi.jobs.loop import execute

    fmt = args.format or ("ndjson" if args.file.suffix in (".ndjson", ".jsonl") else "csv")
    async with AsyncExitStack() as stack:
        source = stack.enter_context(_seekable(args.file))
        services, principal = await stack.enter_async_context(
            _lead_services(settings, args.workspace, frozenset({"read", "write"}))
        )

        async def chunks() -> AsyncIterator[bytes]:
            with source.open("rb") as file:
                while chunk := file.read(1024 * 1024):
                    yield chunk

        async with services.db.transaction() as conn:
            options = ImportOptions(overwrite=args.overwrite)
            gzipped = source.suffix == ".gz"
            started = await services.imports.start(conn, principal, fmt, gzipped, chunks(), options)
        async with services.db.transaction() as conn:
            job = await services.jobs.claim_one(conn, started["job_id"])
        progress = stack.enter_context(
            Progress(console=Console(stderr=True), disable=args.quiet, transient=True)
        )
        total = started["rows_estimated"]
        task = progress.add_task(f"importing {total} rows", total=total)
        if job is not None:
            await execute(
                services.db, services.jobs, job, lambda done: progress.update(task, completed=done["done"])
            )
        async with services.db.read_statements() as conn:
            status = await services.imports.get(conn, principal, started["id"])
            refused: list[dict[str, Any]] = []
            after = (0, -1)
            while page := await services.imports.outcome_page(
                conn, principal, started["id"], after, 1000, refused_only=True
            ):
                refused += [{"row": r["row"], "field": r["field"], "message": r["message"]} for r in page]
                after = (page[-1]["row"], page[-1]["ordinal"])
    if args.errors is not None:
        with args.errors.open("w") as out:
            out.writelines(json.dumps(line) + "\n" for line in refused)
    else:
        for line in refused[:10]:
            where = f"{line['field']}: " if line["field"] else ""
            print(f"leadapi: row {line['row']}: {where}{line['message']}", file=sys.stderr)
    summary = (
        f"{status.rows_read} rows: {status.rows_created} created, {status.rows_merged} merged, "
        f"{status.rows_refused} refused"
    )
    print(f"leadapi: {summary}", file=sys.stderr)
    if status.status not in FINAL or status.status == "failed":
        print(f"leadapi: the import {status.id} is {status.status}: {status.error or ''}", file=sys.stderr)
        return 1
    return 3 if status.rows_refused else 0


async def _simulate(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    """A synthetic population written through the services, under a clock the writer moves along
    the simulated days (then given back to real time: the stored times are the simulated ones)."""
    from dataclasses import asdict
    from datetime import UTC, datetime, timedelta

    from rich.console import Console
    from rich.progress import Progress

    from leadapi.principal import Principal
    from leadapi.services import build_services
    from leadapi.simulation.population import generate
    from leadapi.simulation.writer import write_population

    now = datetime.now(UTC)
    moment = [now]
    services = build_services(settings, lambda: moment[0])
    population = generate(args.leads, args.days, now - timedelta(days=args.days), args.seed)

    def move_clock(at: datetime) -> None:
        moment[0] = at

    try:
        async with services.db.transaction() as conn:
            workspace_id = await services.workspaces.ensure_workspace(conn, args.workspace)
        principal = Principal(workspace_id, "simulate", frozenset({"read", "write", "admin"}))
        with Progress(console=Console(stderr=True), disable=args.quiet, transient=True) as bar:
            task = bar.add_task(f"simulating {args.leads} leads over {args.days} days", total=1)
            written = await write_population(
                services,
                principal,
                population,
                move_clock,
                lambda done, total: bar.update(task, completed=done, total=total),
            )
    finally:
        await services.reads.dispose()
        await services.db.dispose()
    return {"workspace_id": workspace_id, **asdict(written)}


@contextmanager
def _seekable(path: Path) -> Iterator[Path]:
    """The import's input as a file that can be read twice: the file itself, or standard input
    (`-`) copied to a temporary file in chunks."""
    if str(path) != "-":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="leadapi-import-") as spool_dir:
        spool = Path(spool_dir) / "stdin"
        with spool.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        yield spool


async def _export_leads(settings: Settings, args: argparse.Namespace) -> int:
    """The leads the filters, query and sort select, through the service's export (the one
    `GET /v1/leads` streams as CSV or NDJSON): chunk by chunk, whatever the number of leads."""
    from leadapi.errors import ProblemError

    pairs = []
    for item in args.filter:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--filter {item!r}: write FIELD=VALUE or FIELD[OP]=VALUE")
        pairs.append((key, value))
    out = args.output.open("wb") if args.output else sys.stdout.buffer
    written = 0
    try:
        async with _lead_services(settings, args.workspace, frozenset({"read"})) as (services, principal):
            try:
                spec = services.leads.list_spec(pairs, args.sort, args.query)
            except ProblemError as exc:
                option = "--sort" if exc.slug == "bad-sort" else "--filter"
                raise UsageError(f"{option}: {one_line(exc)}") from exc
            out.write(export_header(args.format))
            async for chunk in services.leads.export(principal, spec):
                out.write(export_lines(args.format, chunk.names, chunk.records, json_text=chunk.json_text))
                written += len(chunk.records)
            out.flush()
            return written
    finally:
        if args.output:
            out.close()


async def _serve_mcp(settings: Settings, background: bool = False) -> int:
    """The MCP server on stdin/stdout, acting as the key in LEADAPI_API_KEY (its workspace, its
    scopes). Standard output carries the protocol alone; messages go to standard error. With
    `background`, the background loops run beside it until the agent hangs up: an agent working
    a database alone (no `leadapi serve` or `leadapi worker`) still gets its events numbered for
    the change feed, its webhooks sent and its SLA clocks judged."""
    secret = os.environ.get("LEADAPI_API_KEY", "").strip()
    if not secret:
        print("leadapi: set LEADAPI_API_KEY to the API key the MCP server acts as", file=sys.stderr)
        return 2
    from leadapi.background import loops
    from leadapi.db import utcnow
    from leadapi.mcp.server import build_server, key_authenticator
    from leadapi.services import build_services

    services = build_services(settings, utcnow)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    try:
        if await services.workspaces.authenticate(secret) is None:
            print("leadapi: LEADAPI_API_KEY is unknown or revoked", file=sys.stderr)
            return 1
        if background:
            tasks = [asyncio.create_task(loop) for loop in loops(services, stop)]
        await build_server(services, key_authenticator(services, secret)).run_stdio_async()
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await services.webhooks.close()
        await services.reads.dispose()
        await services.db.dispose()
    return 0


def print_key_banner(secret: str, settings: Settings) -> None:
    base = f"http://{settings.host}:{settings.port}"
    print(
        "\n".join(
            [
                "",
                "  leadapi: first start, created a default workspace and an admin API key.",
                "  It is shown only this once; keep it somewhere safe:",
                "",
                f"    {secret}",
                "",
                "  Try it:",
                f"    curl -s -X POST {base}/v1/leads -H 'Authorization: Bearer {secret}' \\",
                "         -H 'Content-Type: application/json' -d '{\"email\": \"ada@example.com\"}'",
                "",
                f"  API docs: {base}/docs",
                "",
            ]
        ),
        flush=True,
    )


def serve(settings: Settings) -> None:
    import uvicorn

    from leadapi.logs import logging_config
    from leadapi.serving import PROTOCOL

    if settings.bootstrap:
        secret = asyncio.run(_bootstrap(settings))
        if secret:
            print_key_banner(secret, settings)
    uvicorn.run(
        "leadapi.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        log_config=logging_config(settings.log_level, settings.log_format),
        # leadapi logs each request itself (leadapi.api.request_log), with its id, key and route.
        access_log=False,
        proxy_headers=True,
        http=PROTOCOL,
    )


def parse_scopes(value: str) -> list[str]:
    scopes = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in scopes if s not in SCOPES]
    if not scopes or bad:
        raise argparse.ArgumentTypeError(f"scopes are a comma-separated subset of {','.join(SCOPES)}")
    return scopes


def parse_rate_limit(value: str) -> str:
    from leadapi.api.ratelimit import check_limits

    try:
        return check_limits(value.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadapi", description="Headless lead management API.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the API (settings: LEADAPI_HOST, LEADAPI_PORT, LEADAPI_WORKERS)")
    worker = sub.add_parser(
        "worker",
        help="run the background work alone (event numbering, jobs, time-based rescoring, cleanup); "
        "set LEADAPI_BACKGROUND_IN_SERVE=false on the API processes",
    )
    worker.add_argument(
        "--metrics-port", type=int, help="serve Prometheus /metrics on this port (none by default)"
    )
    worker.add_argument("--metrics-host", default="127.0.0.1", help="the address it listens on")
    m = sub.add_parser("migrate", help="migrate the database to the latest schema")
    m.add_argument("revision", nargs="?", default="head")
    sub.add_parser("init", help="migrate, and create a workspace and an admin key if there is none")
    sealing = sub.add_parser(
        "secrets", help="the keys that seal stored secrets (LEADAPI_SECRET_KEYS)"
    ).add_subparsers(dest="secrets_command", required=True)
    sealing.add_parser("new-key", help="print a new sealing key (put it first in LEADAPI_SECRET_KEYS)")
    sealing.add_parser(
        "reseal",
        help="seal every stored secret under the first key (after a rotation; then drop the old key)",
    )
    keys = sub.add_parser("keys", help="manage API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="create an API key and print it (shown once)")
    create.add_argument("--scopes", type=parse_scopes, default=["read", "write"], help="e.g. read,write")
    create.add_argument("--name", default="cli")
    create.add_argument("--workspace", help="workspace id (default: the first; created if none)")
    create.add_argument("--quiet", action="store_true", help="print only the key")
    create.add_argument(
        "--rate-limit",
        type=parse_rate_limit,
        help="the key's own rate limit, e.g. 100/second;3000/minute (default: LEADAPI_RATE_LIMIT)",
    )
    listing = keys.add_parser("list", help="list API keys (JSON)")
    listing.add_argument("--workspace")
    revoke = keys.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("key_id")
    revoke.add_argument("--workspace")
    defaults = sub.add_parser(
        "defaults",
        help="install the activation defaults (inactive automations and the tracks they name) in a "
        "workspace made before them; idempotent: what it was given once is not made again (JSON)",
    )
    defaults.add_argument("--workspace", help="workspace id (default: the first)")
    imp = sub.add_parser(
        "import",
        help="capture leads from a CSV or NDJSON file (deduplicated and scored as over the API); "
        "exit 0: all imported, 3: some rows refused (see --errors), 1: failed, 2: bad arguments "
        "(a missing file)",
    )
    imp.add_argument("file", type=Path, help="the file; - reads standard input")
    imp.add_argument("--format", choices=FORMATS, help="default: from the file's extension, else csv")
    imp.add_argument("--workspace", help="workspace id (default: the first)")
    imp.add_argument("--overwrite", action="store_true", help="file values replace existing ones on merge")
    imp.add_argument("--errors", type=Path, help="write one NDJSON line per refused row here")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    exp = sub.add_parser(
        "export",
        help="write leads as CSV or NDJSON, oldest first; exit 0: done, 1: failed, 2: bad arguments "
        "(a bad --filter)",
    )
    exp.add_argument("--format", choices=FORMATS, default="csv")
    exp.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    exp.add_argument("--workspace", help="workspace id (default: the first)")
    exp.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="FIELD[OP]=VALUE",
        help="as on GET /v1/leads, e.g. country=US or score[gte]=40; repeatable",
    )
    exp.add_argument("--query", help="text search in email, names, company")
    exp.add_argument(
        "--sort",
        default="created_at",
        help="as on GET /v1/leads, e.g. --sort=-score or --sort=company,-created_at (default: "
        "created_at, oldest first)",
    )
    mcp_help = (
        "serve the MCP server on stdio for an AI agent, as the API key in LEADAPI_API_KEY "
        "(streamable HTTP is at /mcp of `leadapi serve`); exit 2: no key, 1: key unknown"
    )
    mcp = sub.add_parser("mcp", help=mcp_help, description=mcp_help[0].upper() + mcp_help[1:] + ".")
    mcp.add_argument(
        "--background",
        action="store_true",
        help="also run the background work (numbering events for the change feed, webhooks, SLA "
        "sweeps, rescoring) until the agent hangs up; for an agent with no `leadapi serve` or "
        "`leadapi worker` on its database",
    )
    rollups = sub.add_parser("rollups", help="the report rollups").add_subparsers(
        dest="rollups_command", required=True
    )
    rebuild = rollups.add_parser(
        "rebuild",
        help="work out again what each lead created over the days --from, --to (in the workspace's "
        "report time zone) adds to the report rollups, and move what changed, holding the rollup "
        "consumer's position meanwhile",
    )
    rebuild.add_argument("--from", dest="start", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    rebuild.add_argument(
        "--to", dest="end", type=date.fromisoformat, required=True, help="YYYY-MM-DD (exclusive)"
    )
    rebuild.add_argument("--workspace", help="workspace id (default: the first)")
    sim = sub.add_parser(
        "simulate",
        help="write a synthetic population into a workspace through the services (leads, behaviour, "
        "owners, routing, conversions drawn from a hidden propensity), ending now: for demos, "
        "backtests and tests",
    )
    sim.add_argument("--leads", type=int, default=10_000, help="how many leads (default 10000)")
    sim.add_argument("--days", type=int, default=180, help="over how many days, ending now (default 180)")
    sim.add_argument("--seed", type=int, default=1, help="the same seed writes the same population")
    sim.add_argument("--workspace", help="workspace id (default: the first; created if none)")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")
    oa = sub.add_parser("openapi", help="print the OpenAPI document")
    oa.add_argument("--output", "-o", help="write to this file instead of stdout")
    return parser


class UsageError(Exception):
    """Bad arguments found after parsing (a missing input file, a bad --filter): exit 2, as
    argparse exits for the ones it finds."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    try:
        return _run(args, settings)
    except KeyboardInterrupt:
        return 130
    except UsageError as exc:
        print(f"leadapi {args.command}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # one clear line, not a traceback
        print(f"leadapi: {one_line(exc)}", file=sys.stderr)
        return 1


def one_line(exc: Exception) -> str:
    """What went wrong, on one line: a database driver's message without the SQL, its
    parameters and SQLAlchemy's link, plus the likely fix for a database that is not migrated."""
    from sqlalchemy.exc import DBAPIError

    from leadapi.errors import ProblemError

    if isinstance(exc, ProblemError):
        return exc.detail
    if isinstance(exc, DBAPIError):
        driver = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        missing = "no such table" in driver or ("relation" in driver and "does not exist" in driver)
        hint = " (is the database migrated? `leadapi migrate`)" if missing else ""
        return f"database error: {driver}{hint}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        serve(settings)
    elif args.command == "worker":
        from leadapi.background import run_worker
        from leadapi.db import utcnow
        from leadapi.services import build_services

        address = None if args.metrics_port is None else (args.metrics_host, args.metrics_port)
        asyncio.run(run_worker(build_services(settings, utcnow), address))
    elif args.command == "migrate":
        migrate(settings, args.revision)
    elif args.command == "init":
        migrate(settings)
        secret = asyncio.run(_bootstrap(settings))
        if secret:
            print_key_banner(secret, settings)
        else:
            print("leadapi: already initialised (API keys exist); create more with `leadapi keys create`.")
    elif args.command == "secrets":
        if args.secrets_command == "new-key":
            from leadapi.sealing import new_key

            print(new_key())
        else:
            print(f"leadapi: resealed {asyncio.run(reseal_secrets(settings))} rows")
    elif args.command == "keys":
        if args.keys_command == "create":
            secret = asyncio.run(
                create_key(settings, args.name, args.scopes, args.workspace, args.rate_limit)
            )
            print(secret if args.quiet else f"API key (shown once): {secret}")
        elif args.keys_command == "list":
            print(json.dumps(asyncio.run(_list_keys(settings, args.workspace)), indent=2))
        else:
            asyncio.run(_revoke_key(settings, args.key_id, args.workspace))
            print(f"revoked {args.key_id}")
    elif args.command == "defaults":
        print(json.dumps(asyncio.run(_install_defaults(settings, args.workspace)), indent=2))
    elif args.command == "import":
        if str(args.file) != "-" and not args.file.is_file():
            raise UsageError(f"no such file: {args.file}")
        return asyncio.run(_import_leads(settings, args))
    elif args.command == "export":
        written = asyncio.run(_export_leads(settings, args))
        print(f"leadapi: exported {written} leads", file=sys.stderr)
    elif args.command == "mcp":
        return asyncio.run(_serve_mcp(settings, args.background))
    elif args.command == "rollups":
        if args.start >= args.end:
            raise UsageError("--from must be before --to")
        counted = asyncio.run(_rebuild_rollups(settings, args.workspace, args.start, args.end))
        print(f"leadapi: rollups rebuilt over {counted} leads", file=sys.stderr)
    elif args.command == "simulate":
        if args.leads < 1 or args.days < 1:
            raise UsageError("--leads and --days must be at least 1")
        print(json.dumps(asyncio.run(_simulate(settings, args))))
    elif args.command == "openapi":
        from leadapi.app import create_app

        document = json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True) + "\n"
        if args.output:
            Path(args.output).write_text(document)
        else:
            sys.stdout.write(document)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
