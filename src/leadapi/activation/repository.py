"""The record of installed defaults."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, select

from leadapi.activation.models import InstalledDefault
from leadapi.repository import WorkspaceRepository
from leadapi.workspaces.models import Workspace

installed = cast(Table, InstalledDefault.__table__)
workspaces = cast(Table, Workspace.__table__)


class ActivationRepository(WorkspaceRepository):
    async def lock_workspace(self) -> None:
        """Two installs into one workspace at once take turns (PostgreSQL; SQLite has one writer),
        so the second finds what the first installed instead of failing on its key."""
        if self.conn.dialect.name == "postgresql":
            stmt = select(workspaces.c.id).where(workspaces.c.id == self.workspace_id).with_for_update()
            await self.conn.execute(stmt)

    async def installed(self) -> dict[str, dict[str, Any]]:
        """template -> its row."""
        rows = await self.conn.execute(self.scoped_select(installed))
        return {str(row["template"]): dict(row) for row in rows.mappings()}

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(installed, row)
