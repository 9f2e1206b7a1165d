"""Micro-benchmarks of the pure engines (no I/O), one core, in this process."""

from __future__ import annotations

import timeit
from datetime import UTC, datetime, timedelta

from leadapi.scoring.defaults import DEFAULT_MODEL
from leadapi.scoring.engine import EventFact, compile_model

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
EVENT_TYPES = [
    "page_view",
    "email_open",
    "email_click",
    "form_submit",
    "content_download",
    "webinar_attended",
]


def scoring_per_second(seconds: float = 2.0) -> float:
    """Default model over a lead with 20 events (issue 3's yardstick: >= 50,000 per second)."""
    model = compile_model(DEFAULT_MODEL)
    lead = {
        "seniority": "vp",
        "country": "US",
        "industry": "saas",
        "company_size": 200,
        "is_free_email": False,
        "unsubscribed": False,
        "attributes": {"tech_stack": ["python"]},
        "created_at": NOW - timedelta(days=30),
    }
    events = [
        EventFact(f"ev{i}", EVENT_TYPES[i % len(EVENT_TYPES)], NOW - timedelta(days=i), {"path": "/pricing"})
        for i in range(20)
    ]
    runs = 1000
    elapsed = timeit.timeit(lambda: model.score(lead, events, NOW), number=runs)
    runs = max(runs, int(runs * seconds / elapsed))
    return runs / timeit.timeit(lambda: model.score(lead, events, NOW), number=runs)


def routing_per_second(seconds: float = 2.0) -> float:
    """Routing decisions for one lead with 200 owners and 50 rules (issue 4's yardstick): 49
    rules whose conditions do not match, then a territory rule over every owner, with a few
    owners away, at capacity or inactive."""
    from leadapi.routing.engine import Owner, Rule, Territory, compile_rule_condition, decide

    regions = ["US", "CA", "GB", "DE", "FR", "NL", "ES", "IT", "SE", "JP"]
    owners = [
        Owner(
            f"ow_{i:03d}",
            active=i % 50 != 0,
            capacity=40,
            open_leads=i % 45,
            tags=frozenset({f"team{i % 10}"}),
            territories=(Territory.from_document({"countries": [regions[i % len(regions)]]}),),
            away_until=NOW + timedelta(days=1) if i % 37 == 0 else None,
        )
        for i in range(200)
    ]
    rules = [
        Rule(
            f"rr_{i}",
            f"rule {i}",
            "round_robin",
            when=compile_rule_condition(
                {
                    "all": [
                        {"field": "industry", "op": "eq", "value": f"industry-{i}"},
                        {"field": "band", "op": "eq", "value": "sql"},
                    ]
                }
            ),
            pool_tags=frozenset({f"team{i % 10}"}),
        )
        for i in range(49)
    ]
    rules.append(Rule("rr_territory", "territories", "territory", tie_breaker="least_loaded"))
    lead = {"country": "FR", "industry": "saas", "band": "sql", "domain": "acme.fr", "is_free_email": False}
    assert decide(lead, rules, owners, NOW).owner_id is not None
    runs = 100
    elapsed = timeit.timeit(lambda: decide(lead, rules, owners, NOW), number=runs)
    runs = max(runs, int(runs * seconds / elapsed))
    return runs / timeit.timeit(lambda: decide(lead, rules, owners, NOW), number=runs)
