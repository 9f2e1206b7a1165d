"""Archiving inactive leads: a sweep over each archiving workspace's leads by last activity (and
the never-active ones by creation), read from a mark up to the cutoff its settings give, so its
cost follows the leads that became inactive since, not the size of the workspace. Each workspace's
batch, its `lead.archived` events and its new marks commit together; its settings row is claimed
with SKIP LOCKED, so any number of workers cooperate. A lead comes back on its next activity
(events/service.py, leads/service.py: `lead.unarchived`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.events.consumers import run_round
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.hygiene.repository import HygieneRepository, archiving_statement

BATCH = 500  # leads read per kind (by activity, never active) per transaction


class HygieneSweep:
    def __init__(self, db: Database, clock: Callable[[], datetime], batch: int = BATCH) -> None:
        self.db = db
        self.clock = clock
        self.batch = batch

    async def run_once(self, workspace_id: str | None = None) -> bool:
        """One round: a batch for each archiving workspace (or this one), each committed on its
        own; True when there may be more."""
        return await run_round(self.db, archiving_statement, self.step, workspace_id)

    async def step(self, conn: AsyncConnection, workspace_id: str) -> bool:
        repo = HygieneRepository(conn, workspace_id)
        held = await repo.settings(claim=True)
        if held is None or held["archive_inactive_after_days"] is None:
            return False  # another worker holds it, or nothing to do
        now = self.clock()
        days = int(held["archive_inactive_after_days"])
        cutoff = now - timedelta(days=days)
        only = set(held["only_stages"] or ())
        marks: dict[str, object] = {}
        archived: list[tuple[str, datetime]] = []
        more = False
        for by in ("activity", "created"):
            at, lead_id = held[f"{by}_mark_at"], held[f"{by}_mark_id"]
            mark = None if lead_id is None else (at, lead_id)
            rows = await repo.inactive(by, mark, cutoff, self.batch)
            archived += [
                (row["id"], row["at"])
                for row in rows
                if row["archived_at"] is None and (not only or row["stage"] in only)
            ]
            if rows:
                marks.update({f"{by}_mark_at": rows[-1]["at"], f"{by}_mark_id": rows[-1]["id"]})
            more = more or len(rows) == self.batch
        if archived:
            await repo.archive([lead_id for lead_id, _ in archived], now)
            data = {"reason": "inactive", "archive_inactive_after_days": days}
            await EventRepository(conn, workspace_id).append(
                [
                    NewEvent("lead.archived", lead_id, now, {**data, "inactive_since": at.isoformat()}, None)
                    for lead_id, at in archived
                ]
            )
        if marks:
            await repo.move_marks(marks)
        return more
