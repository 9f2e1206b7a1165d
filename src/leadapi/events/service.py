"""Behaviour events: record what a lead did, once, in one transaction with what it changes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import asyncpg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.consent.double_opt_in import confirm_pending
from leadapi.db import Database, retrying
from leadapi.errors import attempt_item, not_found, validation_problem
from leadapi.events.fast import FastEvents
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.events.schemas import CONSENT_CONFIRM, EventIn, TrackedEventIn
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.ids import new_id
from leadapi.leads.service import LeadService
from leadapi.metrics import Metrics
from leadapi.principal import Principal
from leadapi.replica import ReadDatabase
from leadapi.scoring.engine import EventFact
from leadapi.scoring.scorer import ActiveModel, Scorer
from leadapi.stages.service import StageService

log = logging.getLogger("leadapi.events")

# Clocks disagree a little; an event from further in the future is a mistake, not skew.
FUTURE_TOLERANCE = timedelta(minutes=5)
ATTEMPTS = 3
# Optimistic rounds on the fast path before a busy lead goes to the general (locking) path.
FAST_ATTEMPTS = 3
# How often a long-polling feed request looks for new events.
FEED_POLL_SECONDS = 0.2
# Types whose recording changes the lead beyond its score: always the general path.
SPECIAL_TYPES = frozenset({"unsubscribe", CONSENT_CONFIRM})


def shown(row: dict[str, Any], replayed: bool) -> dict[str, Any]:
    return {
        "id": row["id"],
        "lead_id": row["lead_id"],
        "type": row["type"],
        "occurred_at": row["occurred_at"],
        "properties": row["data"],
        "source": row["source"],
        "external_id": row["external_id"],
        "replayed": replayed,
    }


class EventService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        leads: LeadService,
        scorer: Scorer,
        stages: StageService,
        flow: LeadChangeFlow,
        metrics: Metrics | None = None,
        *,
        reads: ReadDatabase | None = None,
    ) -> None:
        self.db = db
        self.reads = reads or ReadDatabase(db)
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.leads = leads
        self.scorer = scorer
        self.stages = stages
        self.flow = flow

    async def record_for_lead(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, data: EventIn
    ) -> dict[str, Any]:
        return await self._record(conn, principal, data, {"lead_id": lead_id})

    async def record(
        self, conn: AsyncConnection, principal: Principal, data: TrackedEventIn
    ) -> dict[str, Any]:
        named = [name for name in ("lead_id", "email", "lead_external_id") if getattr(data, name) is not None]
        if len(named) != 1:
            raise validation_problem(
                [
                    {
                        "field": "lead_id",
                        "message": "name the lead by exactly one of lead_id, email, lead_external_id",
                    }
                ]
            )
        if data.create_lead and data.email is None:
            raise validation_problem([{"field": "create_lead", "message": "creating a lead needs its email"}])
        ref: dict[str, Any] = {"lead_id": data.lead_id, "email": data.email, "create": data.create_lead}
        if data.lead_external_id is not None:
            ref["external"] = (data.lead_external_id.system, data.lead_external_id.id)
        return await self._record(conn, principal, data, ref)

    async def _record(
        self, conn: AsyncConnection, principal: Principal, data: EventIn, ref: dict[str, Any]
    ) -> dict[str, Any]:
        recorded = await self._record_any(conn, principal, data, ref)
        if not recorded.get("replayed"):
            self.metrics.events_ingested.inc()
        return recorded

    async def _record_any(
        self, conn: AsyncConnection, principal: Principal, data: EventIn, ref: dict[str, Any]
    ) -> dict[str, Any]:
        model = await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        now = self.clock()
        occurred_at = data.occurred_at or now
        if occurred_at > now + FUTURE_TOLERANCE:
            raise validation_problem([{"field": "occurred_at", "message": "is in the future"}])
        # The common case, a behaviour event for a lead named by id, takes PostgreSQL's fast
        # path; the rest (touches, and whatever the fast path hands back: replays, a changed
        # model or pipeline, band changes, races) the general one, which also runs on SQLite.
        pipeline = self.stages.pipeline_hint(principal.workspace_id)
        if (
            self.db.fast_paths
            and ref.get("lead_id")
            and data.type not in SPECIAL_TYPES
            and pipeline is not None
            and data.type not in pipeline.touch_types
        ):
            recorded = await self._record_fast(
                conn, principal, data, ref["lead_id"], occurred_at, model, pipeline.version
            )
            if recorded is not None:
                return recorded
        # Two deliveries of one external id can race; the unique index stops the second, whose
        # retry then finds the first and acknowledges it as a replay.
        return await retrying(
            conn,
            partial(self._record_once, conn, principal, data, ref, occurred_at),
            retry_on=(IntegrityError,),
            attempts=ATTEMPTS,
        )

    async def _record_once(
        self,
        conn: AsyncConnection,
        principal: Principal,
        data: EventIn,
        ref: dict[str, Any],
        occurred_at: datetime,
    ) -> dict[str, Any]:
        events = EventRepository(conn, principal.workspace_id)
        if data.external_id is not None:
            existing = await events.by_external_id(data.external_id)
            if existing is not None:
                return shown(existing, replayed=True)
        lead = await self.leads.lock_for_event(conn, principal, **ref)
        if lead is None:
            described = ref.get("lead_id") or ref.get("email") or ":".join(ref.get("external") or ())
            raise not_found("Lead", str(described))
        row, _ = await self.record_locked(conn, principal, lead, data, occurred_at)
        return shown(row, replayed=False)

    async def record_locked(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead: dict[str, Any],
        data: EventIn,
        occurred_at: datetime,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Record an event for a lead the caller has locked (found, or just captured), in its
        transaction: the event, then what it changes on the lead (unsubscribe, activity), then
        the lead-change flow (score, stage, routing, first touch). Returns (the stored event,
        the lead as it now is)."""
        if data.type == CONSENT_CONFIRM:
            # Granted first: a token that confirms nothing refuses the event (422, nothing kept).
            granted = await confirm_pending(
                conn,
                principal.workspace_id,
                lead["id"],
                str(data.properties["token"]),
                self.clock(),
                principal.key_id,
                field="properties.token",
            )
            kept = {k: v for k, v in data.properties.items() if k != "token"}
            properties = {**kept, "consent_id": granted["id"], "channel": granted["channel"]}
            data = data.model_copy(update={"properties": properties})
        [row] = await EventRepository(conn, principal.workspace_id).append(
            [
                NewEvent(
                    data.type,
                    lead["id"],
                    occurred_at,
                    data.properties,
                    principal.key_id,
                    source=data.source,
                    external_id=data.external_id,
                )
            ]
        )
        before = lead
        if lead.get("archived_at") is not None:
            lead = await self.leads.unarchive(conn, principal, lead, f"event:{data.type}")
        if data.type == "unsubscribe":
            lead = await self.leads.mark_unsubscribed(conn, principal, lead)
        lead = self._with_activity(lead, occurred_at)
        pipeline = await self.stages.pipeline(conn, principal.workspace_id)
        lead = await self.flow.changed(
            conn,
            principal.workspace_id,
            before,
            lead,
            actor=principal.key_id,
            reason="event",
            touched_at=occurred_at if data.type in pipeline.touch_types else None,
            pipeline=pipeline,
        )
        return row, lead

    async def _record_fast(
        self,
        conn: AsyncConnection,
        principal: Principal,
        data: EventIn,
        lead_id: str,
        occurred_at: datetime,
        model: ActiveModel,
        pipeline_version: int,
    ) -> dict[str, Any] | None:
        """Record on PostgreSQL's fast path (see events/fast.py); None hands the event to the
        general path: an unknown lead, an external id seen before, a changed active model, an
        insert race, or a lead that kept changing under us."""
        event = NewEvent(
            data.type,
            lead_id,
            occurred_at,
            data.properties,
            principal.key_id,
            source=data.source,
            external_id=data.external_id,
        )
        event_id = new_id("event")
        fast = FastEvents(await self.db.driver(conn), principal.workspace_id)
        for _ in range(FAST_ATTEMPTS):
            snapshot = await fast.read(lead_id, data.external_id, model.compiled.event_type_list)
            if snapshot is not None and snapshot.lead.get("archived_at") is not None:
                return None  # back from the archive: the general path writes `lead.unarchived`
            if snapshot is None or snapshot.replayed or snapshot.active_model_id != model.id:
                # (An unknown lead too: the general path also answers replays of its events.)
                self.scorer.forget_active(principal.workspace_id)
                return None
            if snapshot.pipeline_version != pipeline_version:  # touch types may have changed
                self.stages.forget_pipeline(principal.workspace_id)
                return None
            facts = snapshot.facts
            if data.type in model.compiled.event_types:
                facts.append(EventFact(event_id, data.type, occurred_at, data.properties, data.source))
            lead = self._with_activity(snapshot.lead, occurred_at)
            planned = self.flow.plan_event(model, lead, facts, self.clock(), principal.key_id)
            if planned is None:
                return None  # promoted and maybe routed in the event's transaction: the general path
            score, changes = planned
            appended = [(event_id, event), *((new_id("event"), change) for change in changes)]
            try:
                if await fast.write(snapshot, score, appended):
                    break
            except asyncpg.UniqueViolationError:  # the same external id, at the same moment
                return None
        else:
            return None
        row = {"id": event_id, "lead_id": lead_id, "type": data.type, "occurred_at": occurred_at}
        row.update(data=data.properties, source=data.source, external_id=data.external_id)
        return shown(row, replayed=False)

    def _with_activity(self, lead: dict[str, Any], occurred_at: datetime) -> dict[str, Any]:
        """Every client event is behaviour; one dated ahead (clock skew) counts from now. The
        first one after the lead's creation dates its activation (reports)."""
        happened = min(occurred_at, self.clock())
        first = lead.get("first_activity_at")
        if happened > lead["created_at"] and (first is None or happened < first):
            lead = {**lead, "first_activity_at": happened}
        if lead["last_activity_at"] is None or happened > lead["last_activity_at"]:
            return {**lead, "last_activity_at": happened}
        return lead

    async def feed(
        self, principal: Principal, after: int, patterns: list[str] | None, limit: int, wait: float
    ) -> list[dict[str, Any]]:
        """The change feed: numbered events after `after`. With `wait`, an empty answer waits up
        to that many seconds for new ones (polling the database, so events numbered by any
        process are seen)."""
        deadline = time.monotonic() + wait
        while True:
            # On the read replica when there is one. It hands out only the numbers it has replayed:
            # the sequencer's rounds commit in order, each numbering its events and advancing the
            # counter in one transaction, so the counter as this statement sees it bounds a prefix
            # with no gaps. A reader that moves between the replica and the primary (a fallback)
            # may be told "nothing new" for a while, but is never handed an event past a gap.
            async with self.reads.statements() as conn:
                repo = EventRepository(conn, principal.workspace_id)
                rows = await repo.feed(after, patterns, limit, upto=repo.numbered_upto())
            left = deadline - time.monotonic()
            if rows or left <= 0:
                return rows
            await asyncio.sleep(min(FEED_POLL_SECONDS, left))

    async def _record_item(self, conn: AsyncConnection, principal: Principal, item: Any) -> dict[str, Any]:
        data = TrackedEventIn.model_validate(item)
        async with conn.begin_nested():
            return await self.record(conn, principal, data)

    async def record_batch(
        self, conn: AsyncConnection, principal: Principal, items: Sequence[Any]
    ) -> list[tuple[str, dict[str, Any] | None, list[dict[str, str]] | None]]:
        """(status, event, errors) per item, each in a savepoint of its own in the caller's
        transaction, so one bad item sinks nothing."""
        results: list[tuple[str, dict[str, Any] | None, list[dict[str, str]] | None]] = []
        for item in items:
            event, errors = await attempt_item(partial(self._record_item, conn, principal, item))
            if event is None:
                results.append(("error", None, errors))
            else:
                results.append(("replayed" if event["replayed"] else "created", event, None))
        return results
