"""The routing engine: every strategy, eligibility reason and fallback, with no database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from leadapi.routing.engine import Decision, Owner, Rule, Territory, compile_rule_condition, decide

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
LEAD: dict[str, Any] = {
    "id": "ld_1",
    "country": "FR",
    "region": "Île-de-France",
    "postal_code": "75011",
    "industry": "SaaS",
    "company_size": 120,
    "domain": "acme.fr",
    "is_free_email": False,
    "band": "sql",
}


def rr(**kwargs: Any) -> Rule:
    return Rule("rr_1", "round robin", "round_robin", **kwargs)


def decide_at(
    lead: dict[str, Any],
    rules: list[Rule],
    owners: list[Owner],
    turns: dict[str, int] | None = None,
    **kwargs: Any,
) -> Decision:
    """`decide`, then the picking rule's turn as the service takes it: the next of its count in
    `turns` (which moves on)."""
    decision = decide(lead, rules, owners, NOW, **kwargs)
    if decision.awaits_turn:
        counts = {} if turns is None else turns
        rule_id = decision.rule_id or ""
        decision.at_turn(counts.get(rule_id, 0))
        counts[rule_id] = counts.get(rule_id, 0) + 1
    return decision


def route_many(rule: Rule, owners: list[Owner], count: int) -> Counter[str]:
    """Route `count` leads in turn, counting turns (and open leads) as the service does."""
    turns: dict[str, int] = {}
    loads = {owner.id: owner.open_leads for owner in owners}
    picks: Counter[str] = Counter()
    for _ in range(count):
        current = [Owner(**{**_fields(o), "open_leads": loads[o.id]}) for o in owners]
        decision = decide_at(LEAD, [rule], current, turns)
        if decision.owner_id is None:
            break
        loads[decision.owner_id] += 1
        picks[decision.owner_id] += 1
    return picks


def _fields(owner: Owner) -> dict[str, Any]:
    return {name: getattr(owner, name) for name in Owner.__slots__}


def test_round_robin_takes_turns_in_id_order() -> None:
    owners = [Owner("ow_b"), Owner("ow_a"), Owner("ow_c")]
    turns: dict[str, int] = {}
    decisions = [decide_at(LEAD, [rr()], owners, turns) for _ in range(7)]
    assert [d.owner_id for d in decisions] == ["ow_a", "ow_b", "ow_c", "ow_a", "ow_b", "ow_c", "ow_a"]
    assert [d.turn for d in decisions] == list(range(7))
    assert decisions[4].explanation()["turn"] == 4  # which turn it was, for the audit


def test_a_rotating_pick_waits_for_its_turn() -> None:
    decision = decide(LEAD, [rr()], [Owner("ow_a"), Owner("ow_b")], NOW)
    assert decision.awaits_turn
    assert decision.owner_id is None
    assert decision.rotation == ("ow_a", "ow_b")
    decision.at_turn(41)  # any process's 42nd pick of the rule: the same owner
    assert decision.owner_id == "ow_b"
    assert not decision.awaits_turn


def test_round_robin_shares_stay_even_when_an_owner_leaves_and_returns() -> None:
    """Turns count picks, not owners: while one of five is away the other four share evenly,
    and once back the five do again."""
    team = [Owner(f"ow_{i}") for i in range(5)]
    away = [Owner("ow_0", active=False), *team[1:]]
    turns: dict[str, int] = {}
    first = Counter(decide_at(LEAD, [rr()], team, turns).owner_id for _ in range(100))
    during = Counter(decide_at(LEAD, [rr()], away, turns).owner_id for _ in range(100))
    after = Counter(decide_at(LEAD, [rr()], team, turns).owner_id for _ in range(100))
    assert first == after == {f"ow_{i}": 20 for i in range(5)}
    assert during == {f"ow_{i}": 25 for i in range(1, 5)}


def test_round_robin_is_exactly_fair() -> None:
    owners = [Owner(f"ow_{i}") for i in range(5)]
    assert route_many(rr(), owners, 400) == {f"ow_{i}": 80 for i in range(5)}


def test_round_robin_skips_ineligible_owners_with_reasons() -> None:
    owners = [
        Owner("ow_a", active=False),
        Owner("ow_b", away_from=NOW - timedelta(days=1), away_until=NOW + timedelta(days=1)),
        Owner("ow_c", capacity=2, open_leads=2),
        Owner("ow_d"),
        Owner("ow_e", tags=frozenset({"emea"})),
    ]
    decision = decide_at(LEAD, [rr(pool_ids=frozenset({"ow_a", "ow_b", "ow_c", "ow_d"}))], owners)
    assert decision.owner_id == "ow_d"
    assert decision.candidates == ["ow_d"]
    assert decision.skipped == [
        {"owner_id": "ow_a", "reason": "inactive"},
        {"owner_id": "ow_b", "reason": "out_of_office"},
        {"owner_id": "ow_c", "reason": "at_capacity"},
    ]
    # Owners outside the pool are a count, not an entry each.
    assert decision.not_in_pool == 1
    assert decision.explanation()["not_in_pool"] == 1


def test_out_of_office_is_a_window() -> None:
    back = Owner("ow_a", away_from=NOW - timedelta(days=2), away_until=NOW)
    later = Owner("ow_b", away_from=NOW + timedelta(hours=1))
    open_ended = Owner("ow_c", away_from=NOW - timedelta(hours=1))
    assert back.unavailable(NOW) is None
    assert later.unavailable(NOW) is None
    assert open_ended.unavailable(NOW) == "out_of_office"


def test_pool_by_tags() -> None:
    owners = [Owner("ow_a", tags=frozenset({"apac"})), Owner("ow_b", tags=frozenset({"emea", "fr"}))]
    decision = decide_at(LEAD, [rr(pool_tags=frozenset({"emea"}))], owners)
    assert decision.owner_id == "ow_b"


def test_weighted_shares_follow_the_weights_exactly() -> None:
    owners = [Owner("ow_a", weight=3), Owner("ow_b", weight=1)]
    rule = Rule("rr_w", "weighted", "weighted")
    assert route_many(rule, owners, 400) == {"ow_a": 300, "ow_b": 100}
    # Smooth: the light owner's turn falls mid-period, not after a run of the heavy one.
    turns: dict[str, int] = {}
    sequence = [decide_at(LEAD, [rule], owners, turns).owner_id for _ in range(8)]
    assert sequence == ["ow_a", "ow_a", "ow_b", "ow_a"] * 2
    # The weights at the pick are kept with it: shares expected later come from them.
    assert decide_at(LEAD, [rule], owners).explanation()["weights"] == {"ow_a": 3, "ow_b": 1}
    assert "weights" not in decide_at(LEAD, [rr()], owners).explanation()


@given(st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=6), st.integers(1, 5))
def test_weighted_rotation_is_exact_over_whole_cycles(weights: list[int], cycles: int) -> None:
    owners = [Owner(f"ow_{i}", weight=w) for i, w in enumerate(weights)]
    picks = route_many(Rule("rr_w", "weighted", "weighted"), owners, cycles * sum(weights))
    assert picks == {f"ow_{i}": cycles * w for i, w in enumerate(weights)}


def test_least_loaded_compares_load_to_capacity() -> None:
    owners = [
        Owner("ow_a", capacity=10, open_leads=5),  # 50%
        Owner("ow_b", capacity=40, open_leads=12),  # 30%
        Owner("ow_c", open_leads=15),  # no cap: counts against the largest cap (40): 37.5%
    ]
    decision = decide_at(LEAD, [Rule("r", "least", "least_loaded")], owners)
    assert decision.owner_id == "ow_b"
    assert decision.rotation == ()
    assert decision.turn is None


def test_capacity_is_never_exceeded_and_the_next_rule_takes_the_rest() -> None:
    capped = [Owner("ow_a", capacity=10), Owner("ow_b", capacity=10)]
    overflow = Owner("ow_z", tags=frozenset({"overflow"}))
    rules = [
        rr(pool_ids=frozenset({"ow_a", "ow_b"})),
        Rule("rr_2", "overflow", "round_robin", pool_tags=frozenset({"overflow"})),
    ]
    loads = {"ow_a": 0, "ow_b": 0, "ow_z": 0}
    turns: dict[str, int] = {}
    for _ in range(30):
        owners = [Owner(**{**_fields(o), "open_leads": loads[o.id]}) for o in [*capped, overflow]]
        decision = decide_at(LEAD, rules, owners, turns)
        assert decision.owner_id is not None
        loads[decision.owner_id] += 1
    assert loads == {"ow_a": 10, "ow_b": 10, "ow_z": 10}
    # The full rule keeps why its owners were passed over, not only that it found nobody.
    assert decision.rules_tried == [
        {
            "rule_id": "rr_1",
            "outcome": "no_eligible_owner",
            "skipped": [
                {"owner_id": "ow_a", "reason": "at_capacity"},
                {"owner_id": "ow_b", "reason": "at_capacity"},
            ],
            "not_in_pool": 1,
        },
        {"rule_id": "rr_2", "outcome": "assigned"},
    ]
    assert decision.skipped == []
    assert decision.not_in_pool == 2


def test_territory_matches_every_non_empty_field() -> None:
    paris = Territory.from_document({"countries": ["fr"], "postal_prefixes": ["75"]})
    saas_mid = Territory.from_document({"industries": ["saas"], "company_size": {"min": 50, "max": 500}})
    germany = Territory.from_document({"countries": ["DE"]})
    assert paris.matches(LEAD)
    assert saas_mid.matches(LEAD)
    assert not germany.matches(LEAD)
    assert Territory().matches(LEAD)  # all empty: anything
    assert not paris.matches({**LEAD, "postal_code": None})
    assert not saas_mid.matches({**LEAD, "company_size": None})
    assert Territory.from_document({"regions": ["île-de-france"]}).matches(LEAD)


def test_territory_then_tie_breaker() -> None:
    owners = [
        Owner("ow_a", territories=(Territory.from_document({"countries": ["DE"]}),)),
        Owner(
            "ow_b", territories=(Territory.from_document({"countries": ["FR"]}),), open_leads=3, capacity=10
        ),
        Owner(
            "ow_c",
            territories=(Territory.from_document({"countries": ["FR", "BE"]}),),
            open_leads=1,
            capacity=10,
        ),
    ]
    by_turn = decide_at(LEAD, [Rule("t", "t", "territory")], owners)
    assert by_turn.owner_id == "ow_b"
    assert {"owner_id": "ow_a", "reason": "no_territory_match"} in by_turn.skipped
    by_load = decide_at(LEAD, [Rule("t", "t", "territory", tie_breaker="least_loaded")], owners)
    assert by_load.owner_id == "ow_c"


def test_account_owner_prefers_who_owns_the_most_of_the_domain() -> None:
    owners = [Owner("ow_a"), Owner("ow_b"), Owner("ow_c", active=False)]
    rule = Rule("acct", "accounts", "account_owner")
    decision = decide_at(LEAD, [rule], owners, account_owners={"ow_a": 1, "ow_b": 4, "ow_c": 9})
    assert decision.owner_id == "ow_b"
    assert {"owner_id": "ow_c", "reason": "inactive"} in decision.skipped
    free_mail = decide_at({**LEAD, "is_free_email": True}, [rule], owners, account_owners={"ow_b": 4})
    assert free_mail.owner_id is None
    nobody = decide_at(LEAD, [rule], owners, account_owners={})
    assert nobody.rules_tried == [
        {
            "rule_id": "acct",
            "outcome": "no_eligible_owner",
            "skipped": [
                {"owner_id": "ow_c", "reason": "inactive"},
                {"owner_id": "ow_a", "reason": "no_account_match"},
                {"owner_id": "ow_b", "reason": "no_account_match"},
            ],
            "not_in_pool": 0,
        }
    ]


def test_fixed_owner_and_exclusion() -> None:
    owners = [Owner("ow_a"), Owner("ow_b")]
    rule = Rule("fix", "fixed", "owner", owner_id="ow_b")
    assert decide_at(LEAD, [rule], owners).owner_id == "ow_b"
    excluded = decide_at(LEAD, [rule], owners, exclude=frozenset({"ow_b"}))
    assert excluded.owner_id is None
    elsewhere = decide_at(LEAD, [rr()], owners, exclude=frozenset({"ow_b"}))
    assert elsewhere.owner_id == "ow_a"
    assert {"owner_id": "ow_b", "reason": "excluded"} in elsewhere.skipped


def test_conditions_pick_the_rule_and_nothing_matching_leaves_it_unassigned() -> None:
    hot = Rule(
        "hot",
        "hot leads",
        "owner",
        when=compile_rule_condition({"field": "band", "op": "eq", "value": "sql"}),
        owner_id="ow_a",
    )
    emea = Rule(
        "emea",
        "EMEA",
        "owner",
        when=compile_rule_condition({"field": "country", "op": "in", "value": ["FR", "DE"]}),
        owner_id="ow_b",
    )
    owners = [Owner("ow_a"), Owner("ow_b")]
    assert decide_at({**LEAD, "band": "mql"}, [hot, emea], owners).owner_id == "ow_b"
    none: Decision = decide_at({**LEAD, "band": "mql", "country": "US"}, [hot, emea], owners)
    assert none.owner_id is None
    assert none.rules_tried == [
        {"rule_id": "hot", "outcome": "not_matched"},
        {"rule_id": "emea", "outcome": "not_matched"},
    ]
