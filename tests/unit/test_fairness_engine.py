"""The routing fairness tallies (reports/fairness/engine.py) on plain audit rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from scipy.stats import chisquare

from leadapi.reports.fairness.engine import Audited, Fairness, chi_square, csv_lines

T = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)


def pick(
    owner: str,
    candidates: list[str],
    *,
    rule: str | None = "rr",
    strategy: str | None = "round_robin",
    turn: int | None = 0,
    previous: str | None = None,
    touched_after: timedelta | None = None,
    **explained: Any,
) -> Audited:
    explanation = {"rule_name": rule, "candidates": candidates, "turn": turn, **explained}
    touched = None if touched_after is None else T + touched_after
    return Audited(owner, previous, rule, strategy, explanation, T, touched)


def test_chi_square_agrees_with_scipys_own_test() -> None:
    observed, expected = [40, 10, 10], [25.0, 25.0, 10.0]
    statistic, freedom, p_value = chi_square(observed, expected)
    reference = chisquare(observed, expected)
    assert (statistic, freedom) == (18.0, 2)
    assert p_value is not None
    assert abs(p_value - float(reference.pvalue)) < 1e-15
    assert chi_square([5], [5.0]) == (None, None, None)  # one owner: nothing to compare


def test_expected_shares_follow_each_picks_candidates_and_weights() -> None:
    tally = Fairness()
    tally.add_assignment(pick("a", ["a", "b"], strategy="weighted", weights={"a": 3, "b": 1}))
    tally.add_assignment(pick("b", ["b"], strategy="weighted", weights={"b": 1}))
    [rule] = tally.report({}, {})["rules"]
    rows = {row["owner_id"]: row for row in rule["owners"]}
    assert (rows["a"]["expected"], rows["b"]["expected"]) == (0.75, 1.25)
    assert (rows["a"]["deviation"], rows["b"]["deviation"]) == (0.25, -0.25)
    assert (rule["rule_name"], rule["strategy"], rule["rotating_assignments"]) == ("rr", "weighted", 2)


def test_weighted_picks_audited_without_weights_use_todays() -> None:
    tally = Fairness(current_weights={"a": 1, "b": 3})
    tally.add_assignment(pick("b", ["a", "b"], strategy="weighted"))
    tally.add_assignment(pick("a", ["a", "b"], rule="plain"))  # round robin: equal shares
    rules = {r["rule_id"]: r for r in tally.report({}, {})["rules"]}
    assert [row["expected"] for row in rules["rr"]["owners"]] == [0.25, 0.75]
    assert [row["expected"] for row in rules["plain"]["owners"]] == [0.5, 0.5]


def test_picks_that_do_not_rotate_have_no_expectation() -> None:
    tally = Fairness()
    tally.add_assignment(pick("a", ["a", "b"], strategy="least_loaded", turn=None))
    [rule] = tally.report({}, {})["rules"]
    assert (rule["rotating_assignments"], rule["p_value"]) == (0, None)
    assert [row["expected"] for row in rule["owners"]] == [None]


def test_skips_count_from_every_audit_that_tried_the_rule() -> None:
    """Old audits listed owners outside the pool as not_in_pool entries: they are no skip."""
    full = {"rule_id": "team", "outcome": "no_eligible_owner"}
    tally = Fairness()
    tally.add_assignment(
        pick(
            "z",
            ["z"],
            rule="overflow",
            skipped=[{"owner_id": "x", "reason": "not_in_pool"}],
            rules_tried=[
                {**full, "skipped": [{"owner_id": "a", "reason": "at_capacity"}]},
                {"rule_id": "overflow", "outcome": "assigned"},
            ],
        )
    )
    tally.add_unassigned(
        {"rules_tried": [{**full, "skipped": [{"owner_id": "a", "reason": "out_of_office"}]}]}
    )
    tally.add_unassigned({"reason": "manual", "previous_owner_id": "a"})  # by hand: no routing
    body = tally.report({"team": ("Team", "round_robin"), "overflow": ("Overflow", "owner")}, {"a": "Ada"})
    team = body["rules"][0]
    assert (team["rule_id"], team["rule_name"], team["found_nobody"], team["assignments"]) == (
        "team",
        "Team",
        2,
        0,
    )
    [ada] = team["owners"]
    assert (ada["name"], ada["capacity_hits"], ada["out_of_office_skips"]) == ("Ada", 1, 1)
    assert [row["owner_id"] for row in body["rules"][1]["owners"]] == ["z"]
    assert body["total"] == {"assignments": 1, "manual_assignments": 0, "unassigned": 1}


def test_reassignments_manual_picks_and_first_touch() -> None:
    tally = Fairness()
    tally.add_assignment(pick("a", ["a"], touched_after=timedelta(minutes=4)))
    tally.add_assignment(pick("a", ["a"], touched_after=timedelta(minutes=10)))
    tally.add_assignment(pick("a", ["a"], previous="b"))
    tally.add_assignment(pick("b", [], rule=None, strategy=None, turn=None, previous="a"))  # by hand
    body = tally.report({}, {})
    [row] = body["rules"][0]["owners"]
    assert (row["assignments"], row["reassignments"], row["touched"]) == (3, 1, 2)
    assert row["median_first_touch_seconds"] == 420.0
    owners = {o["owner_id"]: o for o in body["owners"]}
    assert (owners["a"]["reassigned_away"], owners["b"]["reassigned_away"]) == (1, 1)
    assert (owners["b"]["manual_assignments"], owners["b"]["assignments"]) == (1, 0)
    columns, lines = csv_lines(body)
    assert [line["section"] for line in lines] == ["rules", "owners", "owners"]
    assert {"rule_id", "rule_assignments", "assignments", "p_value"} <= set(columns)
