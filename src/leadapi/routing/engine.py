"""The routing engine: which owner gets a lead, and why. Pure: no I/O.

The service loads the lead, the workspace's owners (with their open-lead counts), the active
rules and, for account-owner rules, who owns leads of the lead's company domain; it locks what
it must and persists what the engine decides. The engine tries
the rules in order of position: a rule whose condition does not match is passed over; a rule
that matches but finds no eligible owner is recorded as skipped, and the next one is tried.

Strategies:
- round_robin: the eligible pool owners take turns in id order (so every process agrees on it):
  the rule's n-th pick goes to candidates[n mod len(candidates)];
- weighted: the same turns over a weighted period: of every sum(weights) turns an owner takes
  its weight, its k-th turn falling at (k + 1/2) / weight of the period, so shares follow the
  weights exactly and picks are spread evenly rather than in runs;
- least_loaded: the lowest open_leads / capacity (owners without a cap count against the largest
  cap in the pool), then the fewest open leads, then id;
- territory: pool owners with a territory matching the lead, then the rule's tie breaker;
- account_owner: an eligible owner who already owns leads of the lead's company domain (most
  such leads first); never for free email domains;
- owner: one fixed owner.

Eligible = active, not out of office now, below capacity.

A rotating rule's decision is made in two steps: `decide` finds the rule and its `rotation` (the
order of turns over one period), the service takes the rule's next turn number from the
database (a counter that needs no lock: see routing/repository.py), and `Decision.at_turn`
makes the pick. Because the pick is a pure function of the turn number, concurrent assignments
never need to wait for each other to rotate fairly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from math import gcd
from typing import Any

from leadapi.conditions import FieldSet, Predicate, compile_condition
from leadapi.leads.fields import CONDITION_FIELDS

# Routing conditions may also read the score's band (route hot leads differently).
LEAD_FIELDS = FieldSet(
    CONDITION_FIELDS | {"band", "fit_score", "behavior_score", "last_activity_at"}, ("attributes.",)
)


@dataclass(frozen=True, slots=True)
class Territory:
    """Every non-empty field must match; an empty field matches anything."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # case-folded
    postal_prefixes: tuple[str, ...] = ()  # case-folded, spaces removed
    industries: frozenset[str] = frozenset()  # case-folded
    size_min: int | None = None
    size_max: int | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Territory:
        size = doc.get("company_size") or {}
        return cls(
            frozenset(c.upper() for c in doc.get("countries") or ()),
            frozenset(r.casefold() for r in doc.get("regions") or ()),
            tuple(p.casefold().replace(" ", "") for p in doc.get("postal_prefixes") or ()),
            frozenset(i.casefold() for i in doc.get("industries") or ()),
            size.get("min"),
            size.get("max"),
        )

    def matches(self, lead: Mapping[str, Any]) -> bool:
        if self.countries and (lead.get("country") or "").upper() not in self.countries:
            return False
        if self.regions and (lead.get("region") or "").casefold() not in self.regions:
            return False
        if self.postal_prefixes:
            postal = (lead.get("postal_code") or "").casefold().replace(" ", "")
            if not postal or not postal.startswith(self.postal_prefixes):
                return False
        if self.industries and (lead.get("industry") or "").casefold() not in self.industries:
            return False
        if self.size_min is not None or self.size_max is not None:
            size = lead.get("company_size")
            if not isinstance(size, int):
                return False
            if self.size_min is not None and size < self.size_min:
                return False
            if self.size_max is not None and size > self.size_max:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    active: bool = True
    capacity: int | None = None
    weight: int = 1
    tags: frozenset[str] = frozenset()
    territories: tuple[Territory, ...] = ()
    away_from: datetime | None = None
    away_until: datetime | None = None
    open_leads: int = 0

    def unavailable(self, now: datetime) -> str | None:
        """Why this owner cannot take a lead now (None: eligible)."""
        if not self.active:
            return "inactive"
        if self.away_from is not None or self.away_until is not None:
            started = self.away_from is None or self.away_from <= now
            ongoing = self.away_until is None or now < self.away_until
            if started and ongoing:
                return "out_of_office"
        if self.capacity is not None and self.open_leads >= self.capacity:
            return "at_capacity"
        return None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    strategy: str
    when: Predicate | None = None
    pool_ids: frozenset[str] = frozenset()
    pool_tags: frozenset[str] = frozenset()
    owner_id: str | None = None
    tie_breaker: str = "round_robin"

    def in_pool(self, owner: Owner) -> bool:
        if self.strategy == "owner":
            return owner.id == self.owner_id
        if not self.pool_ids and not self.pool_tags:
            return True  # no pool: every owner of the workspace
        return owner.id in self.pool_ids or bool(self.pool_tags & owner.tags)


@dataclass(slots=True)
class Decision:
    owner_id: str | None
    rule_id: str | None = None
    rule_name: str | None = None
    strategy: str | None = None
    candidates: list[str] = field(default_factory=list)
    # The picking rule's pool owners who could not take the lead, and why; owners outside its
    # pool are only counted (a 200-owner workspace would otherwise store 199 entries per pick).
    skipped: list[dict[str, str]] = field(default_factory=list)
    not_in_pool: int = 0
    # Every rule tried, in order; one that found nobody keeps its own skipped owners and count,
    # so an earlier rule's at_capacity or out_of_office is not lost behind no_eligible_owner.
    rules_tried: list[dict[str, Any]] = field(default_factory=list)
    # A weighted rotation's candidate weights (owner id -> weight) as they stood at the pick:
    # the fairness report's expected shares come from them, not from today's weights.
    weights: dict[str, int] | None = None
    # A rotating rule's turns over one period (owner ids, a weighted owner once per unit of
    # weight): the pick waits for the rule's turn number (`at_turn`). Empty when decided.
    rotation: tuple[str, ...] = ()
    turn: int | None = None  # which of the rule's turns this pick was (0: its first ever)
    # Why nobody was picked (None when a rule picked): no active rules at all, none whose
    # condition matched, or the matching rules found nobody eligible.
    reason: str | None = None

    @property
    def awaits_turn(self) -> bool:
        return bool(self.rotation) and self.turn is None

    def at_turn(self, turn: int) -> None:
        """Make the rotating rule's pick: its `turn`-th (0-based) since the rotation started."""
        self.turn = turn
        self.owner_id = self.rotation[turn % len(self.rotation)]

    def explanation(self) -> dict[str, Any]:
        explained: dict[str, Any] = {
            "owner_id": self.owner_id,
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "strategy": self.strategy,
            "candidates": self.candidates,
            "turn": self.turn,
            "skipped": self.skipped,
            "not_in_pool": self.not_in_pool,
            "rules_tried": self.rules_tried,
        }
        if self.weights is not None:
            explained["weights"] = self.weights
        if self.reason is not None:  # only a decision without a pick has one
            explained["reason"] = self.reason
        return explained


def compile_rule_condition(node: Any, path: str = "when") -> Predicate:
    return compile_condition(node, LEAD_FIELDS, path)


def decide(
    lead: Mapping[str, Any],
    rules: Sequence[Rule],
    owners: Sequence[Owner],
    now: datetime,
    account_owners: Mapping[str, int] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Decision:
    """Route `lead`: `rules` in order; `owners` every owner of the workspace; `account_owners`
    owner id -> how many leads of the lead's company domain they own; `exclude` owners who must
    not get it (say, the one it is taken from). When a rotating rule picks, the decision
    `awaits_turn`: the caller takes the rule's turn number and calls `at_turn`."""
    ordered = sorted(owners, key=lambda o: o.id)
    decision = Decision(owner_id=None)
    for rule in rules:
        if rule.when is not None and not rule.when(lead):
            decision.rules_tried.append({"rule_id": rule.id, "outcome": "not_matched"})
            continue
        candidates: list[Owner] = []
        skipped: list[dict[str, str]] = []
        outside = 0
        for owner in ordered:
            reason = _skip_reason(rule, owner, lead, now, exclude)
            if reason is None:
                candidates.append(owner)
            elif reason == "not_in_pool":
                outside += 1
            else:
                skipped.append({"owner_id": owner.id, "reason": reason})
        if rule.strategy == "account_owner":
            candidates, more = _account_owners(lead, candidates, account_owners or {})
            skipped.extend(more)
        if not candidates:
            tried = {"rule_id": rule.id, "outcome": "no_eligible_owner"}
            decision.rules_tried.append({**tried, "skipped": skipped, "not_in_pool": outside})
            continue
        decision.rules_tried.append({"rule_id": rule.id, "outcome": "assigned"})
        decision.rule_id, decision.rule_name, decision.strategy = rule.id, rule.name, rule.strategy
        decision.candidates = [owner.id for owner in candidates]
        decision.skipped, decision.not_in_pool = skipped, outside
        strategy = rule.tie_breaker if rule.strategy == "territory" else rule.strategy
        if strategy == "round_robin":
            decision.rotation = tuple(decision.candidates)
        elif strategy == "weighted":
            decision.weights = {owner.id: owner.weight for owner in candidates}
            decision.rotation = weighted_turns(tuple((owner.id, owner.weight) for owner in candidates))
        elif strategy == "least_loaded":
            decision.owner_id = _least_loaded(candidates).id
        else:  # owner (the one), account_owner (the most leads of the account)
            decision.owner_id = candidates[0].id
        return decision
    if not rules:
        decision.reason = "no_rules"
    elif all(tried["outcome"] == "not_matched" for tried in decision.rules_tried):
        decision.reason = "no_rule_matched"
    else:
        decision.reason = "no_eligible_owner"
    return decision


def _skip_reason(
    rule: Rule, owner: Owner, lead: Mapping[str, Any], now: datetime, exclude: frozenset[str]
) -> str | None:
    if not rule.in_pool(owner):
        return "not_in_pool"
    if owner.id in exclude:
        return "excluded"
    reason = owner.unavailable(now)
    if reason is not None:
        return reason
    if rule.strategy == "territory" and not any(t.matches(lead) for t in owner.territories):
        return "no_territory_match"
    return None


def _account_owners(
    lead: Mapping[str, Any], candidates: list[Owner], owned: Mapping[str, int]
) -> tuple[list[Owner], list[dict[str, str]]]:
    if lead.get("is_free_email") or not lead.get("domain"):
        return [], [{"owner_id": owner.id, "reason": "no_account_match"} for owner in candidates]
    keep = [owner for owner in candidates if owned.get(owner.id)]
    dropped = [{"owner_id": o.id, "reason": "no_account_match"} for o in candidates if not owned.get(o.id)]
    keep.sort(key=lambda owner: (-owned[owner.id], owner.id))
    return keep, dropped


@lru_cache(maxsize=256)
def weighted_turns(weights: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """One period of weighted turns: with the weights divided by their common divisor, an owner
    of weight w takes w of every sum(weights) turns, its k-th at (k + 1/2) / w of the period
    (equal times go to the lower id, as `weights` come in id order). Floats are exact enough:
    equal fractions divide to equal floats, and distinct ones (denominators up to 2 x 1,000) are
    far apart."""
    common = 0
    for _, weight in weights:
        common = gcd(common, weight)
    slots = sorted(
        ((2 * k + 1) / (2 * (weight // common)), index)
        for index, (_, weight) in enumerate(weights)
        for k in range(weight // common)
    )
    return tuple(weights[index][0] for _, index in slots)


def _least_loaded(candidates: list[Owner]) -> Owner:
    caps = [owner.capacity for owner in candidates if owner.capacity]
    default_cap = max(caps) if caps else 1

    def load(owner: Owner) -> tuple[float, int, str]:
        return (owner.open_leads / (owner.capacity or default_cap), owner.open_leads, owner.id)

    return min(candidates, key=load)
