"""Routing fairness: did each rule share its leads as its weights and its owners' availability
say it should? Pure: no I/O.

The expected share comes from each pick's own audit, not from a rule's settings today: a rotating
pick (round robin, weighted, or a territory rule rotating among its matches; those that took a
turn) chose among the candidates its explanation lists, each expected weight / sum(weights) of
it (1 each for round robin; a weighted pick keeps its weights). Summed over the rule's picks,
that is each owner's expected count, so an owner who was away, inactive or at capacity for part
of the range is expected a share only of the picks made while they could take one, weighted by
when the leads came, not by the clock.

Pearson's chi-square compares the counts with those expectations (degrees of freedom: the owners
expected a share, less one). Picks with different candidate sets are not one multinomial draw, so
the statistic is an approximation; exact rotation is far more even than chance, and its p-value
sits near 1. Strategies that do not aim at shares (least loaded balances open leads, account
owner and a fixed owner follow the lead) get no expectation and no test.

What else each rule's owners are told: how often the rule passed them over at capacity or out of
office (from every audit that tried the rule: the picks it made, the picks a later rule made after
it found nobody, and the leads nobody got), how many of its picks took a lead from a previous
owner, and the median time from assignment to first touch.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DIGITS = 6


@dataclass(frozen=True, slots=True)
class Audited:
    """One assignment as the report reads it: who got the lead, from whom, by which rule, and the
    rule's explanation (the engine's audit)."""

    owner_id: str
    previous_owner_id: str | None
    rule_id: str | None
    strategy: str | None
    explanation: Mapping[str, Any]
    created_at: datetime
    touched_at: datetime | None


@dataclass(slots=True)
class OwnerTally:
    assignments: int = 0
    rotating: int = 0  # picks that took a turn of a rotation: the ones with an expectation
    expected: float = 0.0
    capacity_hits: int = 0
    out_of_office_skips: int = 0
    reassignments: int = 0
    touch_seconds: list[float] = field(default_factory=list)


@dataclass(slots=True)
class RuleTally:
    name: str | None = None
    strategy: str | None = None
    assignments: int = 0
    rotating: int = 0
    found_nobody: int = 0  # tried, matched, and every pool owner was skipped
    owners: dict[str, OwnerTally] = field(default_factory=dict)

    def owner(self, owner_id: str) -> OwnerTally:
        tally = self.owners.get(owner_id)
        if tally is None:
            tally = self.owners[owner_id] = OwnerTally()
        return tally


@dataclass(slots=True)
class OverallTally:
    """One owner over every rule, and the assignments made by hand."""

    routed: int = 0
    manual: int = 0
    reassigned_away: int = 0
    capacity_hits: int = 0
    out_of_office_skips: int = 0
    touch_seconds: list[float] = field(default_factory=list)


@dataclass(slots=True)
class Fairness:
    """The tallies of one range, fed assignments and `lead.unassigned` events in any order."""

    # Today's owner weights, for weighted picks audited before picks kept their weights.
    current_weights: Mapping[str, int] = field(default_factory=dict)
    rules: dict[str, RuleTally] = field(default_factory=dict)
    owners: dict[str, OverallTally] = field(default_factory=dict)
    unassigned: int = 0
    manual: int = 0

    def rule(self, rule_id: str) -> RuleTally:
        tally = self.rules.get(rule_id)
        if tally is None:
            tally = self.rules[rule_id] = RuleTally()
        return tally

    def overall(self, owner_id: str) -> OverallTally:
        tally = self.owners.get(owner_id)
        if tally is None:
            tally = self.owners[owner_id] = OverallTally()
        return tally

    def add_assignment(self, row: Audited) -> None:
        explanation = row.explanation or {}
        touched = _seconds(row.created_at, row.touched_at)
        overall = self.overall(row.owner_id)
        if row.previous_owner_id:
            self.overall(row.previous_owner_id).reassigned_away += 1
        self._tried(explanation.get("rules_tried") or ())
        rule_id = row.rule_id
        if rule_id is None:  # by hand: no rule to be fair to
            self.manual += 1
            overall.manual += 1
            return
        overall.routed += 1
        if touched is not None:
            overall.touch_seconds.append(touched)
        rule = self.rule(rule_id)
        rule.name = rule.name or explanation.get("rule_name")
        rule.strategy = rule.strategy or row.strategy
        rule.assignments += 1
        picked = rule.owner(row.owner_id)
        picked.assignments += 1
        if row.previous_owner_id:
            picked.reassignments += 1
        if touched is not None:
            picked.touch_seconds.append(touched)
        self._skips(rule, explanation.get("skipped") or ())
        if explanation.get("turn") is not None:
            candidates: list[str] = explanation.get("candidates") or [row.owner_id]
            weights: Mapping[str, int] = explanation.get("weights") or (
                self.current_weights if row.strategy == "weighted" else {}
            )
            total = sum(weights.get(c, 1) for c in candidates)
            for candidate in candidates:
                rule.owner(candidate).expected += weights.get(candidate, 1) / total
            rule.rotating += 1
            picked.rotating += 1

    def add_unassigned(self, data: Mapping[str, Any]) -> None:
        """A `lead.unassigned` event's data: routing found nobody (a manual unassignment tried
        no rules)."""
        tried = data.get("rules_tried") or ()
        if tried:
            self.unassigned += 1
            self._tried(tried)

    def _tried(self, tried: Iterable[Mapping[str, Any]]) -> None:
        for attempt in tried:
            if attempt.get("outcome") == "no_eligible_owner":
                rule = self.rule(attempt["rule_id"])
                rule.found_nobody += 1
                self._skips(rule, attempt.get("skipped") or ())

    def _skips(self, rule: RuleTally, skipped: Iterable[Mapping[str, str]]) -> None:
        for skip in skipped:
            reason = skip.get("reason")
            if reason == "at_capacity":
                rule.owner(skip["owner_id"]).capacity_hits += 1
                self.overall(skip["owner_id"]).capacity_hits += 1
            elif reason == "out_of_office":
                rule.owner(skip["owner_id"]).out_of_office_skips += 1
                self.overall(skip["owner_id"]).out_of_office_skips += 1

    def report(
        self, rule_names: Mapping[str, tuple[str, str]], owner_names: Mapping[str, str]
    ) -> dict[str, Any]:
        """The figures: per rule (in `rule_names` order, then rules since deleted) its owners and
        its test, per owner overall, and the totals. `rule_names`: rule id -> (name, strategy) as
        the rules are now; `owner_names`: owner id -> name."""
        order = [r for r in rule_names if r in self.rules] + sorted(set(self.rules) - set(rule_names))
        rules = []
        for rule_id in order:
            tally = self.rules[rule_id]
            name, strategy = rule_names.get(rule_id, (tally.name, tally.strategy))
            rules.append(_rule_figures(rule_id, name, strategy, tally, owner_names))
        owners = [
            {
                "owner_id": owner_id,
                "name": owner_names.get(owner_id),
                "assignments": tally.routed,
                "manual_assignments": tally.manual,
                "reassigned_away": tally.reassigned_away,
                "capacity_hits": tally.capacity_hits,
                "out_of_office_skips": tally.out_of_office_skips,
                "median_first_touch_seconds": _median(tally.touch_seconds),
            }
            for owner_id, tally in sorted(self.owners.items())
        ]
        total = {
            "assignments": sum(r.assignments for r in self.rules.values()),
            "manual_assignments": self.manual,
            "unassigned": self.unassigned,
        }
        return {"total": total, "rules": rules, "owners": owners}


def _rule_figures(
    rule_id: str,
    name: str | None,
    strategy: str | None,
    tally: RuleTally,
    owner_names: Mapping[str, str],
) -> dict[str, Any]:
    tested = tally.rotating > 0
    owners = []
    observed: list[int] = []
    expected: list[float] = []
    for owner_id, owner in sorted(tally.owners.items()):
        row: dict[str, Any] = {
            "owner_id": owner_id,
            "name": owner_names.get(owner_id),
            "assignments": owner.assignments,
            "expected": None,
            "expected_share": None,
            "actual_share": None,
            "deviation": None,
            "relative_deviation": None,
        }
        if tested:
            share = owner.rotating / tally.rotating
            row.update(
                expected=round(owner.expected, DIGITS),
                expected_share=round(owner.expected / tally.rotating, DIGITS),
                actual_share=round(share, DIGITS),
                deviation=round(owner.rotating - owner.expected, DIGITS),
                relative_deviation=(
                    round(owner.rotating / owner.expected - 1, DIGITS) if owner.expected > 0 else None
                ),
            )
            if owner.expected > 0:
                observed.append(owner.rotating)
                expected.append(owner.expected)
        row.update(
            capacity_hits=owner.capacity_hits,
            out_of_office_skips=owner.out_of_office_skips,
            reassignments=owner.reassignments,
            touched=len(owner.touch_seconds),
            median_first_touch_seconds=_median(owner.touch_seconds),
        )
        owners.append(row)
    statistic, freedom, p_value = chi_square(observed, expected)
    return {
        "rule_id": rule_id,
        "rule_name": name,
        "strategy": strategy,
        "assignments": tally.assignments,
        "rotating_assignments": tally.rotating,
        "found_nobody": tally.found_nobody,
        "chi_square": statistic,
        "degrees_of_freedom": freedom,
        "p_value": p_value,
        "owners": owners,
    }


def chi_square(observed: list[int], expected: list[float]) -> tuple[float | None, int | None, float | None]:
    """Pearson's statistic, its degrees of freedom and p-value (the chance of a statistic this
    large from fair picks); all None with fewer than two owners expected a share."""
    if len(expected) < 2:
        return None, None, None
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    freedom = len(expected) - 1
    # Imported here: SciPy takes most of a second to import, which every leadapi process would
    # pay at start for a report few requests ask for.
    from scipy.stats import chi2

    return round(statistic, DIGITS), freedom, float(chi2.sf(statistic, freedom))


def _seconds(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds()


def _median(values: list[float]) -> float | None:
    return None if not values else float(statistics.median(values))


def csv_lines(report: Mapping[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """One CSV line per rule and owner (the rule's figures repeated on each), then one per owner
    overall."""
    lines: list[dict[str, Any]] = []
    for rule in report["rules"]:
        head = {_rule_column(k): v for k, v in rule.items() if k != "owners"}
        for owner in rule["owners"] or [{}]:
            lines.append({"section": "rules", **head, **owner})
    for owner in report["owners"]:
        lines.append({"section": "owners", **owner})
    columns: dict[str, None] = {"section": None}
    for line in lines:
        columns.update(dict.fromkeys(line))
    return list(columns), lines


def _rule_column(name: str) -> str:
    """A rule's figure as a CSV column beside its owners' (`assignments` -> `rule_assignments`)."""
    if name.startswith("rule_") or name in ("strategy", "chi_square", "degrees_of_freedom", "p_value"):
        return name
    return f"rule_{name}"
