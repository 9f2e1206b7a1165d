"""Finding duplicate candidates as leads change, and merging a pair.

Detection is a consumer of the numbered event log: for each workspace it keeps a position, and
one batch, in one transaction, reads the events after it, files every lead they are about under
its blocking keys again and decides its pairs (duplicates/service.py), and moves the position
past the batch; keys, pairs and position commit together. So a capture costs nothing more in its
own request (its one-statement fast path stays one statement), and a lead's candidates are found
moments after it is captured or changed. A workspace met for the first time is followed from its
latest event and swept once (its leads from before: a step of the sweep per transaction, after
the batch of events, duplicates/service.py).

A merge of a pair is a lead merge (LeadService.merge: the older lead keeps the newer one's history)
with the pair recorded as merged in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.duplicates.repository import DuplicateRepository, behind_statement
from leadapi.duplicates.service import DuplicateService
from leadapi.errors import ProblemError
from leadapi.events.consumers import run_round
from leadapi.events.repository import EventRepository
from leadapi.leads.service import LeadService
from leadapi.principal import Principal

BATCH = 500  # events per workspace per transaction
# What changes a lead's fields (and so its keys), or takes it away.
_CHANGING = frozenset({"lead.created", "lead.updated", "lead.merged", "lead.enriched"})


class DuplicateFlow:
    def __init__(self, duplicates: DuplicateService, leads: LeadService) -> None:
        self.duplicates = duplicates
        self.leads = leads

    async def consume(self, conn: AsyncConnection, workspace_id: str, limit: int = BATCH) -> int | None:
        """One batch of the workspace's events (and one of its sweep, when under way), in the
        caller's transaction: how many events it went through (None: another worker holds it)."""
        repo = DuplicateRepository(conn, workspace_id)
        position = await repo.claim_position(self.duplicates.clock())
        if position is None:
            return None
        batch = await EventRepository(conn, workspace_id).feed(position, None, limit)
        changed: set[str] = set()
        gone: set[str] = set()
        for event in batch:
            lead_id = event["lead_id"]
            if lead_id is None:
                continue
            if event["type"] in _CHANGING:
                changed.add(lead_id)
            if event["type"] == "lead.deleted":
                gone.add(lead_id)
            merged_away = (
                (event["data"] or {}).get("merged_lead_id") if event["type"] == "lead.merged" else None
            )
            if merged_away:
                gone.add(merged_away)
                # A merge made outside the queue settles the pair too.
                await self.duplicates.mark_merged(conn, workspace_id, lead_id, merged_away, event["actor"])
        await self.duplicates.detect(conn, workspace_id, changed | gone)
        if batch:
            await repo.move_position(batch[-1]["seq"], self.duplicates.clock())
        if len(batch) < limit:
            await self.duplicates.sweep_step(conn, workspace_id)
        return len(batch)

    async def merge(self, conn: AsyncConnection, principal: Principal, pair_id: str) -> dict[str, Any]:
        """The pair's newer lead merged into its older one (every record of its history moves,
        `lead.merged` names both), the pair recorded as merged: the merged lead and the pair."""
        pair = await self.duplicates.get(conn, principal, pair_id, lock=True)
        if pair["status"] != "pending":
            raise ProblemError(409, f"Duplicate pair {pair_id!r} is {pair['status']} already.")
        try:
            lead = await self.leads.merge(conn, principal, pair["lead_id"], pair["other_lead_id"])
        except ProblemError as exc:
            if exc.status in (404, 422):  # one of the two was erased or merged away meanwhile
                raise ProblemError(
                    409, f"Duplicate pair {pair_id!r}: one of its leads no longer exists."
                ) from None
            raise
        done = await self.duplicates.merged(conn, principal.workspace_id, pair, principal.key_id)
        return {"lead": lead, "pair": done}


class DuplicateConsumer:
    """Keeps duplicate candidates current for this process; any number of processes cooperate
    (each workspace's position is claimed with SKIP LOCKED)."""

    def __init__(self, db: Database, flow: DuplicateFlow, batch: int = BATCH) -> None:
        self.db = db
        self.flow = flow
        self.batch = batch

    async def run_once(self, workspace_id: str | None = None) -> bool:
        """One round: a batch for each workspace behind (or for this one), each committed on its
        own; True when there may be more to do (a full batch, or a sweep under way)."""

        async def step(conn: AsyncConnection, ws: str) -> bool:
            went = await self.flow.consume(conn, ws, self.batch)
            return went == self.batch or bool((await DuplicateRepository(conn, ws).sweep_state())["sweeping"])

        return await run_round(self.db, behind_statement, step, workspace_id)
