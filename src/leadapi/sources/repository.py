"""Form sources and their submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.repository import WorkspaceRepository
from leadapi.sources.models import Source, SourceSubmission

sources = cast(Table, Source.__table__)
submissions = cast(Table, SourceSubmission.__table__)


async def source_by_id(conn: AsyncConnection, source_id: str) -> dict[str, Any] | None:
    """Any workspace's source: a hook names its source by id alone (and proves itself by signature)."""
    row = (await conn.execute(select(sources).where(sources.c.id == source_id))).mappings().first()
    return dict(row) if row else None


class SourceRepository(WorkspaceRepository):
    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(sources, row)

    async def get(self, source_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(sources).where(sources.c.id == source_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def all(self) -> list[dict[str, Any]]:
        stmt = self.scoped_select(sources).order_by(sources.c.id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def update(self, source_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(sources).where(sources.c.id == source_id).values(**values))

    async def delete(self, source_id: str) -> None:
        await self.conn.execute(self.scoped_delete(submissions).where(submissions.c.source_id == source_id))
        await self.conn.execute(self.scoped_delete(sources).where(sources.c.id == source_id))

    async def submission_by_key(self, source_id: str, key: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(submissions).where(
            submissions.c.source_id == source_id,
            submissions.c.dedupe_key == key,
        )
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def submission(
        self, source_id: str, submission_id: str, *, lock: bool = False
    ) -> dict[str, Any] | None:
        stmt = self.scoped_select(submissions).where(
            submissions.c.source_id == source_id,
            submissions.c.id == submission_id,
        )
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def add_submission(self, row: dict[str, Any]) -> None:
        await self.insert_row(submissions, row)

    async def update_submission(self, submission_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(submissions).where(submissions.c.id == submission_id).values(**values)
        )

    async def submissions_of(
        self, source_id: str, status: str | None, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        stmt = (
            self.scoped_select(submissions)
            .where(submissions.c.source_id == source_id)
            .order_by(submissions.c.received_at.desc(), submissions.c.id.desc())
            .limit(limit)
        )
        if status is not None:
            stmt = stmt.where(submissions.c.status == status)
        if before is not None:
            stmt = stmt.where(
                or_(
                    submissions.c.received_at < before[0],
                    and_(submissions.c.received_at == before[0], submissions.c.id < before[1]),
                )
            )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def erase_lead(self, lead_id: str) -> None:
        """Submissions carry the person's data: they go with the lead."""
        await self.conn.execute(self.scoped_delete(submissions).where(submissions.c.lead_id == lead_id))
