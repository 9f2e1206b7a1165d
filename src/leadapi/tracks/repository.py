"""Track queries: a workspace's tracks and enrolments, touches, settings, and the step sweep's queue
across workspaces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CompoundSelect, Select, Table, bindparam, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import constant
from leadapi.events import consumers
from leadapi.repository import WorkspaceRepository, analyze_grown, probed, same_workspace
from leadapi.tracks.engine import WINDOW
from leadapi.tracks.models import Enrollment, NurtureSettings, Touch, Track, TrackCursor

tracks = cast(Table, Track.__table__)
enrollments = cast(Table, Enrollment.__table__)
touches = cast(Table, Touch.__table__)
settings = cast(Table, NurtureSettings.__table__)
cursors = cast(Table, TrackCursor.__table__)

LIVE = ("active", "paused")


def due_statement(now: datetime, limit: int) -> Select[Any]:
    """Active enrolments, in any workspace, whose next step is due by `now`, longest due first
    (the sweep's queue). The status is written into the SQL, as the partial index is defined by
    it; the caller locks them (SKIP LOCKED: sweepers split the queue)."""
    return (
        select(enrollments.c.id, enrollments.c.workspace_id)
        .where(enrollments.c.status == constant("active"), enrollments.c.next_due_at <= now)
        .order_by(enrollments.c.next_due_at)
        .limit(limit)
    )


async def claim_due(conn: AsyncConnection, now: datetime, limit: int) -> list[dict[str, Any]]:
    """The queue's head, locked for the caller's transaction (PostgreSQL; SQLite has one writer)."""
    stmt = due_statement(now, limit).with_for_update(skip_locked=True)
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]


def behind_statement(limit: int) -> Select[Any]:
    """Workspaces whose exit watch have numbered events to go through, by workspace id."""
    return consumers.behind_statement(cursors, limit)


class TrackRepository(WorkspaceRepository):
    # ---- tracks ----------------------------------------------------------------------------------

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(tracks, row)

    async def get(self, track_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(tracks).where(tracks.c.id == track_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def existing_ids(self, track_ids: set[str]) -> set[str]:
        if not track_ids:
            return set()
        stmt = self.scoped_select(tracks, tracks.c.id).where(tracks.c.id.in_(track_ids))
        return {str(found) for found in (await self.conn.execute(stmt)).scalars()}

    async def concurrent_ids(self, track_ids: set[str]) -> set[str]:
        """Which of these tracks allow concurrent enrolments."""
        stmt = self.scoped_select(tracks, tracks.c.id).where(
            tracks.c.id.in_(track_ids), tracks.c.allow_concurrent.is_(True)
        )
        return {str(found) for found in (await self.conn.execute(stmt)).scalars()}

    async def page(self, limit: int, after_id: str | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(tracks).order_by(tracks.c.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(tracks.c.id > after_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def update(self, track_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(tracks).where(tracks.c.id == track_id).values(**values))

    async def delete(self, track_id: str) -> None:
        await self.conn.execute(self.scoped_delete(tracks).where(tracks.c.id == track_id))

    # ---- enrolments ------------------------------------------------------------------------------

    async def add_enrollment(self, row: dict[str, Any]) -> None:
        await self.insert_row(enrollments, row)

    async def enrollment(self, enrollment_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(enrollments).where(enrollments.c.id == enrollment_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def enrollments_by_ids(self, ids: list[str]) -> list[dict[str, Any]]:
        stmt = self.scoped_select(enrollments).where(enrollments.c.id.in_(ids)).order_by(enrollments.c.id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def update_enrollment(self, enrollment_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(enrollments).where(enrollments.c.id == enrollment_id).values(**values)
        )

    async def move_enrollments(self, moves: Sequence[Mapping[str, Any]]) -> None:
        """Enrolments moved on (`id`, `step`, `next_due_at`, `updated_at` each), in one statement."""
        if not moves:
            return
        stmt = (
            self.scoped_update(enrollments)
            .where(enrollments.c.id == bindparam("_id"))
            .values(step=bindparam("_step"), next_due_at=bindparam("_due"), updated_at=bindparam("_at"))
        )
        params = [
            {"_id": m["id"], "_step": m["step"], "_due": m["next_due_at"], "_at": m["updated_at"]}
            for m in moves
        ]
        await self.conn.execute(stmt, params)

    async def lead_enrollments(
        self, lead_id: str, *, limit: int | None = None, after_id: str | None = None
    ) -> list[dict[str, Any]]:
        """A lead's enrolments, oldest first (a lead has few)."""
        stmt = self.scoped_select(enrollments).where(enrollments.c.lead_id == lead_id)
        stmt = stmt.order_by(enrollments.c.id)
        if after_id is not None:
            stmt = stmt.where(enrollments.c.id > after_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    def enrollments_of_statement(self, lead_ids: Sequence[str], *, postgres: bool) -> Select[Any]:
        """The leads' enrolments: on PostgreSQL a probe of the lead's index per lead (`probed`),
        whatever the table's statistics say."""
        return probed(self.scoped_select(enrollments), enrollments.c.lead_id, lead_ids, postgres=postgres)

    async def enrollments_of_leads(self, lead_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Each lead's enrolments, oldest first, in one statement."""
        stmt = self.enrollments_of_statement(lead_ids, postgres=self.conn.dialect.name == "postgresql")
        found: dict[str, list[dict[str, Any]]] = {lead_id: [] for lead_id in lead_ids}
        for row in (await self.conn.execute(stmt)).mappings():
            found[row["lead_id"]].append(dict(row))
        for rows in found.values():
            rows.sort(key=lambda row: str(row["id"]))
        return found

    async def add_enrollments(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.insert_rows(enrollments, rows)

    async def move_to_lead(self, from_lead_id: str, to_lead_id: str, now: Any) -> list[dict[str, Any]]:
        """A merged duplicate's enrolments and touches are the survivor's history: its live
        enrolments end (`exited`, reason `merged`: the survivor's own tracks go on), and every one
        moves under the survivor. Returns the ones it ended, as they are now."""
        ended: list[dict[str, Any]] = []
        values = {
            "status": "exited",
            "reason": "merged",
            "next_due_at": None,
            "ended_at": now,
            "updated_at": now,
        }
        for row in await self.lead_enrollments(from_lead_id):
            if row["status"] in LIVE:
                await self.update_enrollment(row["id"], values)
                ended.append({**row, **values, "lead_id": to_lead_id})
        await self.conn.execute(
            self.scoped_update(enrollments)
            .where(enrollments.c.lead_id == from_lead_id)
            .values(lead_id=to_lead_id)
        )
        await self.conn.execute(
            self.scoped_update(touches).where(touches.c.lead_id == from_lead_id).values(lead_id=to_lead_id)
        )
        return ended

    async def track_enrollments(
        self, track_id: str, *, status: str | None, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        """A track's enrolments in id (enrolment) order, one range of an index (all, or one status)."""
        stmt = self.scoped_select(enrollments).where(enrollments.c.track_id == track_id)
        if status is not None:
            stmt = stmt.where(enrollments.c.status == status)
        if after_id is not None:
            stmt = stmt.where(enrollments.c.id > after_id)
        stmt = stmt.order_by(enrollments.c.id).limit(limit)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    def live_statement(self, lead_ids: set[str]) -> Select[Any]:
        """The active and paused enrolments of these leads, by id (read from the lead index)."""
        return (
            self.scoped_select(enrollments)
            .where(enrollments.c.lead_id.in_(sorted(lead_ids)), enrollments.c.status.in_(LIVE))
            .order_by(enrollments.c.id)
        )

    def any_live_statement(
        self, *, postgres: bool
    ) -> Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]:
        """One active or paused enrolment of the workspace, if any: for each of its tracks (a
        handful) and each live status, the first enrolment by id, read from the (track, status, id)
        index. By id, so that index is the cheapest plan whatever share of enrolments the
        statistics think live: asked for any row, PostgreSQL chose to scan the enrolments and stop
        at the first live one, which reads them all when none is. SQLite (no LATERAL): the same
        tracks joined to their live enrolments."""
        if not postgres:
            joined = tracks.join(
                enrollments, same_workspace(enrollments, tracks) & (enrollments.c.track_id == tracks.c.id)
            )
            live = enrollments.c.status.in_(LIVE)
            return select(enrollments.c.id).select_from(joined).where(self.scope(tracks), live).limit(1)
        firsts = []
        for status in LIVE:
            first = (
                select(enrollments.c.id)
                .where(
                    same_workspace(enrollments, tracks),
                    enrollments.c.track_id == tracks.c.id,
                    enrollments.c.status == constant(status),
                )
                .order_by(enrollments.c.id)
                .limit(1)
                .lateral()
            )
            of_tracks = select(first.c.id).select_from(tracks).join(first, true())
            firsts.append(of_tracks.where(self.scope(tracks)))
        return union_all(*firsts).limit(1)

    async def any_live(self) -> bool:
        stmt = self.any_live_statement(postgres=self.conn.dialect.name == "postgresql")
        return (await self.conn.execute(stmt)).first() is not None

    async def refresh_statistics(self) -> list[str]:
        """The enrolments analysed when they have grown (repository.analyze_grown): a plan of the
        statement above made while they were few would read them all each round."""
        return await analyze_grown(self.conn, (enrollments.name,))

    async def live_for_leads(self, lead_ids: set[str]) -> list[dict[str, Any]]:
        if not lead_ids:
            return []
        stmt = self.live_statement(lead_ids)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    # ---- the exit watch's position ---------------------------------------------------------------

    async def start_cursor(self, now: datetime) -> None:
        """The workspace's position, made with its first track at the end of its log (what
        happened before is history); nothing when it has one."""
        if (await self.conn.execute(self.scoped_select(cursors, cursors.c.position))).first() is None:
            await self.insert_row(cursors, {"position": await self.last_seq(), "updated_at": now})

    async def move_cursor(self, position: int, now: datetime) -> None:
        await self.conn.execute(self.scoped_update(cursors).values(position=position, updated_at=now))

    async def last_seq(self) -> int:
        return await consumers.last_seq(self.conn, self.workspace_id)

    # ---- touches and settings --------------------------------------------------------------------

    def touches_statement(self, lead_id: str, now: datetime) -> Select[Any]:
        """The lead's touches in the 7 days before `now`, oldest first: one range of an index."""
        return (
            self.scoped_select(touches, touches.c.at)
            .where(touches.c.lead_id == lead_id, touches.c.at > now - WINDOW)
            .order_by(touches.c.at)
        )

    async def touches_since(self, lead_id: str, now: datetime) -> list[datetime]:
        """The lead's touches in the 7 days before `now`, oldest first."""
        stmt = self.touches_statement(lead_id, now)
        return [cast(datetime, at) for at in (await self.conn.execute(stmt)).scalars()]

    async def add_touch(self, row: dict[str, Any]) -> None:
        await self.insert_row(touches, row)

    async def add_touches(self, rows: Sequence[Mapping[str, Any]]) -> None:
        await self.insert_rows(touches, rows)

    def touches_of_statement(self, lead_ids: Sequence[str], now: datetime) -> Select[Any]:
        return (
            self.scoped_select(touches, touches.c.lead_id, touches.c.at)
            .where(touches.c.lead_id.in_(sorted(set(lead_ids))), touches.c.at > now - WINDOW)
            .order_by(touches.c.lead_id, touches.c.at)
        )

    async def touches_of(self, lead_ids: Sequence[str], now: datetime) -> dict[str, list[datetime]]:
        """These leads' touches in the 7 days before `now`, oldest first, by lead: one range of an
        index per lead, in one statement."""
        if not lead_ids:
            return {}
        stmt = self.touches_of_statement(lead_ids, now)
        found: dict[str, list[datetime]] = {}
        for lead_id, at in await self.conn.execute(stmt):
            found.setdefault(str(lead_id), []).append(cast(datetime, at))
        return found

    async def weekly_cap(self) -> int | None:
        stmt = self.scoped_select(settings, settings.c.weekly_touch_cap)
        found = (await self.conn.execute(stmt)).scalar_one_or_none()
        return None if found is None else int(found)

    async def set_weekly_cap(self, cap: int, now: datetime) -> None:
        await self.upsert_settings(settings, {"weekly_touch_cap": cap, "updated_at": now})
