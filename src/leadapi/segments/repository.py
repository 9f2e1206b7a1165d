"""Segments, their members and the membership consumer's position."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, func, select, tuple_

from leadapi.events import consumers
from leadapi.leads.models import Lead
from leadapi.repository import WorkspaceRepository, same_workspace
from leadapi.segments.models import Segment, SegmentCursor, SegmentMember

segments = cast(Table, Segment.__table__)
members = cast(Table, SegmentMember.__table__)
cursors = cast(Table, SegmentCursor.__table__)
leads = cast(Table, Lead.__table__)

MEMBER_COLUMNS = (
    leads.c.email,
    leads.c.first_name,
    leads.c.last_name,
    leads.c.company,
    leads.c.stage,
    leads.c.band,
    leads.c.score,
    leads.c.owner_id,
)


def behind_statement(limit: int) -> Select[Any]:
    """Workspaces whose segments have numbered events to go through, or a segment to fill."""
    filling = select(segments.c.workspace_id).where(segments.c.filling.is_(True))
    return consumers.behind_statement(cursors, limit, cursors.c.workspace_id.in_(filling))


class SegmentRepository(WorkspaceRepository):
    # ---- segments --------------------------------------------------------------------------------

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(segments, row)

    async def get(self, segment_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(segments).where(segments.c.id == segment_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def page(self, limit: int, after_id: str | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(segments).order_by(segments.c.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(segments.c.id > after_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def all(self) -> list[dict[str, Any]]:
        stmt = self.scoped_select(segments).order_by(segments.c.id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def count(self) -> int:
        return int((await self.conn.execute(self.scoped_select(segments, func.count()))).scalar_one())

    async def existing_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        stmt = self.scoped_select(segments, segments.c.id).where(segments.c.id.in_(list(ids)))
        return {str(i) for i in (await self.conn.execute(stmt)).scalars()}

    async def update(self, segment_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(segments).where(segments.c.id == segment_id).values(**values)
        )

    async def clear_track(self, track_id: str) -> None:
        """The segments enrolling entering leads in this track (deleted) enrol them in none."""
        await self.conn.execute(
            self.scoped_update(segments)
            .where(segments.c.enroll_track_id == track_id)
            .values(enroll_track_id=None)
        )

    async def delete(self, segment_id: str) -> None:
        await self.conn.execute(self.scoped_delete(members).where(members.c.segment_id == segment_id))
        await self.conn.execute(self.scoped_delete(segments).where(segments.c.id == segment_id))

    # ---- members ---------------------------------------------------------------------------------

    async def add_to_counts(self, deltas: dict[str, int]) -> None:
        """Members gained (lost: negative) per segment. Callers move counts after every lead lock
        they take, so the segment rows are always locked last (no deadlock with an erasure)."""
        for segment_id, delta in sorted(deltas.items()):
            if delta:
                await self.conn.execute(
                    self.scoped_update(segments)
                    .where(segments.c.id == segment_id)
                    .values(member_count=segments.c.member_count + delta)
                )

    async def erase_lead(self, lead_id: str) -> None:
        """An erased lead (or one merged away) leaves its segments; their counts go down."""
        stmt = self.scoped_select(members, members.c.segment_id).where(members.c.lead_id == lead_id)
        left = [str(s) for s in (await self.conn.execute(stmt)).scalars()]
        await self.conn.execute(self.scoped_delete(members).where(members.c.lead_id == lead_id))
        await self.add_to_counts(dict.fromkeys(left, -1))

    def members_statement(self, segment_id: str, limit: int, after_lead_id: str | None) -> Select[Any]:
        stmt = (
            self.scoped_select(members, members.c.lead_id, members.c.entered_at, *MEMBER_COLUMNS)
            .join(leads, and_(leads.c.id == members.c.lead_id, same_workspace(leads, members)))
            .where(members.c.segment_id == segment_id)
            .order_by(members.c.lead_id)
            .limit(limit)
        )
        if after_lead_id is not None:
            stmt = stmt.where(members.c.lead_id > after_lead_id)
        return stmt

    async def members_page(
        self, segment_id: str, limit: int, after_lead_id: str | None
    ) -> list[dict[str, Any]]:
        rows = await self.conn.execute(self.members_statement(segment_id, limit, after_lead_id))
        return [dict(row) for row in rows.mappings()]

    async def memberships(self, lead_ids: Sequence[str]) -> dict[str, set[str]]:
        """lead -> the segments it is in, for these leads."""
        out: dict[str, set[str]] = {lead_id: set() for lead_id in lead_ids}
        if not lead_ids:
            return out
        stmt = self.scoped_select(members, members.c.lead_id, members.c.segment_id).where(
            members.c.lead_id.in_(list(lead_ids))
        )
        for lead_id, segment_id in await self.conn.execute(stmt):
            out.setdefault(str(lead_id), set()).add(str(segment_id))
        return out

    async def enter(self, pairs: Sequence[tuple[str, str]], at: datetime) -> None:
        """(segment, lead) memberships begun at `at`."""
        if pairs:
            await self.insert_rows(
                members, [{"segment_id": s, "lead_id": lead_id, "entered_at": at} for s, lead_id in pairs]
            )

    async def leave(self, pairs: Sequence[tuple[str, str]]) -> None:
        if pairs:
            await self.conn.execute(
                self.scoped_delete(members).where(
                    tuple_(members.c.segment_id, members.c.lead_id).in_(list(pairs))
                )
            )

    # ---- the leads a segment is decided on --------------------------------------------------------

    async def leads_by_id(self, lead_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """These leads as they are now; on PostgreSQL held (FOR KEY SHARE) so none is erased before
        its memberships commit, without blocking updates."""
        if not lead_ids:
            return {}
        # In id order, the order a merge locks its two leads in: neither waits on the other in turn.
        stmt = self.scoped_select(leads).where(leads.c.id.in_(list(lead_ids))).order_by(leads.c.id)
        if self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(key_share=True)
        return {str(row["id"]): dict(row) for row in (await self.conn.execute(stmt)).mappings()}

    async def leads_after(
        self, after: tuple[datetime, str] | None, until: datetime, limit: int
    ) -> list[dict[str, Any]]:
        """The next leads by (created_at, id), the workspace's own index, made up to `until`, for a
        backfill; held as leads_by_id holds them."""
        stmt = (
            self.scoped_select(leads)
            .where(leads.c.created_at <= until)
            .order_by(leads.c.created_at, leads.c.id)
            .limit(limit)
        )
        if after is not None:
            stmt = stmt.where(tuple_(leads.c.created_at, leads.c.id) > tuple_(*after))
        if self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(key_share=True)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def segment_members_among(self, segment_id: str, lead_ids: Sequence[str]) -> set[str]:
        if not lead_ids:
            return set()
        stmt = self.scoped_select(members, members.c.lead_id).where(
            members.c.segment_id == segment_id, members.c.lead_id.in_(list(lead_ids))
        )
        return {str(i) for i in (await self.conn.execute(stmt)).scalars()}

    async def filling(self) -> list[dict[str, Any]]:
        stmt = self.scoped_select(segments).where(segments.c.filling.is_(True)).order_by(segments.c.id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    # ---- the consumer's position -----------------------------------------------------------------

    async def last_seq(self) -> int:
        return await consumers.last_seq(self.conn, self.workspace_id)

    async def start_cursor(self, position: int, now: datetime) -> None:
        """The workspace's position, made with its first segment; nothing when it has one."""
        if (await self.conn.execute(self.scoped_select(cursors, cursors.c.position))).first() is None:
            await self.insert_row(cursors, {"position": position, "updated_at": now})

    async def move_cursor(self, position: int, now: datetime) -> None:
        await self.conn.execute(self.scoped_update(cursors).values(position=position, updated_at=now))
