"""Scoring models (create, read, the active one) and previews. Each workspace starts with the
default model, created the first time it is needed."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.conditions.offload import Evaluator
from leadapi.db import Database, retrying
from leadapi.errors import not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.events.schemas import RESERVED_PREFIXES
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.ids import new_id
from leadapi.jobs.service import JobService, Report
from leadapi.leads.engine import derived
from leadapi.leads.repository import LeadRepository, due_for_rescore
from leadapi.leads.service import LeadService
from leadapi.principal import Principal
from leadapi.scoring.engine import (
    ADJUSTED,
    CompiledModel,
    EventFact,
    ModelError,
    ScoreResult,
    compile_model,
)
from leadapi.scoring.repository import ScoringRepository
from leadapi.scoring.schemas import (
    BandOut,
    LeadScore,
    ModelRef,
    PreviewIn,
    RuleHit,
    ScoreAdjustment,
    ScoreAdjustmentIn,
)
from leadapi.scoring.scorer import ActiveModel, Scorer

ATTEMPTS = 3
RESCORE_JOB = "scoring.rescore"
RESCORE_BATCH = 500


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
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        leads: LeadService,
        scorer: Scorer,
        jobs: JobService,
        flow: LeadChangeFlow,
        evaluator: Evaluator | None = None,
    ) -> None:
        self.evaluator = evaluator or Evaluator()
        self.db = db
        self.clock = clock
        self.leads = leads
        self.scorer = scorer
        self.jobs = jobs
        self.flow = flow
        jobs.register(RESCORE_JOB, self.run_rescore_job)

    async def active(self, conn: AsyncConnection, principal: Principal) -> dict[str, Any]:
        model = await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        repo = ScoringRepository(conn, principal.workspace_id)
        active_id = await repo.active_id() or model.id
        row = await repo.get(active_id)
        assert row is not None  # a foreign key keeps the active model
        return {**row, "active": True}

    async def create(
        self, conn: AsyncConnection, principal: Principal, document: dict[str, Any]
    ) -> dict[str, Any]:
        compiled = compile_document(document)
        active = await self.active(conn, principal)  # the default exists before any other version

        async def add() -> dict[str, Any]:
            repo = ScoringRepository(conn, principal.workspace_id)
            row = self.scorer.new_model_row(await repo.next_version(), document, principal.key_id)
            await repo.add(row)
            await record_for(conn, principal, self.clock(), "created", "scoring_model", row["id"], None, row)
            self.scorer.remember(ActiveModel(row["id"], row["version"], row["name"], compiled))
            return {**row, "active": row["id"] == active["id"]}

        # Two creations can race for the same version number: the second looks again.
        return await retrying(conn, add, retry_on=(IntegrityError,), attempts=ATTEMPTS)

    async def get(self, conn: AsyncConnection, principal: Principal, model_id: str) -> dict[str, Any]:
        active = await self.active(conn, principal)
        row = await ScoringRepository(conn, principal.workspace_id).get(model_id)
        if row is None:
            raise not_found("Scoring model", model_id)
        return {**row, "active": row["id"] == active["id"]}

    async def page(
        self, conn: AsyncConnection, principal: Principal, limit: int, before_version: int | None
    ) -> list[dict[str, Any]]:
        active = await self.active(conn, principal)
        rows = await ScoringRepository(conn, principal.workspace_id).page(limit, before_version)
        return [{**row, "active": row["id"] == active["id"]} for row in rows]

    async def preview(
        self, conn: AsyncConnection, principal: Principal, body: PreviewIn
    ) -> tuple[ScoreResult, dict[str, Any]]:
        """Score a stored or inline lead under the active or a draft model, storing nothing."""
        if (body.lead_id is None) == (body.lead is None):
            raise validation_problem(
                [{"field": "lead_id", "message": "give exactly one of lead_id and lead"}]
            )
        if body.model is not None:
            model = compile_document(body.model)
            ref: dict[str, Any] = {"id": None, "version": None, "name": model.name}
        else:
            active = await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
            model = active.compiled
            ref = {"id": active.id, "version": active.version, "name": active.name}
        now = self.clock()
        facts = [
            EventFact(f"preview_{i}", e.type, e.occurred_at or now, e.properties, e.source)
            for i, e in enumerate(body.events)
        ]
        if body.lead_id is not None:
            lead = await self.leads.get(conn, principal, body.lead_id)
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
        # A draft model over a lead's whole history can be heavy: off the event loop, budgeted.
        return await self.evaluator.run(model.score, lead, facts, now), ref

    # ---- activation and the rescoring job -------------------------------------------------------

    async def activate(self, conn: AsyncConnection, principal: Principal, model_id: str) -> dict[str, Any]:
        """Make a model version the active one and queue the job that rescores every lead."""
        await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        repo = ScoringRepository(conn, principal.workspace_id)
        row = await repo.get(model_id)
        if row is None:
            raise not_found("Scoring model", model_id)
        previous = await repo.active_id()
        await repo.set_active(model_id, first=False)
        await record_for(
            conn,
            principal,
            self.clock(),
            "activated",
            "scoring_model",
            model_id,
            {"active_model_id": previous},
            {"active_model_id": model_id},
        )
        job = await self.jobs.enqueue(
            conn, principal.workspace_id, RESCORE_JOB, {"model_id": model_id}, principal.key_id
        )
        self.scorer.compiled(row)
        self.scorer.forget_active(principal.workspace_id)
        return job

    async def run_rescore_job(self, job: dict[str, Any], report: Report) -> dict[str, Any]:
        """Rescore every lead of the workspace not yet scored by the job's model, in batches of
        one transaction each. A second pass catches leads that a request scored under the old
        model while the first pass ran (its transaction began before the activation committed).
        Stops early if another model became active meanwhile: that activation has its own job."""
        workspace_id, model_id = job["workspace_id"], job["params"]["model_id"]
        async with self.db.read() as conn:
            total = await LeadRepository(conn, workspace_id).count()
        done = rescored = changed = band_changes = 0
        for _pass in range(2):
            after: tuple[Any, str] | None = None
            while True:
                async with self.db.transaction() as conn:
                    model = await self.scorer.model(conn, workspace_id)
                    if model is None or model.id != model_id:
                        return {"rescored": rescored, "changed": changed, "band_changes": band_changes,
                                "superseded_by": None if model is None else model.id}  # fmt: skip
                    repo = LeadRepository(conn, workspace_id)
                    batch = await repo.not_scored_by(model_id, after, RESCORE_BATCH)
                    updated = await self.flow.rescored(
                        conn,
                        workspace_id,
                        batch,
                        model=model,
                        reason="model_activated",
                        actor=job["created_by"],
                    )
                if not batch:
                    break
                after = (batch[-1]["created_at"], batch[-1]["id"])
                rescored += len(batch)
                changed += sum(
                    1 for old, new in zip(batch, updated, strict=True) if old["score"] != new["score"]
                )
                band_changes += sum(
                    1 for old, new in zip(batch, updated, strict=True) if old["band"] != new["band"]
                )
                done = min(total, done + len(batch))
                await report({"total": total, "done": done})
        await report({"total": total, "done": total})
        return {"rescored": rescored, "changed": changed, "band_changes": band_changes}

    # ---- time-based rescoring -------------------------------------------------------------------

    async def rescore_due(self, limit: int = RESCORE_BATCH) -> int:
        """One round of the sweep: rescore leads whose score time alone may have changed (a window
        ended, points decayed, the lead went quiet). Returns how many leads it rescored."""
        now = self.clock()
        async with self.db.transaction() as conn:
            due = await due_for_rescore(conn, now, limit)
            by_workspace: dict[str, list[dict[str, Any]]] = {}
            for lead in due:
                by_workspace.setdefault(lead["workspace_id"], []).append(lead)
            for workspace_id, batch in by_workspace.items():
                model = await self.scorer.model(conn, workspace_id)
                if model is None:  # a workspace older than scoring: give it its default model here
                    model = await self.scorer.create_default(conn, workspace_id, None)
                await self.flow.rescored(conn, workspace_id, batch, model=model, reason="time", actor=None)
        return len(due)

    # ---- manual adjustments ---------------------------------------------------------------------

    async def adjust(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead_id: str,
        body: ScoreAdjustmentIn,
        *,
        actor: str | None,
        run_id: str | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Add manual points to a lead (until they expire) and rescore it through the lead-change
        flow, in the caller's transaction: (the adjustment, the lead as it now is). The points
        count through the `lead.score_adjusted` event appended here (scoring/engine.py); their
        expiry is a moment the lead's `rescore_at` holds, so the rescoring sweep takes them away."""
        await self.scorer.ensure_active(conn, workspace_id, actor)
        lead = await LeadRepository(conn, workspace_id).get(lead_id, for_update=True)
        if lead is None:
            raise not_found("Lead", lead_id)
        now = self.clock()
        adjustment_id = new_id("score_adjustment")
        expires_at = None if body.expires_in_days is None else now + timedelta(days=body.expires_in_days)
        data = {
            "adjustment_id": adjustment_id,
            "points": body.points,
            "reason": body.reason,
            "expires_at": None if expires_at is None else expires_at.isoformat(),
            "run_id": run_id,
        }
        [event] = await EventRepository(conn, workspace_id).append(
            [NewEvent(ADJUSTED, lead_id, now, data, actor)]
        )
        row = {
            "id": adjustment_id,
            "lead_id": lead_id,
            "points": body.points,
            "reason": body.reason,
            "expires_at": expires_at,
            "event_id": event["id"],
            "run_id": run_id,
            "created_at": now,
            "created_by": actor,
        }
        await ScoringRepository(conn, workspace_id).add_adjustment(row)
        after = await self.flow.changed(conn, workspace_id, lead, lead, actor=actor, reason="adjustment")
        return {**row, "workspace_id": workspace_id}, after

    async def adjustments(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        """A lead's adjustments, newest first."""
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        return await ScoringRepository(conn, principal.workspace_id).adjustments(lead_id, limit, before)

    # ---- a lead's score -------------------------------------------------------------------------

    async def explain(
        self, conn: AsyncConnection, principal: Principal, lead_id: str
    ) -> tuple[dict[str, Any], ScoreResult, ActiveModel]:
        """The lead's stored score, re-derived rule by rule: under the model that computed it, at
        the moment it was computed, so the breakdown adds up to the stored figures."""
        await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        lead = await LeadRepository(conn, principal.workspace_id).get(lead_id)
        if lead is None:
            raise not_found("Lead", lead_id)
        model: ActiveModel | None = None
        if lead["score_model_id"] is not None:
            row = await ScoringRepository(conn, principal.workspace_id).get(lead["score_model_id"])
            model = None if row is None else self.scorer.compiled(row)
        at = lead["scored_at"] if model is not None else None
        model = model or await self.scorer.model(conn, principal.workspace_id)
        assert model is not None
        facts = await self.scorer.facts(conn, principal.workspace_id, model, [lead_id])
        at = at or self.clock()
        result = model.compiled.score(lead, facts.get(lead_id, ()), at, lead["last_activity_at"])
        return lead, result, model

    async def history(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        """The lead's `lead.scored` events, newest first."""
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        return await EventRepository(conn, principal.workspace_id).for_lead(
            lead_id, limit, before, types=("lead.scored",)
        )


def rule_hits(result: ScoreResult) -> list[RuleHit]:
    return [
        RuleHit(rule_id=h.rule_id, kind=h.kind, points=round(h.points, 4), evidence=h.evidence)
        for h in result.hits
    ]


def lead_score(lead: Mapping[str, Any], result: ScoreResult, model: ActiveModel) -> LeadScore:
    """A lead's score as `explain` re-derived it, rule by rule, in the shape REST and MCP answer."""
    return LeadScore(
        lead_id=lead["id"],
        score=result.score,
        fit_score=round(result.fit_score, 4),
        behavior_score=round(result.behavior_score, 4),
        band=result.band,
        scored_at=lead["scored_at"],
        model=ModelRef(id=model.id, version=model.version, name=model.name),
        breakdown=rule_hits(result),
        bands=[BandOut(name=b.name, min=b.min) for b in model.compiled.bands],
    )


def shown_adjustment(row: Mapping[str, Any], now: datetime) -> ScoreAdjustment:
    expires_at = row["expires_at"]
    return ScoreAdjustment(
        id=row["id"],
        lead_id=row["lead_id"],
        points=row["points"],
        reason=row["reason"],
        expires_at=expires_at,
        active=expires_at is None or now < expires_at,
        event_id=row["event_id"],
        run_id=row["run_id"],
        created_at=row["created_at"],
        created_by=row["created_by"],
    )
