"""The step sweep: one round takes the active enrolments whose next step is due, in every
workspace, one step on each (`track.step_due`, `track.step_skipped`, `track.step_deferred`,
`track.exited`, `track.completed`).

A sweep over a partial index on the next due time (active enrolments only), so a round costs what
is due, not the number of enrolments. One transaction per round: the enrolments are claimed with
SKIP LOCKED (PostgreSQL), so several workers split the queue and an enrolment a request is
changing waits for a later round.
"""

from __future__ import annotations

from datetime import datetime

from leadapi.db import Database
from leadapi.tracks.service import TrackService

SWEEP_BATCH = 200


async def sweep_once(db: Database, tracks: TrackService, now: datetime) -> tuple[int, bool]:
    """One round over the steps due by `now`: (enrolments taken on, whether more may be due)."""
    async with db.transaction() as conn:
        taken = await tracks.run_due(conn, now, SWEEP_BATCH)
    return taken, taken == SWEEP_BATCH
