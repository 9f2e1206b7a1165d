"""SLA policies: which one covers a lead, and due times with and without business hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadapi.sla.engine import DEFAULT_POLICIES, BusinessHours, compile_policy, covering

PARIS_WEEKDAYS = BusinessHours.from_document(
    {
        "timezone": "Europe/Paris",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:00",
    }
)


def _policies() -> list:  # type: ignore[type-arg]
    return [compile_policy({"id": f"p{i}", **p}) for i, p in enumerate(DEFAULT_POLICIES)]


def test_the_first_matching_policy_covers_the_lead() -> None:
    policies = _policies()
    assert covering(policies, {"band": "sql", "stage": "sql"}).minutes == 5  # type: ignore[union-attr]
    assert covering(policies, {"band": "mql"}).on_breach == "notify"  # type: ignore[union-attr]
    assert covering(policies, {"band": "not_ready"}) is None
    catch_all = compile_policy({**DEFAULT_POLICIES[1], "id": "all", "when": None})
    assert covering([*policies, catch_all], {"band": None}) is catch_all


def test_without_business_hours_the_clock_runs_around_the_clock() -> None:
    policy = compile_policy({"id": "p", **DEFAULT_POLICIES[0]})
    start = datetime(2026, 11, 28, 23, 58, tzinfo=UTC)  # a Saturday night
    assert policy.due(start) == start + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        # Wednesday 10:00 Paris (09:00 UTC, winter): inside the window
        (datetime(2026, 11, 25, 9, 0, tzinfo=UTC), 30, datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        # before opening: the clock starts at 09:00 Paris (08:00 UTC)
        (datetime(2026, 11, 25, 5, 0, tzinfo=UTC), 5, datetime(2026, 11, 25, 8, 5, tzinfo=UTC)),
        # Friday 16:50 Paris + 30 min: 10 min on Friday, 20 on Monday
        (datetime(2026, 11, 27, 15, 50, tzinfo=UTC), 30, datetime(2026, 11, 30, 8, 20, tzinfo=UTC)),
        # Saturday: Monday opening + 240 min = 13:00 Paris
        (datetime(2026, 11, 28, 12, 0, tzinfo=UTC), 240, datetime(2026, 11, 30, 12, 0, tzinfo=UTC)),
        # Two full business days from Monday 09:00 Paris: Tuesday at closing time (17:00), not
        # Wednesday morning
        (datetime(2026, 11, 30, 8, 0, tzinfo=UTC), 16 * 60, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)),
        # across the spring DST change (Sunday 29 March 2026): Monday 09:00 Paris is 07:00 UTC
        (datetime(2026, 3, 27, 15, 30, tzinfo=UTC), 60, datetime(2026, 3, 30, 7, 30, tzinfo=UTC)),
    ],
)
def test_business_hours(start: datetime, minutes: int, due: datetime) -> None:
    assert PARIS_WEEKDAYS.add(start, minutes) == due
