"""Routing rules, settings and assignments, scoped to one workspace."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, delete, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.events.repository import NewEvent
from leadapi.routing.models import Assignment, RoutingRule, RoutingSettings

rules = cast(Table, RoutingRule.__table__)
settings = cast(Table, RoutingSettings.__table__)
assignments = cast(Table, Assignment.__table__)

DEFAULT_ROUTE_ON = "sql"

_WRITE_ASSIGNMENT = text(
    """
WITH rotated AS (
    UPDATE routing_settings SET rotations = CAST(:rotations AS jsonb)
    WHERE workspace_id = :ws AND CAST(:rotations AS jsonb) IS NOT NULL
), owned AS (
    UPDATE leads SET owner_id = :l_owner_id, updated_at = :l_updated_at, version = :l_version
    WHERE workspace_id = :ws AND id = :a_lead_id
), assigned AS (
    INSERT INTO assignments (id, workspace_id, lead_id, owner_id, previous_owner_id, by, rule_id, strategy,
                             explanation, created_at, actor, sla_policy_id, due_at, sla_state)
    VALUES (:a_id, :ws, :a_lead_id, :a_owner_id, :a_previous_owner_id, :a_by, :a_rule_id, :a_strategy,
            CAST(:explanation AS jsonb), :a_created_at, :a_actor, :a_sla_policy_id, :a_due_at, :a_sla_state)
)
INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, actor, data)
VALUES (:e_id, :ws, NULL, :e_type, :a_lead_id, :e_at, :e_actor, CAST(:e_data AS jsonb))
"""
)


@dataclass(frozen=True, slots=True)
class RoutingState:
    route_on: str
    config_version: int
    rotations: dict[str, Any]


class RoutingRepository:
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        self.conn = conn
        self.workspace_id = workspace_id

    # ---- settings, and the workspace's routing lock ---------------------------------------

    async def route_on(self) -> str:
        stmt = select(settings.c.route_on).where(settings.c.workspace_id == self.workspace_id)
        return (await self.conn.execute(stmt)).scalar_one_or_none() or DEFAULT_ROUTE_ON

    async def state(self, *, lock: bool) -> RoutingState:
        """The workspace's routing state; with `lock`, its routing lock (the settings row, created
        on first use) is held until the transaction ends. Every assignment and every change to
        rules or owners holds it, so rotations advance one at a time, capacities stay exact
        across processes, and the config version names what processes may cache."""
        stmt = select(settings.c.route_on, settings.c.config_version, settings.c.rotations).where(
            settings.c.workspace_id == self.workspace_id
        )
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        if row is not None:
            return RoutingState(row.route_on, row.config_version, dict(row.rotations))
        if not lock:
            return RoutingState(DEFAULT_ROUTE_ON, 0, {})
        await self._insert_settings()
        return await self.state(lock=True)

    async def lock(self) -> RoutingState:
        return await self.state(lock=True)

    async def _insert_settings(self) -> None:
        values = {"workspace_id": self.workspace_id, "route_on": DEFAULT_ROUTE_ON, "config_version": 0}
        values["rotations"] = {}
        if self.conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            await self.conn.execute(pg_insert(settings).values(**values).on_conflict_do_nothing())
        else:
            await self.conn.execute(insert(settings).values(**values))

    async def set_route_on(self, route_on: str) -> None:
        await self.lock()
        await self._update_settings({"route_on": route_on})

    async def config_changed(self, *, reset_rotation_of: str | None = None) -> None:
        """Rules or owners changed (the caller holds the lock): bump the version caches follow,
        and start a rule's rotation afresh when its pool or strategy changed."""
        values: dict[str, Any] = {"config_version": settings.c.config_version + 1}
        if reset_rotation_of is not None:
            state = await self.lock()
            values["rotations"] = {k: v for k, v in state.rotations.items() if k != reset_rotation_of}
        await self._update_settings(values)

    async def save_rotation(self, rotations: dict[str, Any]) -> None:
        await self._update_settings({"rotations": rotations})

    async def _update_settings(self, values: dict[str, Any]) -> None:
        await self.conn.execute(
            update(settings).where(settings.c.workspace_id == self.workspace_id).values(**values)
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
        """Take a deleted owner out of every rule's pool."""
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

    async def write_assignment(
        self,
        lead_values: dict[str, Any],
        assignment: dict[str, Any],
        event: NewEvent,
        event_id: str,
        rotations: dict[str, Any] | None,
    ) -> None:
        """PostgreSQL: the lead's owner, the assignment, its event and the rotations in one
        statement (data-modifying CTEs), as four round trips held the routing lock four times
        as long."""
        params: dict[str, Any] = {
            "ws": self.workspace_id,
            "rotations": None if rotations is None else json.dumps(rotations),
            "explanation": json.dumps(assignment["explanation"]),
            "e_id": event_id,
            "e_type": event.type,
            "e_at": event.occurred_at,
            "e_actor": event.actor,
            "e_data": json.dumps(event.data),
            **{f"l_{k}": v for k, v in lead_values.items()},
            **{f"a_{k}": v for k, v in assignment.items() if k != "explanation"},
        }
        await self.conn.execute(_WRITE_ASSIGNMENT, params)

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
