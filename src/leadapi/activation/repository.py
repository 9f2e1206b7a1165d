"""The record of installed defaults."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, select

from leadapi.activation.models import InstalledDefault
from leadapi.repository import WorkspaceRepository

installed = cast(Table, InstalledDefault.__table__)


class ActivationRepository(WorkspaceRepository):
    async def lock_workspace(self) -> None:
        """Two installs into one workspace at once take turns (PostgreSQL; SQLite has one writer),
        so the second finds what the first installed instead of failing on its key. An advisory
        lock, not the workspace's row: the rows other transactions add to the workspace meanwhile
        (their foreign keys lock that row for key share) do not wait for the install."""
        if self.conn.dialect.name == "postgresql":
            key = func.hashtext("activation_defaults:" + self.workspace_id)
            await self.conn.execute(select(func.pg_advisory_xact_lock(key)))

    async def installed(self) -> dict[str, dict[str, Any]]:
        """template -> its row."""
        rows = await self.conn.execute(self.scoped_select(installed))
        return {str(row["template"]): dict(row) for row in rows.mappings()}

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(installed, row)
