"""Imports, their spooled parts and row outcomes, scoped to the workspace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, or_

from leadapi.imports.models import Import, ImportOutcome, ImportPart
from leadapi.repository import WorkspaceRepository

imports = cast(Table, Import.__table__)
parts = cast(Table, ImportPart.__table__)
outcomes = cast(Table, ImportOutcome.__table__)


class ImportRepository(WorkspaceRepository):
    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(imports, row)

    async def add_part(self, import_id: str, seq: int, data: bytes) -> None:
        await self.insert_row(parts, {"import_id": import_id, "seq": seq, "data": data})

    async def get(self, import_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(imports).where(imports.c.id == import_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def update(self, import_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(imports).where(imports.c.id == import_id).values(**values))

    async def part(self, import_id: str, seq: int) -> bytes | None:
        stmt = self.scoped_select(parts, parts.c.data).where(
            parts.c.import_id == import_id, parts.c.seq == seq
        )
        data = await self.conn.scalar(stmt)
        return None if data is None else bytes(data)

    async def drop_parts(self, import_id: str) -> None:
        await self.conn.execute(self.scoped_delete(parts).where(parts.c.import_id == import_id))

    async def add_outcomes(self, import_id: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self.insert_rows(outcomes, [{"import_id": import_id, **row} for row in rows])

    async def outcomes_after(
        self, import_id: str, after: tuple[int, int], limit: int, *, refused_only: bool
    ) -> list[dict[str, Any]]:
        """Outcomes in row order after (row, ordinal), by the primary key."""
        row, ordinal = after
        stmt = (
            self.scoped_select(
                outcomes,
                outcomes.c.row,
                outcomes.c.ordinal,
                outcomes.c.outcome,
                outcomes.c.lead_id,
                outcomes.c.field,
                outcomes.c.message,
            )
            .where(
                outcomes.c.import_id == import_id,
                or_(outcomes.c.row > row, and_(outcomes.c.row == row, outcomes.c.ordinal > ordinal)),
            )
            .order_by(outcomes.c.row, outcomes.c.ordinal)
            .limit(limit)
        )
        if refused_only:
            stmt = stmt.where(outcomes.c.outcome == "refused")
        return [dict(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def page(self, after: tuple[datetime, str] | None, limit: int) -> list[dict[str, Any]]:
        """Newest first, by the (workspace, created_at, id) index."""
        stmt = self.scoped_select(imports)
        if after is not None:
            at, last = after
            stmt = stmt.where(
                or_(imports.c.created_at < at, and_(imports.c.created_at == at, imports.c.id < last))
            )
        stmt = stmt.order_by(imports.c.created_at.desc(), imports.c.id.desc()).limit(limit)
        return [dict(r) for r in (await self.conn.execute(stmt)).mappings()]
