"""The overdue sweep: one round reports the open tasks that passed their due time, in every
workspace, once each (`task.overdue`).

A sweep over an index on the due time (partial: open tasks not yet reported), so a round costs
what is due, not the size of the table. One transaction per round: the tasks are claimed with
SKIP LOCKED (PostgreSQL), so several workers split the queue and a task a request is changing
waits for a later round.
"""

from __future__ import annotations

from datetime import datetime

from leadapi.db import Database
from leadapi.tasks.service import TaskService

SWEEP_BATCH = 200


async def sweep_once(db: Database, tasks: TaskService, now: datetime) -> tuple[int, bool]:
    """One round over the tasks due by `now`: (tasks reported, whether more may be due)."""
    async with db.transaction() as conn:
        reported = await tasks.report_overdue(conn, now, SWEEP_BATCH)
    return reported, reported == SWEEP_BATCH
