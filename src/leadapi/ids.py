"""Prefixed, time-ordered identifiers (`ld_01J...`): sortable like the rows they name."""

from __future__ import annotations

from ulid import ULID

PREFIXES = {
    "workspace": "ws",
    "api_key": "key",
    "lead": "ld",
    "event": "ev",
}


def new_id(kind: str) -> str:
    return f"{PREFIXES[kind]}_{str(ULID()).lower()}"


def looks_like(kind: str, value: str) -> bool:
    """Cheap shape check, so an obviously foreign id is a 404 without a query."""
    prefix = PREFIXES[kind] + "_"
    return value.startswith(prefix) and len(value) == len(prefix) + 26
