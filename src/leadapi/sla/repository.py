"""SLA policies, the clocks on assignments, and breaches."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import constant
from leadapi.ids import new_id
from leadapi.repository import WorkspaceRepository
from leadapi.routing.models import Assignment
from leadapi.sla.engine import DEFAULT_POLICIES
from leadapi.sla.models import SlaBreach, SlaPolicy

policies = cast(Table, SlaPolicy.__table__)
breaches = cast(Table, SlaBreach.__table__)
assignments = cast(Table, Assignment.__table__)


def due_clocks_statement(now: datetime, limit: int) -> Select[Any]:
    """Running clocks, in any workspace, due by `now`, most overdue first (the sweep's queue);
    the state is written into the SQL, as the partial index is defined by it."""
    return (
        select(assignments.c.id, assignments.c.workspace_id, assignments.c.lead_id)
        .where(assignments.c.sla_state == constant("running"), assignments.c.due_at <= now)
        .order_by(assignments.c.due_at)
        .limit(limit)
    )


async def due_clocks(conn: AsyncConnection, now: datetime, limit: int) -> list[dict[str, Any]]:
    stmt = due_clocks_statement(now, limit)
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]


class SlaRepository(WorkspaceRepository):
    # ---- policies ----------------------------------------------------------------------------

    async def seed_defaults(self, now: datetime) -> None:
        rows = [
            {"id": new_id("sla_policy"), "active": True, **policy, "created_at": now, "updated_at": now}
            for policy in DEFAULT_POLICIES
        ]
        await self.insert_rows(policies, rows)

    async def policies(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        stmt = self.scoped_select(policies).order_by(policies.c.position)
        if active_only:
            stmt = stmt.where(policies.c.active.is_(True))
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def policy(self, policy_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(policies).where(policies.c.id == policy_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def position_holder(self, position: int) -> str | None:
        stmt = self.scoped_select(policies, policies.c.id).where(policies.c.position == position)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def add_policy(self, row: dict[str, Any]) -> None:
        await self.insert_row(policies, row)

    async def update_policy(self, policy_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(policies).where(policies.c.id == policy_id).values(**values)
        )

    async def delete_policy(self, policy_id: str) -> None:
        await self.conn.execute(self.scoped_delete(policies).where(policies.c.id == policy_id))

    # ---- clocks ------------------------------------------------------------------------------

    async def current_assignment(self, lead_id: str) -> dict[str, Any] | None:
        """The lead's latest assignment (the one whose clock may run); callers hold the lead's lock."""
        stmt = (
            self.scoped_select(assignments)
            .where(assignments.c.lead_id == lead_id)
            .order_by(assignments.c.created_at.desc(), assignments.c.id.desc())
            .limit(1)
        )
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def assignment(self, assignment_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(assignments).where(assignments.c.id == assignment_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def set_clock(self, assignment_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(assignments).where(assignments.c.id == assignment_id).values(**values)
        )

    async def stop_running(self, lead_id: str) -> None:
        """The lead moved on (reassigned, unassigned, rejected, won or lost) before its clock ran out."""
        await self.conn.execute(
            self.scoped_update(assignments)
            .where(
                assignments.c.lead_id == lead_id,
                assignments.c.sla_state == "running",
            )
            .values(sla_state="stopped")
        )

    # ---- breaches ----------------------------------------------------------------------------

    async def add_breach(self, row: dict[str, Any]) -> None:
        await self.insert_row(breaches, row)

    async def set_breach(self, breach_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(breaches).where(breaches.c.id == breach_id).values(**values)
        )

    async def close_breaches(self, lead_id: str, at: datetime) -> None:
        await self.conn.execute(
            self.scoped_update(breaches)
            .where(
                breaches.c.lead_id == lead_id,
                breaches.c.closed_at.is_(None),
            )
            .values(closed_at=at)
        )

    async def breaches(
        self,
        *,
        owner_id: str | None,
        is_open: bool | None,
        since: datetime | None,
        until: datetime | None,
        lead_id: str | None,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        stmt = (
            self.scoped_select(breaches)
            .order_by(breaches.c.breached_at.desc(), breaches.c.id.desc())
            .limit(limit)
        )
        if owner_id is not None:
            stmt = stmt.where(breaches.c.owner_id == owner_id)
        if lead_id is not None:
            stmt = stmt.where(breaches.c.lead_id == lead_id)
        if is_open is not None:
            stmt = stmt.where(
                breaches.c.closed_at.is_(None) if is_open else breaches.c.closed_at.is_not(None)
            )
        if since is not None:
            stmt = stmt.where(breaches.c.breached_at >= since)
        if until is not None:
            stmt = stmt.where(breaches.c.breached_at < until)
        if before is not None:
            stmt = stmt.where(
                or_(
                    breaches.c.breached_at < before[0],
                    and_(breaches.c.breached_at == before[0], breaches.c.id < before[1]),
                )
            )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def erase_lead(self, lead_id: str) -> None:
        await self.conn.execute(self.scoped_delete(breaches).where(breaches.c.lead_id == lead_id))
