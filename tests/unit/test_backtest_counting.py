"""The counting plan and the scoring from counts, against the engine's scoring from events: random
leads and events (fixed seed), their counts worked out here the way the statement works them out,
the same score, band and points per rule. Pure: no database."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leadapi.scoring.counting import FIXED_COLUMNS, FitJudge, NotCountableError, count_plan
from leadapi.scoring.defaults import DEFAULT_MODEL
from leadapi.scoring.engine import ADJUSTED, EventFact, compile_model
from tests.factories import EVERY_RULE_KIND_MODEL as MODEL

NOW = datetime(2025, 5, 1, tzinfo=UTC)
TYPES = ["page_view", "email_click", "email_open", "form_submit", "demo_request", "webinar_attended"]


def random_event(rng: random.Random, lead: int, k: int) -> EventFact:
    kind = rng.choice(TYPES)
    properties: dict[str, Any] = {}
    if rng.random() < 0.8:
        properties["path"] = rng.choice(["/pricing", "/PRICING/x", "/careers", "/blog", 7, None])
    if kind == "form_submit":
        properties["form"] = rng.choice([{"kind": "contact"}, {"kind": "other"}, "contact", None])
    at = NOW - timedelta(days=rng.uniform(0, 120))
    return EventFact(f"ev_{lead}_{k}", kind, at, properties, rng.choice(["ads", "web", None]))


def _top(event: EventFact, key: str) -> Any:
    return event.properties.get(key)


def counted_row(plan: Any, events: list[EventFact], now: datetime) -> list[Any]:
    """The statement's row for one lead, worked out in Python."""
    width = FIXED_COLUMNS + sum(
        1 + (last is not None) + (times is not None) for _, last, times in plan.places
    )
    row: list[Any] = [None] * width
    behaviour = [e for e in events if e.type != ADJUSTED and e.occurred_at <= now]
    row[1] = max((e.occurred_at for e in behaviour), default=None)
    for wanted, (count_at, last_at, times_at) in zip(plan.inputs, plan.places, strict=True):
        matching = [e for e in behaviour if e.type == wanted.event_type]
        if wanted.bit is not None:
            judged = plan.judged[wanted.event_type]
            matching = [
                e
                for e in matching
                if judged.bits(e.source, [_top(e, k) for k in judged.keys]) >> wanted.bit & 1
            ]
        if wanted.window is not None:
            matching = [e for e in matching if e.occurred_at >= now - plan.windows[wanted.window]]
        row[count_at] = len(matching)
        if last_at is not None:
            row[last_at] = max((e.occurred_at for e in matching), default=None)
        if times_at is not None:
            row[times_at] = sorted(e.occurred_at for e in matching) or None
    return row


@pytest.mark.parametrize("document", [DEFAULT_MODEL, MODEL], ids=["default", "every kind of rule"])
def test_counts_score_as_the_events_do(document: dict[str, Any]) -> None:
    rng = random.Random(23)
    model = compile_model(document)
    plan = count_plan([model])
    judge = FitJudge(model, frozenset({"attributes"}))
    for lead_number in range(300):
        created = NOW - timedelta(days=rng.uniform(0, 200))
        lead = {
            "id": f"ld_{lead_number}",
            "created_at": created,
            "company_size": rng.choice([10, 60, 250, 9000, None]),
            "seniority": rng.choice(["vp", "manager", "student_intern", None]),
            "industry": rng.choice(["software", "retail", None]),
            "country": rng.choice(["US", "DE", "BR", None]),
            "is_free_email": rng.random() < 0.3,
            "attributes": {"tech_stack": rng.choice([["python"], ["go"], []])} if rng.random() < 0.7 else {},
        }
        as_read = {**lead, "attributes": json.dumps(lead["attributes"])}  # JSON as text, as the page reads it
        events = [random_event(rng, lead_number, k) for k in range(rng.randrange(0, 25))]
        expected = model.score(lead, events, NOW)
        row = counted_row(plan, events, NOW)
        fired = judge.fired(as_read)
        score, band, hits = model.score_counted(as_read, NOW, fired, row, plan.columns[0], row[1], [])
        assert (score, band) == (expected.score, expected.band), lead_number
        assert hits == [(hit.rule_id, hit.points) for hit in expected.hits], lead_number


def test_the_plan_of_the_default_model() -> None:
    plan = count_plan([compile_model(DEFAULT_MODEL)])
    assert plan.windows == [timedelta(days=90)]
    assert {t: j.keys for t, j in plan.judged.items()} == {
        "page_view": ("path",),
        "form_submit": ("form", "path"),
    }
    assert set(plan.lead_columns) >= {"id", "created_at", "seniority", "country", "attributes"}
    # Two models share the counts of their rules without conditions; those with a condition (3)
    # each get a bit of their own.
    twice = count_plan([compile_model(DEFAULT_MODEL), compile_model(DEFAULT_MODEL)])
    assert len(twice.inputs) == len(plan.inputs) + 3


def test_what_cannot_be_counted() -> None:
    many = {
        "name": "m",
        "bands": [{"name": "all", "min": None}],
        "rules": [
            {
                "id": f"r{i}",
                "kind": "behavior",
                "points": 1,
                "event": {
                    "type": "page_view",
                    "where": {"field": "properties.path", "op": "eq", "value": f"/{i}"},
                },
            }
            for i in range(63)
        ],
    }
    with pytest.raises(NotCountableError):
        count_plan([compile_model(many)])
    plan = count_plan([compile_model(DEFAULT_MODEL)], limit=1)
    with pytest.raises(NotCountableError):
        plan.judge([json.dumps(["page_view", json.dumps([None, p])]) for p in ("/a", "/b")])
