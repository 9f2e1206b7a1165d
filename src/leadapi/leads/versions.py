"""The version bump every write of a lead row makes (the ETag a client sends back in If-Match)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def bumped(lead: Mapping[str, Any], changes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """`changes` to `lead` as written: with `updated_at` and the next version."""
    return {**changes, "updated_at": now, "version": lead["version"] + 1}
