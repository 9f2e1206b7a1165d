"""Task queries: a workspace's tasks, and the overdue sweep's queue across workspaces."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.pagination import row_after
from leadapi.db import constant
from leadapi.repository import WorkspaceRepository
from leadapi.tasks.models import Task

tasks = cast(Table, Task.__table__)


def overdue_statement(now: datetime, limit: int) -> Select[Any]:
    """Open tasks, in any workspace, due by `now` and not yet reported overdue, longest overdue
    first (the sweep's queue). The status is written into the SQL, as the partial index is
    defined by it; the caller locks them (SKIP LOCKED: sweepers split the queue, and a task a
    request holds waits for a later round)."""
    return (
        select(tasks.c.id, tasks.c.workspace_id)
        .where(
            tasks.c.status == constant("open"),
            tasks.c.overdue_at.is_(None),
            tasks.c.due_at <= now,
        )
        .order_by(tasks.c.due_at)
        .limit(limit)
    )


async def claim_overdue(conn: AsyncConnection, now: datetime, limit: int) -> list[dict[str, Any]]:
    """The queue's head, locked for the caller's transaction (PostgreSQL; SQLite has one writer)."""
    stmt = overdue_statement(now, limit).with_for_update(skip_locked=True)
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]


class TaskRepository(WorkspaceRepository):
    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(tasks, row)

    async def get(self, task_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(tasks).where(tasks.c.id == task_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def update(self, task_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(tasks).where(tasks.c.id == task_id).values(**values))

    async def flag_overdue(self, task_ids: list[str], now: datetime) -> list[dict[str, Any]]:
        """Marks these tasks (locked by the caller) reported overdue at `now`; returns them as
        they now are."""
        await self.conn.execute(
            self.scoped_update(tasks).where(tasks.c.id.in_(task_ids)).values(overdue_at=now)
        )
        stmt = self.scoped_select(tasks).where(tasks.c.id.in_(task_ids)).order_by(tasks.c.due_at, tasks.c.id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def page(
        self,
        *,
        owner_id: str | None = None,
        lead_id: str | None = None,
        status: str | None = None,
        due_before: datetime | None = None,
        due_after: datetime | None = None,
        descending: bool = False,
        limit: int,
        after: tuple[datetime, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Tasks by due time (then id), soonest first or (`descending`) last, after the keyset
        `after`. Every combination of owner and status is one range of an index (models.py); a
        lead's tasks are few."""
        keys = [(tasks.c.due_at, descending), (tasks.c.id, descending)]
        columns = [col.desc() if descending else col.asc() for col, _ in keys]
        stmt = self.scoped_select(tasks).order_by(*columns).limit(limit)
        if owner_id is not None:
            stmt = stmt.where(tasks.c.owner_id == owner_id)
        if lead_id is not None:
            stmt = stmt.where(tasks.c.lead_id == lead_id)
        if status is not None:
            stmt = stmt.where(tasks.c.status == status)
        if due_before is not None:
            stmt = stmt.where(tasks.c.due_at < due_before)
        if due_after is not None:
            stmt = stmt.where(tasks.c.due_at >= due_after)
        if after is not None:
            stmt = stmt.where(row_after(keys, after))
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def move_to_lead(self, from_lead_id: str, to_lead_id: str) -> None:
        """A merged duplicate's tasks are the survivor's."""
        await self.conn.execute(
            self.scoped_update(tasks).where(tasks.c.lead_id == from_lead_id).values(lead_id=to_lead_id)
        )
