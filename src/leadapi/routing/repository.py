"""Routing rules, settings and assignments, scoped to one workspace.

Rotations (round robin, weighted) count turns: a rule's n-th pick is the n-th turn of its
rotation (routing/engine.py). On PostgreSQL each rotating rule's counter is a sequence of its
own, `routing_turns_<rule id>`, created on the rule's first transactional pick and dropped when
its rotation restarts: `nextval` takes no lock that lasts until commit, so concurrent captures
rotate without waiting for each other's commits (a row lock held through every commit's WAL
flush made routing cost twice a capture). A turn taken by a statement that then fails is
skipped: the rotation moves on one. On SQLite, whose one writer serialises assignments anyway,
the counters are kept in the settings row's `rotations`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, insert, or_, text

from leadapi.events.repository import NewEvent, event_row
from leadapi.events.rows import EVENT_COLUMNS
from leadapi.repository import WorkspaceRepository
from leadapi.routing.models import Assignment, RoutingRule, RoutingSettings

rules = cast(Table, RoutingRule.__table__)
settings = cast(Table, RoutingSettings.__table__)
assignments = cast(Table, Assignment.__table__)

DEFAULT_ROUTE_ON = "sql"

# The workspace's routing advisory lock (two-key form: this class, hashtext(workspace id)):
# one-statement routed captures hold it shared through `leadapi_routing_turn` (migration 0011),
# changes to what assignments read hold it exclusive (`hold_back_captures`).
ROUTING_LOCK_CLASS = 19538
TURNS_PREFIX = "routing_turns_"
_RULE_ID = re.compile(r"[a-z0-9_]{1,48}")


def turns_sequence(rule_id: str) -> str:
    """The name of a rotating rule's turn counter on PostgreSQL (rule ids are ours: checked, not
    quoted, as they are spliced into DDL)."""
    if not _RULE_ID.fullmatch(rule_id):
        raise ValueError(f"not a rule id: {rule_id!r}")
    return TURNS_PREFIX + rule_id


# The event's columns come from its one row shape (events/rows.py), each bound as `e_<column>`.
_WRITE_ASSIGNMENT = text(
    f"""
WITH owned AS (
    UPDATE leads SET owner_id = :l_owner_id, updated_at = :l_updated_at, version = :l_version
    WHERE workspace_id = :_ws AND id = :a_lead_id
), assigned AS (
    INSERT INTO assignments (id, workspace_id, lead_id, owner_id, previous_owner_id, by, rule_id, strategy,
                             explanation, created_at, actor, sla_policy_id, due_at, sla_state)
    VALUES (:a_id, :_ws, :a_lead_id, :a_owner_id, :a_previous_owner_id, :a_by, :a_rule_id, :a_strategy,
            CAST(:explanation AS jsonb), :a_created_at, :a_actor, :a_sla_policy_id, :a_due_at, :a_sla_state)
)
INSERT INTO events ({", ".join(EVENT_COLUMNS)})
VALUES ({", ".join("CAST(:e_data AS jsonb)" if c == "data" else f":e_{c}" for c in EVENT_COLUMNS)})
"""
)


@dataclass(frozen=True, slots=True)
class RoutingState:
    route_on: str
    config_version: int
    rotations: dict[str, Any]


class RoutingRepository(WorkspaceRepository):
    # ---- settings, and the workspace's routing lock ---------------------------------------

    async def route_on(self) -> str:
        stmt = self.scoped_select(settings, settings.c.route_on)
        return (await self.conn.execute(stmt)).scalar_one_or_none() or DEFAULT_ROUTE_ON

    async def state(self, *, lock: bool) -> RoutingState:
        """The workspace's routing state; with `lock`, its routing lock (the settings row, created
        on first use) is held until the transaction ends. Every transactional assignment and every
        change to what assignments read holds it, so capacities and loads stay exact across
        processes, and the config version names what processes may cache. (The one-statement
        capture needs neither: it routes only where no count matters, and checks the version
        under the advisory lock instead; see `hold_back_captures`.)"""
        stmt = self.scoped_select(
            settings, settings.c.route_on, settings.c.config_version, settings.c.rotations
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

    async def hold_back_captures(self) -> None:
        """Taken first by every change to what assignments read (rules, owners, the pipeline, SLA
        policies). PostgreSQL: the exclusive side of the workspace's routing advisory lock. It
        waits for the one-statement routed captures in flight to commit, so this transaction
        sees their leads (an owner who leaves hands them over too), and holds new ones back
        until it ends; those then read the new config version with a fresh snapshot and take the
        transactional path. SQLite's one writer does the same by itself."""
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(
                text("SELECT pg_advisory_xact_lock(:lock_class, hashtext(:_ws))"),
                self.params(lock_class=ROUTING_LOCK_CLASS),
            )

    async def lock_config(self) -> RoutingState:
        """A config writer's locks, in their order: `hold_back_captures`, then the routing lock."""
        await self.hold_back_captures()
        return await self.lock()

    async def _insert_settings(self) -> None:
        values = self.row({"route_on": DEFAULT_ROUTE_ON, "config_version": 0, "rotations": {}})
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
        and start a rule's rotation afresh when its pool or strategy changed (or it is gone)."""
        values: dict[str, Any] = {"config_version": settings.c.config_version + 1}
        if reset_rotation_of is not None:
            state = await self.lock()
            values["rotations"] = {k: v for k, v in state.rotations.items() if k != reset_rotation_of}
            if self.conn.dialect.name == "postgresql":
                await self.conn.execute(text(f"DROP SEQUENCE IF EXISTS {turns_sequence(reset_rotation_of)}"))
        await self._update_settings(values)

    async def next_turn(self, rule_id: str, state: RoutingState) -> int:
        """Take a rotating rule's next turn (0: its first), under the routing lock (`state`)."""
        if self.conn.dialect.name == "postgresql":
            name = turns_sequence(rule_id)
            taken = text("SELECT nextval(to_regclass(:name)) - 1")
            turn = (await self.conn.execute(taken, {"name": name})).scalar()
            if turn is None:  # the rotation's first pick (the routing lock makes it the only one)
                await self.conn.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name}"))
                turn = (await self.conn.execute(taken, {"name": name})).scalar_one()
            return int(turn)
        turn = _stored_turn(state, rule_id)
        await self._update_settings({"rotations": {**state.rotations, rule_id: {"turn": turn + 1}}})
        state.rotations[rule_id] = {"turn": turn + 1}  # a second pick in this transaction follows on
        return turn

    async def next_turns(self, rule_id: str, state: RoutingState, count: int) -> list[int]:
        """`next_turn` taken `count` times in one statement, in order (the picks of a run of new
        leads, each its own turn, as `count` single captures would take them)."""
        if self.conn.dialect.name == "postgresql":
            name = turns_sequence(rule_id)
            taken = text("SELECT nextval(to_regclass(:name)) - 1 FROM generate_series(1, :count)")
            turns = list((await self.conn.execute(taken, {"name": name, "count": count})).scalars())
            if turns and turns[0] is None:  # the rotation's first picks
                await self.conn.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name}"))
                turns = list((await self.conn.execute(taken, {"name": name, "count": count})).scalars())
            return sorted(int(turn) for turn in turns)
        turn = _stored_turn(state, rule_id)
        await self._update_settings({"rotations": {**state.rotations, rule_id: {"turn": turn + count}}})
        state.rotations[rule_id] = {"turn": turn + count}
        return list(range(turn, turn + count))

    async def peek_turn(self, rule_id: str, state: RoutingState) -> int:
        """The turn a rotating rule's next pick would take (previews: nothing moves)."""
        if self.conn.dialect.name == "postgresql":
            peek = text("SELECT coalesce(pg_sequence_last_value(to_regclass(:name)), 0)")
            return int((await self.conn.execute(peek, {"name": turns_sequence(rule_id)})).scalar_one())
        return _stored_turn(state, rule_id)

    async def _update_settings(self, values: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(settings).values(**values))

    # ---- rules ------------------------------------------------------------------------------

    async def rules(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        stmt = self.scoped_select(rules).order_by(rules.c.position)
        if active_only:
            stmt = stmt.where(rules.c.active.is_(True))
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def rule(self, rule_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(rules).where(rules.c.id == rule_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def position_holder(self, position: int) -> str | None:
        stmt = self.scoped_select(rules, rules.c.id).where(rules.c.position == position)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def add_rule(self, row: dict[str, Any]) -> None:
        await self.insert_row(rules, row)

    async def update_rule(self, rule_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(rules).where(rules.c.id == rule_id).values(**values))

    async def delete_rule(self, rule_id: str) -> None:
        await self.conn.execute(self.scoped_delete(rules).where(rules.c.id == rule_id))

    async def rules_naming_owner(self, owner_id: str) -> list[str]:
        """Ids of rules that name the owner as their fixed owner."""
        stmt = self.scoped_select(rules, rules.c.id).where(rules.c.owner_id == owner_id)
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
        await self.insert_row(assignments, row)

    async def add_assignments(self, rows: list[dict[str, Any]]) -> None:
        await self.copy_rows(assignments, rows)

    async def write_assignment(
        self,
        lead_values: dict[str, Any],
        assignment: dict[str, Any],
        event: NewEvent,
        event_id: str,
    ) -> None:
        """PostgreSQL: the lead's owner, the assignment and its event in one statement
        (data-modifying CTEs), as three round trips held the routing lock three times as long."""
        stored = event_row(self.workspace_id, event, event_id)
        params = self.params(
            explanation=json.dumps(assignment["explanation"]),
            **{f"e_{k}": v for k, v in stored.items()},
            **{f"l_{k}": v for k, v in lead_values.items()},
            **{f"a_{k}": v for k, v in assignment.items() if k != "explanation"},
        )
        params["e_data"] = json.dumps(stored["data"])
        await self.conn.execute(_WRITE_ASSIGNMENT, params)

    async def erase_lead(self, lead_id: str) -> None:
        await self.conn.execute(self.scoped_delete(assignments).where(assignments.c.lead_id == lead_id))

    async def assignments_of(
        self, lead_id: str, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        stmt = (
            self.scoped_select(assignments)
            .where(assignments.c.lead_id == lead_id)
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


def _stored_turn(state: RoutingState, rule_id: str) -> int:
    stored = state.rotations.get(rule_id)
    turn = stored.get("turn") if isinstance(stored, dict) else None
    return turn if isinstance(turn, int) else 0
