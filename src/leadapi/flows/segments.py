"""Keeping segment membership current: a consumer of the numbered event log, and the backfill of
new and changed segments.

For each workspace with segments, the consumer keeps a position in the event log (events.seq).
One batch, in one transaction: the position row locked (SKIP LOCKED on PostgreSQL, so workers
cooperate and none waits), the events after it read, every lead they are about decided again on
each segment's `when` as the lead is now, the memberships that changed written with a
`segment.entered` / `segment.exited` event each, and the position moved past the batch. The
memberships, their events and the new position commit together, so an event is gone through
exactly once whatever crashes, and the membership table's primary key is the second guard.

Events of the segments' own kind are skipped: they change no lead.

A segment with `enroll_track_id` enrols each lead that enters it in that track, in the same
transaction (so once per entry), through the tracks' service and its rules; an enrolment the
rules refuse undoes only itself and appends `segment.enrollment_refused` with why. The enrolment
names the segment as what enrolled the lead (`caused_by`), and its events carry the automation
run behind the entry, if one was, as the entry's own do.

The backfill goes over a new (or changed) segment's workspace by creation time, a batch per
transaction once the events are gone through, inserting and removing memberships without events:
the segment's definition changed, not the leads, so `segment.entered` stays the news that a lead
moved into it. It decides the leads made before it began: later ones enter with their own
`lead.created` event. (A lead changed while it fills, whose event is not numbered yet when the fill
reads it, enters silently.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.automations.repository import AutomationRepository
from leadapi.automations.service import MAX_AUTOMATIONS
from leadapi.conditions import Predicate
from leadapi.db import Database
from leadapi.errors import ProblemError
from leadapi.events.consumers import claim_position, run_round
from leadapi.events.repository import EventRepository, NewEvent, caused_by
from leadapi.principal import Principal
from leadapi.segments import engine
from leadapi.segments.repository import SegmentRepository, behind_statement, cursors
from leadapi.segments.service import SegmentService
from leadapi.tracks.service import TrackService

BATCH = 500  # events (or leads, for a backfill) per workspace per transaction
ENTERED = "segment.entered"
EXITED = "segment.exited"
ENROLLMENT_REFUSED = "segment.enrollment_refused"
ACTOR = "segments"


class SegmentFlow:
    def __init__(self, clock: Callable[[], datetime], segments: SegmentService, tracks: TrackService) -> None:
        self.clock = clock
        self.segments = segments
        self.tracks = tracks
        self._compiled: dict[tuple[str, datetime], Predicate] = {}

    async def delete(self, conn: AsyncConnection, principal: Principal, segment_id: str) -> None:
        """Remove a segment and its memberships; refused (409) while an automation triggers on it,
        which would otherwise wait for entries that can no longer come."""
        automations = await AutomationRepository(conn, principal.workspace_id).page(MAX_AUTOMATIONS + 1, None)
        using = [a["id"] for a in automations if (a["trigger"] or {}).get("segment_entered") == segment_id]
        if using:
            await self.segments.get(conn, principal, segment_id)  # another workspace's: 404 first
            raise ProblemError(
                409,
                f"Automation {', '.join(using)} triggers on segment {segment_id!r}: "
                "change its trigger or delete it first.",
            )
        await self.segments.delete(conn, principal, segment_id)

    def _predicates(self, rows: list[dict[str, Any]]) -> dict[str, Predicate]:
        """Each segment's condition, compiled once per version of it."""
        out: dict[str, Predicate] = {}
        for row in rows:
            key = (row["id"], row["updated_at"])
            if key not in self._compiled:
                if len(self._compiled) > 10_000:
                    self._compiled.clear()
                self._compiled[key] = engine.compile_when(row["when"])
            out[row["id"]] = self._compiled[key]
        return out

    async def consume(self, conn: AsyncConnection, workspace_id: str, limit: int = BATCH) -> int | None:
        """One batch of the workspace's events, and one of each segment still filling, in the
        caller's transaction: how many events it went through (None: another worker holds it)."""
        position = await claim_position(conn, cursors, workspace_id)
        if position is None:
            return None
        now = self.clock()
        repo = SegmentRepository(conn, workspace_id)
        rows = await repo.all()
        predicates = self._predicates(rows)
        names = {r["id"]: r["name"] for r in rows}
        enrolling = {r["id"]: r["enroll_track_id"] for r in rows if r["enroll_track_id"] is not None}
        deltas: dict[str, int] = {}
        if not rows:  # nothing to keep: straight to the end of the log
            last = await repo.last_seq()
            if last > position:
                await repo.move_cursor(last, now)
            return 0
        batch = await EventRepository(conn, workspace_id).feed(position, None, limit)
        if batch:
            # Each lead, with what caused its last change here: an automation's run, when one did,
            # so the entries it causes carry the run and chains through segments stay bounded.
            causes: dict[str, str | None] = {}
            for e in batch:
                if e["lead_id"] is not None and not e["type"].startswith("segment."):
                    causes.pop(e["lead_id"], None)
                    causes[e["lead_id"]] = e["caused_by"]
            entered = await self._decide(conn, repo, workspace_id, causes, predicates, names, deltas, now)
            for segment_id, lead_id in entered:
                if segment_id in enrolling:
                    await self._enroll(
                        conn, workspace_id, segment_id, names, enrolling[segment_id], lead_id,
                        causes[lead_id], now,
                    )  # fmt: skip
            await repo.move_cursor(batch[-1]["seq"], now)
        if len(batch) < limit:
            # Caught up with the log: the leads that changed since the segment was made entered
            # it (with events) above, so the fill finds them members already.
            for segment in rows:
                if segment["filling"]:
                    await self._fill(repo, segment, predicates[segment["id"]], limit, deltas, now)
        await repo.add_to_counts(deltas)  # last: after every lead this transaction holds
        return len(batch)

    async def _decide(
        self,
        conn: AsyncConnection,
        repo: SegmentRepository,
        workspace_id: str,
        causes: Mapping[str, str | None],
        predicates: Mapping[str, Predicate],
        names: Mapping[str, str],
        deltas: dict[str, int],
        now: datetime,
    ) -> list[tuple[str, str]]:
        """These leads' memberships made to match the segments' conditions on them now; the events
        of each lead's entries and exits carry what caused the lead's change. Returns the entries
        (segment, lead), in lead order."""
        lead_ids = sorted(causes)
        if not lead_ids:
            return []
        found = await repo.leads_by_id(lead_ids)
        current = await repo.memberships(lead_ids)
        entering: list[tuple[str, str]] = []
        leaving: list[tuple[str, str]] = []
        news: dict[str | None, list[NewEvent]] = {}
        for lead_id in lead_ids:
            lead = found.get(lead_id)
            if lead is None:  # erased or merged away: its memberships went with it
                continue
            entered, exited = engine.changes(predicates, lead, current.get(lead_id, set()))
            appended = news.setdefault(causes[lead_id], [])
            for segment_id in entered:
                deltas[segment_id] = deltas.get(segment_id, 0) + 1
                entering.append((segment_id, lead_id))
                appended.append(self._event(ENTERED, segment_id, names, lead_id, now))
            for segment_id in exited:
                deltas[segment_id] = deltas.get(segment_id, 0) - 1
                leaving.append((segment_id, lead_id))
                appended.append(self._event(EXITED, segment_id, names, lead_id, now))
        await repo.enter(entering, now)
        await repo.leave(leaving)
        events = EventRepository(conn, workspace_id)
        for cause, appended in news.items():
            if not appended:
                continue
            with _caused_by(cause):
                await events.append(appended)
        return entering

    async def _enroll(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        segment_id: str,
        names: Mapping[str, str],
        track_id: str,
        lead_id: str,
        cause: str | None,
        now: datetime,
    ) -> None:
        """The lead that entered the segment enrolled in its track; a refusal (the track's rules,
        an inactive track) undoes only itself and is told in `segment.enrollment_refused`."""
        with _caused_by(cause):
            try:
                async with conn.begin_nested():
                    await self.tracks.enroll(
                        conn, workspace_id, lead_id, track_id, actor=ACTOR, caused_by=segment_id
                    )
            except ProblemError as exc:
                data = {
                    "segment_id": segment_id,
                    "segment_name": names.get(segment_id),
                    "track_id": track_id,
                    "reason": exc.detail,
                }
                await EventRepository(conn, workspace_id).append(
                    [NewEvent(ENROLLMENT_REFUSED, lead_id, now, data, actor=ACTOR)]
                )

    @staticmethod
    def _event(kind: str, segment_id: str, names: Mapping[str, str], lead_id: str, now: datetime) -> NewEvent:
        data = {"segment_id": segment_id, "segment_name": names.get(segment_id)}
        return NewEvent(kind, lead_id, now, data, actor=ACTOR)

    async def _fill(
        self,
        repo: SegmentRepository,
        segment: dict[str, Any],
        predicate: Predicate,
        limit: int,
        deltas: dict[str, int],
        now: datetime,
    ) -> None:
        """The next batch of the workspace's leads (by id) decided on a filling segment, silently."""
        after = segment["fill_after_at"], segment["fill_after"]
        until = segment["fill_until"] or now
        batch = await repo.leads_after(None if after[1] is None else after, until, limit)
        ids = [lead["id"] for lead in batch]
        members = await repo.segment_members_among(segment["id"], ids)
        meets = {lead["id"] for lead in batch if predicate(lead)}
        entering = [(segment["id"], i) for i in ids if i in meets and i not in members]
        leaving = [(segment["id"], i) for i in ids if i in members and i not in meets]
        await repo.enter(entering, now)
        await repo.leave(leaving)
        deltas[segment["id"]] = deltas.get(segment["id"], 0) + len(entering) - len(leaving)
        done = len(batch) < limit
        last = None if done else batch[-1]
        await repo.update(
            segment["id"],
            {
                "filling": not done,
                "fill_after_at": None if last is None else last["created_at"],
                "fill_after": None if last is None else last["id"],
            },
        )


@contextmanager
def _caused_by(cause: str | None) -> Iterator[None]:
    """Events appended in the block carry the automation run `cause`, when there is one."""
    with caused_by(cause) if cause is not None else nullcontext():
        yield


class SegmentConsumer:
    """Keeps segments current for this process; any number of processes cooperate (each
    workspace's position is claimed with SKIP LOCKED)."""

    def __init__(self, db: Database, flow: SegmentFlow, batch: int = BATCH) -> None:
        self.db = db
        self.flow = flow
        self.batch = batch

    async def run_once(self, workspace_id: str | None = None) -> bool:
        """One round: a batch for each workspace behind (or for this one), each committed on its
        own; True when there may be more to do (a full batch, or a segment still filling)."""

        async def step(conn: AsyncConnection, ws: str) -> bool:
            went = await self.flow.consume(conn, ws, self.batch)
            return went == self.batch or bool(await SegmentRepository(conn, ws).filling())

        return await run_round(self.db, behind_statement, step, workspace_id)
