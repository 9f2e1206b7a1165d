"""Keeping the report rollups current: a consumer of the numbered event log, and the rebuild of a
range.

For each workspace with numbered events, the consumer keeps a position in the event log. One batch,
in one transaction: the position row locked (SKIP LOCKED on PostgreSQL, so workers cooperate and
none waits), the events after it read, every lead they are about (and the lead a merge took in)
read again as it is now, what it adds to the rollups compared with what it added before (its
snapshot), the differences added to the rollup rows, the snapshots replaced, and the position moved
past the batch. Rows, snapshots and position commit together, so an event is gone through exactly
once whatever crashes; and since each event re-reads its lead, going over one twice would change
nothing either.

So a late event (its occurred_at in the past), a merge or an erasure changes the rollups of the
day the lead was created, however long ago: the lead's contribution moves, not the event's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.events.consumers import behind_statement as consumers_behind
from leadapi.events.consumers import claim_position, run_round
from leadapi.reports.rollup_engine import Contribution, Delta, changes_of
from leadapi.reports.rollup_repository import RollupRepository, cursors, missing_cursors_statement

BATCH = 5000  # events per workspace per transaction
REBUILD_BATCH = 5000  # leads per statement of a rebuild
REBUILD_ROWS = 200_000  # rollup rows a rebuild holds before it writes them
REBUILD_SET_BATCH = 250_000  # leads per batch of a set-based rebuild (PostgreSQL)


def behind_statement(limit: int) -> Select[Any]:
    """Workspaces whose rollups are behind their numbered events."""
    return consumers_behind(cursors, limit)


class RollupFlow:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    async def consume(self, conn: AsyncConnection, workspace_id: str, limit: int = BATCH) -> int | None:
        """One batch of the workspace's events in the caller's transaction: how many it went
        through (None: another worker holds the position)."""
        position = await claim_position(conn, cursors, workspace_id)
        if position is None:
            return None
        repo = RollupRepository(conn, workspace_id)
        batch = await repo.feed(position, limit)
        if batch:
            await repo.prepare()
            await repo.refresh_statistics()
        if not batch:
            return 0
        lead_ids = sorted(
            {e["lead_id"] for e in batch if e["lead_id"]} | {e["merged"] for e in batch if e["merged"]}
        )
        before = await repo.snapshots_of(lead_ids)
        after = await repo.contributions_of(lead_ids)
        delta: Delta = {}
        saved: dict[str, Contribution] = {}
        moves: list[tuple[Contribution | None, Contribution | None]] = []
        for lead_id in lead_ids:
            old, new = before.get(lead_id), after.get(lead_id)
            if old == new:
                continue
            moves.append((old, new))
            if new is not None:
                saved[lead_id] = new
        changes_of(moves, delta)
        await repo.add(delta)
        gone = [i for i in lead_ids if i in before and i not in after]
        await repo.save_snapshots(saved, gone)
        await repo.move_cursor(batch[-1]["seq"], self.clock())
        return len(batch)

    async def rebuild(
        self, conn: AsyncConnection, workspace_id: str, start: date, end: date, *, lead_by_lead: bool = False
    ) -> int:
        """Each lead created over the days [start, end) of the workspace's time zone made again:
        its contribution worked out anew and the difference from its snapshot added (so the
        rollups of other leads, and days outside the range these leads count on, stay right), in
        the caller's transaction, holding the consumer's position meanwhile (it waits for a
        worker's batch to end, and the worker for it). Returns the leads counted.

        On PostgreSQL the database works it out, set-based; on SQLite (or `lead_by_lead`, which
        the bench and tests compare it with) each lead's contribution is worked out here."""
        repo = RollupRepository(conn, workspace_id)
        await repo.ensure_cursor(self.clock())
        await conn.execute(
            cursors.select().where(cursors.c.workspace_id == workspace_id).with_for_update()
            if conn.dialect.name == "postgresql"
            else cursors.select().where(cursors.c.workspace_id == workspace_id)
        )
        await repo.prepare()
        since = datetime.combine(start, time(), repo.zone).astimezone(UTC)
        until = datetime.combine(end, time(), repo.zone).astimezone(UTC)
        if conn.dialect.name == "postgresql" and not lead_by_lead:
            return await self._rebuild_set_based(repo, since, until)
        counted = 0
        cursor: tuple[datetime, str] | None = None
        # Rows added up over many batches before they are written: leads come by creation time,
        # so a day's and a month's rows are written about once, not once per batch.
        delta: Delta = {}
        while True:
            batch = await repo.leads_created(since, until, cursor, REBUILD_BATCH)
            before = await repo.snapshots_of([lead_id for lead_id, _, _ in batch])
            saved = {lead_id: c for lead_id, c, _ in batch if before.get(lead_id) != c}
            changes_of([(before.get(lead_id), c) for lead_id, c in saved.items()], delta)
            await repo.save_snapshots(saved, [])
            counted += len(batch)
            done = len(batch) < REBUILD_BATCH
            if done or len(delta) >= REBUILD_ROWS:
                await repo.add(delta)
                delta = {}
            if done:
                return counted
            cursor = (batch[-1][2], batch[-1][0])

    async def _rebuild_set_based(self, repo: RollupRepository, since: datetime, until: datetime) -> int:
        """PostgreSQL: the same, worked out by the database (INSERT ... SELECT ... GROUP BY) in
        batches of leads, none of their rows read into the process."""
        counted = 0
        cursor: tuple[datetime, str] | None = None
        while True:
            n, cursor = await repo.rebuild_batch(since, until, cursor, REBUILD_SET_BATCH)
            counted += n
            if n < REBUILD_SET_BATCH:
                return counted


class RollupConsumer:
    """Keeps the rollups current for this process; any number of processes cooperate (each
    workspace's position is claimed with SKIP LOCKED)."""

    def __init__(self, db: Database, flow: RollupFlow, batch: int = BATCH) -> None:
        self.db = db
        self.flow = flow
        self.batch = batch

    async def run_once(self, workspace_id: str | None = None) -> bool:
        """One round: new workspaces get a position, then a batch for each workspace behind (or
        for this one), each committed on its own; True when it took in any events (there may be
        more by now)."""
        async with self.db.transaction() as conn:
            if workspace_id is None:
                await conn.execute(missing_cursors_statement(self.flow.clock(), conn.dialect.name))
            else:
                await RollupRepository(conn, workspace_id).ensure_cursor(self.flow.clock())

        async def step(conn: AsyncConnection, ws: str) -> bool:
            # Any events taken in: go again at once rather than after the interval, so under a
            # steady inflow the lag is about two rounds, not a round plus the interval.
            return bool(await self.flow.consume(conn, ws, self.batch))

        return await run_round(self.db, behind_statement, step, workspace_id)
