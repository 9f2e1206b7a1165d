"""The workspace's pipeline settings and the stage-move log, always inside one workspace."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_

from leadapi.leads.models import Lead
from leadapi.repository import WorkspaceRepository
from leadapi.stages.engine import Pipeline
from leadapi.stages.models import LifecycleSettings, StageChange

settings = cast(Table, LifecycleSettings.__table__)
changes = cast(Table, StageChange.__table__)
leads = cast(Table, Lead.__table__)


class StageRepository(WorkspaceRepository):
    async def pipeline(self, *, lock: bool = False) -> Pipeline:
        """The workspace's pipeline (the defaults until it stores its own); with `lock`, its
        settings row is held until the transaction ends (PostgreSQL), so two changes of the
        pipeline apply one after the other."""
        stmt = self.scoped_select(settings)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        if row is None:
            return Pipeline.default()
        return Pipeline.from_document(dict(row), row["version"])

    async def save(self, doc: dict[str, Any], version: int, now: datetime) -> None:
        values = {**doc, "version": version, "updated_at": now}
        if version == 1:
            await self.insert_row(settings, values)
        else:
            await self.conn.execute(self.scoped_update(settings).values(**values))

    async def leads_in(self, keys: Iterable[str]) -> dict[str, int]:
        """How many leads sit in each of these stages (only those with any)."""
        wanted = list(keys)
        if not wanted:
            return {}
        stmt = (
            self.scoped_select(leads, leads.c.stage, func.count())
            .where(leads.c.stage.in_(wanted))
            .group_by(leads.c.stage)
        )
        return {str(row[0]): int(row[1]) for row in await self.conn.execute(stmt)}

    async def record(self, row: dict[str, Any]) -> None:
        await self.insert_row(changes, row)

    async def record_many(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.copy_rows(changes, rows)

    async def history(
        self, lead_id: str, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        stmt = (
            self.scoped_select(changes)
            .where(changes.c.lead_id == lead_id)
            .order_by(changes.c.at.desc(), changes.c.id.desc())
            .limit(limit)
        )
        if before is not None:
            stmt = stmt.where(
                or_(changes.c.at < before[0], and_(changes.c.at == before[0], changes.c.id < before[1]))
            )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def move_to_lead(self, from_lead_id: str, to_lead_id: str) -> None:
        """A merged duplicate's history stays readable under the lead it was merged into."""
        await self.conn.execute(
            self.scoped_update(changes).where(changes.c.lead_id == from_lead_id).values(lead_id=to_lead_id)
        )

    async def erase_lead(self, lead_id: str) -> None:
        await self.conn.execute(self.scoped_delete(changes).where(changes.c.lead_id == lead_id))
