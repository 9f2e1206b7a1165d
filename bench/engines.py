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
