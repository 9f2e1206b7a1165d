"""Appending to and reading the event log, always inside one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.events.models import Event, EventSequence
from leadapi.ids import new_id

events = cast(Table, Event.__table__)
sequences = cast(Table, EventSequence.__table__)


@dataclass(slots=True)
class NewEvent:
    type: str
    lead_id: str | None
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    actor: str | None = None


class EventRepository:
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        self.conn = conn
        self.workspace_id = workspace_id

    async def start_sequence(self) -> None:
        """A new workspace's counter; appends lock and bump this row."""
        await self.conn.execute(insert(sequences).values(workspace_id=self.workspace_id, last_seq=0))

    async def append(self, new_events: Sequence[NewEvent]) -> list[dict[str, Any]]:
        """Append events with the next sequence numbers.

        The counter row is locked until the transaction ends, so call this as the last write of a
        transaction: commits then happen in sequence order and the lock is held for one round trip.
        """
        if not new_events:
            return []
        last = (
            await self.conn.execute(
                update(sequences)
                .where(sequences.c.workspace_id == self.workspace_id)
                .values(last_seq=sequences.c.last_seq + len(new_events))
                .returning(sequences.c.last_seq)
            )
        ).scalar_one()
        first = last - len(new_events) + 1
        rows = [
            {
                "id": new_id("event"),
                "workspace_id": self.workspace_id,
                "seq": first + offset,
                "type": ev.type,
                "lead_id": ev.lead_id,
                "occurred_at": ev.occurred_at,
                "actor": ev.actor,
                "data": ev.data,
            }
            for offset, ev in enumerate(new_events)
        ]
        await self.conn.execute(insert(events), rows)
        return rows

    async def for_lead(self, lead_id: str, limit: int, before_seq: int | None) -> list[dict[str, Any]]:
        stmt = (
            select(
                events.c.id, events.c.seq, events.c.type, events.c.occurred_at, events.c.actor, events.c.data
            )
            .where(events.c.workspace_id == self.workspace_id, events.c.lead_id == lead_id)
            .order_by(events.c.seq.desc())
            .limit(limit)
        )
        if before_seq is not None:
            stmt = stmt.where(events.c.seq < before_seq)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def move_to_lead(self, from_lead_id: str, to_lead_id: str) -> None:
        await self.conn.execute(
            update(events)
            .where(events.c.workspace_id == self.workspace_id, events.c.lead_id == from_lead_id)
            .values(lead_id=to_lead_id)
        )

    async def erase_lead(self, lead_id: str) -> None:
        """Right to erasure: a lead's events carry personal data, so they go with the lead."""
        await self.conn.execute(
            delete(events).where(events.c.workspace_id == self.workspace_id, events.c.lead_id == lead_id)
        )
