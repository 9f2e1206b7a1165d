"""Engine, session factory, declarative Base and the column types every domain shares.

The same models run on SQLite (embedded default) and PostgreSQL, so portable types live here:
timestamps are always timezone-aware UTC, and JSON is JSONB on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ColumnElement, DateTime, ForeignKeyConstraint, MetaData, event, literal_column
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine import Dialect as SyncDialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic autogenerate and hand-written revisions agree.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_CONSTANT = re.compile(r"[a-z_.]{1,40}")


def constant(value: str) -> ColumnElement[str]:
    """A string written into the SQL rather than bound: for a status that a partial index is
    defined by (`WHERE status = 'pending'`). A prepared statement planned generically (asyncpg
    prepares, and PostgreSQL goes generic after five runs) cannot match a bound parameter against
    the index predicate, and falls back to scanning the table."""
    if not _CONSTANT.fullmatch(value):
        raise ValueError(f"{value!r} is not a plain status word")
    return literal_column(f"'{value}'")


T = TypeVar("T")
log = logging.getLogger("leadapi.db")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def workspace_fk(column: str, target: str, **options: Any) -> ForeignKeyConstraint:
    """A foreign key that stays inside the row's workspace: (column, workspace_id) references
    (target, its workspace_id). The distribution key rule (docs/scaling.md): a row and the row it
    points to live on the same shard, and the key itself says so, not just the application."""
    table = target.split(".")[0]
    return ForeignKeyConstraint([column, "workspace_id"], [target, f"{table}.workspace_id"], **options)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out; SQLite stores naive UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return as_utc(value)


def as_utc(value: datetime | None) -> datetime | None:
    """An aware time in UTC; a naive one is read as UTC (what the API promises for times given
    without an offset)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSON documents: JSONB on PostgreSQL (indexable, containment operators), JSON text on SQLite.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    echo: bool = False,
    pre_ping: bool = False,
    connect_timeout: float = 60.0,
    pool_timeout: float = 30.0,
) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        # The primary's connections are trusted (a lost one fails its request); a replica's are
        # checked at checkout, so a replica that restarted is met at the checkout, where its
        # reads can still go to the primary, not in the middle of a request.
        pool_pre_ping=pre_ping,
        connect_args={
            "timeout": connect_timeout,
            # Statements are prepared once per connection and reused: most of our hot path.
            "prepared_statement_cache_size": 500,
            # Plans from the average workspace, not from the one in the parameters: a workspace
            # newer than the table's statistics looks empty to a custom plan, which then walks
            # all its leads through any (workspace_id, ...) index instead of the email one (the
            # dedupe lookup then grows with every capture). Every query is scoped by workspace,
            # and the average is the safer guess.
            "server_settings": {"plan_cache_mode": "force_generic_plan"},
        },
    )


def local_day(stored: str | None, zone: str, unit: str) -> str | None:
    """SQLite's stored naive-UTC text time -> the first day (YYYY-MM-DD) of its day, Monday-started
    week or month in the IANA zone."""
    if stored is None:
        return None
    local = datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()
    if unit == "week":
        local -= timedelta(days=local.weekday())
    elif unit == "month":
        local = local.replace(day=1)
    return local.isoformat()


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE.

    SQLite allows one writer. A deferred transaction that reads and then writes can fail with
    "database is locked" when another connection wrote in between; taking the write lock at BEGIN
    makes concurrent requests in one process queue (busy timeout) instead of failing.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite knows no time zones: report days in a workspace's zone come from Python.
        dbapi_connection.create_function("leadapi_local_day", 3, local_day, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Database.read_statements: each statement its own read, no write lock taken.
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass(frozen=True)
class _Shared:
    """The request-scoped transaction that nested units of work join (see shared_transaction)."""

    db: Database
    conn: AsyncConnection
    # Only the task that opened it joins: a task spawned meanwhile copies the context but runs
    # concurrently, and one connection cannot carry two conversations at once.
    task: asyncio.Task[Any] | None


_shared: ContextVar[_Shared | None] = ContextVar("leadapi_shared_transaction", default=None)


class Database:
    """The process's engine plus the transaction helper services use."""

    def __init__(self, engine: AsyncEngine, *, fast_paths: bool = True) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # The one-statement paths are written for PostgreSQL alone; the setting can force the
        # general path there too, so the two can be compared.
        self.fast_paths = fast_paths and self.is_postgres

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def shared_transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction for a whole request: every transaction(), read() and
        asyncpg_connection() opened inside it (in this task) runs on its connection, in a
        savepoint, so all the request's effects commit together, with whatever the caller writes
        on the connection too (an idempotent request's stored response), or not at all."""
        async with self.engine.begin() as conn:
            token = _shared.set(_Shared(self, conn, asyncio.current_task()))
            try:
                yield conn
            finally:
                _shared.reset(token)

    def _joined(self) -> AsyncConnection | None:
        shared = _shared.get()
        if shared is None or shared.db is not self or shared.task is not asyncio.current_task():
            return None
        return shared.conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One unit of work: committed on success, rolled back on any exception. Inside a shared
        transaction, a savepoint of it: undone alone on an exception, committed with it."""
        joined = self._joined()
        if joined is not None:
            async with joined.begin_nested():
                yield joined
            return
        conn = UnitConnection(self.engine)
        try:
            yield conn
        except BaseException:
            await conn.finish(commit=False)
            raise
        await conn.finish(commit=True)

    @asynccontextmanager
    async def asyncpg_connection(self) -> AsyncIterator[Any]:
        """The pooled connection's own asyncpg connection, for the few statements where
        SQLAlchemy's per-execute work (greenlet hop, bind processing) is the biggest cost.
        Statements run on it autocommit, so use it for single atomic statements only. Inside a
        shared transaction they run in it instead, each in a savepoint of its own, so each is
        still atomic alone and a failed one (a unique violation the caller expects) undoes only
        itself."""
        joined = self._joined()
        if joined is not None:
            raw: Any = (await joined.get_raw_connection()).driver_connection
            if not raw.is_in_transaction():
                # SQLAlchemy sends BEGIN with its first statement; the savepoints need it first.
                await joined.exec_driver_sql("SELECT 1")
            yield _SavepointPerStatement(raw)
            return
        pooled = await self.engine.raw_connection()
        try:
            yield pooled.driver_connection
        finally:
            pooled.close()  # back to the pool

    @staticmethod
    async def driver(conn: AsyncConnection) -> Any:
        """The caller's connection as asyncpg sees it, for the one-statement fast paths. Outside a
        transaction (nothing executed yet on `conn`: SQLAlchemy begins lazily, with the first
        statement) each statement commits on its own; inside one, each runs in a savepoint of it,
        so a statement that fails (a unique violation the caller expects) undoes only itself."""
        if isinstance(conn, UnitConnection):
            return await conn.driver()
        return _per_statement((await conn.get_raw_connection()).driver_connection)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (a transaction too, so reads see one snapshot). Inside a shared
        transaction, a savepoint of it, so the request reads its own writes."""
        async with self.transaction() as conn:
            yield conn

    @asynccontextmanager
    async def read_statements(self) -> AsyncIterator[AsyncConnection]:
        """A connection whose statements each run on their own (autocommit): no BEGIN and COMMIT
        round trips on PostgreSQL, no write lock on SQLite. For reads that need no common snapshot,
        such as one page of a keyset list (the cursor, not a snapshot, keeps pages consistent)."""
        async with self.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()


class UnitConnection(AsyncConnection):
    """The connection of one unit of work (Database.transaction), started when first used.

    A request that a one-statement fast path serves needs only the pooled driver connection:
    `driver()` lends it without building SQLAlchemy's connection around it (a connection object,
    a begin and a commit, each a greenlet hop). The first SQLAlchemy statement gives that pooled
    connection back and starts the connection proper; its transaction begins with that
    statement (autobegin), and `finish` commits it only if one began.
    """

    __slots__ = ("_lent",)

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._lent: Any = None  # the pooled connection driver() lent before the start

    # Read before the start too (repositories branch on it); the engine's dialect is the one.
    @property  # type: ignore[misc]  # read-only here: nothing sets it
    def dialect(self) -> SyncDialect:
        return self.sync_engine.dialect

    async def driver(self) -> Any:
        """The driver connection: the started connection's own (each statement in a savepoint of
        its transaction, if one began), or one lent from the pool, each statement committing on
        its own."""
        if self.sync_connection is not None:
            return _per_statement((await super().get_raw_connection()).driver_connection)
        if self._lent is None:
            self._lent = await self.engine.raw_connection()
        return self._lent.driver_connection

    async def _started(self) -> None:
        if self.sync_connection is None:
            self._give_back()
            await self.start()

    def _give_back(self) -> None:
        if self._lent is not None:
            lent, self._lent = self._lent, None
            lent.close()  # back to the pool

    async def finish(self, *, commit: bool) -> None:
        """End the unit: commit (or roll back) what began, and give every connection back."""
        try:
            if self.sync_connection is not None and super().in_transaction():
                await (super().commit() if commit else super().rollback())
        finally:
            self._give_back()
            if self.sync_connection is not None:
                await super().close()

    def in_transaction(self) -> bool:
        return self.sync_connection is not None and super().in_transaction()

    def begin(self) -> AsyncTransaction:
        return _StartingTransaction(self)

    def begin_nested(self) -> AsyncTransaction:
        return _StartingTransaction(self, nested=True)

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        await self._started()
        return await super().execute(*args, **kwargs)

    async def exec_driver_sql(self, *args: Any, **kwargs: Any) -> Any:
        await self._started()
        return await super().exec_driver_sql(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        await self._started()
        return await super().scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        await self._started()
        return await super().scalars(*args, **kwargs)

    async def get_raw_connection(self) -> Any:
        await self._started()
        return await super().get_raw_connection()

    async def execution_options(self, **opt: Any) -> Any:
        await self._started()
        return await super().execution_options(**opt)

    async def run_sync(self, *args: Any, **kwargs: Any) -> Any:
        await self._started()
        return await super().run_sync(*args, **kwargs)

    async def commit(self) -> None:
        if self.sync_connection is not None:
            await super().commit()

    async def rollback(self) -> None:
        if self.sync_connection is not None:
            await super().rollback()


class _StartingTransaction(AsyncTransaction):
    """A transaction (or savepoint) of a UnitConnection, which starts the connection first."""

    __slots__ = ()

    async def start(self, is_ctxmanager: bool = False) -> AsyncTransaction:
        assert isinstance(self.connection, UnitConnection)
        await self.connection._started()
        return await super().start(is_ctxmanager)


def _per_statement(raw: Any) -> Any:
    """A driver connection whose statements are each atomic alone: as it is outside a
    transaction (autocommit), in a savepoint of its own inside one."""
    return _SavepointPerStatement(raw) if raw.is_in_transaction() else raw


class _SavepointPerStatement:
    """An asyncpg connection inside a shared transaction, each statement in its own savepoint
    (what asyncpg_connection() promises: every statement atomic on its own)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._raw.transaction():
            return await self._raw.execute(*args, **kwargs)

    async def fetch(self, *args: Any, **kwargs: Any) -> Any:
        async with self._raw.transaction():
            return await self._raw.fetch(*args, **kwargs)

    async def fetchrow(self, *args: Any, **kwargs: Any) -> Any:
        async with self._raw.transaction():
            return await self._raw.fetchrow(*args, **kwargs)

    async def fetchval(self, *args: Any, **kwargs: Any) -> Any:
        async with self._raw.transaction():
            return await self._raw.fetchval(*args, **kwargs)


async def retrying(
    conn: AsyncConnection,
    work: Callable[[], Awaitable[T]],
    *,
    retry_on: tuple[type[BaseException], ...],
    attempts: int = 3,
) -> T:
    """Run `work` in a savepoint of the caller's transaction, and again when it loses a race it
    can win on a second look (`retry_on`: a unique index refusing a concurrent insert, a row
    merged away meanwhile). Only the savepoint is undone; the caller's other writes stay."""
    for attempt in range(1, attempts + 1):
        try:
            async with conn.begin_nested():
                return await work()
        except retry_on:
            if attempt == attempts:
                raise
            log.debug("lost a race, retrying (attempt %d)", attempt)
    raise AssertionError("unreachable")


@contextmanager
def sqlite_foreign_keys_off(bind: Connection) -> Iterator[None]:
    """For a migration that rebuilds SQLite tables (batch mode copies a table, drops it, renames
    the copy): foreign keys off meanwhile, or dropping `leads` would delete every child row through
    its ON DELETE CASCADE. The pragma is ignored inside a transaction, so the one open is committed
    first (what ran before is complete) and a new one begun; the rebuilt tables are checked before
    it commits."""
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:10]}")
        bind.exec_driver_sql("COMMIT")
    except BaseException:
        bind.exec_driver_sql("ROLLBACK")
        raise
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN IMMEDIATE")
