"""What happens after a lead changes: the one place that writes the order of the steps.

A lead changes when it is captured (new, or merged into), updated, merged with a duplicate, when
an event is recorded for it (a form submission too), and when time or a newly activated scoring
model rescores it. After each change, in the caller's transaction and with the lead locked by
the caller, these steps run in this order:

1. **Rescore** (scoring/scorer.py): the active model scores the lead from its fields and stored
   events; `lead.scored` when the score moved, `lead.band_changed` when the band did. First,
   because every later step reads the band.
2. **Promote the stage** (stages/): a band that is also a funnel stage of the pipeline (`mql`,
   `sql` in the default one) moves the lead there when that is further down the funnel than
   where it is; `lead.stage_changed`. Before routing, because routing skips leads in closed
   stages and the SLA policy an assignment gets may depend on the stage.
3. **Route** (routing/): a lead with no owner, in an open stage, that reaches the workspace's
   `route_on` now and did not before is assigned by the rules (the engine decides, a rotation
   takes its next turn); `lead.assigned`, or `lead.unassigned` when nobody can take it.
   `route_on` names a band: the routed bands are that band and those above it in the active
   model's band order (`created` routes every new lead). Only a change of band (or a new lead)
   can start routing, so steps 2 and 3 run only then.
4. **SLA clocks** (sla/): the assignment starts its owner's first-touch clock (the first policy
   covering the lead, written with the assignment); an event of one of the pipeline's touch
   types stops the clock (met, or breached when late) and dates the lead's first touch; any
   move to a won or lost stage stops it without verdict and closes the lead's open breaches.
5. **Events**: each step appends its events as it runs, so the lead's timeline reads
   `lead.scored`, `lead.band_changed`, `lead.stage_changed`, `lead.assigned`, in that order, and
   the change feed and webhooks see them only if the whole change commits.

So when an event pushes a lead's score across 75 under the default model (its `sql` band): the
event is stored, the lead is rescored (`lead.scored`, `lead.band_changed` mql -> sql), moved to
the `sql` stage (`lead.stage_changed`), and, under the default `route_on=sql` and with no owner
yet, routed (`lead.assigned`) with a first-touch clock when a policy covers it; all in the
event's transaction.

Three other changes start part-way down this list, and come here too, so that no domain calls
another's service (an import-linter contract holds stages, routing, SLA and scoring apart):

- **A stage moved by hand** (`move_stage`, `accept`, `reject`: the stages router and the MCP
  tools call these, not StageService): the stage work (stages/service.py: the lead's stage, the
  move's record, `lead.stage_changed`, `lead.rejected`), then step 4 at the move's time: a won
  or lost stage or a rejection stops the clock and closes the lead's open breaches; an
  acceptance is the owner's touch.
- **A task done** (`task_done`, from tasks/service.py): a task of one of the pipeline's touch
  types completed is step 4's touch at its completion, as an event of that type would be.
- **A clock past due** (`clock_due`, once per clock from the breach sweep, flows/sla_sweep.py,
  in a transaction of its own): SLA judges it (sla/service.py: the lead locked, the assignment
  marked breached, the breach stored, `sla.breached`); when the breach's policy says
  `reassign`, step 3 runs again without the owner who let it wait (`lead.assigned`, a new
  clock; nobody else: it stays, with no `lead.unassigned`), and the breach names the new owner.

The one-statement PostgreSQL capture (leads/fast.py) is this flow compiled for its commonest
case, a new lead: `plan_new` decides steps 1-3 for both paths, and `plan_fast_capture` turns the
decision into the statement's parameters, assigning from the cached routing config. The event
fast path (events/fast.py) takes step 1 alone: `plan_event` hands the event back to the general
path whenever steps 2-4 would have work (a band change; a touch is never offered to it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id
from leadapi.leads.fast import FastCapture
from leadapi.principal import Principal
from leadapi.routing.service import RoutingService, routed_bands, starts_routing
from leadapi.scoring.engine import EventFact
from leadapi.scoring.scorer import ActiveModel, Scorer
from leadapi.sla.service import Breached, SlaService
from leadapi.stages.engine import Pipeline
from leadapi.stages.schemas import StageMoveIn
from leadapi.stages.service import PROMOTED_BY, StageMove, StageService, change_record


@dataclass(frozen=True, slots=True)
class NewLead:
    """Steps 1-3 decided for a lead about to be inserted."""

    row: dict[str, Any]  # as it is stored: scored, in the stage its band promotes it to
    entry: dict[str, Any]  # the same in the entry stage: what the promotion's record moves from
    scored: NewEvent | None  # `lead.scored`, the start of its score history (None: no model yet)
    promoted: str | None  # the stage its band put it in at birth
    routes: bool  # it goes to routing at once


def _event_row(type_: str, now: datetime, actor: str | None, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": new_id("event"), "type": type_, "occurred_at": now, "actor": actor, "data": data}


def _band_names(model: ActiveModel | None) -> list[str]:
    """The active model's bands, highest first (no model yet: none)."""
    return [] if model is None else [band.name for band in model.compiled.bands]


class LeadChangeFlow:
    def __init__(
        self, scorer: Scorer, stages: StageService, routing: RoutingService, sla: SlaService
    ) -> None:
        self.scorer = scorer
        self.stages = stages
        self.routing = routing
        self.sla = sla

    # ---- a new lead ------------------------------------------------------------------------------

    def plan_new(
        self,
        row: Mapping[str, Any],
        model: ActiveModel | None,
        pipeline: Pipeline,
        route_on: str,
        actor: str | None,
    ) -> NewLead:
        """Steps 1-3 for `row`, a lead about to be inserted in the pipeline's entry stage (at its
        `created_at`). Pure: the general path (`created`) and the one-statement capture
        (`plan_fast_capture`) both write what it decides."""
        row = dict(row)
        now = row["created_at"]
        # 1. A new lead has no events yet: its fields alone score it.
        scored = None if model is None else self.scorer.score_new(model, row, now, actor)
        # 2. Born in a band that has a stage: stored in that stage at once (version 1), the move
        # from the entry stage recorded all the same.
        promoted = pipeline.promotion(row["stage"], row["band"])
        row["stages_mask"] = pipeline.mask(row["stage"], *([promoted] if promoted else []))
        entry = dict(row)
        if promoted is not None:
            row["stage"] = promoted
        # 3. Whether it goes to sales now.
        routes = starts_routing(
            route_on, routed_bands(route_on, _band_names(model)), None, row, pipeline.closed
        )
        return NewLead(row, entry, scored, promoted, routes)

    async def plan(
        self, conn: AsyncConnection, workspace_id: str, row: Mapping[str, Any], actor: str | None
    ) -> tuple[NewLead, Pipeline]:
        """`plan_new` under the model, pipeline and route_on the caller's transaction sees; `row`
        in any stage (it is put in the pipeline's entry stage)."""
        pipeline = await self.stages.pipeline(conn, workspace_id)
        model = await self.active_model(conn, workspace_id, actor)
        route_on = await self.routing.route_on(conn, workspace_id)
        return self.plan_new({**row, "stage": pipeline.entry}, model, pipeline, route_on, actor), pipeline

    async def created(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        plan: NewLead,
        pipeline: Pipeline,
        actor: str | None,
        *,
        first: Sequence[NewEvent] = (),
        route: bool = True,
    ) -> dict[str, Any]:
        """The rest of a new lead the caller has inserted as `plan.row`: its score event (after
        the caller's `first`, its `lead.created`, in one statement), its promotion's record, its
        routing. Returns the lead as it now is."""
        lead = {**plan.row, "workspace_id": workspace_id}
        await EventRepository(conn, workspace_id).append([*first, *([plan.scored] if plan.scored else [])])
        if plan.promoted is not None:
            move = await self.stages.promote(
                conn, workspace_id, pipeline, plan.entry, plan.promoted, actor, stored=True
            )
            await self._after_move(conn, workspace_id, move, actor)
        if plan.routes and route:
            lead, _ = await self.routing.route_locked(conn, workspace_id, lead, by="routing", actor=actor)
        return lead

    async def plan_many(
        self, conn: AsyncConnection, workspace_id: str, rows: Sequence[Mapping[str, Any]], actor: str | None
    ) -> tuple[list[NewLead], Pipeline]:
        """`plan` for many new leads at once: the model (compiled once per version), pipeline
        and route_on read once, each row decided by `plan_new` as a single capture's is."""
        pipeline = await self.stages.pipeline(conn, workspace_id)
        model = await self.active_model(conn, workspace_id, actor)
        route_on = await self.routing.route_on(conn, workspace_id)
        plans = [
            self.plan_new({**row, "stage": pipeline.entry}, model, pipeline, route_on, actor) for row in rows
        ]
        return plans, pipeline

    async def created_many(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        plans: Sequence[NewLead],
        pipeline: Pipeline,
        actor: str | None,
        *,
        first: Sequence[NewEvent],
        route: bool = True,
    ) -> list[dict[str, Any]]:
        """`created` for new leads the caller has inserted (`plans[i].row`, `first[i]` its
        `lead.created`), set-based: each lead's events in a single capture's order (created,
        scored, stage_changed) appended in one statement, the promotions' records in another,
        then the leads that go to sales routed in their order (`route` False: none is). Returns
        the leads as they now are."""
        events: list[NewEvent] = []
        moves: list[dict[str, Any]] = []
        left_funnel: list[tuple[str, datetime]] = []
        for plan, created in zip(plans, first, strict=True):
            events.append(created)
            if plan.scored is not None:
                events.append(plan.scored)
            if plan.promoted is not None:
                now = self.stages.clock()
                change, data = change_record(
                    pipeline, plan.entry, plan.promoted, PROMOTED_BY, now, reason="band_changed"
                )
                moves.append(change)
                events.append(NewEvent("lead.stage_changed", plan.row["id"], now, data, actor))
                if pipeline.category(plan.promoted) != "open":
                    left_funnel.append((plan.row["id"], now))
        await EventRepository(conn, workspace_id).append_many(events)
        await self.stages.record_many(conn, workspace_id, moves)
        for lead_id, at in left_funnel:  # step 4 after such a promotion, as `_after_move` does
            await self.sla.stop(conn, workspace_id, lead_id, close_at=at)
        leads = [{**plan.row, "workspace_id": workspace_id} for plan in plans]
        if not route:
            return leads
        routed = [i for i, plan in enumerate(plans) if plan.routes]
        after = await self.routing.route_many(
            conn, workspace_id, [leads[i] for i in routed], by="routing", actor=actor
        )
        for i, lead in zip(routed, after, strict=True):
            leads[i] = lead
        return leads

    def cached_setting(self, workspace_id: str) -> tuple[Pipeline, str] | None:
        """The pipeline and route_on this process last saw for the workspace, for the
        one-statement capture, whose statement checks both (None: not seen yet)."""
        pipeline = self.stages.pipeline_hint(workspace_id)
        route_on = self.routing.route_on_hint(workspace_id)
        return None if pipeline is None or route_on is None else (pipeline, route_on)

    def forget_setting(self, workspace_id: str) -> None:
        """The one-statement capture found a cached assumption stale: the general path reads
        the model, route_on and the pipeline afresh."""
        self.scorer.forget_active(workspace_id)
        self.routing.forget_route_on(workspace_id)
        self.stages.forget_pipeline(workspace_id)

    def plan_fast_capture(
        self,
        workspace_id: str,
        row: Mapping[str, Any],
        model: ActiveModel,
        pipeline: Pipeline,
        route_on: str,
        actor: str | None,
        show: Callable[[Mapping[str, Any]], dict[str, Any]],
    ) -> FastCapture | None:
        """`plan_new` as the parameters of the one-statement capture (leads/fast.py): the row, its
        events in the order the general path appends them (created, scored, stage_changed,
        assigned), the promotion's record and the assignment decided from the cached routing
        config; None when routing needs the database (the general path then decides). `show`
        is the lead as `lead.created` carries it."""
        now = row["created_at"]
        plan = self.plan_new(row, model, pipeline, route_on, actor)
        assert plan.scored is not None
        created = _event_row("lead.created", now, actor, {"lead": show(plan.row)})
        scored = _event_row(plan.scored.type, now, actor, plan.scored.data)
        capture = FastCapture(plan.row, created, scored)
        if plan.promoted is not None:
            change, data = change_record(
                pipeline, plan.entry, plan.promoted, PROMOTED_BY, now, reason="band_changed"
            )
            stage_event = _event_row("lead.stage_changed", now, actor, data)
            capture = replace(capture, stage_change=change, stage_event=stage_event)
        if plan.routes:
            assigned = self.routing.plan_fast(workspace_id, plan.row, now, actor)
            if assigned is None:
                return None
            capture = replace(capture, row={**plan.row, "version": 2}, assigned=assigned)
        return capture

    # ---- a changed lead --------------------------------------------------------------------------

    async def changed(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        *,
        actor: str | None,
        reason: str,
        touched_at: datetime | None = None,
        pipeline: Pipeline | None = None,
    ) -> dict[str, Any]:
        """Steps 1-4 for a lead (locked) the caller has changed from `before` to `after` (written,
        not yet rescored): returns the lead as it now is. `touched_at`: the change is a touch by
        sales (an event of a touch type) at that time."""
        model = await self.active_model(conn, workspace_id, actor)
        [lead] = await self.scorer.rescore(
            conn, workspace_id, [after], reason=reason, actor=actor, model=model
        )
        if before.get("band") != lead.get("band"):
            lead = await self._promote_and_route(conn, workspace_id, before, lead, model, actor, pipeline)
        if touched_at is not None:
            lead = await self.sla.touch(conn, workspace_id, lead, touched_at, actor)
        return lead

    async def rescored(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        batch: Sequence[Mapping[str, Any]],
        *,
        model: ActiveModel,
        reason: str,
        actor: str | None,
    ) -> list[dict[str, Any]]:
        """Steps 1-3 for leads (locked) that nothing but time or a new model changed: the rescoring
        sweep and the job after a model's activation. Returns them as they now are."""
        updated = await self.scorer.rescore(
            conn, workspace_id, batch, reason=reason, actor=actor, model=model
        )
        moved = [
            i
            for i, (old, new) in enumerate(zip(batch, updated, strict=True))
            if old.get("band") != new.get("band")
        ]
        if moved:
            pipeline = await self.stages.pipeline(conn, workspace_id)
            route_on = await self.routing.route_on(conn, workspace_id)
            for i in moved:
                updated[i] = await self._promote_and_route(
                    conn, workspace_id, batch[i], updated[i], model, actor, pipeline, route_on
                )
        return updated

    def plan_event(
        self,
        model: ActiveModel,
        lead: Mapping[str, Any],
        facts: Sequence[EventFact],
        now: datetime,
        actor: str | None,
    ) -> tuple[dict[str, Any], list[NewEvent]] | None:
        """Step 1 for an event on PostgreSQL's fast path (events/fast.py), which writes the lead's
        score columns and these events in one statement: (the score columns, their events). None
        when the band changes, so that steps 2 and 3 may have work: the general path takes it."""
        return self.plan_rescore(model, lead, lead, facts, now, actor, "event")

    def plan_rescore(
        self,
        model: ActiveModel,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        facts: Sequence[EventFact],
        now: datetime,
        actor: str | None,
        reason: str,
    ) -> tuple[dict[str, Any], list[NewEvent]] | None:
        """Step 1 for a lead changed from `before` to `after` by a caller that writes the score
        columns and these events itself (the fast path; an automation batch's kept tag changes,
        flows/batch_writes.py): (the score columns, their events). None when the band changes, so
        that steps 2 and 3 may have work: the general path takes it."""
        score, changes = self.scorer.rescored(model, after, facts, now, reason, actor)
        if score["band"] != before.get("band"):
            return None
        return score, changes

    async def active_model(self, conn: AsyncConnection, workspace_id: str, actor: str | None) -> ActiveModel:
        """The active model; the default one when the workspace has none (it predates scoring, or
        the transaction that made its default rolled back)."""
        # Read in the caller's transaction even when the caller has just asked `ensure_active`:
        # that answer is this process's hint, and another process may have activated a model
        # since; the lead is scored under the one its transaction sees.
        model = await self.scorer.model(conn, workspace_id)
        return model if model is not None else await self.scorer.create_default(conn, workspace_id, actor)

    async def _promote_and_route(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        before: Mapping[str, Any],
        lead: dict[str, Any],
        model: ActiveModel | None,
        actor: str | None,
        pipeline: Pipeline | None = None,
        route_on: str | None = None,
    ) -> dict[str, Any]:
        """Steps 2 and 3 for a lead whose band the rescoring changed."""
        if pipeline is None:
            pipeline = await self.stages.pipeline(conn, workspace_id)
        target = pipeline.promotion(lead["stage"], lead.get("band"))
        if target is not None:
            move = await self.stages.promote(conn, workspace_id, pipeline, lead, target, actor)
            lead = await self._after_move(conn, workspace_id, move, actor)
        if lead.get("owner_id") or lead.get("stage") in pipeline.closed:
            return lead  # an owned lead keeps its owner; a closed one is done
        if route_on is None:
            route_on = await self.routing.route_on(conn, workspace_id)
        if starts_routing(
            route_on, routed_bands(route_on, _band_names(model)), before, lead, pipeline.closed
        ):
            lead, _ = await self.routing.route_locked(conn, workspace_id, lead, by="routing", actor=actor)
        return lead

    async def stop_clock(
        self, conn: AsyncConnection, workspace_id: str, lead_id: str, *, close_at: datetime | None
    ) -> None:
        """Step 4 for a lead that leaves its owner or the funnel otherwise (merged away)."""
        await self.sla.stop(conn, workspace_id, lead_id, close_at=close_at)

    # ---- a stage moved by hand, an acceptance, a rejection ----------------------------------------

    async def move_stage(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, data: StageMoveIn
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """`POST /v1/leads/{id}/stage`: the move (one to the accepted stage is an acceptance), then
        step 4. Returns (the lead as it now is, the move as shown)."""
        move = await self.stages.move(conn, principal, lead_id, data)
        return await self._after_move(conn, principal.workspace_id, move, principal.key_id), move.change

    async def accept(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, note: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sales accepts the lead (the accepted stage), and that is its first touch."""
        move = await self.stages.accept(conn, principal, lead_id, note)
        return await self._after_move(conn, principal.workspace_id, move, principal.key_id), move.change

    async def reject(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, reason: str, note: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sales gives the lead back (the recycle stage, no owner, `lead.rejected`): its clock stops."""
        move = await self.stages.reject(conn, principal, lead_id, reason, note)
        return await self._after_move(conn, principal.workspace_id, move, principal.key_id), move.change

    async def _after_move(
        self, conn: AsyncConnection, workspace_id: str, move: StageMove, actor: str | None
    ) -> dict[str, Any]:
        """Step 4 after any stage move, promotions included: leaving the funnel (a won or lost
        stage) or a rejection stops the lead's clock without verdict and closes its open breaches
        at the move's time; an acceptance is a touch at that time. Returns the lead as it now is."""
        if move.rejected or move.category != "open":
            await self.sla.stop(conn, workspace_id, move.lead["id"], close_at=move.at)
        if move.accepted:
            return await self.sla.touch(conn, workspace_id, move.lead, move.at, actor)
        return move.lead

    # ---- a task done (tasks/service.py) -----------------------------------------------------------

    async def task_done(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead: dict[str, Any],
        task_type: str,
        at: datetime,
        actor: str | None,
    ) -> dict[str, Any]:
        """Step 4 for a task done on a lead (locked by the caller) at `at`: when the task's type
        is one of the pipeline's touch types, that is the owner's touch, as an event of that type
        is (the clock stops, the first touch is dated). Nothing else of the lead changed, so no
        rescoring. Returns the lead as it now is."""
        pipeline = await self.stages.pipeline(conn, workspace_id)
        if task_type not in pipeline.touch_types:
            return lead
        return await self.sla.touch(conn, workspace_id, lead, at, actor)

    # ---- a first-touch clock past due (flows/sla_sweep.py) ----------------------------------------

    async def clock_due(
        self, conn: AsyncConnection, workspace_id: str, assignment_id: str, lead_id: str, now: datetime
    ) -> Breached | None:
        """Step 4 for a clock the SLA sweep found due by `now`, in the caller's transaction: SLA
        judges it (a breach: the assignment marked breached, the breach stored, `sla.breached`),
        and when the breach's policy says `reassign` the lead is routed again without the owner
        who let it wait (`lead.assigned`, with a new clock; when nobody else can take it, it stays
        with its owner and no `lead.unassigned` is recorded), the breach naming the new owner.
        None: no breach (see SlaService.judge)."""
        breached = await self.sla.judge(conn, workspace_id, assignment_id, lead_id, now)
        if breached is None or breached.action != "reassign":
            return breached
        _, decision = await self.routing.route_locked(
            conn,
            workspace_id,
            breached.lead,
            by="sla_escalation",
            actor=None,
            exclude=frozenset({breached.breach["owner_id"]}),
            record_unassigned=False,
        )
        if decision.owner_id is None:
            return breached
        return await self.sla.reassigned(conn, workspace_id, breached, decision.owner_id)

    # ---- an owner set by hand --------------------------------------------------------------------

    async def owner_set(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead: dict[str, Any],
        owner_id: str | None,
        actor: str | None,
    ) -> dict[str, Any]:
        """`owner_id` by PATCH: an assignment by hand (its clock starts as routing's would), or
        `null`: the lead leaves its owner and the running clock stops without verdict."""
        if owner_id is not None:
            return await self.routing.manual_assign(conn, workspace_id, lead, owner_id, actor)
        lead = await self.routing.unassign(conn, workspace_id, lead, actor)
        await self.sla.stop(conn, workspace_id, lead["id"], close_at=None)
        return lead
