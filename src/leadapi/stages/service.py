"""The lifecycle: the workspace's pipeline and stage moves (by hand, by sales accepting or
rejecting, and the promotion a new band makes, which flows/lead_change.py decides).

Every move runs in the caller's transaction with the lead locked: the lead's stage, the move's
record, and `lead.stage_changed` (plus `lead.rejected` for a rejection). That is all a move does
here; what follows from it in other domains (leaving the funnel or a rejection stops the SLA
clock, an acceptance is a touch) is the lead-change flow's, which callers go through
(flows/lead_change.py). A `StageMove` tells the flow what the move was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.flows.automation_refs import stages_removed
from leadapi.ids import new_id
from leadapi.leads.repository import LeadRepository
from leadapi.leads.versions import bumped
from leadapi.principal import Principal
from leadapi.routing.repository import RoutingRepository
from leadapi.stages import engine
from leadapi.stages.engine import Pipeline
from leadapi.stages.repository import StageRepository
from leadapi.stages.schemas import PipelineIn, StageMoveIn


def shown_change(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **{k: row[k] for k in ("id", "lead_id", "from_stage", "to_stage", "at", "reason", "note", "amount")},
        "by": {"kind": row["by_kind"], "id": row["by_id"]},
    }


def change_record(
    pipeline: Pipeline,
    lead: Mapping[str, Any],
    to: str,
    by: tuple[str, str | None],
    now: datetime,
    *,
    reason: str | None = None,
    note: str | None = None,
    amount: float | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A move of `lead` to `to`: the stored row, and the data of its `lead.stage_changed`."""
    change = {
        "id": new_id("stage_change"),
        "lead_id": lead["id"],
        "from_stage": lead["stage"],
        "to_stage": to,
        "at": now,
        # When the lead entered the stage it leaves: the stay's length is `at - since`.
        "since": lead.get("stage_entered_at") or lead.get("created_at") or now,
        "by_kind": by[0],
        "by_id": by[1],
        "reason": reason,
        "note": note,
        "amount": amount,
    }
    data = {
        "from": lead["stage"],
        "to": to,
        "category": pipeline.category(to),
        "reason": reason,
        "note": note,
        "amount": amount,
        "by": {"kind": by[0], "id": by[1]},
        "change_id": change["id"],
    }
    return change, data


PROMOTED_BY = ("system", "scoring")


@dataclass(frozen=True, slots=True)
class StageMove:
    """A move made: what its caller answers with, and what the lead-change flow reads to follow
    it up in the other domains."""

    lead: dict[str, Any]  # as it now is
    change: dict[str, Any]  # the move's record, as shown
    at: datetime  # when it was made
    category: str | None  # the target stage's: open, won or lost
    accepted: bool = False  # sales accepted the lead (by `accept`, or a move to the accepted stage)
    rejected: bool = False  # sales gave the lead back


class StageService:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        # Each workspace's pipeline as last read: a hint for the one-statement capture and the
        # event fast path, which check its version against the database in their own statement.
        self._hints: dict[str, Pipeline] = {}

    # ---- the pipeline ---------------------------------------------------------------------------

    def pipeline_hint(self, workspace_id: str) -> Pipeline | None:
        return self._hints.get(workspace_id)

    def forget_pipeline(self, workspace_id: str) -> None:
        self._hints.pop(workspace_id, None)

    async def pipeline(self, conn: AsyncConnection, workspace_id: str) -> Pipeline:
        """The workspace's pipeline as the caller's transaction sees it (and remembered as the
        fast paths' hint)."""
        pipeline = await StageRepository(conn, workspace_id).pipeline()
        if len(self._hints) > 10_000:
            self._hints.clear()
        self._hints[workspace_id] = pipeline
        return pipeline

    async def set_pipeline(self, conn: AsyncConnection, principal: Principal, data: PipelineIn) -> Pipeline:
        doc = data.model_dump()
        errors = engine.validate(doc)
        if errors:
            raise validation_problem(errors)
        await RoutingRepository(conn, principal.workspace_id).hold_back_captures()
        repo = StageRepository(conn, principal.workspace_id)
        current = await repo.pipeline(lock=True)
        try:
            doc["stage_bits"] = engine.assign_bits(current.bits, [s["key"] for s in doc["stages"]])
        except ValueError as exc:
            raise validation_problem([{"field": "stages", "message": str(exc)}]) from exc
        removed = [s.key for s in current.stages if s.key not in {s["key"] for s in doc["stages"]}]
        occupied = await repo.leads_in(removed)
        if occupied:
            listed = ", ".join(f"{key} ({count})" for key, count in sorted(occupied.items()))
            raise ProblemError(
                409,
                f"Leads are in stages the new pipeline removes: {listed}. Move them first.",
                extra={"leads_in_removed_stages": occupied},
            )
        version = current.version + 1
        await repo.save(doc, version, self.clock())
        await stages_removed(conn, principal.workspace_id, removed, self.clock(), principal.key_id)
        # Assignments cache the closed stages with the routing config: a new version of it.
        routing = RoutingRepository(conn, principal.workspace_id)
        await routing.lock()
        await routing.config_changed()
        pipeline = Pipeline.from_document(doc, version)
        await record_for(
            conn,
            principal,
            self.clock(),
            "replaced",
            "lifecycle_stages",
            principal.workspace_id,
            {**current.document(), "version": current.version},
            {**pipeline.document(), "version": version},
        )
        self._hints[principal.workspace_id] = pipeline
        return pipeline

    # ---- promotion by band (the lead-change flow decides when) ----------------------------------

    async def promote(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        pipeline: Pipeline,
        lead: dict[str, Any],
        to: str,
        actor: str | None,
        *,
        stored: bool = False,
    ) -> StageMove:
        """Move a lead (locked by the caller) to the funnel stage of its new band; with `stored`,
        a new lead already stored in that stage: only the move from `lead`'s stage is recorded."""
        return await self._move(
            conn,
            workspace_id,
            pipeline,
            lead,
            to,
            by=PROMOTED_BY,
            actor=actor,
            reason="band_changed",
            stored=stored,
        )

    async def record_many(
        self, conn: AsyncConnection, workspace_id: str, changes: Sequence[dict[str, Any]]
    ) -> None:
        """The records of promotions of new leads stored in their stage already (a bulk
        `promote(stored=True)`: the caller appends their `lead.stage_changed`)."""
        await StageRepository(conn, workspace_id).record_many(changes)

    # ---- moves ----------------------------------------------------------------------------------

    async def move(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, data: StageMoveIn
    ) -> StageMove:
        """`POST /v1/leads/{id}/stage` (a move to the accepted stage is an acceptance)."""
        lead, pipeline = await self._locked(conn, principal, lead_id)
        target = pipeline.stage(data.to)
        if target is None:
            raise validation_problem([{"field": "to", "message": f"no stage {data.to!r} in the pipeline"}])
        self._check_move(pipeline, lead, data.to)
        errors: list[dict[str, str]] = []
        if target.category == "lost":
            if data.reason is None:
                errors.append({"field": "reason", "message": "a move to a lost stage gives a reason"})
            elif data.reason not in pipeline.disqualification_reasons:
                known = ", ".join(pipeline.disqualification_reasons)
                errors.append({"field": "reason", "message": f"not a disqualification reason ({known})"})
        if data.amount is not None and target.category != "won":
            errors.append({"field": "amount", "message": "only a move to a won stage has an amount"})
        if errors:
            raise validation_problem(errors)
        by = ("api_key", principal.key_id)
        if data.to == pipeline.accepted_stage:
            return await self._accept_locked(conn, principal, pipeline, lead, data.note, data.reason)
        return await self._move(
            conn,
            principal.workspace_id,
            pipeline,
            lead,
            data.to,
            by=by,
            actor=principal.key_id,
            reason=data.reason,
            note=data.note,
            amount=data.amount,
        )

    async def accept(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, note: str | None
    ) -> StageMove:
        """Sales accepts the lead: it moves to the accepted stage (the flow counts it a touch)."""
        lead, pipeline = await self._locked(conn, principal, lead_id)
        self._check_move(pipeline, lead, pipeline.accepted_stage, doing="accept")
        if not lead["owner_id"]:
            raise ProblemError(
                409,
                f"Lead {lead_id!r} has no owner to accept it; assign it first (route it, or PATCH owner_id).",
            )
        return await self._accept_locked(conn, principal, pipeline, lead, note, None)

    async def reject(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, reason: str, note: str | None
    ) -> StageMove:
        """Sales gives the lead back: it goes to the recycle stage without an owner, and
        `lead.rejected` says who rejected it and why (the flow stops its clock)."""
        lead, pipeline = await self._locked(conn, principal, lead_id)
        if not pipeline.before_acceptance(lead["stage"]):
            raise ProblemError(
                409,
                f"Only a lead handed to sales and not yet accepted can be rejected; this one is "
                f"in {lead['stage']!r}. Move it with POST /v1/leads/{lead_id}/stage instead.",
                extra={"stage": lead["stage"], "allowed": pipeline.targets(lead["stage"])},
            )
        owner_id = lead["owner_id"]
        by = ("owner", owner_id) if owner_id else ("api_key", principal.key_id)
        move = await self._move(
            conn,
            principal.workspace_id,
            pipeline,
            lead,
            pipeline.recycle_stage,
            by=by,
            actor=principal.key_id,
            reason=reason,
            note=note,
            extra_values={
                "owner_id": None,
                "stages_mask": (lead.get("stages_mask") or 0)
                | pipeline.mask(pipeline.recycle_stage, rejected=True),
            },
        )
        data = {"reason": reason, "note": note, "owner_id": owner_id, "stage_before": lead["stage"]}
        await EventRepository(conn, principal.workspace_id).append(
            [NewEvent("lead.rejected", lead_id, move.at, data, principal.key_id)]
        )
        return replace(move, rejected=True)

    async def _accept_locked(
        self,
        conn: AsyncConnection,
        principal: Principal,
        pipeline: Pipeline,
        lead: dict[str, Any],
        note: str | None,
        reason: str | None,
    ) -> StageMove:
        owner_id = lead["owner_id"]
        by = ("owner", owner_id) if owner_id else ("api_key", principal.key_id)
        move = await self._move(
            conn,
            principal.workspace_id,
            pipeline,
            lead,
            pipeline.accepted_stage,
            by=by,
            actor=principal.key_id,
            reason=reason,
            note=note,
        )
        return replace(move, accepted=True)

    async def _locked(
        self, conn: AsyncConnection, principal: Principal, lead_id: str
    ) -> tuple[dict[str, Any], Pipeline]:
        repo = LeadRepository(conn, principal.workspace_id)
        lead = await repo.get(lead_id, for_update=True)
        if lead is None:
            raise not_found("Lead", lead_id)
        return lead, await self.pipeline(conn, principal.workspace_id)

    @staticmethod
    def _check_move(pipeline: Pipeline, lead: Mapping[str, Any], to: str, doing: str = "move") -> None:
        allowed = pipeline.targets(lead["stage"])
        if to not in allowed:
            what = "accept a lead" if doing == "accept" else f"move a lead from {lead['stage']!r} to {to!r}"
            raise ProblemError(
                409,
                f"Cannot {what} in {lead['stage']!r}; allowed: {', '.join(allowed) or 'none (final stage)'}.",
                slug="stage-move-not-allowed",
                extra={"stage": lead["stage"], "allowed": allowed},
            )

    async def _move(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        pipeline: Pipeline,
        lead: dict[str, Any],
        to: str,
        *,
        by: tuple[str, str | None],
        actor: str | None,
        reason: str | None = None,
        note: str | None = None,
        amount: float | None = None,
        extra_values: Mapping[str, Any] | None = None,
        stored: bool = False,
    ) -> StageMove:
        """Move a locked lead to `to` (checked by the caller). With `stored`, the lead row already
        holds the new stage: only the move is written."""
        now = self.clock()
        values = bumped(
            lead,
            {
                "stage": to,
                "stages_mask": (lead.get("stages_mask") or 0) | pipeline.mask(to),
                "stage_entered_at": now,
                **({"won_amount": amount} if pipeline.category(to) == "won" else {}),
                **(extra_values or {}),
            },
            now,
        )
        if stored:
            values = {"stage": to}
        else:
            await LeadRepository(conn, workspace_id).update(lead["id"], values)
        change, data = change_record(pipeline, lead, to, by, now, reason=reason, note=note, amount=amount)
        await StageRepository(conn, workspace_id).record(change)
        await EventRepository(conn, workspace_id).append(
            [NewEvent("lead.stage_changed", lead["id"], now, data, actor)]
        )
        return StageMove({**lead, **values}, shown_change(change), now, pipeline.category(to))

    # ---- reading --------------------------------------------------------------------------------

    async def history(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        rows = await StageRepository(conn, principal.workspace_id).history(lead_id, limit, before)
        return [shown_change(row) for row in rows]
