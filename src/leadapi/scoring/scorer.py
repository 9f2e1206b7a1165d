"""Keeping stored scores true: score new leads and rescore changed ones, in the caller's transaction.

The lead-change flow (flows/lead_change.py) calls this in the caller's transaction, so a lead, the
change that moved its score and the `lead.scored` / `lead.band_changed` events that record it
commit together.
The active model is read inside that transaction; compiled models are cached by id, because a
model is immutable once created.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import retrying
from leadapi.events.models import Event
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id
from leadapi.leads.models import Lead
from leadapi.scoring.defaults import DEFAULT_MODEL
from leadapi.scoring.engine import CompiledModel, EventFact, ScoreResult, compile_model
from leadapi.scoring.repository import ScoringRepository

events = cast(Table, Event.__table__)
leads = cast(Table, Lead.__table__)

ATTEMPTS = 3
MAX_CACHED_MODELS = 1000

SCORE_COLUMNS = (
    "score",
    "fit_score",
    "behavior_score",
    "band",
    "scored_at",
    "score_model_id",
    "rescore_at",
    # Activity travels with the score: events move both in one write.
    "last_activity_at",
    "first_activity_at",
)

_EVENTS_OF_LEADS = select(
    events.c.id, events.c.lead_id, events.c.type, events.c.occurred_at, events.c.data, events.c.source
).where(
    events.c.workspace_id == bindparam("_ws"),
    events.c.lead_id.in_(bindparam("_leads", expanding=True)),
    events.c.type.in_(bindparam("_types", expanding=True)),
)
_WRITE_SCORE = (
    update(leads)
    .where(leads.c.workspace_id == bindparam("_ws"), leads.c.id == bindparam("_id"))
    .values({name: bindparam(name) for name in SCORE_COLUMNS})
)


@dataclass(frozen=True, slots=True)
class ActiveModel:
    id: str
    version: int
    name: str
    compiled: CompiledModel


def _rounded(value: float) -> float:
    return round(value, 4)


def score_values(model: ActiveModel, result: ScoreResult, now: datetime) -> dict[str, Any]:
    """The lead columns a score result sets."""
    return {
        "score": result.score,
        "fit_score": _rounded(result.fit_score),
        "behavior_score": _rounded(result.behavior_score),
        "band": result.band,
        "scored_at": now,
        "score_model_id": model.id,
        "rescore_at": result.next_change_at,
    }


def scored_event_data(
    model: ActiveModel, before: Mapping[str, Any], result: ScoreResult, reason: str
) -> dict[str, Any]:
    return {
        "old": before.get("score"),
        "new": result.score,
        "fit_score": _rounded(result.fit_score),
        "behavior_score": _rounded(result.behavior_score),
        # The parts before too, so a reader of the log sees either cross a threshold (automations).
        "old_fit_score": before.get("fit_score"),
        "old_behavior_score": before.get("behavior_score"),
        "band": result.band,
        "old_band": before.get("band"),
        "model_id": model.id,
        "model_version": model.version,
        "reason": reason,
    }


class Scorer:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._models: dict[str, ActiveModel] = {}
        # Which model each workspace had active when last seen: only a hint, always checked
        # against the database (inside the transaction, or by the fast path's statement).
        self._active_hint: dict[str, str] = {}

    # ---- the active model ------------------------------------------------------------------

    def compiled(self, row: Mapping[str, Any]) -> ActiveModel:
        model = self._models.get(row["id"])
        if model is None:
            if len(self._models) >= MAX_CACHED_MODELS:
                self._models.clear()
            model = ActiveModel(row["id"], row["version"], row["name"], compile_model(row["document"]))
            self._models[row["id"]] = model
        return model

    def remember(self, model: ActiveModel) -> None:
        self._models[model.id] = model

    def forget_active(self, workspace_id: str) -> None:
        self._active_hint.pop(workspace_id, None)

    def cached_active(self, workspace_id: str) -> ActiveModel | None:
        model_id = self._active_hint.get(workspace_id)
        return None if model_id is None else self._models.get(model_id)

    async def ensure_active(self, conn: AsyncConnection, workspace_id: str, actor: str | None) -> ActiveModel:
        """The workspace's active model, creating the default model (in the caller's transaction)
        the first time one is needed; remembered, so this costs no statement after that.

        Call it before the transaction takes any other lock: concurrent first requests of a
        workspace then wait for the first one's default model and hold nothing meanwhile.
        """
        cached = self.cached_active(workspace_id)
        if cached is not None:
            return cached

        async def active_or_default() -> ActiveModel:
            model = await self.model(conn, workspace_id)
            if model is not None:
                self._active_hint[workspace_id] = model.id
                return model
            # Not remembered as active until another transaction has read it: this one may
            # still roll back, and the fast paths trust what is remembered.
            return await self.create_default(conn, workspace_id, actor)

        # Another request may create the default at the same moment: its unique version wins,
        # and the second look finds it.
        return await retrying(conn, active_or_default, retry_on=(IntegrityError,), attempts=ATTEMPTS)

    async def create_default(
        self, conn: AsyncConnection, workspace_id: str, actor: str | None
    ) -> ActiveModel:
        """Give a workspace the default model, active, in the caller's transaction."""
        repo = ScoringRepository(conn, workspace_id)
        row = self.new_model_row(await repo.next_version(), DEFAULT_MODEL, actor)
        await repo.add(row)
        await repo.set_active(row["id"], first=True)
        return self.compiled(row)

    def new_model_row(self, version: int, document: Mapping[str, Any], actor: str | None) -> dict[str, Any]:
        return {
            "id": new_id("scoring_model"),
            "version": version,
            "name": document["name"],
            "document": dict(document),
            "created_at": self.clock(),
            "created_by": actor,
        }

    async def model(self, conn: AsyncConnection, workspace_id: str) -> ActiveModel | None:
        """The active model as the caller's transaction sees it (None: the workspace has none yet)."""
        repo = ScoringRepository(conn, workspace_id)
        model_id = await repo.active_id()
        if model_id is None:
            return None
        model = self._models.get(model_id)
        if model is None:
            row = await repo.get(model_id)
            assert row is not None  # a foreign key keeps it
            model = self.compiled(row)
        return model

    # ---- scoring -----------------------------------------------------------------------------

    def score_new(
        self, model: ActiveModel, row: dict[str, Any], now: datetime, actor: str | None
    ) -> NewEvent:
        """Score a lead about to be inserted (it has no events yet): sets its score columns and
        returns the `lead.scored` event that starts its score history."""
        result = model.compiled.score(row, (), now)
        row.update(score_values(model, result, now))
        row.setdefault("last_activity_at", None)
        row.setdefault("first_activity_at", None)
        data = scored_event_data(model, {}, result, "lead_created")
        return NewEvent("lead.scored", row["id"], now, data, actor)

    async def rescore(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        batch: Sequence[Mapping[str, Any]],
        *,
        reason: str,
        actor: str | None,
        model: ActiveModel | None = None,
    ) -> list[dict[str, Any]]:
        """Rescore leads (locked by the caller) from their stored events; writes their score
        columns (and `last_activity_at` as given) and appends what changed. Returns the leads
        as they now are."""
        if not batch:
            return []
        model = model or await self.model(conn, workspace_id)
        if model is None:
            return [dict(lead) for lead in batch]
        now = self.clock()
        facts = await self.facts(conn, workspace_id, model, [lead["id"] for lead in batch])
        updated: list[dict[str, Any]] = []
        writes: list[dict[str, Any]] = []
        appended: list[NewEvent] = []
        for lead in batch:
            values, changes = self.rescored(model, lead, facts.get(lead["id"], ()), now, reason, actor)
            writes.append({**values, "_ws": workspace_id, "_id": lead["id"]})
            appended.extend(changes)
            updated.append({**lead, **values})
        await conn.execute(_WRITE_SCORE, writes[0] if len(writes) == 1 else writes)
        await EventRepository(conn, workspace_id).append(appended)
        return updated

    @staticmethod
    def rescored(
        model: ActiveModel,
        lead: Mapping[str, Any],
        facts: Sequence[EventFact],
        now: datetime,
        reason: str,
        actor: str | None,
    ) -> tuple[dict[str, Any], list[NewEvent]]:
        """A lead's new score columns (with `last_activity_at` as given) and the events that
        record what changed: `lead.scored` when the score moved, `lead.band_changed` when the
        band did. Pure: the caller loads the facts and writes the result."""
        result = model.compiled.score(lead, facts, now, lead.get("last_activity_at"))
        values = score_values(model, result, now)
        values["last_activity_at"] = lead.get("last_activity_at")
        values["first_activity_at"] = lead.get("first_activity_at")
        changes: list[NewEvent] = []
        if result.score != lead.get("score"):
            data = scored_event_data(model, lead, result, reason)
            changes.append(NewEvent("lead.scored", lead["id"], now, data, actor))
        if result.band != lead.get("band"):
            data = {
                "from": lead.get("band"),
                "to": result.band,
                "score": result.score,
                "model_version": model.version,
                "reason": reason,
            }
            changes.append(NewEvent("lead.band_changed", lead["id"], now, data, actor))
        return values, changes

    async def facts(
        self, conn: AsyncConnection, workspace_id: str, model: ActiveModel, lead_ids: list[str]
    ) -> dict[str, list[EventFact]]:
        types = model.compiled.event_type_list
        if not types:
            return {}
        found: dict[str, list[EventFact]] = defaultdict(list)
        params = {"_ws": workspace_id, "_leads": lead_ids, "_types": types}
        for row in await conn.execute(_EVENTS_OF_LEADS, params):
            found[row.lead_id].append(EventFact(row.id, row.type, row.occurred_at, row.data, row.source))
        return found
