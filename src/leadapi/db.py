"""Engine, session factory, declarative Base and the column types every domain shares.

The same models run on SQLite (embedded default) and PostgreSQL, so portable types live here:
timestamps are always timezone-aware UTC, and JSON is JSONB on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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
    url: str, *, pool_size: int = 10, max_overflow: int = 10, echo: bool = False
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
        pool_pre_ping=False,
        connect_args={
            # Statements are prepared once per connection and reused: most of our hot path.
            "prepared_statement_cache_size": 500,
            # Plans from the average workspace, not from the one in the parameters: a workspace
            # newer than the table's statistics looks empty to a custom plan, which then walks
            # all its leads through any (workspace_id, ...) index instead of the email one (the
            # dedupe lookup took 8 ms at 12k leads and grew with every capture). Every query is
            # scoped by workspace, and the average is the safer guess.
            "server_settings": {"plan_cache_mode": "force_generic_plan"},
        },
    )


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

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Database.read_statements: each statement its own read, no write lock taken.
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The process's engine plus the transaction helper services use."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One unit of work: committed on success, rolled back on any exception."""
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def asyncpg_connection(self) -> AsyncIterator[Any]:
        """The pooled connection's own asyncpg connection, for the few statements where
        SQLAlchemy's per-execute work (greenlet hop, bind processing) is the biggest cost.
        Statements run on it autocommit, so use it for single atomic statements only."""
        pooled = await self.engine.raw_connection()
        try:
            yield pooled.driver_connection
        finally:
            pooled.close()  # back to the pool

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (a transaction too, so reads see one snapshot)."""
        async with self.engine.begin() as conn:
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
