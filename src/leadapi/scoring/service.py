"""Scoring models (create, read, the active one) and previews. Each workspace starts with the
default model, created the first time it is needed."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from leadapi.db import Database
from leadapi.errors import not_found, validation_problem
from leadapi.events.repository import EventRepository
from leadapi.events.schemas import RESERVED_PREFIXES
from leadapi.ids import new_id
from leadapi.leads.service import LeadService, derived
from leadapi.scoring.defaults import DEFAULT_MODEL
from leadapi.scoring.engine import CompiledModel, EventFact, ModelError, ScoreResult, compile_model
from leadapi.scoring.repository import ScoringRepository
from leadapi.scoring.schemas import PreviewIn
from leadapi.workspaces.service import Principal

ATTEMPTS = 3


def _refuse_unstorable(value: Any, path: str) -> None:
    """JSON that PostgreSQL's jsonb would refuse: NaN/Infinity, NUL characters."""
    if isinstance(value, float) and not math.isfinite(value):
        raise validation_problem([{"field": path, "message": "numbers must be finite"}])
    if isinstance(value, str) and "\x00" in value:
        raise validation_problem([{"field": path, "message": "contains a NUL character"}])
    if isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_unstorable(key, path)
            _refuse_unstorable(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_unstorable(item, f"{path}[{index}]")


def compile_document(document: Any) -> CompiledModel:
    _refuse_unstorable(document, "")
    try:
        return compile_model(document)
    except ModelError as exc:
        raise validation_problem(
            [{"field": exc.path, "message": exc.message}], detail="The scoring model is invalid."
        ) from None


class ScoringService:
    def __init__(self, db: Database, clock: Callable[[], datetime], leads: LeadService) -> None:
        self.db = db
        self.clock = clock
        self.leads = leads
        # Models are immutable, so a compiled model is good for as long as the process lives.
        self._compiled: dict[str, CompiledModel] = {}

    def compiled(self, row: Mapping[str, Any]) -> CompiledModel:
        model = self._compiled.get(row["id"])
        if model is None:
            if len(self._compiled) > 1000:
                self._compiled.clear()
            model = self._compiled[row["id"]] = compile_model(row["document"])
        return model

    async def active(self, principal: Principal) -> dict[str, Any]:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self.db.transaction() as conn:
                    repo = ScoringRepository(conn, principal.workspace_id)
                    active_id = await repo.active_id()
                    if active_id is not None:
                        row = await repo.get(active_id)
                        assert row is not None  # a foreign key keeps it
                        return {**row, "active": True}
                    row = self._new_row(await repo.next_version(), DEFAULT_MODEL, principal)
                    await repo.add(row)
                    await repo.set_active(row["id"], first=True)
                    return {**row, "active": True}
            except IntegrityError:  # another request created the default at the same moment
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _new_row(self, version: int, document: Mapping[str, Any], principal: Principal) -> dict[str, Any]:
        return {
            "id": new_id("scoring_model"),
            "version": version,
            "name": document["name"],
            "document": dict(document),
            "created_at": self.clock(),
            "created_by": principal.key_id,
        }

    async def create(self, principal: Principal, document: dict[str, Any]) -> dict[str, Any]:
        compiled = compile_document(document)
        active = await self.active(principal)  # the default exists before any other version
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self.db.transaction() as conn:
                    repo = ScoringRepository(conn, principal.workspace_id)
                    row = self._new_row(await repo.next_version(), document, principal)
                    await repo.add(row)
                    self._compiled[row["id"]] = compiled
                    return {**row, "active": row["id"] == active["id"]}
            except IntegrityError:  # two creations raced for the same version number
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def get(self, principal: Principal, model_id: str) -> dict[str, Any]:
        active = await self.active(principal)
        async with self.db.read() as conn:
            row = await ScoringRepository(conn, principal.workspace_id).get(model_id)
        if row is None:
            raise not_found("Scoring model", model_id)
        return {**row, "active": row["id"] == active["id"]}

    async def page(
        self, principal: Principal, limit: int, before_version: int | None
    ) -> list[dict[str, Any]]:
        active = await self.active(principal)
        async with self.db.read() as conn:
            rows = await ScoringRepository(conn, principal.workspace_id).page(limit, before_version)
        return [{**row, "active": row["id"] == active["id"]} for row in rows]

    async def preview(self, principal: Principal, body: PreviewIn) -> tuple[ScoreResult, dict[str, Any]]:
        """Score a stored or inline lead under the active or a draft model, storing nothing."""
        if (body.lead_id is None) == (body.lead is None):
            raise validation_problem(
                [{"field": "lead_id", "message": "give exactly one of lead_id and lead"}]
            )
        if body.model is not None:
            model = compile_document(body.model)
            ref: dict[str, Any] = {"id": None, "version": None, "name": model.name}
        else:
            active = await self.active(principal)
            model = self.compiled(active)
            ref = {"id": active["id"], "version": active["version"], "name": active["name"]}
        now = self.clock()
        facts = [
            EventFact(f"preview_{i}", e.type, e.occurred_at or now, e.properties, e.source)
            for i, e in enumerate(body.events)
        ]
        if body.lead_id is not None:
            lead = await self.leads.get(principal, body.lead_id)
            async with self.db.read() as conn:
                stored = await EventRepository(conn, principal.workspace_id).all_for_lead(body.lead_id)
            facts += [
                EventFact(row["id"], row["type"], row["occurred_at"], row["data"], row["source"])
                for row in stored
                if row["type"].split(".", 1)[0] not in RESERVED_PREFIXES
            ]
        else:
            assert body.lead is not None
            fields = self.leads.prepare(body.lead)
            lead = {"created_at": now, "tags": [], "attributes": {}, "unsubscribed": False, **fields}
            lead.update(derived(lead))
        return model.score(lead, facts, now), ref
