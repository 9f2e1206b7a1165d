"""Appending to and reading the event log, always inside one workspace."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ScalarSelect, Select, Table, and_, or_

from leadapi.events.models import Event, EventSequence
from leadapi.events.rows import EventRow
from leadapi.ids import new_id
from leadapi.repository import WorkspaceRepository

events = cast(Table, Event.__table__)
sequences = cast(Table, EventSequence.__table__)


def _type_matches(pattern: str) -> Any:
    if "*" not in pattern:
        return events.c.type == pattern
    # The pattern syntax has no `%`, but `_` is LIKE's one-character wildcard: it must match itself.
    escaped = pattern.replace("\\", "\\\\").replace("_", "\\_").replace("*", "%")
    return events.c.type.like(escaped, escape="\\")


# The automation run whose actions are running in this context (flows/automations.py sets it):
# every event appended meanwhile, by whichever domain's code, carries it as `caused_by`. A context
# variable rather than a parameter, because an action goes through the same service paths an API
# request does (updates, stage moves, routing), and those append events many calls deep.
_CAUSED_BY: ContextVar[str | None] = ContextVar("leadapi_caused_by", default=None)


@contextmanager
def caused_by(run_id: str) -> Iterator[None]:
    """Events appended in this block (this task) carry `run_id` as what caused them."""
    token = _CAUSED_BY.set(run_id)
    try:
        yield
    finally:
        _CAUSED_BY.reset(token)


@dataclass(slots=True)
class NewEvent:
    type: str
    lead_id: str | None
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    actor: str | None = None
    source: str | None = None
    external_id: str | None = None


def event_row(workspace_id: str, ev: NewEvent, event_id: str | None = None) -> EventRow:
    """The stored row of a new event, unnumbered: the one shape of an insert into `events`
    (a new id unless the caller made one already)."""
    return {
        "id": event_id or new_id("event"),
        "workspace_id": workspace_id,
        "seq": None,
        "type": ev.type,
        "lead_id": ev.lead_id,
        "occurred_at": ev.occurred_at,
        "actor": ev.actor,
        "data": ev.data,
        "source": ev.source,
        "external_id": ev.external_id,
        "caused_by": _CAUSED_BY.get(),
    }


class EventRepository(WorkspaceRepository):
    async def start_sequence(self) -> None:
        """A new workspace's counter, which the sequencer advances."""
        await self.insert_row(sequences, {"last_seq": 0})

    async def append(self, new_events: Sequence[NewEvent]) -> list[dict[str, Any]]:
        """Append events, unnumbered: the sequencer gives them their `seq` once committed.

        Numbering here would mean locking the workspace's counter row until commit, which
        serialises every write of a workspace behind one lock held through the commit's fsync.
        """
        rows = [event_row(self.workspace_id, ev) for ev in new_events]
        await self.insert_rows(events, rows)
        # The services still read the rows they get back as plain dicts.
        return cast(list[dict[str, Any]], rows)

    async def append_many(self, new_events: Sequence[NewEvent]) -> None:
        """`append` for a bulk write's many events (COPY on PostgreSQL)."""
        await self.copy_rows(events, [event_row(self.workspace_id, ev) for ev in new_events])

    async def by_external_id(self, external_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(events).where(events.c.external_id == external_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def for_lead(
        self,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
        types: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """A lead's events, newest first (by when they happened, then by id)."""
        stmt = (
            self.scoped_select(
                events,
                events.c.id,
                events.c.seq,
                events.c.type,
                events.c.occurred_at,
                events.c.actor,
                events.c.data,
                events.c.source,
                events.c.external_id,
                events.c.caused_by,
            )
            .where(events.c.lead_id == lead_id)
            .order_by(events.c.occurred_at.desc(), events.c.id.desc())
            .limit(limit)
        )
        if types is not None:
            stmt = stmt.where(events.c.type.in_(list(types)))
        if before is not None:
            stmt = stmt.where(
                or_(
                    events.c.occurred_at < before[0],
                    and_(events.c.occurred_at == before[0], events.c.id < before[1]),
                )
            )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    def numbered_upto(self) -> ScalarSelect[int]:
        """The workspace's last number handed out, as the database read has it: on a replica,
        the numbers it has replayed (a subquery, read in the same statement as what it bounds)."""
        return self.scoped_select(sequences, sequences.c.last_seq).scalar_subquery()

    async def feed(
        self,
        after: int,
        patterns: Sequence[str] | None,
        limit: int,
        upto: int | ScalarSelect[int] | None = None,
    ) -> list[dict[str, Any]]:
        """Numbered events after `after` (and up to `upto`), in sequence order; `patterns` are
        types with `*` wildcards (None: every type)."""
        stmt = self.feed_statement(after, patterns, limit, upto)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    def feed_statement(
        self,
        after: int,
        patterns: Sequence[str] | None,
        limit: int,
        upto: int | ScalarSelect[int] | None = None,
    ) -> Select[Any]:
        stmt = (
            self.scoped_select(
                events,
                events.c.seq,
                events.c.id,
                events.c.type,
                events.c.lead_id,
                events.c.occurred_at,
                events.c.actor,
                events.c.source,
                events.c.external_id,
                events.c.data,
                events.c.caused_by,
            )
            .where(events.c.seq > after)
            .order_by(events.c.seq)
            .limit(limit)
        )
        if patterns is not None:
            stmt = stmt.where(or_(*(_type_matches(p) for p in patterns)))
        if upto is not None:
            stmt = stmt.where(events.c.seq <= upto)
        return stmt

    async def append_rows(self, rows: Sequence[EventRow]) -> None:
        """Append events whose rows `event_row` made earlier (each then carried the run that was
        running), in one statement."""
        await self.insert_rows(events, rows)

    async def all_for_lead(self, lead_id: str) -> list[EventRow]:
        stmt = self.scoped_select(events).where(events.c.lead_id == lead_id)
        return [cast(EventRow, dict(row)) for row in (await self.conn.execute(stmt)).mappings()]

    async def move_to_lead(self, from_lead_id: str, to_lead_id: str) -> None:
        await self.conn.execute(
            self.scoped_update(events).where(events.c.lead_id == from_lead_id).values(lead_id=to_lead_id)
        )

    async def erase_lead(self, lead_id: str) -> None:
        """Right to erasure: a lead's events carry personal data, so they go with the lead."""
        await self.conn.execute(self.scoped_delete(events).where(events.c.lead_id == lead_id))
