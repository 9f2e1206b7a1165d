"""The backtest's statistics and the suggested model (scoring/backtest.py), on plain data."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import numpy as np
import pytest

from leadapi.scoring.backtest import (
    NotEnoughOutcomesError,
    Tally,
    rate_interval,
    roc_auc,
    suggest,
    top_decile_lift,
)
from leadapi.scoring.engine import EventFact, compile_model
from leadapi.simulation.population import generate

NOW = datetime(2026, 1, 1, tzinfo=UTC)
MODEL = {
    "name": "m",
    "bands": [{"name": "hot", "min": 50}, {"name": "cold", "min": None}],
    "rules": [
        {"id": "big", "kind": "fit", "points": 40,
         "when": {"field": "company_size", "op": "gte", "value": 100}},
        {"id": "opens", "kind": "behavior", "points": 10, "event": {"type": "email_open"}, "per_event": True,
         "max_points": 30},
        {"id": "student", "kind": "fit", "points": -20,
         "when": {"field": "seniority", "op": "eq", "value": "student_intern"}},
    ],
}  # fmt: skip


def test_auc_counts_ties_as_half() -> None:
    scores = np.array([10.0, 10.0, 20.0, 30.0])
    outcomes = np.array([False, True, False, True])
    # Pairs (converted, not): (10 vs 10) half, (10 vs 20) 0, (30 vs 10) 1, (30 vs 20) 1.
    assert roc_auc(scores, outcomes) == pytest.approx(2.5 / 4)
    assert roc_auc(scores, np.array([True] * 4)) is None


def test_top_decile_shares_the_places_left_among_ties() -> None:
    scores = np.array([90.0] + [50.0] * 4 + [10.0] * 15)  # 20 leads: the top 2 places
    outcomes = np.array([True, True, False, False, False] + [False] * 14 + [True])
    # The 90 converted; one of the four tied at 50 did: the second place is worth a quarter.
    expected = ((1 + 0.25) / 2) / (3 / 20)
    assert top_decile_lift(scores, outcomes) == pytest.approx(expected)
    assert top_decile_lift(scores, np.zeros(20, dtype=bool)) is None


def test_wilson_interval() -> None:
    low, high = rate_interval(0, 10) or (None, None)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(0.2775, abs=1e-4)
    assert rate_interval(0, 0) is None


def test_a_per_event_rule_counts_its_strength() -> None:
    model = compile_model(MODEL)
    tally = Tally(model)
    opens = [EventFact(f"e{i}", "email_open", NOW) for i in range(5)]
    tally.add(model.score({"company_size": 500}, opens, NOW), True)  # opens capped at 30: strength 3
    tally.add(model.score({"company_size": 5, "seniority": "student_intern"}, [], NOW), False)
    assert tally.rule_ids == ("big", "student", "opens")
    assert tally.strengths.tolist() == [[1.0, 0.0, 3.0], [0.0, 1.0, 0.0]]
    summary = tally.summary()
    assert [(b["band"], b["leads"], b["conversions"]) for b in summary["bands"]] == [
        ("hot", 1, 1),
        ("cold", 1, 0),
    ]


def test_suggest_rescales_to_the_range_and_keeps_the_rest() -> None:
    rng = random.Random(3)
    strengths = np.array(
        [[rng.random() < 0.5, rng.random() < 0.3, rng.choice([0, 1, 2, 3])] for _ in range(2000)], dtype=float
    )
    logit = -1.0 + 1.5 * strengths[:, 0] - 2.0 * strengths[:, 1] + 0.5 * strengths[:, 2]
    outcomes = np.array([rng.random() < 1 / (1 + np.exp(-x)) for x in logit])
    suggestion = suggest(MODEL, ("big", "student", "opens"), strengths, outcomes)
    points = {rule["id"]: rule["points"] for rule in suggestion.document["rules"]}
    assert points["student"] < 0 < points["opens"] < points["big"]
    # The strongest lead (big, 3 opens, not a student) reaches the top of the range.
    assert points["big"] + 3 * points["opens"] == pytest.approx(100, abs=0.2)
    opens = next(rule for rule in suggestion.document["rules"] if rule["id"] == "opens")
    assert opens["max_points"] == pytest.approx(3 * points["opens"], abs=0.2)  # still three opens' worth
    assert suggestion.document["bands"] == MODEL["bands"]
    compile_model(suggestion.document)  # a valid model
    with pytest.raises(NotEnoughOutcomesError):
        suggest(MODEL, ("big", "student", "opens"), strengths[:50], np.zeros(50, dtype=bool))


def test_the_population_is_the_seeds() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    one, again, other = generate(50, 10, start, 1), generate(50, 10, start, 1), generate(50, 10, start, 2)
    assert one == again
    assert one != other
    assert all(start <= lead.created_at < datetime(2025, 1, 11, tzinfo=UTC) for lead in one)
    assert [lead.created_at for lead in one] == sorted(lead.created_at for lead in one)
