"""Running automations: a consumer of the numbered event log, and the actions it takes on leads.

For each workspace with automations, the consumer keeps a position in the event log (events.seq).
One batch, in one transaction: the position row locked (SKIP LOCKED on PostgreSQL, so any number
of workers cooperate and none waits), the events after it read, every active automation whose
trigger takes an event run for the event's lead, each run recorded, and the position moved past
the batch. The effects, the runs and the new position commit together or not at all, so every
(automation, event) runs exactly once whatever crashes; a unique (automation_id, event_id) on
runs is the second guard.

A run: the lead locked; the trigger's details (a score crossing a threshold, a spike within a
window); the loop guards (how many runs led to the event, an automation setting itself off); the
`when` condition; the limits; then the actions, in order, each in a savepoint of its own, through
the same paths an API call takes: lead updates (LeadService), stage moves (LeadChangeFlow, whose
rules apply), routing (RoutingService). So every change goes through the lead-change flow (rescore,
promotion, routing, SLA clocks). An action that is refused (a stage move the pipeline forbids, an
owner who is gone) is recorded as refused, and the next runs. Every event an action appends
carries the run (`caused_by`), so the chains automations make are traced, and bounded by depth.

It lives here, beside the lead-change flow, because it calls across leads, stages and routing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.automations import engine
from leadapi.automations.repository import AutomationRepository, behind_statement, claim_due_mark, cursors
from leadapi.automations.schemas import AutomationCreate, AutomationPreviewIn
from leadapi.automations.service import AutomationService, stored
from leadapi.conditions import ConditionError, Predicate
from leadapi.db import Database
from leadapi.errors import ProblemError, not_found, validation_errors
from leadapi.events.consumers import claim_position, run_round
from leadapi.events.repository import EventRepository, NewEvent, caused_by, event_row
from leadapi.events.rows import EventRow
from leadapi.flows.automation_refs import disable_if_stale
from leadapi.flows.batch_writes import WRITTEN_HERE, PendingWrites, tag_change
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.ids import new_id
from leadapi.leads.provenance import AUTOMATION
from leadapi.leads.repository import LeadRepository
from leadapi.leads.schemas import LeadUpdate
from leadapi.leads.service import LeadService
from leadapi.owners.repository import OwnerRepository
from leadapi.principal import Principal, effective_scopes
from leadapi.routing.service import RoutingService
from leadapi.scoring.schemas import ScoreAdjustmentIn
from leadapi.scoring.scorer import ActiveModel
from leadapi.scoring.service import ScoringService
from leadapi.stages.engine import Pipeline
from leadapi.stages.repository import StageRepository
from leadapi.stages.schemas import StageMoveIn
from leadapi.tasks.service import TaskService
from leadapi.tracks.repository import TrackRepository
from leadapi.tracks.service import TrackService

log = logging.getLogger("leadapi.automations")

BATCH = 200  # events per workspace per transaction
WORKSPACES_PER_ROUND = 50
# A database error that a later attempt may not meet (a deadlock, a serialisation failure, a lock
# or statement timeout): the batch rolls back and is taken again, rather than recorded as failed.
TRANSIENT_STATES = frozenset({"40001", "40P01", "55P03", "57014"})


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in TRANSIENT_STATES


def _refusal(exc: ProblemError | ValidationError) -> str:
    if isinstance(exc, ValidationError):
        errors = validation_errors(exc.errors())
        return "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    if exc.errors:
        return "; ".join(
            f"{e['field']}: {e['message']}" if e.get("field") else e["message"] for e in exc.errors
        )
    return exc.detail


@dataclass
class _Batch:
    """What one batch of a workspace reads once and writes once: the compiled conditions, the runs
    events name, the leads (locked), and the runs and notifications it makes, written together
    at its end (one statement each, not one per run). The limits read the runs this batch made
    from here, as they are not in the table yet."""

    predicates: dict[str, Predicate | None]
    writes: PendingWrites
    causes: dict[str, engine.Cause | None] = field(default_factory=dict)
    leads: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    notices: list[EventRow] = field(default_factory=list)
    fired: dict[tuple[str, str], datetime] = field(default_factory=dict)
    fired_count: Counter[str] = field(default_factory=Counter)
    # When each (automation, lead) pair of the batch with a once-per-lead or cooldown limit last
    # fired before it (`limited`: the pairs read; those absent from `stored_fired` never fired).
    stored_fired: dict[tuple[str, str], datetime] = field(default_factory=dict)
    limited: set[tuple[str, str]] = field(default_factory=set)
    careful: bool = False  # a savepoint per action (see AutomationFlow.consume)
    # Read once per batch for the enrolments (no action changes them).
    tracks: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    pipeline: Pipeline | None = None
    model: ActiveModel | None = None  # the active scoring model, read once for the kept tag changes


class _RetryWithSavepointsError(Exception):
    """An action failed or was refused in a batch run without a savepoint per action: the batch is
    run again with them."""


class AutomationFlow:
    def __init__(
        self,
        clock: Callable[[], datetime],
        automations: AutomationService,
        leads: LeadService,
        flow: LeadChangeFlow,
        routing: RoutingService,
        tasks: TaskService,
        *,
        nurture: TrackService,
        scoring: ScoringService,
        max_depth: int = 5,
        keep_writes: bool = True,
    ) -> None:
        self.clock = clock
        self.automations = automations
        self.leads = leads
        self.flow = flow
        self.routing = routing
        self.tasks = tasks
        self.nurture = nurture
        self.max_depth = max_depth
        self.scoring = scoring
        # Tag changes and enrolments kept on the batch and written once (flows/batch_writes.py);
        # off (settings.fast_paths): each through the general path, as an API call's.
        self.keep_writes = keep_writes
        self._compiled: dict[tuple[str, datetime], Predicate | None] = {}

    # ---- the consumer's unit of work -------------------------------------------------------------

    async def consume(self, conn: AsyncConnection, workspace_id: str, limit: int = BATCH) -> int | None:
        """One batch of the workspace's events in the caller's transaction: how many events it ran
        automations over (None: another worker holds the workspace now). Only the events of types
        some active trigger takes are read; the position moves past the others too."""
        position = await claim_position(conn, cursors, workspace_id)
        if position is None:
            return None
        now = self.clock()
        repo = AutomationRepository(conn, workspace_id)
        active = await repo.active()
        # Read before the events, and the events read up to it: an event numbered meanwhile is
        # after the position this batch moves to, never skipped.
        last = await repo.last_seq()
        if not active:  # nothing to run: straight to the end of the log
            if last > position:
                await repo.move_cursor(last, now)
            return 0
        await repo.refresh_statistics()
        types = engine.trigger_types([a["trigger"] for a in active])
        batch = await EventRepository(conn, workspace_id).feed(position, types, limit, upto=last)
        # A full batch stops at its last event; a short one read every event up to `last`.
        reached = int(batch[-1]["seq"]) if len(batch) == limit else last
        if not batch:
            if reached > position:
                await repo.move_cursor(reached, now)
            return 0
        done = await repo.runs_done(position, reached)
        work: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for event in batch:
            if event["lead_id"] is None:
                continue
            candidates = [
                automation
                for automation in active
                if event["seq"] > automation["from_seq"]
                and (automation["id"], event["id"]) not in done
                and engine.may_fire(automation["trigger"], event)
                and engine.meant_for(automation, event)
            ]
            if candidates:
                work.append((event, candidates))
        predicates = {a["id"]: self._predicate(a) for a in active}
        # What the batch's runs read of the runs stored, each in one statement: the runs that
        # caused its events (the loop guards), and when its limited pairs last fired.
        stored = await repo.runs_by_id([e["caused_by"] for e, _ in work if e.get("caused_by")])
        causes = {run_id: _cause_of(stored.get(run_id)) for e, _ in work if (run_id := e.get("caused_by"))}
        limited = {
            (a["id"], str(e["lead_id"]))
            for e, candidates in work
            for a in candidates
            if (a["limits"] or {}).get("once_per_lead") or (a["limits"] or {}).get("cooldown_minutes")
        }
        stored_fired = await repo.last_fired_many([a for a, _ in limited], [lead for _, lead in limited])

        lead_ids = list(dict.fromkeys(str(e["lead_id"]) for e, _ in work))

        def fresh(careful: bool = False) -> _Batch:
            return _Batch(
                predicates,
                PendingWrites(workspace_id, lead_ids),
                dict(causes),
                stored_fired=stored_fired,
                limited=limited,
                careful=careful,
            )

        try:
            # Every action without a savepoint of its own, the batch in one: an action that fails
            # or is refused (rare) sends the batch back to it, to be run again with a savepoint
            # per action, so that one undoes only itself, as the runs then record.
            async with conn.begin_nested():
                state = await self._run(conn, workspace_id, work, fresh())
        except _RetryWithSavepointsError:
            state = await self._run(conn, workspace_id, work, fresh(careful=True))
        if state.notices:
            await EventRepository(conn, workspace_id).append_rows(state.notices)
        if state.runs:
            await repo.add_runs(state.runs)
        await repo.move_cursor(reached, now)
        return len(batch)

    async def _run(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        work: list[tuple[dict[str, Any], list[dict[str, Any]]]],
        state: _Batch,
    ) -> _Batch:
        """The batch's events with their candidate automations, run in order (the runs and
        notifications left in `state` for the caller to write)."""
        if work:
            state.leads = await LeadRepository(conn, workspace_id).get_many(
                [event["lead_id"] for event, _ in work], for_update=True
            )
        for event, candidates in work:
            await self._event(conn, workspace_id, candidates, event, state)
        await state.writes.flush(conn, state.leads)
        return state

    def _predicate(self, automation: Mapping[str, Any]) -> Predicate | None:
        """The automation's condition, compiled once per version of it."""
        if automation["when"] is None:
            return None
        key = (automation["id"], automation["updated_at"])
        if key not in self._compiled:
            if len(self._compiled) > 10_000:
                self._compiled.clear()
            self._compiled[key] = engine.compile_when(automation["when"])
        return self._compiled[key]

    async def _cause(
        self, repo: AutomationRepository, event: Mapping[str, Any], state: _Batch
    ) -> engine.Cause | None:
        run_id = event.get("caused_by")
        if run_id is None:
            return None
        if run_id not in state.causes:
            state.causes[run_id] = _cause_of(await repo.run(run_id))
        return state.causes[run_id]

    async def _triggered(
        self,
        repo: AutomationRepository,
        trigger: Mapping[str, Any],
        event: Mapping[str, Any],
        lead_id: str | None,
    ) -> bool:
        """The trigger's own test, beyond the event's kind (engine.may_fire): a crossing, a spike."""
        kind = engine.trigger_kind(trigger)
        data = event.get("data") or {}
        if kind == "score_crossed":
            return engine.score_crossed(trigger["score_crossed"], data)
        if kind == "intent_spike":
            spec = trigger["intent_spike"]
            since = engine.window_start(spec, event["occurred_at"])
            if spec.get("points") is not None:
                baseline = 0.0 if lead_id is None else await repo.behavior_at(lead_id, since)
                return engine.points_spike(spec, data, baseline)
            earlier = (
                0
                if lead_id is None
                else await repo.events_in_window(lead_id, spec["types"], since, dict(event))
            )
            return engine.events_spike(spec, earlier)
        return True

    async def _event(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        candidates: list[dict[str, Any]],
        event: dict[str, Any],
        state: _Batch,
    ) -> None:
        """The automations whose trigger takes the event, for its lead: each one's verdict on the
        lead as it is before any of them acts (so one's effect does not decide another's condition
        on the same event), then the actions of those that fire, in the automations' order."""
        repo = AutomationRepository(conn, workspace_id)
        lead = await self._lead(conn, workspace_id, event["lead_id"], state)
        if lead is None:  # erased or merged away since
            return
        now = self.clock()
        cause = await self._cause(repo, event, state)
        decided: list[tuple[dict[str, Any], int, engine.Skip | None]] = []
        for automation in candidates:
            if not await self._triggered(repo, automation["trigger"], event, lead["id"]):
                continue
            limits = automation["limits"] or {}
            depth, skip = engine.loop_guard(
                automation["id"], lead["id"], cause, limits.get("cooldown_minutes"), self.max_depth, now
            )
            if skip is None:
                predicate = state.predicates.get(automation["id"])
                if predicate is not None and not predicate(engine.when_context(lead, event)):
                    skip = engine.Skip(
                        "condition", "The automation's `when` is false for this lead and event."
                    )
            if skip is None:
                skip = await self._limit(repo, automation, lead["id"], now, state)
            decided.append((automation, depth, skip))
        for automation, depth, skip in decided:
            run_id = new_id("automation_run")
            results: list[dict[str, Any]] = []
            if skip is None:
                results = await self._act(conn, workspace_id, automation, run_id, lead["id"], event, state)
                if any(result.get("status") == "refused" for result in results):
                    # An owner or stage gone without the hook seeing it (a race with its removal).
                    await disable_if_stale(conn, workspace_id, automation, now, automation["id"])
                state.fired[(automation["id"], lead["id"])] = now
                state.fired_count[automation["id"]] += 1
            state.runs.append(
                {
                    "id": run_id,
                    "automation_id": automation["id"],
                    "event_id": event["id"],
                    "event_seq": event["seq"],
                    "event_type": event["type"],
                    "lead_id": lead["id"],
                    "status": "fired" if skip is None else "skipped",
                    "reason": None if skip is None else skip.reason,
                    "detail": None if skip is None else skip.detail[:500],
                    "actions": results,
                    "depth": depth,
                    "caused_by": None if cause is None else cause.run_id,
                    "at": now,
                }
            )

    async def _lead(
        self, conn: AsyncConnection, workspace_id: str, lead_id: str, state: _Batch
    ) -> dict[str, Any] | None:
        """The lead as it is now, locked: as the batch read it, or read again once an action
        changed it."""
        if lead_id not in state.leads:
            found = await LeadRepository(conn, workspace_id).get(lead_id, for_update=True)
            if found is None:
                return None
            state.leads[lead_id] = found
        return state.leads[lead_id]

    async def _limit(
        self,
        repo: AutomationRepository,
        automation: Mapping[str, Any],
        lead_id: str,
        now: datetime,
        state: _Batch | None = None,
    ) -> engine.Skip | None:
        """Whether a limit stops the run: the runs stored, and those this batch made (`state`)."""
        limits = automation["limits"] or {}
        pair = (automation["id"], lead_id)
        last = state.fired.get(pair) if state is not None else None
        if last is None and (limits.get("once_per_lead") or limits.get("cooldown_minutes")):
            if state is not None and pair in state.limited:
                last = state.stored_fired.get(pair)
            else:
                last = await repo.last_fired(automation["id"], lead_id)
        fired = 0
        if limits.get("max_runs_per_day"):
            cap = int(limits["max_runs_per_day"])
            fired = 0 if state is None else state.fired_count[automation["id"]]
            if fired < cap:
                fired += await repo.fired_since(automation["id"], now - engine.DAY, cap - fired)
        return engine.limit_skip(limits, last, fired, now)

    # ---- the inactivity sweep --------------------------------------------------------------------

    async def sweep_inactivity(self, conn: AsyncConnection, limit: int = BATCH) -> tuple[int, bool] | None:
        """One due `inactive_for_days` mark in the caller's transaction: an `automation.inactivity`
        event for each lead that turned quiet for the automation's days since the mark (the
        consumer runs the automation on it, exactly once), the mark moved past them, and when it is
        next due. Returns (how many leads, whether more are due at once); None: no mark is due.

        The events and the moved mark commit together, so each quiet spell is found once; a lead's
        new activity puts it after the mark again (a new spell)."""
        now = self.clock()
        mark = await claim_due_mark(conn, now)
        if mark is None:
            return None
        workspace_id, automation_id, days = mark["workspace_id"], mark["automation_id"], int(mark["days"])
        repo = AutomationRepository(conn, workspace_id)
        cutoff = now - timedelta(days=days)
        # The earliest a lead not yet quiet could be: one active from now on.
        due = [now + timedelta(days=days)]
        appended: list[NewEvent] = []
        moved: dict[str, Any] = {}
        full = False
        for order in ("active", "idle"):
            after: tuple[datetime, str] = (mark[f"{order}_at"], mark[f"{order}_id"])
            quiet = await repo.quiet_leads(order, after, cutoff, limit)
            for lead_id, since in quiet:
                data = engine.inactivity_data(automation_id, days, since)
                appended.append(NewEvent(engine.INACTIVITY, lead_id, now, data, automation_id))
            if quiet:
                since, lead_id = quiet[-1][1], quiet[-1][0]
                after = (since, lead_id)
                moved.update({f"{order}_at": since, f"{order}_id": lead_id})
            if len(quiet) == limit:
                full = True
            else:
                following = await repo.quiet_leads(order, after, None, 1)
                if following:
                    due.append(following[0][1] + timedelta(days=days))
        if appended:
            await EventRepository(conn, workspace_id).append(appended)
        await repo.move_mark(automation_id, {**moved, "due_at": now if full else min(due)})
        return len(appended), full

    # ---- actions ---------------------------------------------------------------------------------

    async def _act(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        automation: Mapping[str, Any],
        run_id: str,
        lead_id: str,
        event: Mapping[str, Any],
        state: _Batch,
    ) -> list[dict[str, Any]]:
        """Run the actions in order; every event they append carries the run. In a careful batch
        each runs in a savepoint (a refused one undoes only itself); otherwise a refusal or a
        failure sends the whole batch back to run carefully. A notification (its event is appended
        with the batch's runs) and a change the lead has already write nothing here."""
        principal = Principal(workspace_id, automation["id"], effective_scopes(["admin"]))
        results: list[dict[str, Any]] = []
        with caused_by(run_id):
            for index, action in enumerate(automation["actions"]):
                result: dict[str, Any] = {"index": index, "type": action["type"]}
                lead = await self._lead(conn, workspace_id, lead_id, state)
                if lead is None:
                    result.update(status="refused", detail=f"Lead {lead_id!r} no longer exists.")
                    results.append(result)
                    continue
                done = _without_writes(action, lead)
                if done is None and action["type"] == "notify":
                    data = engine.notification(action, automation, run_id, lead, event)
                    notice = NewEvent("automation.notified", lead_id, self.clock(), data, principal.key_id)
                    row = event_row(workspace_id, notice)
                    state.notices.append(row)
                    done = {"status": "done", "changes": {"event_id": row["id"], "message": data["message"]}}
                if done is None and action["type"] in TAG_ACTIONS and self.keep_writes:
                    done = await self._tags_kept(conn, principal, lead, action, state)
                if done is not None:
                    result.update(done)
                    results.append(result)
                    continue
                if action["type"] not in STORED_LEAD_UNREAD:
                    await state.writes.flush(conn, state.leads)
                state.writes.general_action(lead_id, action["type"], state.model)
                if not state.careful:
                    try:
                        done = await self._action(
                            conn, principal, automation, run_id, lead, action, event, state
                        )
                        result.update(done)
                    except Exception as exc:
                        if _transient(exc):
                            raise  # the batch rolls back and is taken again
                        raise _RetryWithSavepointsError from exc
                    _keep_lead(state, lead_id, action, result)
                    results.append(result)
                    continue
                try:
                    async with conn.begin_nested():
                        done = await self._action(
                            conn, principal, automation, run_id, lead, action, event, state
                        )
                        result.update(done)
                except (ProblemError, ValidationError) as exc:
                    result.update(status="refused", detail=_refusal(exc)[:500])
                except Exception as exc:
                    if _transient(exc):
                        raise  # the batch rolls back and is taken again
                    log.exception("automation %s action %d failed", automation["id"], index)
                    result.update(status="failed", detail=f"{type(exc).__name__}: {str(exc)[:300]}")
                _keep_lead(state, lead_id, action, result)
                results.append(result)
        return results

    async def _tags_kept(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead: dict[str, Any],
        action: Mapping[str, Any],
        state: _Batch,
    ) -> dict[str, Any] | None:
        """A tag change kept on the batch's copy of the lead, written when the batch ends
        (flows/batch_writes.py): its result, or None when it takes the general path."""
        change = engine.tags_added if action["type"] == "add_tags" else engine.tags_removed
        update = {"tags": change(lead["tags"], action["tags"])}
        try:
            fields = self.leads.prepare(LeadUpdate.model_validate(update))
        except (ValidationError, ProblemError):
            return None  # refused the general way, with its detail
        if state.model is None:
            state.model = await self.flow.active_model(conn, principal.workspace_id, principal.key_id)
        if state.model.compiled.event_types & WRITTEN_HERE:
            return None
        facts = await state.writes.lead_facts(conn, self.scoring.scorer, state.model, lead["id"])
        planned = tag_change(
            self.flow,
            principal.workspace_id,
            state.model,
            lead,
            fields,
            facts,
            self.clock(),
            principal.key_id,
        )
        if planned is None:
            return None
        after, rows, columns = planned
        if columns:
            state.writes.keep(lead["id"], columns, rows)
            state.leads[lead["id"]] = after
        return _changed(lead, after, update)

    async def _action(
        self,
        conn: AsyncConnection,
        principal: Principal,
        automation: Mapping[str, Any],
        run_id: str,
        lead: dict[str, Any],
        action: Mapping[str, Any],
        event: Mapping[str, Any],
        state: _Batch,
    ) -> dict[str, Any]:
        kind = action["type"]
        lead_id = lead["id"]
        if kind in ("add_tags", "remove_tags", "set_fields", "assign"):
            if kind == "assign" and lead["owner_id"] == action["owner_id"]:
                return {"status": "unchanged", "detail": "The lead has this owner already."}
            if kind == "set_fields":
                update = engine.field_update(action["fields"])
            elif kind == "assign":
                update = {"owner_id": action["owner_id"]}
            else:
                change = engine.tags_added if kind == "add_tags" else engine.tags_removed
                update = {"tags": change(lead["tags"], action["tags"])}
            after = await self.leads.update(
                conn,
                principal,
                lead_id,
                LeadUpdate.model_validate(update),
                None,
                origin=AUTOMATION,
                locked=lead,
            )
            return {**_changed(lead, after, update), AFTER: after}
        if kind == "move_stage":
            if lead["stage"] == action["stage"]:
                return {"status": "unchanged", "detail": f"The lead is in {action['stage']!r} already."}
            move = StageMoveIn(to=action["stage"], reason=action.get("reason"), note=action.get("note"))
            after, _ = await self.flow.move_stage(conn, principal, lead_id, move)
            return {"status": "done", "changes": {"stage": [lead["stage"], after["stage"]]}}
        if kind == "route":
            after, decision = await self.routing.route(conn, principal, lead_id, bool(action.get("force")))
            if decision.owner_id is None:
                return {"status": "unchanged", "detail": f"Nobody can take the lead: {decision.reason}."}
            return {"status": "done", "changes": {"owner_id": [lead["owner_id"], after["owner_id"]]}}
        if kind == "create_task":
            task = await self.tasks.create(
                conn,
                principal.workspace_id,
                lead_id=lead_id,
                task_type=action["task_type"],
                due_at=self.clock() + timedelta(minutes=action["due_in_minutes"]),
                owner_id=action.get("owner_id"),
                note=action.get("note"),
                actor=principal.key_id,
                caused_by=run_id,
            )
            return {"status": "done", "changes": {"task_id": task["id"], "owner_id": task["owner_id"]}}
        if kind == "adjust_score":
            body = ScoreAdjustmentIn.model_validate({k: v for k, v in action.items() if k != "type"})
            made, after = await self.scoring.adjust(
                conn, principal.workspace_id, lead_id, body, actor=principal.key_id, run_id=run_id
            )
            expires_at = made["expires_at"]
            return {
                "status": "done",
                "changes": {
                    "adjustment_id": made["id"],
                    "points": made["points"],
                    "expires_at": None if expires_at is None else expires_at.isoformat(),
                    "score": [lead["score"], after["score"]],
                },
            }
        if kind == "enroll":
            track_id = action["track_id"]
            if track_id not in state.tracks:
                state.tracks[track_id] = await TrackRepository(conn, principal.workspace_id).get(track_id)
            if state.pipeline is None:
                state.pipeline = await StageRepository(conn, principal.workspace_id).pipeline()
            entry = await self.nurture.enroll(
                conn,
                principal.workspace_id,
                lead_id,
                action["track_id"],
                actor=principal.key_id,
                caused_by=run_id,
                locked=lead,
                known_track=state.tracks[track_id],
                pipeline=state.pipeline,
                batch=state.writes.enrollments if self.keep_writes else None,
            )
            changes = {"enrollment_id": entry["id"], "status": entry["status"]}
            return {"status": "done", "changes": changes}
        if kind == "unenroll":
            ended = await self.nurture.exit_track(
                conn,
                principal.workspace_id,
                lead_id,
                action.get("track_id"),
                action["reason"],
                principal.key_id,
            )
            if not ended:
                return {"status": "unchanged", "detail": "The lead is in no such track."}
            return {"status": "done", "changes": {"enrollment_ids": [e["id"] for e in ended]}}
        raise AssertionError(f"an action the consumer does without writes: {kind}")  # notify: _act

    # ---- a dry run -------------------------------------------------------------------------------

    async def preview(
        self, conn: AsyncConnection, principal: Principal, body: AutomationPreviewIn
    ) -> dict[str, Any]:
        """Would the automation fire for this lead and event, and what would each action do? Reads
        only: nothing is stored."""
        workspace_id = principal.workspace_id
        if isinstance(body.automation, AutomationCreate):
            # An inline automation without `when` (always) has none to store: say so, as a stored one does.
            automation: dict[str, Any] = {
                "id": "preview",
                "when": None,
                **stored(body.automation),
                "limits": {},
            }
            if body.automation.limits is not None:
                automation["limits"] = body.automation.limits.model_dump()
            await self.automations.check(conn, workspace_id, automation)
            stored_automation = False
        else:
            automation = await self.automations.get(conn, principal, body.automation)
            stored_automation = True
        if body.lead_id is not None:
            found = await LeadRepository(conn, workspace_id).get(body.lead_id)
            if found is None:
                raise not_found("Lead", body.lead_id)
            lead, stored_lead = found, True
        else:
            assert body.lead is not None
            lead, stored_lead = await self.leads.sketch(conn, principal, body.lead), False
        now = self.clock()
        event = {
            "id": "preview",
            "seq": 0,
            "type": body.event.type,
            "lead_id": lead["id"],
            "occurred_at": body.event.occurred_at or now,
            "actor": None,
            "source": None,
            "data": body.event.data,
            "caused_by": None,
        }
        answer: dict[str, Any] = {
            "fires": False,
            "trigger_matched": False,
            "condition_matched": None,
            "reason": None,
            "detail": None,
            "actions": [],
        }
        repo = AutomationRepository(conn, workspace_id)
        trigger = automation["trigger"]
        if engine.trigger_kind(trigger) == "inactive_for_days":
            # Time, not an event, sets it off: would the sweep find the lead quiet at the event's time?
            days = int(trigger["inactive_for_days"])
            if not engine.inactive(lead, days, event["occurred_at"]):
                since = engine.quiet_since(lead)
                detail = f"The lead has not been quiet for {days} days" + (
                    f" (its last activity, or creation: {since.isoformat()})." if since else "."
                )
                return {**answer, "reason": "trigger", "detail": detail}
        elif not (
            engine.may_fire(trigger, event)
            and await self._triggered(repo, trigger, event, lead["id"] if stored_lead else None)
        ):
            return {**answer, "reason": "trigger", "detail": "The trigger does not take this event."}
        answer["trigger_matched"] = True
        try:
            predicate = None if automation["when"] is None else engine.compile_when(automation["when"])
        except ConditionError as exc:  # a stored one was checked on write; this is belt and braces
            raise ProblemError(
                422, exc.message, errors=[{"field": exc.path, "message": exc.message}]
            ) from None
        condition = predicate is None or predicate(engine.when_context(lead, event))
        answer["condition_matched"] = condition
        if not condition:
            return {
                **answer,
                "reason": "condition",
                "detail": "The automation's `when` is false for this lead and event.",
            }
        if stored_automation and stored_lead:
            skip = await self._limit(repo, automation, lead["id"], now)
            if skip is not None:
                return {**answer, "reason": skip.reason, "detail": skip.detail}
        answer["fires"] = True
        answer["actions"] = await self._dry_actions(conn, principal, automation, dict(lead), event)
        return answer

    async def _dry_actions(
        self,
        conn: AsyncConnection,
        principal: Principal,
        automation: Mapping[str, Any],
        lead: dict[str, Any],
        event: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """What each action would do, in order, each on the lead as the ones before would leave it."""
        workspace_id = principal.workspace_id
        pipeline = await StageRepository(conn, workspace_id).pipeline()
        out: list[dict[str, Any]] = []
        for index, action in enumerate(automation["actions"]):
            kind = action["type"]
            result: dict[str, Any] = {"index": index, "type": kind}
            if kind in ("add_tags", "remove_tags", "set_fields"):
                if kind == "set_fields":
                    update = engine.field_update(action["fields"])
                    attributes = {**lead.get("attributes", {}), **update.get("attributes", {})}
                    after = {
                        **lead,
                        **update,
                        "attributes": {k: v for k, v in attributes.items() if v is not None},
                    }
                else:
                    change = engine.tags_added if kind == "add_tags" else engine.tags_removed
                    update = {"tags": change(lead.get("tags") or [], action["tags"])}
                    after = {**lead, **update}
                result.update(_changed(lead, after, update, would=True))
                lead = after
            elif kind == "move_stage":
                to = action["stage"]
                if lead["stage"] == to:
                    result.update(status="unchanged", detail=f"The lead is in {to!r} already.")
                elif to not in pipeline.targets(lead["stage"]):
                    allowed = ", ".join(pipeline.targets(lead["stage"])) or "none"
                    result.update(
                        status="would_refuse",
                        detail=f"Cannot move from {lead['stage']!r} to {to!r}; allowed: {allowed}.",
                    )
                else:
                    result.update(status="would", changes={"stage": [lead["stage"], to]})
                    lead = {**lead, "stage": to}
            elif kind == "assign":
                owner_id = action["owner_id"]
                if lead.get("owner_id") == owner_id:
                    result.update(status="unchanged", detail="The lead has this owner already.")
                elif not await OwnerRepository(conn, workspace_id).existing_ids([owner_id]):
                    result.update(status="would_refuse", detail=f"owner_id: no owner {owner_id!r}")
                else:
                    result.update(status="would", changes={"owner_id": [lead.get("owner_id"), owner_id]})
                    lead = {**lead, "owner_id": owner_id}
            elif kind == "route":
                if lead.get("owner_id") and not action.get("force"):
                    result.update(
                        status="would_refuse", detail="The lead has an owner; route with force to reassign."
                    )
                else:
                    decision = await self.routing.preview(conn, principal, lead)
                    if decision.owner_id is None:
                        result.update(
                            status="unchanged", detail=f"Nobody can take the lead: {decision.reason}."
                        )
                    else:
                        result.update(
                            status="would", changes={"owner_id": [lead.get("owner_id"), decision.owner_id]}
                        )
                        lead = {**lead, "owner_id": decision.owner_id}
            elif kind == "create_task":
                owner_id = action.get("owner_id") or lead.get("owner_id")
                if owner_id is None:
                    result.update(
                        status="would_refuse", detail="owner_id: the lead has no owner: name the task's owner"
                    )
                else:
                    due_at = self.clock() + timedelta(minutes=action["due_in_minutes"])
                    result.update(
                        status="would",
                        changes={"task_type": action["task_type"], "owner_id": owner_id, "due_at": due_at},
                    )
            elif kind == "adjust_score":
                result.update(await self._dry_adjustment(conn, workspace_id, action, lead))
                lead = {**lead, **result.pop("_lead")}
            elif kind in ("enroll", "unenroll"):
                result.update(await _dry_track_result(conn, workspace_id, action))
            else:
                data = engine.notification(action, automation, "preview", lead, event)
                result.update(status="would", changes={"event_type": "automation.notified", "data": data})
            out.append(result)
        return out

    async def _dry_adjustment(
        self, conn: AsyncConnection, workspace_id: str, action: Mapping[str, Any], lead: Mapping[str, Any]
    ) -> dict[str, Any]:
        """What `adjust_score` would do: the points on the behaviour part, the score they would make
        (clamped to the active model's range), and when they would expire."""
        model = await self.scoring.scorer.model(conn, workspace_id)
        fit = float(lead.get("fit_score") or 0.0)
        behavior = float(lead.get("behavior_score") or 0.0) + action["points"]
        score = fit + behavior
        if model is not None:
            score = min(model.compiled.maximum, max(model.compiled.minimum, score))
        days = action.get("expires_in_days")
        return {
            "status": "would",
            "changes": {
                "points": action["points"],
                "reason": action["reason"],
                "expires_at": None if days is None else self.clock() + timedelta(days=days),
                "score": [lead.get("score"), round(score)],
            },
            "_lead": {"score": round(score), "behavior_score": behavior},
        }


async def _dry_track_result(
    conn: AsyncConnection, workspace_id: str, action: Mapping[str, Any]
) -> dict[str, Any]:
    """What an enroll or unenroll action would do (the track as it is now; the enrolment rules
    are checked when it runs)."""
    track_id = action.get("track_id")
    track = None if track_id is None else await TrackRepository(conn, workspace_id).get(track_id)
    if track_id is not None and track is None:
        return {"status": "would_refuse", "detail": f"track_id: no track {track_id!r}"}
    if action["type"] == "enroll":
        assert track is not None
        if not track["active"]:
            return {"status": "would_refuse", "detail": f"Track {track_id!r} is inactive."}
        return {"status": "would", "changes": {"track_id": track_id}}
    return {"status": "would", "changes": {"track_id": track_id, "reason": action["reason"]}}


# Where an action's result carries the lead as the action left it (taken out before it is stored).
AFTER = "_after"
# Actions whose writes leave the lead's row as it was (enrolments, tasks).
ROW_UNCHANGED = frozenset({"enroll", "unenroll", "create_task"})
# Actions a batch keeps on its copy of the lead, written at its end (flows/batch_writes.py).
TAG_ACTIONS = frozenset({"add_tags", "remove_tags"})
# Actions that read the lead only from the batch's copy (given `locked`), never as stored, so
# the batch's pending writes need not go first.
STORED_LEAD_UNREAD = frozenset({"enroll"})


def _keep_lead(state: _Batch, lead_id: str, action: Mapping[str, Any], result: dict[str, Any]) -> None:
    """The batch's copy of the lead after an action: as the action returned it when it changed the
    lead's row, kept when it did not, otherwise read again when next needed."""
    after = result.pop(AFTER, None)
    if result.get("status") in ("unchanged", "refused", "failed") or action["type"] in ROW_UNCHANGED:
        return
    if after is not None:
        state.leads[lead_id] = dict(after)
    else:
        state.leads.pop(lead_id, None)


def _cause_of(run: Mapping[str, Any] | None) -> engine.Cause | None:
    if run is None:
        return None
    return engine.Cause(run["id"], run["automation_id"], run["lead_id"], run["depth"], run["at"])


def _without_writes(action: Mapping[str, Any], lead: Mapping[str, Any]) -> dict[str, Any] | None:
    """An action's result when the lead has what it asks already (tags it would add or remove),
    so it needs no savepoint and no update; None: it has work to do."""
    kind = action["type"]
    if kind not in ("add_tags", "remove_tags"):
        return None
    change = engine.tags_added if kind == "add_tags" else engine.tags_removed
    if change(lead["tags"] or [], action["tags"]) != list(lead["tags"] or []):
        return None
    return _changed(lead, lead, {"tags": lead["tags"]})


def _changed(
    before: Mapping[str, Any], after: Mapping[str, Any], update: Mapping[str, Any], *, would: bool = False
) -> dict[str, Any]:
    """An action's result from the lead before and after it: each field it changed, [old, new]."""
    changes = {
        name: [before.get(name), after.get(name)] for name in update if before.get(name) != after.get(name)
    }
    if not changes:
        return {"status": "unchanged", "detail": "The lead has these values already."}
    return {"status": "would" if would else "done", "changes": changes}


class InactivitySweep:
    """Finds the leads `inactive_for_days` automations wait for: each due mark in a transaction of
    its own; any number of processes cooperate (marks are claimed with SKIP LOCKED)."""

    def __init__(
        self, db: Database, flow: AutomationFlow, marks_per_round: int = WORKSPACES_PER_ROUND
    ) -> None:
        self.db = db
        self.flow = flow
        self.marks_per_round = marks_per_round

    async def run_once(self) -> bool:
        """One round: up to `marks_per_round` due marks; True when there may be more to do."""
        for _ in range(self.marks_per_round):
            async with self.db.transaction() as conn:
                done = await self.flow.sweep_inactivity(conn)
            if done is None:
                return False
        return True


class AutomationConsumer:
    """Runs automations over new events for this process; any number of processes cooperate (each
    workspace's position is claimed with SKIP LOCKED)."""

    def __init__(self, db: Database, flow: AutomationFlow, batch: int = BATCH) -> None:
        self.db = db
        self.flow = flow
        self.batch = batch

    async def run_once(self, workspace_id: str | None = None) -> bool:
        """One round: a batch for each workspace behind (or for this one), each committed on its
        own; True when there may be more to do."""

        async def step(conn: AsyncConnection, ws: str) -> bool:
            return await self.flow.consume(conn, ws, self.batch) == self.batch

        return await run_round(self.db, behind_statement, step, workspace_id)
