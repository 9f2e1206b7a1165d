"""Consent per channel and the data-subject access export.

A consent record is a statement (granted, denied, pending) about one channel of one lead, with
where and when it was given and its proof; records are appended, never changed, and a channel's
status is its latest record, so the history is the evidence. Each record appends
`consent.recorded` to the lead's log (the change feed and webhooks deliver it).

The export is everything the workspace holds about the person, read in the caller's snapshot.
Callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.consent.double_opt_in import confirm_pending
from leadapi.consent.engine import current_by_channel
from leadapi.consent.repository import ConsentRepository
from leadapi.consent.schemas import Consent, ConsentCreate, ConsentSettingsIn
from leadapi.errors import not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id
from leadapi.leads.repository import LeadRepository
from leadapi.leads.schemas import Lead
from leadapi.principal import Principal
from leadapi.routing.repository import RoutingRepository
from leadapi.scoring.repository import ScoringRepository
from leadapi.sources.repository import SourceRepository
from leadapi.stages.repository import StageRepository
from leadapi.tasks.repository import TaskRepository
from leadapi.tracks.repository import TrackRepository

# Rows per read when the export walks a lead's long histories (events, assignments).
EXPORT_PAGE = 500

Page = Callable[[int, tuple[datetime, str] | None], Awaitable[list[dict[str, Any]]]]


def shown(row: dict[str, Any]) -> dict[str, Any]:
    return Consent.model_validate(row).model_dump(mode="json")


def _json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items() if k != "workspace_id"}
        for r in rows
    ]


async def _every(page: Page, time_field: str) -> list[dict[str, Any]]:
    """Every row a newest-first keyset reader gives, oldest first."""
    rows: list[dict[str, Any]] = []
    before: tuple[datetime, str] | None = None
    while True:
        chunk = await page(EXPORT_PAGE, before)
        rows.extend(chunk)
        if len(chunk) < EXPORT_PAGE:
            break
        before = (chunk[-1][time_field], chunk[-1]["id"])
    rows.reverse()
    return rows


class ConsentService:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    async def record(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, body: ConsentCreate
    ) -> dict[str, Any]:
        """A new record on the lead's channel and its `consent.recorded`; 404 without the lead."""
        now = self.clock()
        if body.at is not None and body.at > now:
            raise validation_problem([{"field": "at", "message": "a consent cannot be given in the future"}])
        # Locked: the lead cannot be erased or merged away before its record is stored with it.
        if await LeadRepository(conn, principal.workspace_id).get(lead_id, for_update=True) is None:
            raise not_found("Lead", lead_id)
        row: dict[str, Any] = {
            "id": new_id("consent"),
            "lead_id": lead_id,
            "channel": body.channel,
            "status": body.status,
            "source": body.source,
            "at": body.at or now,
            "proof": body.proof.model_dump(exclude_none=True) if body.proof is not None else None,
            "actor": principal.key_id,
            "token_digest": None,
            "created_at": now,
        }
        await ConsentRepository(conn, principal.workspace_id).add(row)
        await EventRepository(conn, principal.workspace_id).append(
            [NewEvent("consent.recorded", lead_id, now, {"consent": shown(row)}, principal.key_id)]
        )
        return row

    async def confirm(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, token: str
    ) -> dict[str, Any]:
        """Grant email consent on the pending double opt-in the token belongs to (once)."""
        now = self.clock()
        if await LeadRepository(conn, principal.workspace_id).get(lead_id, for_update=True) is None:
            raise not_found("Lead", lead_id)
        return await confirm_pending(conn, principal.workspace_id, lead_id, token, now, principal.key_id)

    async def settings(self, conn: AsyncConnection, principal: Principal) -> dict[str, Any]:
        held = await ConsentRepository(conn, principal.workspace_id).settings()
        return held or {
            "double_opt_in_sources": [],
            "require_email_consent": False,
            "suppressed_capture": "refuse",
            "updated_at": None,
        }

    async def save_settings(
        self, conn: AsyncConnection, principal: Principal, body: ConsentSettingsIn
    ) -> dict[str, Any]:
        """Replace the settings; 422 naming each source that is not the workspace's."""
        sources = SourceRepository(conn, principal.workspace_id)
        errors = [
            {"field": f"double_opt_in_sources[{i}]", "message": "no such source"}
            for i, source_id in enumerate(body.double_opt_in_sources)
            if await sources.get(source_id) is None
        ]
        if errors:
            raise validation_problem(errors)
        values = {
            "double_opt_in_sources": sorted(set(body.double_opt_in_sources)),
            "require_email_consent": body.require_email_consent,
            "suppressed_capture": body.suppressed_capture,
            "updated_at": self.clock(),
        }
        await ConsentRepository(conn, principal.workspace_id).save_settings(values)
        return values

    async def page(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(each channel's current record, a page of the history newest first)."""
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        consents = ConsentRepository(conn, principal.workspace_id)
        history = await consents.history(lead_id, limit, before)
        current = current_by_channel(await consents.all_of(lead_id))
        return current, history

    async def export(self, conn: AsyncConnection, principal: Principal, lead_id: str) -> dict[str, Any]:
        """Everything held about the lead, one JSON-ready document; 404 without the lead."""
        ws = principal.workspace_id
        leads = LeadRepository(conn, ws)
        lead = await leads.get(lead_id)
        if lead is None:
            raise not_found("Lead", lead_id)
        events = EventRepository(conn, ws)
        routing = RoutingRepository(conn, ws)
        stages = StageRepository(conn, ws)
        scoring = ScoringRepository(conn, ws)
        tasks = await TaskRepository(conn, ws).page(lead_id=lead_id, limit=1_000_000)
        consents = await ConsentRepository(conn, ws).history(lead_id)
        consents.reverse()
        return {
            "lead": Lead.model_validate(lead).model_dump(mode="json"),
            "external_ids": dict(lead["external_ids"] or {}),
            "provenance": dict(lead.get("provenance") or {}),
            "events": _json(await _every(lambda n, b: events.for_lead(lead_id, n, b), "occurred_at")),
            "score_adjustments": _json(
                await _every(lambda n, b: scoring.adjustments(lead_id, n, b), "created_at")
            ),
            "stage_changes": _json(await _every(lambda n, b: stages.history(lead_id, n, b), "at")),
            "assignments": _json(
                await _every(lambda n, b: routing.assignments_of(lead_id, n, b), "created_at")
            ),
            "tasks": _json(tasks),
            "enrollments": _json(await TrackRepository(conn, ws).lead_enrollments(lead_id)),
            "consents": [shown(r) for r in consents],
            "exported_at": self.clock().isoformat(),
        }
