"""Segments: create, change and remove them, count and list their members. Keeping membership
current is the flow's (flows/segments.py): it reads leads and appends events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.conditions import ConditionError
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.ids import new_id
from leadapi.principal import Principal
from leadapi.segments import engine
from leadapi.segments.repository import SegmentRepository
from leadapi.segments.schemas import SegmentCreate, SegmentUpdate
from leadapi.tracks.repository import TrackRepository

# Every event's lead is checked against each of the workspace's segments: a bound on that work.
MAX_SEGMENTS = 100


def check_when(when: Any) -> None:
    """422 naming the bad node of the condition."""
    try:
        engine.compile_when(when)
    except ConditionError as exc:
        raise validation_problem([{"field": exc.path, "message": exc.message}]) from None


async def check_track(conn: AsyncConnection, workspace_id: str, track_id: str | None) -> None:
    """422 (`enroll_track_id`) for a track the workspace does not have."""
    if track_id is not None and not await TrackRepository(conn, workspace_id).existing_ids({track_id}):
        raise validation_problem([{"field": "enroll_track_id", "message": f"no track {track_id!r}"}])


class SegmentService:
    """Segments, in the caller's transaction."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    async def create(
        self, conn: AsyncConnection, principal: Principal, data: SegmentCreate
    ) -> dict[str, Any]:
        check_when(data.when)
        await check_track(conn, principal.workspace_id, data.enroll_track_id)
        now = self.clock()
        repo = SegmentRepository(conn, principal.workspace_id)
        if await repo.count() >= MAX_SEGMENTS:
            raise ProblemError(409, f"A workspace has at most {MAX_SEGMENTS} segments.")
        row: dict[str, Any] = {
            "id": new_id("segment"),
            "name": data.name,
            "when": data.when,
            "enroll_track_id": data.enroll_track_id,
            "member_count": 0,
            "filling": True,
            "fill_until": now,
            "fill_after_at": None,
            "fill_after": None,
            "created_at": now,
            "updated_at": now,
        }
        await repo.add(row)
        # Events from now on keep it current; the backfill finds the members there are already.
        await repo.start_cursor(await repo.last_seq(), now)
        await record_for(conn, principal, now, "created", "segment", row["id"], None, row)
        return row

    async def get(self, conn: AsyncConnection, principal: Principal, segment_id: str) -> dict[str, Any]:
        repo = SegmentRepository(conn, principal.workspace_id)
        row = await repo.get(segment_id)
        if row is None:
            raise not_found("Segment", segment_id)
        return row

    async def page(
        self, conn: AsyncConnection, principal: Principal, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        return await SegmentRepository(conn, principal.workspace_id).page(limit, after_id)

    async def update(
        self, conn: AsyncConnection, principal: Principal, segment_id: str, data: SegmentUpdate
    ) -> dict[str, Any]:
        changes = data.model_dump(exclude_unset=True)
        for name in ("name", "when"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        if "when" in changes:
            check_when(changes["when"])
        if "enroll_track_id" in changes:
            await check_track(conn, principal.workspace_id, changes["enroll_track_id"])
        repo = SegmentRepository(conn, principal.workspace_id)
        row = await repo.get(segment_id, lock=True)
        if row is None:
            raise not_found("Segment", segment_id)
        now = self.clock()
        if "when" in changes and changes["when"] != row["when"]:
            # Another condition: every lead is decided again (members who no longer meet it leave).
            changes.update(filling=True, fill_until=now, fill_after_at=None, fill_after=None)
        changes["updated_at"] = now
        await repo.update(segment_id, changes)
        after = {**row, **changes}
        await record_for(conn, principal, now, "updated", "segment", segment_id, row, after)
        return after

    async def delete(self, conn: AsyncConnection, principal: Principal, segment_id: str) -> None:
        repo = SegmentRepository(conn, principal.workspace_id)
        before = await repo.get(segment_id, lock=True)
        if before is None:
            raise not_found("Segment", segment_id)
        await repo.delete(segment_id)
        await record_for(conn, principal, self.clock(), "deleted", "segment", segment_id, before, None)

    async def members(
        self, conn: AsyncConnection, principal: Principal, segment_id: str, limit: int, after: str | None
    ) -> list[dict[str, Any]]:
        repo = SegmentRepository(conn, principal.workspace_id)
        if await repo.get(segment_id) is None:
            raise not_found("Segment", segment_id)
        return await repo.members_page(segment_id, limit, after)
