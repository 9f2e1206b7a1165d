"""Routing: rules and settings, and assigning leads to owners inside the caller's transaction.

A transactional assignment takes the workspace's routing lock (its settings row, FOR UPDATE on
PostgreSQL; SQLite has one writer anyway) after the lead's own lock. The locking read returns
a config version; rules and owners come from a per-process cache of that version, open leads
are counted only where capacity or load balancing needs them. The engine decides
(routing/engine.py); a rotating rule's pick takes the rule's next turn (routing/repository.py);
the owner, the assignment with its explanation and `lead.assigned` are written in that
transaction (one statement on PostgreSQL). So capacities stay exact and a lead never gets two
owners. A new lead whose routing needs no counts is assigned by the one-statement capture
instead (`plan_fast`, leads/fast.py), which takes no lock beyond the advisory one that holds
config changes off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.conditions import ConditionError
from leadapi.conditions.offload import Evaluator
from leadapi.db import Database
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id
from leadapi.leads.fast import FastAssignment
from leadapi.leads.repository import LeadRepository
from leadapi.leads.versions import bumped
from leadapi.owners.repository import OwnerRepository
from leadapi.principal import Principal
from leadapi.routing import engine
from leadapi.routing.repository import RoutingRepository, RoutingState, turns_sequence
from leadapi.routing.schemas import RuleCreate, RuleUpdate
from leadapi.sla import engine as sla_engine
from leadapi.sla.repository import SlaRepository
from leadapi.stages.repository import StageRepository

MAX_RULES = 200
# The longest rotation the one-statement capture carries as a parameter (weighted rotations
# are sum(weights) long): longer ones take the transactional path.
FAST_ROTATION_MAX = 1_000


# route_on's own names, highest first: what they mean in a model that lacks the named band
# (`mql` under a model with only `sql` and `not_ready` still routes its `sql` leads, as the
# API documents route_on).
LIFECYCLE_BANDS = ("sql", "mql")


def routed_bands(route_on: str, bands: Sequence[str]) -> frozenset[str]:
    """The bands that send a lead to sales under `route_on`, which names a band: that band and
    those above it in the model's band order (`bands`, highest first). When the model has no band
    of that name, those of its bands that the lifecycle puts at or above it. `created` routes by
    creation, not by band."""
    if route_on in bands:
        return frozenset(bands[: list(bands).index(route_on) + 1])
    if route_on in LIFECYCLE_BANDS:
        return frozenset(LIFECYCLE_BANDS[: LIFECYCLE_BANDS.index(route_on) + 1]) & frozenset(bands)
    return frozenset()


def reaches(route_on: str, routed: frozenset[str], lead: Mapping[str, Any] | None) -> bool:
    """Whether a lead in this state goes to sales under `route_on` (`routed`: its bands)."""
    if lead is None:
        return False
    if route_on == "created":
        return True
    return lead.get("band") in routed


def starts_routing(
    route_on: str,
    routed: frozenset[str],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    closed: frozenset[str],
) -> bool:
    """Whether this change sends an unowned lead in an open stage (not in `closed`) to routing:
    it reaches route_on now and did not before (created counts as not before)."""
    if after.get("owner_id") or after.get("stage") in closed:
        return False
    return reaches(route_on, routed, after) and not (before is not None and reaches(route_on, routed, before))


def _owner_view(row: Mapping[str, Any], open_leads: int) -> engine.Owner:
    return engine.Owner(
        id=row["id"],
        active=row["active"],
        capacity=row["capacity"],
        weight=row["weight"],
        tags=frozenset(row["tags"]),
        territories=tuple(engine.Territory.from_document(t) for t in row["territories"]),
        away_from=row["away_from"],
        away_until=row["away_until"],
        open_leads=open_leads,
    )


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """What an assignment depends on besides the rotations, cached per config version: every
    change to rules, owners, the pipeline or SLA policies bumps it under the routing lock."""

    version: int
    rules: list[dict[str, Any]]
    owners: list[dict[str, Any]]
    closed_stages: frozenset[str]  # won and lost: leads there are not open leads
    policies: list[sla_engine.Policy]
    uncounted_owners: list[engine.Owner]  # the engine's view of `owners`, open leads not counted


@dataclass(frozen=True, slots=True)
class HeldLock:
    """The workspace's routing lock as a caller holds it across several assignments (a hand-over
    routing each of an owner's leads): the state its locking read returned, and the config read
    under it. Assignments made with it neither lock nor read the config again."""

    state: RoutingState
    config: RoutingConfig


def _decides_alone(config: RoutingConfig) -> bool:
    """Whether a decision under `config` needs nothing but the config and a rotation's turn:
    no owner's open leads to count (capacities, least-loaded balancing), no account owner to
    look up."""
    return not any(row["capacity"] is not None for row in config.owners) and not any(
        r["strategy"] in ("least_loaded", "account_owner")
        or (r["strategy"] == "territory" and r["tie_breaker"] == "least_loaded")
        for r in config.rules
    )


def _assignment_record(
    lead: Mapping[str, Any],
    owner_id: str | None,
    by: str,
    actor: str | None,
    explanation: dict[str, Any],
    config: RoutingConfig,
    now: datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An assignment row with its SLA clock (the first policy covering the lead, unless it is
    in a closed stage), and the data of its `lead.assigned`."""
    policy = None
    if lead.get("stage") not in config.closed_stages:
        policy = sla_engine.covering(config.policies, {**lead, "owner_id": owner_id})
    assignment = {
        "id": new_id("assignment"),
        "lead_id": lead["id"],
        "owner_id": owner_id,
        "previous_owner_id": lead.get("owner_id"),
        "by": by,
        "rule_id": explanation.get("rule_id"),
        "strategy": explanation.get("strategy"),
        "explanation": explanation,
        "created_at": now,
        "actor": actor,
        "sla_policy_id": None if policy is None else policy.id,
        "due_at": None if policy is None else policy.due(now),
        "touched_at": None,
        "sla_state": None if policy is None else "running",
    }
    data = {
        k: v
        for k, v in assignment.items()
        if k not in ("lead_id", "created_at", "explanation", "id", "due_at", "touched_at", "sla_state")
    }
    data["due_at"] = None if policy is None else assignment["due_at"].isoformat()
    data.update(assignment_id=assignment["id"], **{k: v for k, v in explanation.items() if k != "owner_id"})
    return assignment, data


class RoutingService:
    def __init__(
        self, db: Database, clock: Callable[[], datetime], evaluator: Evaluator | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.evaluator = evaluator or Evaluator()
        self._compiled: dict[tuple[str, datetime], engine.Rule] = {}
        self._configs: dict[str, RoutingConfig] = {}
        # Each workspace's route_on as last seen: a hint for the capture fast path, which checks
        # it against the database in its own statement.
        self._route_on: dict[str, str] = {}

    def route_on_hint(self, workspace_id: str) -> str | None:
        return self._route_on.get(workspace_id)

    def forget_route_on(self, workspace_id: str) -> None:
        self._route_on.pop(workspace_id, None)

    # ---- settings ------------------------------------------------------------------------------

    async def set_route_on(self, conn: AsyncConnection, principal: Principal, route_on: str) -> str:
        repo = RoutingRepository(conn, principal.workspace_id)
        previous = await repo.route_on()
        await repo.set_route_on(route_on)
        await record_for(
            conn,
            principal,
            self.clock(),
            "updated",
            "routing_settings",
            principal.workspace_id,
            {"route_on": previous},
            {"route_on": route_on},
        )
        self._route_on[principal.workspace_id] = route_on
        return route_on

    # ---- rules ---------------------------------------------------------------------------------

    async def rules(self, conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
        return await RoutingRepository(conn, principal.workspace_id).rules()

    async def rule(self, conn: AsyncConnection, principal: Principal, rule_id: str) -> dict[str, Any]:
        row = await RoutingRepository(conn, principal.workspace_id).rule(rule_id)
        if row is None:
            raise not_found("Routing rule", rule_id)
        return row

    async def create_rule(
        self, conn: AsyncConnection, principal: Principal, data: RuleCreate
    ) -> dict[str, Any]:
        now = self.clock()
        row: dict[str, Any] = {
            "id": new_id("routing_rule"),
            "name": data.name,
            "position": data.position,
            "active": True if data.active is None else data.active,
            "when": data.when,
            "strategy": data.strategy,
            "pool": (data.pool.model_dump() if data.pool else {"owner_ids": [], "tags": []}),
            "owner_id": data.owner_id,
            "tie_breaker": data.tie_breaker or "round_robin",
            "created_at": now,
            "updated_at": now,
        }
        repo = RoutingRepository(conn, principal.workspace_id)
        await repo.lock_config()  # rule changes and assignments do not interleave
        if len(await repo.rules()) >= MAX_RULES:
            raise ProblemError(409, f"A workspace has at most {MAX_RULES} routing rules.")
        await self._check_rule(conn, principal, row, rule_id=None)
        await repo.add_rule(row)
        await repo.config_changed()
        await record_for(conn, principal, now, "created", "routing_rule", row["id"], None, row)
        return row

    async def update_rule(
        self, conn: AsyncConnection, principal: Principal, rule_id: str, data: RuleUpdate
    ) -> dict[str, Any]:
        changes = data.model_dump(exclude_unset=True)
        for name in ("name", "position", "active", "strategy", "tie_breaker"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        if "pool" in changes:
            changes["pool"] = data.pool.model_dump() if data.pool else {"owner_ids": [], "tags": []}
        repo = RoutingRepository(conn, principal.workspace_id)
        await repo.lock_config()
        row = await repo.rule(rule_id)
        if row is None:
            raise not_found("Routing rule", rule_id)
        updated = {**row, **changes, "updated_at": self.clock()}
        await self._check_rule(conn, principal, updated, rule_id=rule_id)
        await repo.update_rule(rule_id, {k: v for k, v in updated.items() if k not in ("id", "workspace_id")})
        # A new pool or strategy starts a new rotation.
        fresh = rule_id if {"strategy", "pool"} & changes.keys() else None
        await repo.config_changed(reset_rotation_of=fresh)
        await record_for(
            conn, principal, updated["updated_at"], "updated", "routing_rule", rule_id, row, updated
        )
        return updated

    async def delete_rule(self, conn: AsyncConnection, principal: Principal, rule_id: str) -> None:
        repo = RoutingRepository(conn, principal.workspace_id)
        await repo.lock_config()
        before = await repo.rule(rule_id)
        if before is None:
            raise not_found("Routing rule", rule_id)
        await repo.delete_rule(rule_id)
        await repo.config_changed(reset_rotation_of=rule_id)
        await record_for(conn, principal, self.clock(), "deleted", "routing_rule", rule_id, before, None)

    async def _check_rule(
        self, conn: AsyncConnection, principal: Principal, row: Mapping[str, Any], rule_id: str | None
    ) -> None:
        errors: list[dict[str, str]] = []
        if row["when"] is not None:
            try:
                engine.compile_rule_condition(row["when"], "when")
            except ConditionError as exc:
                errors.append({"field": exc.path, "message": exc.message})
        strategy = row["strategy"]
        if strategy == "owner" and not row["owner_id"]:
            errors.append({"field": "owner_id", "message": "an `owner` rule names its owner"})
        if strategy != "owner" and row["owner_id"]:
            errors.append({"field": "owner_id", "message": "only `owner` rules name an owner; use pool"})
        named = set(row["pool"]["owner_ids"]) | ({row["owner_id"]} if row["owner_id"] else set())
        known = await OwnerRepository(conn, principal.workspace_id).existing_ids(named)
        for index, owner_id in enumerate(row["pool"]["owner_ids"]):
            if owner_id not in known:
                errors.append({"field": f"pool.owner_ids[{index}]", "message": f"no owner {owner_id!r}"})
        if row["owner_id"] and row["owner_id"] not in known:
            errors.append({"field": "owner_id", "message": f"no owner {row['owner_id']!r}"})
        if errors:
            raise validation_problem(errors)
        holder = await RoutingRepository(conn, principal.workspace_id).position_holder(row["position"])
        if holder is not None and holder != rule_id:
            raise ProblemError(
                409, f"Position {row['position']} is taken by rule {holder!r}; rules need distinct positions."
            )

    def _rule(self, row: Mapping[str, Any]) -> engine.Rule:
        key = (row["id"], row["updated_at"])
        compiled = self._compiled.get(key)
        if compiled is None:
            if len(self._compiled) > 10_000:
                self._compiled.clear()
            when = None if row["when"] is None else engine.compile_rule_condition(row["when"])
            compiled = engine.Rule(
                id=row["id"],
                name=row["name"],
                strategy=row["strategy"],
                when=when,
                pool_ids=frozenset(row["pool"].get("owner_ids") or ()),
                pool_tags=frozenset(row["pool"].get("tags") or ()),
                owner_id=row["owner_id"],
                tie_breaker=row["tie_breaker"],
            )
            self._compiled[key] = compiled
        return compiled

    # ---- deciding and assigning -----------------------------------------------------------------

    async def config(self, conn: AsyncConnection, workspace_id: str, version: int) -> RoutingConfig:
        """The workspace's active rules, owners, closed stages and SLA policies, cached per config
        version (see RoutingConfig)."""
        cached = self._configs.get(workspace_id)
        if cached is not None and cached.version == version:
            return cached
        config = await self._read_config(conn, workspace_id, version)
        if len(self._configs) > 10_000:
            self._configs.clear()
        self._configs[workspace_id] = config
        return config

    async def _read_config(
        self, conn: AsyncConnection, workspace_id: str, version: int, closed: frozenset[str] | None = None
    ) -> RoutingConfig:
        """The config as the caller's transaction sees it, not cached; `closed`: the closed stages
        when the caller has read the pipeline already."""
        if closed is None:
            closed = (await StageRepository(conn, workspace_id).pipeline()).closed
        policy_rows = await SlaRepository(conn, workspace_id).policies(active_only=True)
        owners = await OwnerRepository(conn, workspace_id).all()
        return RoutingConfig(
            version=version,
            rules=await RoutingRepository(conn, workspace_id).rules(active_only=True),
            owners=owners,
            closed_stages=closed,
            policies=[sla_engine.compile_policy(row) for row in policy_rows],
            uncounted_owners=[_owner_view(row, 0) for row in owners],
        )

    async def decide(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead: Mapping[str, Any],
        state: RoutingState,
        exclude: frozenset[str] = frozenset(),
        *,
        take_turn: bool,
        config: RoutingConfig | None = None,
    ) -> engine.Decision:
        """The engine's decision for `lead` under `state` (and `config`, when the caller has it);
        a rotating rule's pick takes the rule's next turn (`take_turn`) or looks at it (a preview:
        nothing moves)."""
        owners = OwnerRepository(conn, workspace_id)
        if config is None:
            config = await self.config(conn, workspace_id, state.config_version)
        rule_rows, owner_rows = config.rules, config.owners
        # Open leads are counted only where they matter: capped owners (eligibility) and, when a
        # rule balances load, everyone. Counting is O(open leads), and a capped owner has few.
        balances = any(
            r["strategy"] == "least_loaded"
            or (r["strategy"] == "territory" and r["tie_breaker"] == "least_loaded")
            for r in rule_rows
        )
        counted = None if balances else [row["id"] for row in owner_rows if row["capacity"] is not None]
        loads = await owners.open_leads(config.closed_stages, counted)
        account: dict[str, int] = {}
        domain = lead.get("domain")
        if (
            domain
            and not lead.get("is_free_email")
            and any(r["strategy"] == "account_owner" for r in rule_rows)
        ):
            account = await owners.account_owners(domain)
        decision = engine.decide(
            lead,
            [self._rule(row) for row in rule_rows],
            [_owner_view(row, loads.get(row["id"], 0)) for row in owner_rows],
            self.clock(),
            account_owners=account,
            exclude=exclude,
        )
        if decision.awaits_turn and decision.rule_id is not None:
            routing = RoutingRepository(conn, workspace_id)
            turns = routing.next_turn if take_turn else routing.peek_turn
            decision.at_turn(await turns(decision.rule_id, state))
        return decision

    async def route_locked(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead: dict[str, Any],
        *,
        by: str,
        actor: str | None,
        exclude: frozenset[str] = frozenset(),
        record_unassigned: bool = True,
        held: HeldLock | None = None,
    ) -> tuple[dict[str, Any], engine.Decision]:
        """Route a lead the caller has locked, in its transaction; returns the lead as it now is.
        When nobody can take it, `lead.unassigned` says so (unless the caller records that). This
        takes the routing lock, unless the caller holds it already (`held`)."""
        if held is None:
            state = await RoutingRepository(conn, workspace_id).lock()
            config = await self.config(conn, workspace_id, state.config_version)
        else:
            state, config = held.state, held.config
        decision = await self.decide(conn, workspace_id, lead, state, exclude, take_turn=True, config=config)
        now = self.clock()
        if decision.owner_id is None:
            if record_unassigned:
                data = {"reason": decision.reason, "rules_tried": decision.rules_tried}
                unassigned = NewEvent("lead.unassigned", lead["id"], now, data, actor)
                await EventRepository(conn, workspace_id).append([unassigned])
            return lead, decision
        updated = await self._assign(
            conn, workspace_id, lead, decision.owner_id, by, actor, decision.explanation(), config
        )
        return updated, decision

    async def route_many(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        leads: Sequence[dict[str, Any]],
        *,
        by: str,
        actor: str | None,
    ) -> list[dict[str, Any]]:
        """`route_locked` for new leads the caller has just inserted (no owner yet), in their
        order, under the routing lock taken once. When the decisions need nothing but the config
        (no capacities to count, no load to balance, no account owners: the one-statement
        capture's case), they are made in Python, each rotating rule's turns taken in one
        statement (the leads' picks in their order, as single captures in that order would
        take them) and the assignments written with a statement per table; otherwise each lead
        is routed in turn. Returns the leads as they now are."""
        if not leads:
            return []
        routing = RoutingRepository(conn, workspace_id)
        state = await routing.lock()
        config = await self.config(conn, workspace_id, state.config_version)
        if not _decides_alone(config) or any(lead.get("owner_id") for lead in leads):
            held = HeldLock(state, config)
            routed = []
            for lead in leads:
                after, _ = await self.route_locked(conn, workspace_id, lead, by=by, actor=actor, held=held)
                routed.append(after)
            return routed
        rules = [self._rule(row) for row in config.rules]
        decisions = [engine.decide(lead, rules, config.uncounted_owners, self.clock()) for lead in leads]
        needed: dict[str, int] = {}
        for decision in decisions:
            if decision.awaits_turn and decision.rule_id is not None:
                needed[decision.rule_id] = needed.get(decision.rule_id, 0) + 1
        turns = {rule_id: iter(await routing.next_turns(rule_id, state, n)) for rule_id, n in needed.items()}
        for decision in decisions:
            if decision.awaits_turn and decision.rule_id is not None:
                decision.at_turn(next(turns[decision.rule_id]))
        updates: list[tuple[str, dict[str, Any]]] = []
        records: list[dict[str, Any]] = []
        events: list[NewEvent] = []
        routed = []
        for lead, decision in zip(leads, decisions, strict=True):
            now = self.clock()
            if decision.owner_id is None:
                data = {"reason": decision.reason, "rules_tried": decision.rules_tried}
                events.append(NewEvent("lead.unassigned", lead["id"], now, data, actor))
                routed.append(lead)
                continue
            values = bumped(lead, {"owner_id": decision.owner_id}, now)
            assignment, data = _assignment_record(
                lead, decision.owner_id, by, actor, decision.explanation(), config, now
            )
            updates.append((lead["id"], values))
            records.append(assignment)
            events.append(NewEvent("lead.assigned", lead["id"], now, data, actor))
            routed.append({**lead, **values})
        await LeadRepository(conn, workspace_id).update_many(updates)
        await routing.add_assignments(records)
        await EventRepository(conn, workspace_id).append_many(events)
        return routed

    async def _assign(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        lead: dict[str, Any],
        owner_id: str,
        by: str,
        actor: str | None,
        explanation: dict[str, Any],
        config: RoutingConfig,
    ) -> dict[str, Any]:
        """Write an assignment: the lead's owner, the assignment row with its SLA clock (the first
        policy covering the lead) and `lead.assigned`; on PostgreSQL in one statement, because
        all of it happens while the workspace's routing lock is held. A clock the previous owner
        had running stops."""
        now = self.clock()
        if lead.get("owner_id"):
            await SlaRepository(conn, workspace_id).stop_running(lead["id"])
        values = bumped(lead, {"owner_id": owner_id}, now)
        assignment, data = _assignment_record(lead, owner_id, by, actor, explanation, config, now)
        event = NewEvent("lead.assigned", lead["id"], now, data, actor)
        routing = RoutingRepository(conn, workspace_id)
        if self.db.is_postgres:
            await routing.write_assignment(values, assignment, event, new_id("event"))
        else:
            await LeadRepository(conn, workspace_id).update(lead["id"], values)
            await routing.add_assignment(assignment)
            await EventRepository(conn, workspace_id).append([event])
        return {**lead, **values}

    def plan_fast(
        self, workspace_id: str, lead: Mapping[str, Any], now: datetime, actor: str | None
    ) -> FastAssignment | None:
        """The assignment of a new lead, decided from the cached config for the one-statement
        capture (leads/fast.py), which makes a rotating rule's pick by the turn it takes; None
        when the decision needs the database (no cached config, capacities to count, account
        owners to look up, a rule that balances load, a very long weighted rotation) or when
        nobody can take the lead."""
        config = self._configs.get(workspace_id)
        if config is None or any(row["capacity"] is not None for row in config.owners):
            return None
        if (
            lead.get("domain")
            and not lead.get("is_free_email")
            and any(r["strategy"] == "account_owner" for r in config.rules)
        ):
            return None
        decision = engine.decide(
            lead, [self._rule(row) for row in config.rules], config.uncounted_owners, now
        )
        if decision.rule_id is None:
            return None
        if decision.awaits_turn:
            if len(decision.rotation) > FAST_ROTATION_MAX:
                return None
            rotation, turns = list(decision.rotation), turns_sequence(decision.rule_id)
        elif decision.strategy == "owner" and decision.owner_id is not None:
            rotation, turns = [decision.owner_id], None
        else:  # least_loaded: the counts
            return None
        explanation = {**decision.explanation(), "owner_id": None}  # the statement's pick
        assignment, data = _assignment_record(lead, None, "routing", actor, explanation, config, now)
        event = {
            "id": new_id("event"),
            "type": "lead.assigned",
            "occurred_at": now,
            "actor": actor,
            "data": data,
        }
        return FastAssignment(
            config_version=config.version,
            rotation=rotation,
            turns=turns,
            assignment={k: v for k, v in assignment.items() if k not in ("lead_id", "owner_id")},
            event=event,
        )

    async def route_on(self, conn: AsyncConnection, workspace_id: str) -> str:
        """The workspace's route_on as the caller's transaction sees it (and remembered as the
        capture fast path's hint)."""
        route_on = await RoutingRepository(conn, workspace_id).route_on()
        self._route_on[workspace_id] = route_on
        return route_on

    async def unassign(
        self, conn: AsyncConnection, workspace_id: str, lead: dict[str, Any], actor: str | None
    ) -> dict[str, Any]:
        """`owner_id: null` by PATCH: the lead (locked by the caller) leaves its owner."""
        now = self.clock()
        values = bumped(lead, {"owner_id": None}, now)
        await LeadRepository(conn, workspace_id).update(lead["id"], values)
        data = {"reason": "manual", "previous_owner_id": lead["owner_id"]}
        await EventRepository(conn, workspace_id).append(
            [NewEvent("lead.unassigned", lead["id"], now, data, actor)]
        )
        return {**lead, **values}

    async def manual_assign(
        self, conn: AsyncConnection, workspace_id: str, lead: dict[str, Any], owner_id: str, actor: str | None
    ) -> dict[str, Any]:
        """`PATCH owner_id`: an assignment by hand (capacity and rules do not apply)."""
        if not await OwnerRepository(conn, workspace_id).existing_ids([owner_id]):
            raise validation_problem([{"field": "owner_id", "message": f"no owner {owner_id!r}"}])
        state = await RoutingRepository(conn, workspace_id).lock()
        config = await self.config(conn, workspace_id, state.config_version)
        explanation: dict[str, Any] = {"owner_id": owner_id, "rule_id": None, "rule_name": None}
        explanation.update(strategy=None, candidates=[], skipped=[], rules_tried=[])
        return await self._assign(conn, workspace_id, lead, owner_id, "manual", actor, explanation, config)

    async def route(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, force: bool
    ) -> tuple[dict[str, Any], engine.Decision]:
        """`POST /v1/leads/{id}/route`: route now (an owned lead only with `force`, and never back
        to the owner it is taken from)."""
        repo = LeadRepository(conn, principal.workspace_id)
        lead = await repo.get(lead_id, for_update=True)
        if lead is None:
            raise not_found("Lead", lead_id)
        if lead["owner_id"] and not force:
            raise ProblemError(
                409,
                f"Lead {lead_id!r} already has an owner ({lead['owner_id']}); "
                "route with force=true to reassign.",
            )
        exclude = frozenset({lead["owner_id"]}) if lead["owner_id"] else frozenset()
        return await self.route_locked(
            conn, principal.workspace_id, lead, by="routing", actor=principal.key_id, exclude=exclude
        )

    async def preview(
        self, conn: AsyncConnection, principal: Principal, lead: Mapping[str, Any]
    ) -> engine.Decision:
        # One lead against the rules: small, but a read key may send any lead, so its matching
        # is budgeted (on the event loop: the decision interleaves queries).
        state = await RoutingRepository(conn, principal.workspace_id).state(lock=False)
        with self.evaluator.on_loop():
            return await self.decide(conn, principal.workspace_id, lead, state, take_turn=False)

    async def reassign_owner(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        owner_id: str,
        actor: str | None,
        *,
        state: RoutingState,
        closed: frozenset[str],
    ) -> int:
        """Route each open lead of an owner who leaves (inactive or deleted) to someone else. The
        caller holds the routing lock already (`state`: OwnerService._lock_routing says why) and
        has read the pipeline's closed stages under it (`closed`).

        The config these assignments read is this transaction's, with the owner's change in it,
        and is not cached: until the change bumps the version, as it ends, the version it is read
        under is the committed one, under which no other transaction (nor this one, rolled back)
        may find it."""
        open_leads = await OwnerRepository(conn, workspace_id).open_leads_locked(owner_id, closed)
        if not open_leads:
            return 0
        held = HeldLock(state, await self._read_config(conn, workspace_id, state.config_version, closed))
        repo = LeadRepository(conn, workspace_id)
        for lead in open_leads:
            _, decision = await self.route_locked(
                conn, workspace_id, lead, by="reassign", actor=actor, exclude=frozenset({owner_id}), held=held
            )
            if decision.owner_id is None:  # nobody can take it: it leaves the owner anyway
                values = bumped(lead, {"owner_id": None}, self.clock())
                await repo.update(lead["id"], values)
                await SlaRepository(conn, workspace_id).stop_running(lead["id"])
        return len(open_leads)

    async def erase_lead(self, conn: AsyncConnection, workspace_id: str, lead_id: str) -> None:
        """Right to erasure: the lead's assignments go with it."""
        await RoutingRepository(conn, workspace_id).erase_lead(lead_id)

    async def assignments(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        return await RoutingRepository(conn, principal.workspace_id).assignments_of(lead_id, limit, before)
