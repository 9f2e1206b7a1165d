"""The scoring engine: each rule kind, decay and caps, bands and clamping, model validation, and
hypothesis properties (range, breakdown sum, order independence, positive events never lower)."""

from __future__ import annotations

import copy
import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadapi.scoring.defaults import DEFAULT_MODEL
from leadapi.scoring.engine import EventFact, ModelError, compile_model

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
MODEL = compile_model(DEFAULT_MODEL)


def lead(**fields: Any) -> dict[str, Any]:
    return {"created_at": NOW - timedelta(days=10), "unsubscribed": False, "is_free_email": False, **fields}


def event(kind: str, days_ago: float = 1, n: int = 0, **properties: Any) -> EventFact:
    return EventFact(f"ev_{kind}_{days_ago}_{n}", kind, NOW - timedelta(days=days_ago), properties)


def fired(result: Any) -> dict[str, float]:
    return {hit.rule_id: round(hit.points, 4) for hit in result.hits}


def test_fit_rules_with_evidence() -> None:
    result = MODEL.score(
        lead(
            seniority="c_level",
            country="FR",
            industry="SaaS",
            company_size=120,
            attributes={"tech_stack": ["Python"]},
        ),
        [],
        NOW,
    )
    assert fired(result) == {
        "executive": 20,
        "target_geography": 15,
        "target_industry": 15,
        "company_size_match": 5,
        "tech_stack": 10,
    }
    assert result.fit_score == 65
    assert result.score == 65
    assert result.band == "mql"
    executive = next(hit for hit in result.hits if hit.rule_id == "executive")
    assert executive.evidence == {"fields": {"seniority": "c_level"}}


def test_negative_rules() -> None:
    result = MODEL.score(
        lead(is_free_email=True, country="BR", seniority="student_intern", unsubscribed=True),
        [event("page_view", path="/careers/engineering")],
        NOW,
    )
    assert fired(result) == {
        "free_email": -10,
        "outside_geography": -10,
        "student_or_intern": -10,
        "unsubscribed": -15,
        "careers_page": -15,
    }
    assert result.unclamped == -60
    assert result.score == 0  # clamped
    assert result.band == "not_ready"


def test_behavior_once_min_count_and_where() -> None:
    opens = [event("email_open", days_ago=d) for d in (1, 2)]
    assert "email_opens_3" not in fired(MODEL.score(lead(), opens, NOW))
    opens.append(event("email_open", days_ago=3))
    hits = fired(MODEL.score(lead(), opens, NOW))
    assert hits["email_opens_3"] == 8
    page = MODEL.score(
        lead(), [event("page_view", path="/Pricing/enterprise"), event("page_view", path="/blog")], NOW
    )
    assert fired(page) == {"pricing_page": 15}
    pricing = next(hit for hit in page.hits if hit.rule_id == "pricing_page")
    assert pricing.evidence["count"] == 1


def test_per_event_decay_window_and_cap() -> None:
    # 10 points per click, halved every 30 days, only the last 90 days, at most 30 in all.
    one_fresh = MODEL.score(lead(), [event("email_click", days_ago=0)], NOW)
    assert fired(one_fresh)["email_clicks"] == 10
    month_old = MODEL.score(lead(), [event("email_click", days_ago=30)], NOW)
    assert fired(month_old)["email_clicks"] == 5
    two = MODEL.score(lead(), [event("email_click", days_ago=0, n=1), event("email_click", days_ago=60)], NOW)
    assert fired(two)["email_clicks"] == 12.5
    too_old = MODEL.score(lead(), [event("email_click", days_ago=91)], NOW)
    assert "email_clicks" not in fired(too_old)
    many = MODEL.score(lead(), [event("email_click", days_ago=0, n=i) for i in range(10)], NOW)
    assert fired(many)["email_clicks"] == 30


def test_future_events_do_not_count() -> None:
    assert fired(MODEL.score(lead(), [event("demo_request", days_ago=-1)], NOW)) == {}


def test_inactivity() -> None:
    old = lead(created_at=NOW - timedelta(days=200))
    assert fired(MODEL.score(old, [], NOW)) == {"inactive_90d": -20}
    assert fired(MODEL.score(old, [event("page_view", days_ago=100)], NOW)) == {"inactive_90d": -20}
    assert "inactive_90d" not in fired(MODEL.score(old, [event("page_view", days_ago=10)], NOW))
    young = lead(created_at=NOW - timedelta(days=30))
    assert "inactive_90d" not in fired(MODEL.score(young, [], NOW))


def test_bands_follow_thresholds() -> None:
    hot = MODEL.score(
        lead(seniority="vp", country="US"), [event("demo_request"), event("webinar_attended")], NOW
    )
    assert hot.score == 100  # 20 + 15 + 50 + 30 = 115, clamped
    assert hot.band == "sql"
    assert MODEL.band_of(75) == "sql"
    assert MODEL.band_of(74) == "mql"
    assert MODEL.band_of(40) == "mql"
    assert MODEL.band_of(39) == "not_ready"


def _with(change: Any) -> dict[str, Any]:
    model = copy.deepcopy(DEFAULT_MODEL)
    change(model)
    return model


@pytest.mark.parametrize(
    ("model", "path"),
    [
        ("x", "model"),
        (_with(lambda m: m.pop("name")), "name"),
        (_with(lambda m: m.update(extra=1)), "model.extra"),
        (_with(lambda m: m.update(score_range={"min": 10, "max": 5})), "score_range"),
        (_with(lambda m: m.update(bands=[{"name": "a", "min": 10}, {"name": "b", "min": 50}])), "bands"),
        (_with(lambda m: m.update(bands=[{"name": "a", "min": 10}])), "bands"),
        (_with(lambda m: m.update(rules=[])), "rules"),
        (_with(lambda m: m["rules"][3].update(kind="magic")), "rules[3].kind"),
        (_with(lambda m: m["rules"][3].update(points="many")), "rules[3].points"),
        (_with(lambda m: m["rules"][5].update(id="webinar")), "rules[5].id"),
        (
            _with(
                lambda m: m["rules"][0]["event"].update(
                    where={"any": [{"field": "x", "op": "eq", "value": 1}]}
                )
            ),
            "rules[0].event.where.any[0].field",
        ),
        (_with(lambda m: m["rules"][8]["when"].update(op="nope")), "rules[8].when.op"),
        (
            _with(lambda m: m["rules"][15]["when"]["all"][1].update(op="between")),
            "rules[15].when.all[1].value",
        ),
        (_with(lambda m: m["rules"][3].update(max_points=5)), "rules[3].max_points"),
        (_with(lambda m: m["rules"][2].update(half_life_days=0)), "rules[2].half_life_days"),
        (_with(lambda m: m["rules"][16].update(days=1.5)), "rules[16].days"),
        (_with(lambda m: m["rules"][4].update(points=math.inf)), "rules[4].points"),
    ],
)
def test_invalid_models_name_the_bad_node(model: Any, path: str) -> None:
    with pytest.raises(ModelError) as error:
        compile_model(model)
    assert error.value.path == path, error.value


# ---- properties -----------------------------------------------------------------------------------

POSITIVE_ONLY = ["webinar_attended", "demo_request", "email_open", "content_download", "email_click"]
ANY_TYPE = [*POSITIVE_ONLY, "page_view", "form_submit", "call"]
leads = st.fixed_dictionaries(
    {
        "seniority": st.sampled_from(["c_level", "vp", "manager", "individual", "student_intern", "unknown"]),
        "country": st.sampled_from(["US", "FR", "BR", "JP", None]),
        "is_free_email": st.booleans(),
        "unsubscribed": st.booleans(),
        "company_size": st.one_of(st.none(), st.integers(0, 20_000)),
        "created_at": st.integers(0, 400).map(lambda d: NOW - timedelta(days=d)),
    }
)


def events_of(types: list[str]) -> st.SearchStrategy[list[EventFact]]:
    return st.lists(
        st.builds(
            lambda kind, days, path, n: EventFact(f"ev{n}", kind, NOW - timedelta(days=days), {"path": path}),
            st.sampled_from(types),
            st.floats(0, 200),
            st.sampled_from(["/pricing", "/careers", "/blog", "/contact"]),
            st.integers(0, 10**9),
        ),
        max_size=25,
        unique_by=lambda e: e.id,
    )


@settings(max_examples=300)
@given(leads, events_of(ANY_TYPE))
def test_score_in_range_and_breakdown_adds_up(lead_fields: dict[str, Any], events: list[EventFact]) -> None:
    result = MODEL.score(lead_fields, events, NOW)
    assert 0 <= result.score <= 100
    assert math.isclose(sum(hit.points for hit in result.hits), result.unclamped, abs_tol=1e-9)
    assert math.isclose(result.fit_score + result.behavior_score, result.unclamped, abs_tol=1e-9)
    assert result.band == MODEL.band_of(result.score)


@settings(max_examples=300)
@given(leads, events_of(ANY_TYPE), st.randoms())
def test_event_order_does_not_matter(
    lead_fields: dict[str, Any], events: list[EventFact], rng: random.Random
) -> None:
    shuffled = events[:]
    rng.shuffle(shuffled)
    assert MODEL.score(lead_fields, events, NOW) == MODEL.score(lead_fields, shuffled, NOW)


@settings(max_examples=300)
@given(leads, events_of(ANY_TYPE), events_of(POSITIVE_ONLY))
def test_positive_only_events_never_lower_the_score(
    lead_fields: dict[str, Any], events: list[EventFact], extra: list[EventFact]
) -> None:
    extra = [EventFact(f"x{e.id}", e.type, e.occurred_at, e.properties) for e in extra]
    before = MODEL.score(lead_fields, events, NOW)
    after = MODEL.score(lead_fields, events + extra, NOW)
    assert after.score >= before.score
