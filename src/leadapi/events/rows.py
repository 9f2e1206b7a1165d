"""The stored event row, as a type: what the event repository writes and reads back."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class EventRow(TypedDict):
    """One row of `events` (events/models.py), in its columns' order."""

    id: str
    workspace_id: str
    seq: int | None  # None until the sequencer numbers it, after commit
    type: str
    lead_id: str | None
    occurred_at: datetime
    actor: str | None
    data: dict[str, Any]
    source: str | None
    external_id: str | None
    caused_by: str | None  # the automation run that appended it


# The event's columns, in the table's order (a test holds them to the table).
EVENT_COLUMNS: tuple[str, ...] = tuple(EventRow.__annotations__)
