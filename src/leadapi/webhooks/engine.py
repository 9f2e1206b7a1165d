"""Outbound webhooks' rules: which events a subscription takes, what is sent, when to try again,
which addresses are off limits. Pure: no I/O."""

from __future__ import annotations

import ipaddress
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
# A subscription whose deliveries have all failed for this long is disabled.
DISABLE_AFTER = timedelta(days=5)


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
        },
    }


def next_attempt(attempts: int, now: datetime, draw: Callable[[], float]) -> datetime | None:
    """When to try again after `attempts` failed attempts (None: give up); `draw` gives [0, 1)."""
    if attempts > len(RETRY_SCHEDULE):
        return None
    nominal = RETRY_SCHEDULE[attempts - 1]
    return now + nominal * (1 - JITTER + 2 * JITTER * draw())


def forbidden_address(address: str) -> str | None:
    """Why a webhook must not reach this IP address (None: it may)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if ip.is_private:
        return "a private address"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "a reserved address"
    return None
