"""Scoring model queries, scoped to one workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, func, select, tuple_

from leadapi.repository import WorkspaceRepository
from leadapi.scoring.models import ScoreAdjustment, ScoringModel, ScoringSettings

models = cast(Table, ScoringModel.__table__)
settings = cast(Table, ScoringSettings.__table__)
adjustments = cast(Table, ScoreAdjustment.__table__)


def adjustments_statement(
    workspace_id: str, lead_id: str, limit: int, before: tuple[datetime, str] | None
) -> Select[Any]:
    """A lead's adjustments, newest first, those before the keyset `before` (created_at, id): one
    range of ix_score_adjustments_lead_id_created_at_id, read backwards."""
    stmt = (
        select(adjustments)
        .where(adjustments.c.workspace_id == workspace_id, adjustments.c.lead_id == lead_id)
        .order_by(adjustments.c.created_at.desc(), adjustments.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(tuple_(adjustments.c.created_at, adjustments.c.id) < tuple_(*before))
    return stmt


class ScoringRepository(WorkspaceRepository):
    async def active_id(self) -> str | None:
        stmt = self.scoped_select(settings, settings.c.active_model_id)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def set_active(self, model_id: str, *, first: bool) -> None:
        if first:
            await self.insert_row(settings, {"active_model_id": model_id})
        else:
            await self.conn.execute(self.scoped_update(settings).values(active_model_id=model_id))

    async def get(self, model_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(models).where(models.c.id == model_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def next_version(self) -> int:
        stmt = self.scoped_select(models, func.coalesce(func.max(models.c.version), 0))
        return int((await self.conn.execute(stmt)).scalar_one()) + 1

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(models, row)

    async def page(self, limit: int, before_version: int | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(models).order_by(models.c.version.desc()).limit(limit)
        if before_version is not None:
            stmt = stmt.where(models.c.version < before_version)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def add_adjustment(self, row: dict[str, Any]) -> None:
        await self.insert_row(adjustments, row)

    async def adjustments(
        self, lead_id: str, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        stmt = adjustments_statement(self.workspace_id, lead_id, limit, before)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def move_adjustments(self, from_lead_id: str, to_lead_id: str) -> None:
        """A merged duplicate's adjustments are the survivor's."""
        await self.conn.execute(
            self.scoped_update(adjustments)
            .where(adjustments.c.lead_id == from_lead_id)
            .values(lead_id=to_lead_id)
        )
