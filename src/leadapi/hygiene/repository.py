"""Hygiene queries: a workspace's settings and marks, the sweep's queue of workspaces, and the
next inactive leads it archives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.pagination import row_after
from leadapi.hygiene.models import HygieneSettings
from leadapi.leads.models import Lead
from leadapi.repository import WorkspaceRepository

settings = cast(Table, HygieneSettings.__table__)
leads = cast(Table, Lead.__table__)


def archiving_statement(limit: int) -> Select[Any]:
    """Workspaces whose settings archive inactive leads (ix_hygiene_settings_archiving)."""
    return (
        select(settings.c.workspace_id)
        .where(settings.c.archive_inactive_after_days.is_not(None))
        .order_by(settings.c.workspace_id)
        .limit(limit)
    )


def inactive_statement(
    workspace_id: str, by: str, mark: tuple[datetime, str] | None, cutoff: datetime, limit: int
) -> Select[Any]:
    """The workspace's next leads inactive since before `cutoff`, after `mark`: by last activity
    (ix_leads_workspace_id_last_activity_at_id), or never active, by creation
    (ix_leads_workspace_id_created_at_id). Archived ones are read past, not returned."""
    column = leads.c.last_activity_at if by == "activity" else leads.c.created_at
    stmt = select(leads.c.id, leads.c.stage, leads.c.archived_at, leads.c.version, column.label("at")).where(
        leads.c.workspace_id == workspace_id, column < cutoff
    )
    if by == "activity":
        stmt = stmt.where(leads.c.last_activity_at.is_not(None))
    else:
        stmt = stmt.where(leads.c.last_activity_at.is_(None))
    if mark is not None:
        stmt = stmt.where(row_after([(column, False), (leads.c.id, False)], mark))
    return stmt.order_by(column, leads.c.id).limit(limit)


class HygieneRepository(WorkspaceRepository):
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        super().__init__(conn, workspace_id)
        self.lock = conn.dialect.name == "postgresql"

    async def settings(self, *, claim: bool = False) -> dict[str, Any] | None:
        """The settings row; `claim` locks it for the sweep, None when another worker holds it
        (PostgreSQL: SKIP LOCKED)."""
        stmt = self.scoped_select(settings)
        if claim and self.lock:
            stmt = stmt.with_for_update(skip_locked=True)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def save(self, values: Mapping[str, Any]) -> None:
        """The settings replaced (made on the first write)."""
        await self.upsert_settings(settings, values)

    async def move_marks(self, marks: Mapping[str, Any]) -> None:
        """How far the sweep has read, on the settings row it claimed."""
        await self.conn.execute(self.scoped_update(settings).values(**marks))

    async def inactive(
        self, by: str, mark: tuple[datetime, str] | None, cutoff: datetime, limit: int
    ) -> list[dict[str, Any]]:
        stmt = inactive_statement(self.workspace_id, by, mark, cutoff, limit)
        if self.lock:
            stmt = stmt.with_for_update(of=leads, skip_locked=True)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def archive(self, lead_ids: Sequence[str], now: datetime) -> None:
        if lead_ids:
            await self.conn.execute(
                self.scoped_update(leads)
                .where(leads.c.id.in_(list(lead_ids)), leads.c.archived_at.is_(None))
                .values(archived_at=now, updated_at=now, version=leads.c.version + 1)
            )
