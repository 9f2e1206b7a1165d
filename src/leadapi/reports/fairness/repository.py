"""What the routing fairness report reads: the assignments made in the range and the
`lead.unassigned` events of the range (each by its own index on the workspace and time, then id),
in keyset batches so a long range never sits in memory whole, and the names of rules and owners."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, literal_column, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.events.models import Event
from leadapi.owners.models import Owner
from leadapi.reports.fairness.engine import Audited
from leadapi.repository import WorkspaceRepository
from leadapi.routing.models import Assignment, RoutingRule

assignments = cast(Table, Assignment.__table__)
events = cast(Table, Event.__table__)
owners = cast(Table, Owner.__table__)
rules = cast(Table, RoutingRule.__table__)

BATCH = 5_000


class FairnessRepository(WorkspaceRepository):
    def __init__(
        self, conn: AsyncConnection, workspace_id: str, start: datetime, end: datetime, batch: int = BATCH
    ) -> None:
        super().__init__(conn, workspace_id)
        self.start, self.end, self.batch = start, end, batch

    def assignments_statement(self, after: tuple[datetime, str] | None = None) -> Any:
        """A batch of the range's assignments, after the (created_at, id) of the last one read."""
        a = assignments.c
        statement = self.scoped_select(
            assignments,
            a.owner_id,
            a.previous_owner_id,
            a.rule_id,
            a.strategy,
            a.explanation,
            a.created_at,
            a.touched_at,
            a.id,
        ).where(a.created_at >= self.start, a.created_at < self.end)
        if after is not None:
            statement = statement.where(tuple_(a.created_at, a.id) > tuple_(*after))
        return statement.order_by(a.created_at, a.id).limit(self.batch)

    def unassigned_statement(self, after: tuple[datetime, str] | None = None) -> Any:
        """A batch of the range's `lead.unassigned` events. The type is written into the SQL as
        the partial index's predicate spells it: as a parameter, a generic plan could not use it."""
        e = events.c
        statement = self.scoped_select(events, e.id, e.occurred_at, e.data).where(
            e.type == literal_column("'lead.unassigned'"),
            e.occurred_at >= self.start,
            e.occurred_at < self.end,
        )
        if after is not None:
            statement = statement.where(tuple_(e.occurred_at, e.id) > tuple_(*after))
        return statement.order_by(e.occurred_at, e.id).limit(self.batch)

    async def assignments(self) -> AsyncIterator[Audited]:
        # Positional rows: a mapping per row costs more than the rest of the report.
        after = None
        while True:
            rows = (await self.conn.execute(self.assignments_statement(after))).all()
            for owner, previous, rule, strategy, explanation, created, touched, _ in rows:
                yield Audited(owner, previous, rule, strategy, explanation, created, touched)
            if len(rows) < self.batch:
                return
            after = (rows[-1].created_at, rows[-1].id)

    async def unassigned(self) -> AsyncIterator[Mapping[str, Any]]:
        after = None
        while True:
            rows = (await self.conn.execute(self.unassigned_statement(after))).all()
            for _, _, data in rows:
                yield data
            if len(rows) < self.batch:
                return
            after = (rows[-1].occurred_at, rows[-1].id)

    async def rule_names(self) -> dict[str, tuple[str, str]]:
        """Rule id -> (name, strategy), in the rules' order."""
        statement = self.scoped_select(rules, rules.c.id, rules.c.name, rules.c.strategy).order_by(
            rules.c.position
        )
        return {row.id: (row.name, row.strategy) for row in await self.conn.execute(statement)}

    async def owners(self) -> dict[str, tuple[str, int]]:
        """Owner id -> (name, weight)."""
        statement = self.scoped_select(owners, owners.c.id, owners.c.name, owners.c.weight)
        return {row.id: (row.name, row.weight) for row in await self.conn.execute(statement)}

    async def rule_exists(self, rule_id: str) -> bool:
        statement = self.scoped_select(rules, rules.c.id).where(rules.c.id == rule_id)
        return (await self.conn.execute(statement)).first() is not None
