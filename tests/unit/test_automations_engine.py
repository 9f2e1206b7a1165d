"""Automations' pure rules: triggers, crossings and spikes, loop guards, limits, templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leadapi.automations import engine
from leadapi.conditions import ConditionError

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def scored(**data: object) -> dict[str, object]:
    return {"type": "lead.scored", "data": data}


def test_event_triggers_take_types_and_globs() -> None:
    assert engine.may_fire({"event": "lead.*"}, {"type": "lead.assigned"})
    assert engine.may_fire({"event": "*"}, {"type": "pricing_page_view"})
    assert not engine.may_fire({"event": "lead.*"}, {"type": "sla.breached"})
    assert engine.may_fire({"event": "pricing_page_view"}, {"type": "pricing_page_view"})
    assert not engine.may_fire({"event": "pricing_page_view"}, {"type": "pricing_page_views"})


@pytest.mark.parametrize(
    ("spec", "data", "crossed"),
    [
        ({"field": "score", "threshold": 60, "direction": "up"}, {"old": 50, "new": 60}, True),
        ({"field": "score", "threshold": 60, "direction": "up"}, {"old": 60, "new": 70}, False),
        ({"field": "score", "threshold": 60, "direction": "up"}, {"old": None, "new": 75}, True),
        ({"field": "score", "threshold": 60, "direction": "up"}, {"old": 70, "new": 40}, False),
        ({"field": "score", "threshold": 60, "direction": "down"}, {"old": 70, "new": 40}, True),
        ({"field": "score", "threshold": 60, "direction": "down"}, {"old": None, "new": 40}, False),
        (
            {"field": "fit_score", "threshold": 20, "direction": "up"},
            {"old_fit_score": 10, "fit_score": 25},
            True,
        ),
        # Recorded before the parts' old values were: crosses nothing.
        ({"field": "fit_score", "threshold": 20, "direction": "up"}, {"fit_score": 25}, False),
        (
            {"field": "behavior_score", "threshold": 0, "direction": "down"},
            {"old_behavior_score": 5, "behavior_score": -15},
            True,
        ),
    ],
)
def test_score_crossed(spec: dict[str, object], data: dict[str, object], crossed: bool) -> None:
    assert engine.score_crossed(spec, data) is crossed


def test_points_spike_fires_as_the_gain_reaches_the_points() -> None:
    spec = {"points": 25, "within_hours": 48}
    assert engine.may_fire({"intent_spike": spec}, scored(old_behavior_score=10, behavior_score=30))
    assert not engine.may_fire({"intent_spike": spec}, scored(old_behavior_score=30, behavior_score=20))
    assert engine.points_spike(spec, {"old_behavior_score": 20, "behavior_score": 30}, baseline=0)
    assert not engine.points_spike(spec, {"old_behavior_score": 30, "behavior_score": 40}, baseline=0)
    assert not engine.points_spike(spec, {"old_behavior_score": 20, "behavior_score": 30}, baseline=10)
    assert engine.points_spike(spec, {"old_behavior_score": None, "behavior_score": 25}, baseline=0)


def test_events_spike_fires_on_the_nth_event() -> None:
    spec = {"events": 3, "types": ["pricing_*", "demo_request"], "within_hours": 24}
    trigger = {"intent_spike": spec}
    assert engine.may_fire(trigger, {"type": "pricing_page_view"})
    assert engine.may_fire(trigger, {"type": "demo_request"})
    assert not engine.may_fire(trigger, {"type": "page_view"})
    assert [engine.events_spike(spec, earlier) for earlier in range(5)] == [False, False, True, False, False]
    assert engine.window_start(spec, NOW) == NOW - timedelta(hours=24)


def test_loop_guard() -> None:
    cause = engine.Cause("arun_1", "aut_a", "ld_1", 4, NOW - timedelta(minutes=1))
    assert engine.loop_guard("aut_b", "ld_1", None, None, 5, NOW) == (0, None)
    assert engine.loop_guard("aut_b", "ld_1", cause, None, 5, NOW) == (5, None)
    depth, skip = engine.loop_guard("aut_b", "ld_1", cause, None, 4, NOW)
    assert depth == 5
    assert skip is not None
    assert skip.reason == "depth"
    shallow = engine.Cause("arun_1", "aut_a", "ld_1", 0, NOW - timedelta(minutes=1))
    _, skip = engine.loop_guard("aut_a", "ld_1", shallow, 10, 5, NOW)
    assert skip is not None
    assert skip.reason == "loop"
    assert engine.loop_guard("aut_a", "ld_1", shallow, None, 5, NOW) == (1, None)  # no cooldown
    assert engine.loop_guard("aut_a", "ld_2", shallow, 10, 5, NOW) == (1, None)  # another lead
    with_time = engine.loop_guard("aut_a", "ld_1", shallow, 10, 5, NOW + timedelta(minutes=10))
    assert with_time == (1, None)  # the cooldown is over


def test_limits() -> None:
    assert engine.limit_skip({}, NOW, 10**6, NOW) is None
    once = engine.limit_skip({"once_per_lead": True}, NOW - timedelta(days=300), 0, NOW)
    assert once is not None
    assert once.reason == "once_per_lead"
    assert engine.limit_skip({"once_per_lead": True}, None, 0, NOW) is None
    cooling = engine.limit_skip({"cooldown_minutes": 30}, NOW - timedelta(minutes=29), 0, NOW)
    assert cooling is not None
    assert cooling.reason == "cooldown"
    assert engine.limit_skip({"cooldown_minutes": 30}, NOW - timedelta(minutes=30), 0, NOW) is None
    capped = engine.limit_skip({"max_runs_per_day": 2}, None, 2, NOW)
    assert capped is not None
    assert capped.reason == "max_runs_per_day"
    assert engine.limit_skip({"max_runs_per_day": 2}, None, 1, NOW) is None


def test_tags_and_fields() -> None:
    assert engine.tags_added(["a", "b"], ["b", "c"]) == ["a", "b", "c"]
    assert engine.tags_removed(["a", "B", "c"], ["b", "x"]) == ["a", "c"]
    assert engine.field_update({"city": "Oslo", "attributes.plan": "pro", "attributes.seats": None}) == {
        "city": "Oslo",
        "attributes": {"plan": "pro", "seats": None},
    }


def test_templates() -> None:
    context = {"lead": {"email": "ada@acme.com", "score": 81, "created_at": NOW}, "event": {"data": {"n": 2}}}
    assert engine.render("{{lead.email}} ({{ lead.score }})", context) == "ada@acme.com (81)"
    assert engine.render("{{lead.created_at}}", context) == NOW.isoformat()
    assert engine.render("{{event.data.n}} {{event.data.missing}} {{nope.x}}", context) == "2  "
    assert engine.render("{{lead.email.deeper}} {lead.email}", context) == " {lead.email}"
    assert len(engine.render("{{lead.email}}" * 500, context)) == engine.MAX_RENDERED


def test_when_reads_the_lead_and_the_event() -> None:
    when = engine.compile_when(
        {"all": [{"field": "band", "op": "eq", "value": "mql"},
                 {"field": "event.properties.path", "op": "starts_with", "value": "/pricing"},
                 {"field": "event.type", "op": "eq", "value": "page_view"}]}
    )  # fmt: skip
    lead = {"band": "mql"}
    event = {"type": "page_view", "data": {"path": "/pricing/team"}}
    assert when(engine.when_context(lead, event))
    assert not when(engine.when_context({"band": "sql"}, event))
    with pytest.raises(ConditionError) as raised:
        engine.compile_when({"field": "event.secret", "op": "exists"})
    assert raised.value.path == "when.field"


def test_trigger_types_are_what_the_consumer_reads() -> None:
    """Every type a trigger may take is among them (the consumer reads no other), and a `*`
    anywhere means every type."""
    triggers: list[dict[str, Any]] = [
        {"event": "pricing_*"},
        {"score_crossed": {"field": "score", "threshold": 60, "direction": "up"}},
        {"inactive_for_days": 30},
        {"segment_entered": "seg_1"},
        {"intent_spike": {"points": 25, "within_hours": 48}},
        {"intent_spike": {"events": 3, "types": ["demo_request", "webinar_*"], "within_hours": 24}},
    ]
    assert engine.trigger_types(triggers) == sorted(
        {"pricing_*", engine.SCORED, engine.INACTIVITY, engine.SEGMENT_ENTERED, "demo_request", "webinar_*"}
    )
    assert engine.trigger_types([{"event": "ping"}, {"event": "*"}]) is None
    assert engine.trigger_types([]) == []
