"""Reads that may lag the primary: a PostgreSQL streaming replica (`read_database_url`), or the
primary itself when no replica is configured or the replica cannot be reached.

A hot standby replays the primary's write-ahead log in commit order, so any one statement on it
sees the primary as it was at some earlier moment: every transaction committed up to a point, and
none after. Reports, lead lists, search, exports and the change feed read it; writes, and reads
that must see the caller's own writes (a lead fetched for its ETag, a timeline after an event),
stay on the primary.

A replica that fails to hand out a connection (down, restarting, unreachable) sends its reads to
the primary, with a warning, for `read_database_retry_seconds`; the next read after that tries it
again. Only the checkout falls back: a replica lost in the middle of a statement fails that
request, as a lost primary would.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
from prometheus_client import Counter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from leadapi.db import Database, utcnow

log = logging.getLogger("leadapi.replica")

# What a checkout can fail with when the server is gone, refusing, starting or shutting down.
UNREACHABLE = (OSError, TimeoutError, SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError)

# On the replica: how far it has replayed, and when the last transaction it replayed committed on
# the primary. On the primary: how far its log is ahead of that point, in bytes.
_REPLAYED = text(
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(), now()"
)
_BEHIND = text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), CAST(CAST(:lsn AS text) AS pg_lsn))")


@dataclass(frozen=True)
class ReplicaLag:
    """The replica as a scrape finds it: reachable or not, and (when it is a standby) how far
    behind the primary it is."""

    up: bool
    bytes: float | None = None
    seconds: float | None = None


class ReadDatabase:
    """Where reads that may lag run: the replica's engine, or the primary's."""

    def __init__(
        self,
        primary: Database,
        replica: AsyncEngine | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        retry_after: timedelta = timedelta(seconds=5),
        fallbacks: Counter | None = None,
    ) -> None:
        self.primary = primary
        self.replica = replica
        self.clock = clock
        self.retry_after = retry_after
        self.fallbacks = fallbacks
        self._down_until: datetime | None = None

    @property
    def configured(self) -> bool:
        return self.replica is not None

    @asynccontextmanager
    async def statements(self) -> AsyncIterator[AsyncConnection]:
        """A connection whose statements each run on their own (Database.read_statements), on the
        replica when it answers."""
        conn = await self._replica_connection()
        if conn is None:
            async with self.primary.read_statements() as primary:
                yield primary
            return
        try:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn
        finally:
            await conn.close()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncConnection]:
        """One read transaction (Database.read), on the replica when it answers."""
        conn = await self._replica_connection()
        if conn is None:
            async with self.primary.read() as primary:
                yield primary
            return
        try:
            async with conn.begin():
                yield conn
        finally:
            await conn.close()

    async def lag(self) -> ReplicaLag | None:
        """How far behind the primary the replica is (None: no replica configured). Bytes: the
        primary's log beyond what the replica replayed. Seconds: 0 when it replayed everything,
        else how long ago the last transaction it replayed committed (so a paused or stuck replica
        shows a growing lag). A scrape that reaches a replica marked down brings it back."""
        if self.replica is None:
            return None
        try:
            async with self.replica.connect() as conn:
                recovering, lsn, replayed_at, now = (await conn.execute(_REPLAYED)).one()
        except UNREACHABLE as exc:
            self._failed(exc)
            return ReplicaLag(up=False)
        self._reached()
        if not recovering or lsn is None:
            return ReplicaLag(up=True)  # not a standby (promoted, or a plain server): no lag to tell
        async with self.primary.engine.connect() as conn:
            behind = max(0.0, float((await conn.execute(_BEHIND, {"lsn": lsn})).scalar_one()))
        seconds: float | None = 0.0
        if behind > 0:
            seconds = None if replayed_at is None else max(0.0, (now - replayed_at).total_seconds())
        return ReplicaLag(up=True, bytes=behind, seconds=seconds)

    async def _replica_connection(self) -> AsyncConnection | None:
        """A started connection to the replica, or None: its reads go to the primary."""
        if self.replica is None:
            return None
        if self._down_until is not None and self.clock() < self._down_until:
            self._fell_back()
            return None
        conn = self.replica.connect()
        try:
            await conn.start()  # checks a pooled connection out (pinged) or opens one
        except UNREACHABLE as exc:
            self._failed(exc)
            self._fell_back()
            return None
        self._reached()
        return conn

    def _fell_back(self) -> None:
        if self.fallbacks is not None:
            self.fallbacks.inc()

    def _failed(self, exc: BaseException) -> None:
        self._down_until = self.clock() + self.retry_after
        log.warning(
            "read replica unreachable (%s: %s): its reads go to the primary for %.0f s",
            type(exc).__name__,
            str(exc).splitlines()[0] if str(exc) else "",
            self.retry_after.total_seconds(),
        )

    def _reached(self) -> None:
        if self._down_until is not None:
            self._down_until = None
            log.info("read replica reachable again: its reads go to it")

    async def dispose(self) -> None:
        if self.replica is not None:
            await self.replica.dispose()
