"""The condition engine: every operator, the tree nodes, missing fields, validation paths."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadapi.conditions import (
    MAX_MATCH_INPUT,
    MAX_PATTERNS,
    MAX_PROGRAM,
    OPERATORS,
    ConditionError,
    FieldSet,
    MatchBudget,
    MatchBudgetExceededError,
    PatternTally,
    compile_condition,
    match_budget,
)

LEAD: dict[str, Any] = {
    "country": "FR",
    "company": "Acme Analytics",
    "company_size": 120,
    "score": 42.5,
    "unsubscribed": False,
    "title": "VP Sales",
    "tags": ["Webinar", "vip"],
    "attributes": {
        "plan": "Pro",
        "seats": 12,
        "tech_stack": ["python", "postgres"],
        "flags": [False, True],
        "mixed": [7, None, ["Ruby"]],
    },
    "created_at": datetime(2026, 3, 1, 12, tzinfo=UTC),
    "email": "",
    "city": None,
}


def check(field: str, op: str, value: Any = ..., data: dict[str, Any] = LEAD) -> bool:
    node: dict[str, Any] = {"field": field, "op": op}
    if value is not ...:
        node["value"] = value
    return compile_condition(node)(data)


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("country", "eq", "fr", True),
        ("country", "eq", "DE", False),
        ("country", "ne", "DE", True),
        ("company_size", "eq", 120.0, True),
        ("unsubscribed", "eq", False, True),
        ("unsubscribed", "eq", 0, False),  # a boolean is not a number
        ("country", "in", ["de", "fr"], True),
        ("country", "not_in", ["de", "fr"], False),
        ("company_size", "gt", 100, True),
        ("company_size", "gte", 120, True),
        ("company_size", "lt", 120, False),
        ("score", "lte", 42.5, True),
        ("company_size", "between", [50, 200], True),
        ("company_size", "between", [121, 200], False),
        ("created_at", "gt", "2026-02-01T00:00:00Z", True),
        ("created_at", "between", ["2026-01-01", "2026-02-01"], False),
        ("company", "contains", "ANALYTICS", True),
        ("company", "starts_with", "acme", True),
        ("company", "ends_with", "tics", True),
        ("company", "matches", "^acme\\s+an", True),
        ("company", "matches", "^analytics", False),
        ("tags", "contains", "WEBINAR", True),
        ("tags", "contains_any", ["nope", "VIP"], True),
        ("tags", "eq", "vip", True),
        ("attributes.plan", "eq", "pro", True),
        ("attributes.seats", "gte", 10, True),
        ("attributes.tech_stack", "contains", "Python", True),
        ("company", "contains_any", ["zzz", "acme"], True),
        ("email", "empty", True, True),
        ("email", "exists", None, False),
        ("country", "exists", None, True),
        ("company_size", "gt", "not-a-date-but-a-number-expected", None),
        # The specialised fast paths keep the general rules:
        ("company_size", "between", ["2026-01-01", "2026-02-01"], False),  # a number is no date
        ("score", "between", [42, 43], True),
        ("unsubscribed", "eq", True, False),
        ("attributes.flags", "eq", True, True),  # a list field equals a value one item equals
        ("attributes.tech_stack", "contains_any", ["POSTGRES", "java"], True),  # list: an item
        ("attributes.tech_stack", "contains_any", ["post"], False),  # an item, not a substring
        ("company", "contains_any", ["zzz", "ANALYT"], True),  # text: a substring
        ("attributes.mixed", "contains_any", ["x", "ruby"], True),
        ("attributes.mixed", "contains_any", ["7"], False),
    ],
)
def test_operators(field: str, op: str, value: Any, expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(ConditionError):
            check(field, op, value)
        return
    assert check(field, op, ... if value is None and op in ("exists", "empty") else value) is expected


@pytest.mark.parametrize("op", [op for op in OPERATORS if op not in ("exists", "empty", "ne", "not_in")])
def test_a_missing_field_never_matches_and_never_raises(op: str) -> None:
    value: Any = {
        "between": [1, 2], "in": ["x"], "contains_any": ["x"], "matches": "x",
    }.get(op, 1 if op in ("gt", "gte", "lt", "lte") else "x")  # fmt: skip
    for data in ({}, {"city": None}, {"attributes": "not a map"}):
        assert check("city", op, value, data) is False
        assert check("attributes.plan", op, value, data) is False


def test_missing_field_for_negative_operators_and_presence() -> None:
    assert check("city", "ne", "x") is False
    assert check("city", "not_in", ["x"]) is False
    assert check("city", "exists") is False
    assert check("city", "exists", False) is True
    assert check("city", "empty") is True
    assert check("nowhere", "empty") is True


def test_wrong_types_do_not_match() -> None:
    assert check("company", "gt", 3) is False
    assert check("company_size", "starts_with", "1") is False
    assert check("company_size", "matches", "1") is False
    assert check("created_at", "gt", 5) is False


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", 10**400, float("inf"), float("nan")]
)
def test_values_out_of_range_are_refused_not_raised(value: Any) -> None:
    with pytest.raises(ConditionError):
        check("created_at", "gt", value)


@pytest.mark.parametrize("actual", [10**400, -(10**400), "0001-01-01T00:00:00+14:00"])
def test_data_out_of_range_fails_to_match_without_raising(actual: Any) -> None:
    data = {**LEAD, "attributes": {"n": actual}}
    for op, value in (("gt", 1), ("eq", 1), ("lt", "2026-01-01T00:00:00Z"), ("between", [1, 2])):
        assert check("attributes.n", op, value, data) is False


def test_trees() -> None:
    fit = compile_condition(
        {
            "all": [
                {"field": "country", "op": "in", "value": ["FR", "DE"]},
                {
                    "any": [
                        {"field": "title", "op": "contains", "value": "vp"},
                        {"field": "score", "op": "gt", "value": 90},
                    ]
                },
                {"not": {"field": "unsubscribed", "op": "eq", "value": True}},
            ]
        }
    )
    assert fit(LEAD) is True
    assert fit({**LEAD, "title": "Engineer"}) is False
    assert fit({**LEAD, "unsubscribed": True}) is False


def test_catastrophic_pattern_runs_in_linear_time() -> None:
    # Not a speed test: a backtracking engine takes astronomically long here (2^20000 paths), so
    # any bound at all tells RE2 (linear) from a ReDoS.
    # (2^999 paths within what a match reads.)
    evil = compile_condition({"field": "company", "op": "matches", "value": "(a+)+$"})
    started = time.perf_counter()
    assert evil({"company": "a" * (MAX_MATCH_INPUT - 1) + "!"}) is False
    assert time.perf_counter() - started < 0.5


def test_a_match_reads_the_start_of_a_value() -> None:
    ends = compile_condition({"field": "company", "op": "matches", "value": "a$"})
    assert ends({"company": "x" * (MAX_MATCH_INPUT - 1) + "a"}) is True
    assert ends({"company": "x" * MAX_MATCH_INPUT + "a"}) is False  # past what it reads


@pytest.mark.parametrize(
    "repeat", ["(a{1,100}){1,10}", "(x{2,50}|y{2,50}){1,20}", "[a-z]{1000}", "(.{1,30}){1,20}"]
)
def test_patterns_that_compile_large_are_refused(repeat: str) -> None:
    with pytest.raises(ConditionError, match=f"at most {MAX_PROGRAM}") as raised:
        compile_condition({"field": "company", "op": "matches", "value": repeat})
    assert raised.value.path == "when.value"


def test_patterns_are_counted_across_conditions() -> None:
    tally = PatternTally()
    leaf = {"field": "company", "op": "matches", "value": "x"}
    for _ in range(MAX_PATTERNS):
        compile_condition(leaf, patterns=tally)
    with pytest.raises(ConditionError, match="regular expressions") as raised:
        compile_condition({"all": [{"field": "country", "op": "eq", "value": "FR"}, leaf]}, patterns=tally)
    assert raised.value.path == "when.all[1].op"
    # Each condition alone has the same bound by default.
    with pytest.raises(ConditionError):
        compile_condition({"any": [leaf] * (MAX_PATTERNS + 1)})


def test_a_budget_bounds_all_the_matching_of_an_evaluation() -> None:
    matches = compile_condition({"field": "company", "op": "matches", "value": "(a{1,48}){1,10}b"})
    lead = {"company": "a" * 5000}
    with match_budget(MatchBudget(units=50_000_000)) as budget:
        for _ in range(50):
            assert matches(lead) is False
        with pytest.raises(MatchBudgetExceededError):  # the 51st search overspends
            matches(lead)
    assert budget.units < 0
    assert matches(lead) is False  # outside the budget's context, nothing is counted
    ticks = iter([0.0, 0.1, 5.0])
    with match_budget(MatchBudget(units=10**15, cpu_seconds=1.0, clock=lambda: next(ticks))):
        assert matches(lead) is False
        with pytest.raises(MatchBudgetExceededError, match="too long"):
            matches(lead)


@pytest.mark.parametrize(
    ("node", "path"),
    [
        ("x", "when"),
        ({}, "when.field"),
        ({"field": "country", "op": "like", "value": "x"}, "when.op"),
        ({"field": "country", "op": "eq"}, "when.value"),
        ({"field": "country", "op": "eq", "value": {"a": 1}}, "when.value"),
        ({"field": "country", "op": "in", "value": []}, "when.value"),
        ({"field": "country", "op": "in", "value": ["a", {"b": 1}]}, "when.value[1]"),
        ({"field": "country", "op": "between", "value": [5, 1]}, "when.value"),
        ({"field": "country", "op": "between", "value": [1, "2026-01-01"]}, "when.value"),
        ({"field": "country", "op": "gt", "value": "soon"}, "when.value"),
        ({"field": "country", "op": "matches", "value": "("}, "when.value"),
        ({"field": "country", "op": "exists", "value": "yes"}, "when.value"),
        ({"field": "country", "op": "eq", "value": "x", "extra": 1}, "when.extra"),
        ({"all": []}, "when.all"),
        (
            {"any": [{"field": "country", "op": "eq", "value": "x"}, {"field": "c", "op": "nope"}]},
            "when.any[1].op",
        ),
        ({"all": [{"not": {"any": [{"field": "x", "op": "eq"}]}}]}, "when.all[0].not.any[0].value"),
        ({"all": [], "any": []}, "when"),
        ({"field": "secret", "op": "eq", "value": 1}, "when.field"),
    ],
)
def test_validation_names_the_exact_path(node: Any, path: str) -> None:
    fields = FieldSet(frozenset({"country", "c", "x"}), ("attributes.",))
    with pytest.raises(ConditionError) as error:
        compile_condition(node, fields)
    assert error.value.path == path, error.value


def test_nesting_and_size_limits() -> None:
    deep: dict[str, Any] = {"field": "country", "op": "eq", "value": "x"}
    for _ in range(20):
        deep = {"not": deep}
    with pytest.raises(ConditionError, match="nest"):
        compile_condition(deep)
    wide = {"any": [{"field": "country", "op": "eq", "value": str(i)} for i in range(600)]}
    with pytest.raises(ConditionError, match="nodes"):
        compile_condition(wide)


leaf_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["fr", "FR", "x", ""]))
leaves = st.builds(
    lambda field, op, value: {"field": field, "op": op, "value": value},
    st.sampled_from(["country", "company_size", "missing", "tags", "attributes.plan"]),
    st.sampled_from(["eq", "ne", "contains"]),
    leaf_values,
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=8,
)


@given(trees)
def test_not_is_the_exact_complement_and_nothing_raises(tree: dict[str, Any]) -> None:
    predicate = compile_condition(tree)
    negated = compile_condition({"not": tree})
    samples: list[dict[str, Any]] = [LEAD, {}, {"country": None, "tags": []}]
    for data in samples:
        assert negated(data) is (not predicate(data))
