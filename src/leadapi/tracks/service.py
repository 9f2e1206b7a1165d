"""Nurture tracks: create, change and remove them (admin), enrol leads, pause, resume and exit
enrolments, and run the steps that are due (tracks/sweep.py).

An enrolment is `active` (its next step has a due time: the sweep's queue), `paused` (kept, out of
the queue), `completed` (past its last step) or `exited` (a reason: the one given, `exit_when`,
`sales`). A lead is in at most one live (active or paused) track at a time, unless the track it is
enrolled into allows concurrent enrolments; a track is taken again only as its `reenroll` says.

Every change appends one event to the lead's log, which webhooks and the change feed deliver:
`track.enrolled`, `track.paused`, `track.resumed`, `track.exited` (with the reason),
`track.completed`, and from the sweep `track.step_due`, `track.step_skipped`, `track.step_deferred`.

The exit rules (sales has the lead; the track's `exit_when`) are checked on enrolment, at each
due step, and by the exit watch (tracks/sweep.py) as soon as an event about the lead is numbered.

Callers own the transaction. `enroll` and `exit` take a workspace and an actor rather than a
principal, so an automation's actions run them in the run's transaction; a refusal is a
ProblemError they may catch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.conditions import ConditionError, Predicate
from leadapi.consent.repository import ConsentRepository
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.consumers import claim_position
from leadapi.events.repository import EventRepository, NewEvent, event_row
from leadapi.events.rows import EventRow
from leadapi.flows.automation_refs import track_deleted
from leadapi.ids import new_id
from leadapi.leads.repository import LeadRepository
from leadapi.principal import Principal
from leadapi.stages.engine import Pipeline
from leadapi.stages.repository import StageRepository
from leadapi.tracks import engine
from leadapi.tracks.repository import LIVE, TrackRepository, claim_due, cursors
from leadapi.tracks.schemas import Enrollment, Track, TrackCreate, TrackFields, TrackUpdate

MAX_TRACKS = 200
# What the lead looks like in `track.step_due`: enough for a sender to address the touch.
LEAD_SUMMARY = (
    "id", "email", "first_name", "last_name", "company", "title", "phone", "owner_id", "stage", "band",
    "score", "unsubscribed", "consent",
)  # fmt: skip


def shown_track(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "reenroll": engine.reenroll_document(row.get("reenroll_after_days"))}


def shown(row: Mapping[str, Any]) -> dict[str, Any]:
    """The enrolment as the API and its events show it (JSON-ready)."""
    return Enrollment.model_validate(row).model_dump(mode="json")


def stored(data: TrackFields) -> dict[str, Any]:
    """The columns a create or update sets."""
    values = data.model_dump(exclude_unset=True)
    out: dict[str, Any] = {}
    for name in ("name", "active", "allow_concurrent", "exit_when"):
        if name in values:
            out[name] = values[name]
    if "steps" in values:
        out["steps"] = None if data.steps is None else [s.model_dump() for s in data.steps]
    if "reenroll" in values:
        reenroll = values["reenroll"]
        out["reenroll_after_days"] = reenroll["after_days"] if isinstance(reenroll, dict) else None
        if reenroll is None:
            out["reenroll"] = None  # refused below: not null
    return out


def check(row: Mapping[str, Any]) -> None:
    """422 naming each bad condition node (`exit_when...`, `steps[2].skip_when...`)."""
    errors: list[dict[str, str]] = []
    nodes = [("exit_when", row.get("exit_when"))]
    nodes += [(f"steps[{i}].skip_when", step.get("skip_when")) for i, step in enumerate(row["steps"])]
    for path, node in nodes:
        if node is None:
            continue
        try:
            engine.compile_track_condition(node, path)
        except ConditionError as exc:
            errors.append({"field": exc.path, "message": exc.message})
    if errors:
        raise validation_problem(errors)


def _conflict(detail: str, field: str = "track_id") -> ProblemError:
    return ProblemError(409, detail, slug="enrollment-conflict", errors=[{"field": field, "message": detail}])


@dataclass
class EnrollmentBatch:
    """The enrolments a caller's batch makes (the automations' consumer): its leads' enrolments
    read in one statement at its first enrolment and kept current, the new ones and their
    `track.enrolled` written when the caller flushes the batch. An enrolment that exits
    at once is written at once. A caller that changes a lead's enrolments another way forgets
    them (`forget`), to be read again."""

    lead_ids: Sequence[str]
    known: dict[str, list[dict[str, Any]]] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)

    async def earlier(self, repo: TrackRepository, lead_id: str) -> list[dict[str, Any]]:
        if self.known is None:
            self.known = await repo.enrollments_of_leads(self.lead_ids)
        if lead_id not in self.known:
            self.known[lead_id] = await repo.lead_enrollments(lead_id)
        return self.known[lead_id]

    def forget(self, lead_id: str) -> None:
        if self.known is not None:
            self.known.pop(lead_id, None)

    async def write(self, conn: AsyncConnection, workspace_id: str) -> None:
        """The new enrolments written; their events are the caller's to append (`take_events`),
        with its own in one statement."""
        if self.rows:
            await TrackRepository(conn, workspace_id).add_enrollments(self.rows)
            self.rows.clear()

    def take_events(self) -> list[EventRow]:
        taken, self.events = self.events, []
        return taken


class TrackService:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._compiled: dict[tuple[str, str, datetime], Predicate] = {}

    # ---- tracks ----------------------------------------------------------------------------------

    async def create(self, conn: AsyncConnection, principal: Principal, data: TrackCreate) -> dict[str, Any]:
        repo = TrackRepository(conn, principal.workspace_id)
        if len(await repo.page(MAX_TRACKS + 1, None)) >= MAX_TRACKS:
            raise ProblemError(409, f"A workspace has at most {MAX_TRACKS} tracks.")
        values = stored(data)
        now = self.clock()
        row: dict[str, Any] = {
            "id": new_id("track"),
            "name": values["name"],
            "active": True if data.active is None else data.active,
            "steps": values["steps"],
            "exit_when": values.get("exit_when"),
            "reenroll_after_days": values.get("reenroll_after_days"),
            "allow_concurrent": bool(data.allow_concurrent),
            "created_at": now,
            "updated_at": now,
        }
        check(row)
        await repo.add(row)
        await repo.start_cursor(now)
        await record_for(conn, principal, now, "created", "track", row["id"], None, shown_track(row))
        return shown_track(row)

    async def get(self, conn: AsyncConnection, principal: Principal, track_id: str) -> dict[str, Any]:
        row = await TrackRepository(conn, principal.workspace_id).get(track_id)
        if row is None:
            raise not_found("Track", track_id)
        return shown_track(row)

    async def page(
        self, conn: AsyncConnection, principal: Principal, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        rows = await TrackRepository(conn, principal.workspace_id).page(limit, after_id)
        return [shown_track(r) for r in rows]

    async def update(
        self, conn: AsyncConnection, principal: Principal, track_id: str, data: TrackUpdate
    ) -> dict[str, Any]:
        changes = stored(data)
        for name in ("name", "active", "steps", "allow_concurrent", "reenroll"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        repo = TrackRepository(conn, principal.workspace_id)
        row = await repo.get(track_id, lock=True)
        if row is None:
            raise not_found("Track", track_id)
        after = {**row, **changes}
        check(after)
        now = self.clock()
        changes["updated_at"] = now
        await repo.update(track_id, changes)
        after = {**row, **changes}
        await record_for(
            conn, principal, now, "updated", "track", track_id, shown_track(row), shown_track(after)
        )
        return shown_track(after)

    async def delete(self, conn: AsyncConnection, principal: Principal, track_id: str) -> None:
        """Its enrolments go with it, and the automations enrolling leads in it are switched off."""
        repo = TrackRepository(conn, principal.workspace_id)
        before = await repo.get(track_id, lock=True)
        if before is None:
            raise not_found("Track", track_id)
        now = self.clock()
        await repo.delete(track_id)
        await track_deleted(conn, principal.workspace_id, track_id, now, principal.key_id)
        await record_for(conn, principal, now, "deleted", "track", track_id, shown_track(before), None)

    # ---- settings --------------------------------------------------------------------------------

    async def settings(self, conn: AsyncConnection, workspace_id: str) -> dict[str, Any]:
        cap = await TrackRepository(conn, workspace_id).weekly_cap()
        return {"weekly_touch_cap": engine.DEFAULT_WEEKLY_CAP if cap is None else cap}

    async def update_settings(self, conn: AsyncConnection, principal: Principal, cap: int) -> dict[str, Any]:
        before = await self.settings(conn, principal.workspace_id)
        now = self.clock()
        await TrackRepository(conn, principal.workspace_id).set_weekly_cap(cap, now)
        after = {"weekly_touch_cap": cap}
        await record_for(
            conn, principal, now, "updated", "nurture_settings", principal.workspace_id, before, after
        )
        return after

    # ---- enrolments ------------------------------------------------------------------------------

    async def enroll(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead_id: str,
        track_id: str,
        *,
        actor: str | None,
        caused_by: str | None = None,
        locked: Mapping[str, Any] | None = None,
        known_track: Mapping[str, Any] | None = None,
        pipeline: Pipeline | None = None,
        batch: EnrollmentBatch | None = None,
    ) -> dict[str, Any]:
        """The lead enrolled in the track, its first step due after its wait, and `track.enrolled`
        (`locked`: the lead as the caller holds it, locked and current; `known_track`, `pipeline`:
        the track and the pipeline as the caller read them in this transaction; none read again;
        `batch`: the caller's batch, which reads the lead's enrolments and writes the new one);
        if sales has the lead or the track's exit condition holds already, it exits at once. 404
        for a lead not in the workspace, 422 (`track_id`) for a track not in it, 409 for an
        inactive track, a lead in another track (unless this one allows concurrent enrolments),
        in this one already, or enrolled before where the track does not take it again."""
        lead = (
            locked
            if locked is not None
            else await LeadRepository(conn, workspace_id).get(lead_id, for_update=True)
        )
        if lead is None:
            raise not_found("Lead", lead_id)
        repo = TrackRepository(conn, workspace_id)
        track = dict(known_track) if known_track is not None else await repo.get(track_id)
        if track is None:
            raise ProblemError(
                422,
                f"Track {track_id!r} does not exist.",
                errors=[{"field": "track_id", "message": "no such track"}],
            )
        if not track["active"]:
            raise _conflict(f"Track {track_id!r} is inactive.")
        now = self.clock()
        if batch is not None:
            earlier = await batch.earlier(repo, lead_id)
        else:
            earlier = await repo.lead_enrollments(lead_id)
        live = [e for e in earlier if e["status"] in LIVE]
        if any(e["track_id"] == track_id for e in live):
            raise _conflict(f"The lead is in track {track_id!r} already.")
        if live and not track["allow_concurrent"]:
            # Enrolments in tracks that allow concurrent ones do not count against the rule.
            others = {e["track_id"] for e in live}
            blocking = sorted(others - await repo.concurrent_ids(others))
            if blocking:
                raise _conflict(
                    f"The lead is in track {blocking[0]!r}; a lead is in one track at a time unless "
                    "the track allows concurrent enrolments."
                )
        before = [e for e in earlier if e["track_id"] == track_id]
        if before:
            days = track["reenroll_after_days"]
            if days is None:
                raise _conflict(
                    f"The lead was in track {track_id!r} before, and the track never takes it again."
                )
            last_end = max(e["ended_at"] or e["updated_at"] for e in before)
            if last_end + timedelta(days=days) > now:
                raise _conflict(
                    f"The lead left track {track_id!r} less than {days} days ago (reenroll after_days)."
                )
        row: dict[str, Any] = {
            "id": new_id("enrollment"),
            "track_id": track_id,
            "lead_id": lead_id,
            "status": "active",
            "step": 0,
            "next_due_at": engine.due_after(now, track["steps"][0]),
            "reason": None,
            "caused_by": caused_by,
            "enrolled_at": now,
            "ended_at": None,
            "updated_at": now,
        }
        enrolled = NewEvent(
            "track.enrolled", lead_id, now, {"enrollment": shown(row), "track_name": track["name"]}, actor
        )
        pipeline = pipeline or await StageRepository(conn, workspace_id).pipeline()
        reason = self._exit_reason(pipeline, track, lead)
        if batch is not None and reason is None:
            batch.rows.append(row)
            batch.events.append(event_row(workspace_id, enrolled))
            earlier.append(row)
            return row
        await repo.add_enrollment(row)
        await EventRepository(conn, workspace_id).append([enrolled])
        if reason is not None:
            row = await self._end(conn, workspace_id, row, "exited", reason, now, actor)
        if batch is not None:
            earlier.append(row)
        return row

    def _predicate(self, track: Mapping[str, Any], path: str, node: Any) -> Predicate:
        key = (track["id"], path, track["updated_at"])
        found = self._compiled.get(key)
        if found is None:
            if len(self._compiled) > 10_000:
                self._compiled.clear()
            found = self._compiled[key] = engine.compile_track_condition(node, path)
        return found

    def _exit_reason(
        self, pipeline: Pipeline, track: Mapping[str, Any], lead: Mapping[str, Any]
    ) -> str | None:
        if engine.in_sales(pipeline, lead):
            return "sales"
        exit_when = track["exit_when"]
        if exit_when is not None and self._predicate(track, "exit_when", exit_when)(lead):
            return "exit_when"
        return None

    async def _end(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        row: Mapping[str, Any],
        status: str,
        reason: str | None,
        now: datetime,
        actor: str | None,
    ) -> dict[str, Any]:
        values = {
            "status": status,
            "step": row["step"],
            "reason": reason,
            "next_due_at": None,
            "ended_at": now,
            "updated_at": now,
        }
        await TrackRepository(conn, workspace_id).update_enrollment(row["id"], values)
        after = {**row, **values}
        kind = "track.completed" if status == "completed" else "track.exited"
        data: dict[str, Any] = {"enrollment": shown(after)}
        if status == "exited":
            data["reason"] = reason
        await EventRepository(conn, workspace_id).append([NewEvent(kind, row["lead_id"], now, data, actor)])
        return after

    async def _locked(
        self, conn: AsyncConnection, workspace_id: str, lead_id: str, enrollment_id: str
    ) -> dict[str, Any]:
        await LeadRepository(conn, workspace_id).require(lead_id)
        row = await TrackRepository(conn, workspace_id).enrollment(enrollment_id, lock=True)
        if row is None or row["lead_id"] != lead_id:
            raise not_found("Enrollment", enrollment_id)
        return row

    async def pause(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead_id: str,
        enrollment_id: str,
        actor: str | None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        row = await self._locked(conn, workspace_id, lead_id, enrollment_id)
        if row["status"] != "active":
            raise _conflict(f"A {row['status']} enrolment cannot be paused.", "status")
        return await self._set(conn, workspace_id, row, {"status": "paused"}, "track.paused", actor, reason)

    async def resume(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead_id: str,
        enrollment_id: str,
        actor: str | None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Active again; a step that fell due while paused is due now."""
        row = await self._locked(conn, workspace_id, lead_id, enrollment_id)
        if row["status"] != "paused":
            raise _conflict(f"A {row['status']} enrolment cannot be resumed.", "status")
        return await self._set(conn, workspace_id, row, {"status": "active"}, "track.resumed", actor, reason)

    async def exit(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead_id: str,
        enrollment_id: str,
        reason: str | None,
        actor: str | None,
    ) -> dict[str, Any]:
        row = await self._locked(conn, workspace_id, lead_id, enrollment_id)
        if row["status"] not in LIVE:
            raise _conflict(f"A {row['status']} enrolment has ended already.", "status")
        return await self._end(conn, workspace_id, row, "exited", reason or "manual", self.clock(), actor)

    async def exit_track(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead_id: str,
        track_id: str | None,
        reason: str,
        actor: str | None,
    ) -> list[dict[str, Any]]:
        """Every live enrolment of the lead (in `track_id`, or in any track) exited; [] when none."""
        repo = TrackRepository(conn, workspace_id)
        ended = []
        for row in await repo.lead_enrollments(lead_id):
            if row["status"] in LIVE and (track_id is None or row["track_id"] == track_id):
                locked = await repo.enrollment(row["id"], lock=True)
                if locked is not None and locked["status"] in LIVE:
                    ended.append(
                        await self._end(conn, workspace_id, locked, "exited", reason, self.clock(), actor)
                    )
        return ended

    async def exit_lead(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead_id: str,
        track_id: str | None,
        reason: str,
        actor: str | None,
    ) -> list[dict[str, Any]]:
        """`exit_track` for a caller naming the lead: 404 when it is not in the workspace, 422 for
        a blank reason."""
        if not reason:
            raise validation_problem([{"field": "reason", "message": "give a reason"}])
        await LeadRepository(conn, workspace_id).require(lead_id)
        return await self.exit_track(conn, workspace_id, lead_id, track_id, reason, actor)

    async def _set(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        row: Mapping[str, Any],
        values: dict[str, Any],
        kind: str,
        actor: str | None,
        reason: str | None,
    ) -> dict[str, Any]:
        """The enrolment changed and the event saying so, with the caller's reason."""
        now = self.clock()
        values = {**values, "updated_at": now}
        await TrackRepository(conn, workspace_id).update_enrollment(row["id"], values)
        after = {**row, **values}
        await EventRepository(conn, workspace_id).append(
            [NewEvent(kind, row["lead_id"], now, {"enrollment": shown(after), "reason": reason}, actor)]
        )
        return after

    async def lead_enrollments(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        return await TrackRepository(conn, principal.workspace_id).lead_enrollments(
            lead_id, limit=limit, after_id=after_id
        )

    async def track_enrollments(
        self,
        conn: AsyncConnection,
        principal: Principal,
        track_id: str,
        status: str | None,
        limit: int,
        after_id: str | None,
    ) -> list[dict[str, Any]]:
        repo = TrackRepository(conn, principal.workspace_id)
        if await repo.get(track_id) is None:
            raise not_found("Track", track_id)
        return await repo.track_enrollments(track_id, status=status, limit=limit, after_id=after_id)

    # ---- the exit watch (tracks/sweep.py) ---------------------------------------------------------

    async def watch(self, conn: AsyncConnection, workspace_id: str, limit: int) -> int | None:
        """One batch of the workspace's events in the caller's transaction: every live enrolment of
        a lead an event is about is checked against its exit rules (sales has the lead, the track's
        `exit_when`), and exits now when they hold. Returns how many events it went through (None:
        another worker holds the workspace now). Its exits and its position commit together."""
        position = await claim_position(conn, cursors, workspace_id)
        if position is None:
            return None
        now = self.clock()
        repo = TrackRepository(conn, workspace_id)
        await repo.refresh_statistics()
        # Every workspace has tracks from its first day (activation's defaults) and most have no
        # live enrolment: then no event can end one, and the events are passed over unread (the
        # last number is read first). One enrolled meanwhile is checked at its next due step, as
        # the step sweep checks the same rules for a watch that lags.
        last = await repo.last_seq()
        if not await repo.any_live():
            if last > position:
                await repo.move_cursor(last, now)
            return 0
        batch = await EventRepository(conn, workspace_id).feed(position, None, limit)
        if not batch:
            return 0
        # Its own events (track.*) change no lead: what they say was decided already.
        lead_ids = {e["lead_id"] for e in batch if e["lead_id"] and not str(e["type"]).startswith("track.")}
        live = await repo.live_for_leads(lead_ids)
        if live:
            pipeline = await StageRepository(conn, workspace_id).pipeline()
            tracks: dict[str, dict[str, Any] | None] = {}
            leads = await LeadRepository(conn, workspace_id).get_many([row["lead_id"] for row in live])
            for row in live:
                if row["track_id"] not in tracks:
                    tracks[row["track_id"]] = await repo.get(row["track_id"])
                track, lead = tracks[row["track_id"]], leads.get(row["lead_id"])
                if track is None or lead is None:
                    continue
                reason = self._exit_reason(pipeline, track, lead)
                if reason is None:
                    continue
                locked = await repo.enrollment(row["id"], lock=True)
                if locked is not None and locked["status"] in LIVE:
                    await self._end(conn, workspace_id, locked, "exited", reason, now, None)
        await repo.move_cursor(int(batch[-1]["seq"]), now)
        return len(batch)

    # ---- the step sweep (tracks/sweep.py) --------------------------------------------------------

    async def run_due(self, conn: AsyncConnection, now: datetime, limit: int) -> int:
        """Up to `limit` active enrolments whose step is due by `now`, in any workspace, each taken
        one step on (due, skipped, deferred by the weekly cap, or exited), in the caller's
        transaction. Enrolments a request holds wait for a later round. Returns how many.

        Per workspace, the round reads its enrolments, their leads and the leads' touches in one
        statement each, and writes the steps' events, touches and moves in one statement each
        (an enrolment that ends is written as it ends)."""
        due = await claim_due(conn, now, limit)
        by_workspace: dict[str, list[str]] = {}
        for item in due:
            by_workspace.setdefault(item["workspace_id"], []).append(item["id"])
        for workspace_id, ids in by_workspace.items():
            repo = TrackRepository(conn, workspace_id)
            pipeline = await StageRepository(conn, workspace_id).pipeline()
            cap = (await self.settings(conn, workspace_id))["weekly_touch_cap"]
            tracks: dict[str, dict[str, Any] | None] = {}
            rows = await repo.enrollments_by_ids(ids)
            lead_ids = [row["lead_id"] for row in rows]
            steps = _Steps(
                await LeadRepository(conn, workspace_id).get_many(lead_ids),
                await repo.touches_of(lead_ids, now),
            )
            consents = ConsentRepository(conn, workspace_id)
            consent_settings = await consents.settings()
            if consent_settings is not None and consent_settings["require_email_consent"]:
                steps.email_consented = await consents.email_consented(lead_ids)
            for row in rows:
                if row["track_id"] not in tracks:
                    tracks[row["track_id"]] = await repo.get(row["track_id"])
                track = tracks[row["track_id"]]
                if track is None:
                    continue  # deleted meanwhile: its enrolments went with it
                # A skipped step, or one whose successor waits no time, leads straight on to the
                # next: a round takes an enrolment as far as is due now.
                current: dict[str, Any] | None = row
                for _ in range(len(track["steps"]) + 1):
                    if current is None or current["next_due_at"] is None or current["next_due_at"] > now:
                        break
                    current = await self._step(conn, workspace_id, steps, pipeline, cap, track, current, now)
            await EventRepository(conn, workspace_id).append(steps.events)
            await repo.add_touches(steps.touches)
            await repo.move_enrollments(list(steps.moves.values()))
        return len(due)

    async def _step(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        steps: _Steps,
        pipeline: Pipeline,
        cap: int,
        track: Mapping[str, Any],
        row: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any] | None:
        """One step on; the enrolment as it is then (None: it ended, or is gone). Its event, touch
        and move wait in `steps` for the round's writes; an end is written now."""
        lead = steps.leads.get(row["lead_id"])
        if lead is None:
            return None  # erased meanwhile: its enrolments went with it
        if not track["active"]:
            # An inactive track sends nothing: its enrolments wait, checked again a day later.
            steps.move(row, row["step"], now + timedelta(days=1), now)
            return None
        track_steps = track["steps"]
        index = row["step"]
        if index >= len(track_steps):  # the track lost steps since: nothing left
            await self._ended(conn, workspace_id, steps, row, "completed", None, now)
            return None
        step = track_steps[index]
        skip_node = step.get("skip_when")
        touches = steps.touches_by_lead.setdefault(lead["id"], [])
        outcome = engine.decide(
            step=step,
            lead=lead,
            sales=engine.in_sales(pipeline, lead),
            exit_when=None
            if track["exit_when"] is None
            else self._predicate(track, "exit_when", track["exit_when"]),
            skip_when=None
            if skip_node is None
            else self._predicate(track, f"steps[{index}].skip_when", skip_node),
            touches=list(touches),
            cap=cap,
            now=now,
            email_consent=steps.email_consented is None or lead["id"] in steps.email_consented,
        )
        about = {
            "enrollment_id": row["id"],
            "track_id": track["id"],
            "step": index,
            "channel": step["channel"],
            "ref": step["ref"],
        }
        if outcome.kind == "exit":
            await self._ended(conn, workspace_id, steps, row, "exited", outcome.reason, now)
            return None
        if outcome.kind == "defer":
            assert outcome.until is not None
            steps.move(row, index, outcome.until, now)
            data = {**about, "reason": outcome.reason, "until": outcome.until.isoformat()}
            steps.events.append(NewEvent("track.step_deferred", lead["id"], now, data))
            return None
        if outcome.kind == "skip":
            steps.events.append(
                NewEvent("track.step_skipped", lead["id"], now, {**about, "reason": outcome.reason})
            )
        else:
            summary = {name: lead.get(name) for name in LEAD_SUMMARY}
            steps.events.append(NewEvent("track.step_due", lead["id"], now, {**about, "lead": summary}))
            steps.touches.append(
                {"id": new_id("touch"), "lead_id": lead["id"], "enrollment_id": row["id"], "at": now}
            )
            touches.append(now)  # the cap counts it for the lead's next step in this round
        following = index + 1
        if following >= len(track_steps):
            await self._ended(conn, workspace_id, steps, {**row, "step": following}, "completed", None, now)
            return None
        return steps.move(row, following, engine.due_after(now, track_steps[following]), now)

    async def _ended(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        steps: _Steps,
        row: Mapping[str, Any],
        status: str,
        reason: str | None,
        now: datetime,
    ) -> None:
        """An enrolment the round ends: written now, its waiting move dropped, and the events
        the round made before it written first, so its `track.completed` or `track.exited` comes
        after them."""
        steps.moves.pop(row["id"], None)
        await EventRepository(conn, workspace_id).append(steps.events)
        steps.events = []
        await self._end(conn, workspace_id, row, status, reason, now, None)


@dataclass
class _Steps:
    """A sweep round's reads of a workspace (its leads, their touches in the week) and the writes
    its steps wait to make together: events, touches, and each enrolment's move."""

    leads: dict[str, dict[str, Any]]
    touches_by_lead: dict[str, list[datetime]]
    events: list[NewEvent] = field(default_factory=list)
    touches: list[dict[str, Any]] = field(default_factory=list)
    moves: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The leads with granted email consent, when the workspace requires it (None: it does not).
    email_consented: set[str] | None = None

    def move(self, row: Mapping[str, Any], step: int, next_due_at: datetime, now: datetime) -> dict[str, Any]:
        """The enrolment at `step`, next due at `next_due_at`, to be written with the round."""
        values = {"step": step, "next_due_at": next_due_at, "updated_at": now}
        self.moves[row["id"]] = {"id": row["id"], **values}
        return {**row, **values}


def track_model(row: Mapping[str, Any]) -> Track:
    return Track.model_validate(row)
