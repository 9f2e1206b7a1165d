"""Scoring model queries, scoped to one workspace."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.scoring.models import ScoringModel, ScoringSettings

models = cast(Table, ScoringModel.__table__)
settings = cast(Table, ScoringSettings.__table__)


class ScoringRepository:
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        self.conn = conn
        self.workspace_id = workspace_id

    async def active_id(self) -> str | None:
        stmt = select(settings.c.active_model_id).where(settings.c.workspace_id == self.workspace_id)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def set_active(self, model_id: str, *, first: bool) -> None:
        if first:
            await self.conn.execute(
                insert(settings).values(workspace_id=self.workspace_id, active_model_id=model_id)
            )
        else:
            await self.conn.execute(
                update(settings)
                .where(settings.c.workspace_id == self.workspace_id)
                .values(active_model_id=model_id)
            )

    async def get(self, model_id: str) -> dict[str, Any] | None:
        stmt = select(models).where(models.c.workspace_id == self.workspace_id, models.c.id == model_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def next_version(self) -> int:
        stmt = select(func.coalesce(func.max(models.c.version), 0)).where(
            models.c.workspace_id == self.workspace_id
        )
        return int((await self.conn.execute(stmt)).scalar_one()) + 1

    async def add(self, row: dict[str, Any]) -> None:
        await self.conn.execute(insert(models).values(workspace_id=self.workspace_id, **row))

    async def page(self, limit: int, before_version: int | None) -> list[dict[str, Any]]:
        stmt = (
            select(models)
            .where(models.c.workspace_id == self.workspace_id)
            .order_by(models.c.version.desc())
            .limit(limit)
        )
        if before_version is not None:
            stmt = stmt.where(models.c.version < before_version)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]
