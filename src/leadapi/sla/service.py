"""First-touch SLAs: policies, the clock on each assignment, touches, and judging a clock past due.

The clock starts when a lead is assigned (routing writes `due_at` from the first policy that
covers the lead, see RoutingService._assign), stops at the first touch, and stops without
verdict when the lead moves on first (reassigned, unassigned, rejected, won, lost). The breach
sweep (flows/sla_sweep.py) finds running clocks past due and has each judged in its own
transaction: `judge` locks the lead, marks the assignment breached, stores the breach and
appends `sla.breached`; what the breach's action then asks of other domains (`reassign`: route
the lead again without the owner who let it wait) is the lead-change flow's. Two sweepers never
report one clock twice: both lock the lead before looking at its clock (PostgreSQL; SKIP LOCKED,
so they split the queue), and the breach table is unique by assignment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.conditions import ConditionError
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id
from leadapi.leads.repository import LeadRepository
from leadapi.leads.versions import bumped
from leadapi.metrics import Metrics
from leadapi.principal import Principal
from leadapi.routing.repository import RoutingRepository
from leadapi.sla import engine
from leadapi.sla.repository import SlaRepository
from leadapi.sla.schemas import PolicyCreate, PolicyUpdate
from leadapi.stages.repository import StageRepository

log = logging.getLogger("leadapi.sla")

MAX_POLICIES = 100


@dataclass(frozen=True, slots=True)
class Breached:
    """A clock the sweep found past due, judged breached."""

    lead: dict[str, Any]  # locked by the caller's transaction
    breach: dict[str, Any]  # as stored
    action: str  # the policy's `on_breach` (`notify` when the policy is gone): the caller's to do


class SlaService:
    def __init__(
        self,
        clock: Callable[[], datetime],
        metrics: Metrics | None = None,
    ) -> None:
        self.clock = clock
        self.metrics = metrics or Metrics()

    # ---- policies ------------------------------------------------------------------------------

    async def policies(self, conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
        return await SlaRepository(conn, principal.workspace_id).policies()

    async def policy(self, conn: AsyncConnection, principal: Principal, policy_id: str) -> dict[str, Any]:
        row = await SlaRepository(conn, principal.workspace_id).policy(policy_id)
        if row is None:
            raise not_found("SLA policy", policy_id)
        return row

    async def create_policy(
        self, conn: AsyncConnection, principal: Principal, data: PolicyCreate
    ) -> dict[str, Any]:
        now = self.clock()
        row: dict[str, Any] = {
            "id": new_id("sla_policy"),
            "name": data.name,
            "position": data.position,
            "active": True if data.active is None else data.active,
            "when": data.when,
            "first_touch_within_minutes": data.first_touch_within_minutes,
            "business_hours": None if data.business_hours is None else data.business_hours.document(),
            "on_breach": data.on_breach,
            "created_at": now,
            "updated_at": now,
        }
        repo = SlaRepository(conn, principal.workspace_id)
        await RoutingRepository(conn, principal.workspace_id).lock_config()  # assignments read policies
        if len(await repo.policies()) >= MAX_POLICIES:
            raise ProblemError(409, f"A workspace has at most {MAX_POLICIES} SLA policies.")
        await self._check(repo, row, policy_id=None)
        await repo.add_policy(row)
        await RoutingRepository(conn, principal.workspace_id).config_changed()
        await record_for(conn, principal, now, "created", "sla_policy", row["id"], None, row)
        return row

    async def update_policy(
        self, conn: AsyncConnection, principal: Principal, policy_id: str, data: PolicyUpdate
    ) -> dict[str, Any]:
        changes = data.model_dump(exclude_unset=True)
        for name in ("name", "position", "active", "first_touch_within_minutes", "on_breach"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        if "business_hours" in changes:
            hours = data.business_hours
            changes["business_hours"] = None if hours is None else hours.document()
        repo = SlaRepository(conn, principal.workspace_id)
        await RoutingRepository(conn, principal.workspace_id).lock_config()
        row = await repo.policy(policy_id)
        if row is None:
            raise not_found("SLA policy", policy_id)
        updated = {**row, **changes, "updated_at": self.clock()}
        await self._check(repo, updated, policy_id=policy_id)
        await repo.update_policy(
            policy_id, {k: v for k, v in updated.items() if k not in ("id", "workspace_id")}
        )
        await RoutingRepository(conn, principal.workspace_id).config_changed()
        await record_for(
            conn, principal, updated["updated_at"], "updated", "sla_policy", policy_id, row, updated
        )
        return updated

    async def delete_policy(self, conn: AsyncConnection, principal: Principal, policy_id: str) -> None:
        """Clocks already running keep their due time; their breach is then a notification."""
        repo = SlaRepository(conn, principal.workspace_id)
        await RoutingRepository(conn, principal.workspace_id).lock_config()
        before = await repo.policy(policy_id)
        if before is None:
            raise not_found("SLA policy", policy_id)
        await repo.delete_policy(policy_id)
        await RoutingRepository(conn, principal.workspace_id).config_changed()
        await record_for(conn, principal, self.clock(), "deleted", "sla_policy", policy_id, before, None)

    @staticmethod
    async def _check(repo: SlaRepository, row: Mapping[str, Any], policy_id: str | None) -> None:
        if row["when"] is not None:
            try:
                engine.compile_policy(row)
            except ConditionError as exc:
                raise validation_problem([{"field": exc.path, "message": exc.message}]) from exc
        holder = await repo.position_holder(row["position"])
        if holder is not None and holder != policy_id:
            raise ProblemError(
                409,
                f"Position {row['position']} is taken by policy {holder!r}; "
                "policies need distinct positions.",
            )

    # ---- touches -------------------------------------------------------------------------------

    async def touch(
        self, conn: AsyncConnection, workspace_id: str, lead: dict[str, Any], at: datetime, actor: str | None
    ) -> dict[str, Any]:
        """Sales touched the lead (locked by the caller) at `at`: the lead's first touch is kept,
        the current assignment's clock stops (met, or breached if it ran out and the sweep has
        not said so yet), and open breaches close. Returns the lead as it now is. `actor` (the
        key whose call touched it) is the actor of a late touch's `sla.breached`, as it is of
        every event that call writes; the sweep's breaches have none."""
        at = min(at, self.clock())
        repo = SlaRepository(conn, workspace_id)
        current = await repo.current_assignment(lead["id"])
        if current is not None and current["touched_at"] is None and current["owner_id"] == lead["owner_id"]:
            touched = max(at, current["created_at"])  # logged late, done before it was assigned
            values: dict[str, Any] = {"touched_at": touched}
            if current["sla_state"] == "running":
                if touched <= current["due_at"]:
                    values["sla_state"] = "met"
                else:
                    values["sla_state"] = "breached"
                    breach = await self._record_breach(
                        conn, workspace_id, lead, current, touched, late_touch=True, actor=actor
                    )
                    await repo.add_breach(breach)
            await repo.set_clock(current["id"], values)
        await repo.close_breaches(lead["id"], at)
        if lead["first_touch_at"] is not None and lead["first_touch_at"] <= at:
            return lead
        now = self.clock()
        changes = bumped(lead, {"first_touch_at": at}, now)
        await LeadRepository(conn, workspace_id).update(lead["id"], changes)
        return {**lead, **changes}

    async def stop(
        self, conn: AsyncConnection, workspace_id: str, lead_id: str, *, close_at: datetime | None
    ) -> None:
        """The lead left its owner or the funnel: a running clock stops without verdict, and with
        `close_at` its open breaches are over too."""
        repo = SlaRepository(conn, workspace_id)
        await repo.stop_running(lead_id)
        if close_at is not None:
            await repo.close_breaches(lead_id, close_at)

    async def _record_breach(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead: Mapping[str, Any],
        clock_row: Mapping[str, Any],
        closed_at: datetime | None,
        *,
        late_touch: bool = False,
        actor: str | None = None,
    ) -> dict[str, Any]:
        policy = None
        if clock_row["sla_policy_id"] is not None:
            policy = await SlaRepository(conn, workspace_id).policy(clock_row["sla_policy_id"])
        action = "notify" if policy is None or late_touch else policy["on_breach"]
        now = self.clock()
        # Counted when written: a rolled-back sweep overcounts by its few, which beats a counter
        # that needs a hook after every caller's commit.
        self.metrics.sla_breaches.inc()
        breach = {
            "id": new_id("sla_breach"),
            "assignment_id": clock_row["id"],
            "lead_id": lead["id"],
            "owner_id": clock_row["owner_id"],
            "policy_id": clock_row["sla_policy_id"],
            "due_at": clock_row["due_at"],
            "breached_at": now,
            "closed_at": closed_at,
            "action": action,
            "reassigned_to": None,
        }
        data = {
            "breach_id": breach["id"],
            "assignment_id": clock_row["id"],
            "owner_id": clock_row["owner_id"],
            "policy_id": clock_row["sla_policy_id"],
            "policy_name": None if policy is None else policy["name"],
            "due_at": clock_row["due_at"].isoformat(),
            "action": action,
            "late_touch": late_touch,
        }
        await EventRepository(conn, workspace_id).append(
            [NewEvent("sla.breached", lead["id"], now, data, actor=actor)]
        )
        return breach

    # ---- a clock past due ---------------------------------------------------------------------

    async def judge(
        self, conn: AsyncConnection, workspace_id: str, assignment_id: str, lead_id: str, now: datetime
    ) -> Breached | None:
        """The sweep's verdict on a clock it found due by `now`, in the caller's transaction: with
        the lead locked, a clock still running and past due is breached (the assignment marked,
        the breach stored, `sla.breached` appended). None when there is no breach: the lead is
        busy (another sweeper, or a request: the next round looks again), the clock stopped or
        moved meanwhile, or the lead left its owner or the funnel (the clock then stops)."""
        leads = LeadRepository(conn, workspace_id)
        lead = await leads.get(lead_id, for_update=True, skip_locked=True)
        repo = SlaRepository(conn, workspace_id)
        if lead is None:
            if await leads.get(lead_id) is not None:
                return None  # busy
            await repo.set_clock(assignment_id, {"sla_state": "stopped"})  # merged away
            return None
        clock_row = await repo.assignment(assignment_id)
        if clock_row is None or clock_row["sla_state"] != "running" or clock_row["due_at"] > now:
            return None
        closed = (await StageRepository(conn, workspace_id).pipeline()).closed
        if lead["owner_id"] != clock_row["owner_id"] or lead["stage"] in closed:
            await repo.set_clock(assignment_id, {"sla_state": "stopped"})
            return None
        await repo.set_clock(assignment_id, {"sla_state": "breached"})
        breach = await self._record_breach(conn, workspace_id, lead, clock_row, None)
        await repo.add_breach(breach)
        return Breached(lead, breach, breach["action"])

    async def reassigned(
        self, conn: AsyncConnection, workspace_id: str, breached: Breached, owner_id: str
    ) -> Breached:
        """The breach's `reassign` gave the lead to `owner_id`: the breach says so."""
        await SlaRepository(conn, workspace_id).set_breach(breached.breach["id"], {"reassigned_to": owner_id})
        return replace(breached, breach={**breached.breach, "reassigned_to": owner_id})

    # ---- reading -------------------------------------------------------------------------------

    async def breaches(
        self,
        conn: AsyncConnection,
        principal: Principal,
        *,
        owner_id: str | None,
        is_open: bool | None,
        since: datetime | None,
        until: datetime | None,
        lead_id: str | None,
        limit: int,
        before: tuple[datetime, str] | None,
        window_names: tuple[str, str] = ("from", "to"),
    ) -> list[dict[str, Any]]:
        """Newest first. `since` and `until` need an offset, in order; a refusal names them as
        the caller does (`window_names`: REST's from/to, the MCP tool's start/end)."""
        errors = [
            {"field": name, "message": "give a time zone offset (e.g. Z)"}
            for name, value in zip(window_names, (since, until), strict=True)
            if value is not None and value.tzinfo is None
        ]
        if not errors and since is not None and until is not None and since >= until:
            errors.append({"field": window_names[1], "message": f"comes after `{window_names[0]}`"})
        if errors:
            raise validation_problem(errors)
        return await SlaRepository(conn, principal.workspace_id).breaches(
            owner_id=owner_id,
            is_open=is_open,
            since=since,
            until=until,
            lead_id=lead_id,
            limit=limit,
            before=before,
        )
