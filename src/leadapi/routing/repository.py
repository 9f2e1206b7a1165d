"""Routing rules, settings and assignments, scoped to one workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.routing.models import Assignment, RoutingRule, RoutingSettings

rules = cast(Table, RoutingRule.__table__)
settings = cast(Table, RoutingSettings.__table__)
assignments = cast(Table, Assignment.__table__)

DEFAULT_ROUTE_ON = "sql"


class RoutingRepository:
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        self.conn = conn
        self.workspace_id = workspace_id

    # ---- settings, and the workspace's routing lock ---------------------------------------

    async def route_on(self) -> str:
        stmt = select(settings.c.route_on).where(settings.c.workspace_id == self.workspace_id)
        return (await self.conn.execute(stmt)).scalar_one_or_none() or DEFAULT_ROUTE_ON

    async def lock(self) -> str:
        """Take the workspace's routing lock (its settings row, created on first use) until the
        transaction ends; returns route_on. Every assignment holds it, so rotations advance one
        at a time and capacities stay exact across processes."""
        stmt = select(settings.c.route_on).where(settings.c.workspace_id == self.workspace_id)
        if self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        found = (await self.conn.execute(stmt)).scalar_one_or_none()
        if found is not None:
            return str(found)
        await self._insert_settings(DEFAULT_ROUTE_ON)
        return DEFAULT_ROUTE_ON

    async def _insert_settings(self, route_on: str) -> None:
        values = {"workspace_id": self.workspace_id, "route_on": route_on}
        if self.conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            await self.conn.execute(pg_insert(settings).values(**values).on_conflict_do_nothing())
            await self.conn.execute(
                select(settings.c.route_on)
                .where(settings.c.workspace_id == self.workspace_id)
                .with_for_update()
            )
        else:
            await self.conn.execute(insert(settings).values(**values))

    async def set_route_on(self, route_on: str) -> None:
        await self.lock()
        await self.conn.execute(
            update(settings).where(settings.c.workspace_id == self.workspace_id).values(route_on=route_on)
        )

    # ---- rules ------------------------------------------------------------------------------

    async def rules(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        stmt = select(rules).where(rules.c.workspace_id == self.workspace_id).order_by(rules.c.position)
        if active_only:
            stmt = stmt.where(rules.c.active.is_(True))
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def rule(self, rule_id: str) -> dict[str, Any] | None:
        stmt = select(rules).where(rules.c.workspace_id == self.workspace_id, rules.c.id == rule_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def position_holder(self, position: int) -> str | None:
        stmt = select(rules.c.id).where(
            rules.c.workspace_id == self.workspace_id, rules.c.position == position
        )
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def add_rule(self, row: dict[str, Any]) -> None:
        await self.conn.execute(insert(rules).values(workspace_id=self.workspace_id, **row))

    async def update_rule(self, rule_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            update(rules)
            .where(rules.c.workspace_id == self.workspace_id, rules.c.id == rule_id)
            .values(**values)
        )

    async def delete_rule(self, rule_id: str) -> None:
        await self.conn.execute(
            delete(rules).where(rules.c.workspace_id == self.workspace_id, rules.c.id == rule_id)
        )

    async def rules_naming_owner(self, owner_id: str) -> list[str]:
        """Ids of rules that name the owner as their fixed owner."""
        stmt = select(rules.c.id).where(
            rules.c.workspace_id == self.workspace_id, rules.c.owner_id == owner_id
        )
        return list((await self.conn.execute(stmt)).scalars())

    async def forget_owner(self, owner_id: str) -> None:
        """Take a deleted owner out of every rule's pool (and rotation)."""
        for row in await self.rules():
            pool = row["pool"]
            if owner_id in (pool.get("owner_ids") or ()):
                kept = [o for o in pool["owner_ids"] if o != owner_id]
                values: dict[str, Any] = {"pool": {**pool, "owner_ids": kept}}
                if not kept and not pool.get("tags"):
                    values["active"] = False  # an empty pool would mean everyone: off instead
                await self.update_rule(row["id"], values)

    # ---- assignments --------------------------------------------------------------------------

    async def add_assignment(self, row: dict[str, Any]) -> None:
        await self.conn.execute(insert(assignments).values(workspace_id=self.workspace_id, **row))

    async def erase_lead(self, lead_id: str) -> None:
        await self.conn.execute(
            delete(assignments).where(
                assignments.c.workspace_id == self.workspace_id, assignments.c.lead_id == lead_id
            )
        )

    async def assignments_of(
        self, lead_id: str, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        stmt = (
            select(assignments)
            .where(assignments.c.workspace_id == self.workspace_id, assignments.c.lead_id == lead_id)
            .order_by(assignments.c.created_at.desc(), assignments.c.id.desc())
            .limit(limit)
        )
        if before is not None:
            stmt = stmt.where(
                or_(
                    assignments.c.created_at < before[0],
                    and_(assignments.c.created_at == before[0], assignments.c.id < before[1]),
                )
            )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]
