"""Outbound webhooks' rules: which events a subscription takes, what is sent, when to try again,
which addresses are off limits. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

# After the first attempt fails: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (then failed).
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
JITTER = 0.2  # each wait is drawn within +-20% of its nominal value, so retries do not stampede


def takes(patterns: Iterable[str], event_type: str) -> bool:
    """Whether a subscription to `patterns` (types, or globs like `lead.*`) takes this type."""
    return any(fnmatchcase(event_type, pattern) for pattern in patterns)


def payload(event: Mapping[str, Any]) -> dict[str, Any]:
    """The Standard Webhooks body: `{type, timestamp, data}`, data being the event as the change
    feed shows it."""
    occurred_at: datetime = event["occurred_at"]
    return {
        "type": event["type"],
        "timestamp": occurred_at.isoformat(),
        "data": {
            "id": event["id"],
            "seq": event["seq"],
            "type": event["type"],
            "lead_id": event["lead_id"],
            "occurred_at": occurred_at.isoformat(),
            "actor": event["actor"],
            "source": event["source"],
            "external_id": event["external_id"],
            "data": event["data"],
            "caused_by": event.get("caused_by"),
        },
    }


def next_attempt(attempts: int, now: datetime, draw: Callable[[], float]) -> datetime | None:
    """When to try again after `attempts` failed attempts (None: give up); `draw` gives [0, 1)."""
    if attempts > len(RETRY_SCHEDULE):
        return None
    nominal = RETRY_SCHEDULE[attempts - 1]
    return now + nominal * (1 - JITTER + 2 * JITTER * draw())


def disable_reason(
    failure_streak: int, failing_since: datetime | None, now: datetime, after_failures: int, after: timedelta
) -> str | None:
    """Why a subscription whose attempts keep failing is to be disabled now (None: not yet). Both
    bounds must be passed: many failures in a short outage, or one failure long ago (a quiet
    subscription), are not enough alone."""
    if failing_since is None or failure_streak < after_failures or now - failing_since < after:
        return None
    since = failing_since.isoformat()
    return f"Every delivery failed since {since} ({failure_streak} attempts without a success)."
