"""The step sweep, and the exit watch (below). The sweep: one round takes the active enrolments
whose next step is due, in every workspace, one step on each (`track.step_due`,
`track.step_skipped`, `track.step_deferred`, `track.exited`, `track.completed`).

A sweep over a partial index on the next due time (active enrolments only), so a round costs what
is due, not the number of enrolments. One transaction per round: the enrolments are claimed with
SKIP LOCKED (PostgreSQL), so several workers split the queue and an enrolment a request is
changing waits for a later round.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.events.consumers import run_round
from leadapi.tracks.repository import behind_statement
from leadapi.tracks.service import TrackService

SWEEP_BATCH = 200
WATCH_BATCH = 500  # events per workspace per transaction


async def sweep_once(db: Database, tracks: TrackService, now: datetime) -> tuple[int, bool]:
    """One round over the steps due by `now`: (enrolments taken on, whether more may be due)."""
    async with db.transaction() as conn:
        taken = await tracks.run_due(conn, now, SWEEP_BATCH)
    return taken, taken == SWEEP_BATCH


class ExitWatch:
    """Ends enrolments as soon as a lead change meets the exit rules: a consumer of the numbered
    event log with its own position per workspace, its exits and position committed together, any
    number of processes cooperating (each workspace's position is claimed with SKIP LOCKED). The
    step sweep checks the same rules at each due step, so a lagging watch loses nothing."""

    def __init__(self, db: Database, tracks: TrackService, batch: int = WATCH_BATCH) -> None:
        self.db = db
        self.tracks = tracks
        self.batch = batch

    async def run_once(self, workspace_id: str | None = None) -> bool:
        """One round: a batch for each workspace behind (or for this one), each committed on its
        own; True when there may be more to do."""

        async def step(conn: AsyncConnection, ws: str) -> bool:
            return await self.tracks.watch(conn, ws, self.batch) == self.batch

        return await run_round(self.db, behind_statement, step, workspace_id)
