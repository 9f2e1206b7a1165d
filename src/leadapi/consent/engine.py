"""Consent and suppression rules as plain data: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CHANNELS = ("email", "sms", "phone", "linkedin")
STATUSES = ("granted", "denied", "pending")


def current_by_channel(history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each channel's latest record (by `at`, then id: the later statement wins), by channel."""
    latest: dict[str, Mapping[str, Any]] = {}
    for record in history:
        held = latest.get(record["channel"])
        if held is None or (record["at"], record["id"]) > (held["at"], held["id"]):
            latest[record["channel"]] = record
    return [dict(latest[channel]) for channel in sorted(latest)]


def suppression_messages(workspace_id: str, email: str | None, phone: str | None) -> list[tuple[str, str]]:
    """(kind, message to hash) for a person's normalised email and phone. The workspace and the
    kind are in the message: the same address erased in two workspaces hashes apart, and an
    email never collides with a phone."""
    found = [("email", email), ("phone", phone)]
    return [(kind, f"{workspace_id}\x00{kind}\x00{value}") for kind, value in found if value]
