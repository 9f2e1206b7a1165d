"""The contract of behaviour events: what clients post about a lead's activity."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from leadapi.api.schemas import RequestModel
from leadapi.times import UtcDateTime

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
# Types the service itself appends; a client posting one could forge history.
RESERVED_PREFIXES = (
    "lead", "sla", "webhook", "owner", "routing", "scoring", "stage", "system", "job", "automation", "task",
    "track",
)  # fmt: skip
STANDARD_TYPES = (
    "page_view", "form_submit", "email_open", "email_click", "content_download", "webinar_attended",
    "demo_request", "unsubscribe", "call", "email_sent", "meeting",
)  # fmt: skip
# An inbound confirmation of a double opt-in: `properties.token` is the token `consent.requested`
# carried; recorded, the event keeps which consent it granted instead of the token.
CONSENT_CONFIRM = "consent.confirm"
MAX_TOKEN = 200
MAX_PROPERTIES = 50
MAX_PROPERTIES_BYTES = 16 * 1024
MAX_BATCH = 1000
SYSTEM_KEY = r"^[a-z][a-z0-9_.-]{0,49}$"


class EventIn(RequestModel):
    type: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="A standard type (" + ", ".join(STANDARD_TYPES) + ") or any snake_case or dotted custom "
        "type; system types (lead.*, sla.* ...) are reserved.",
        examples=["page_view"],
    )
    occurred_at: UtcDateTime | None = Field(
        None,
        strict=False,  # JSON carries a date-time as text (RequestModel)
        description="When it happened (default: now); may be in the past. Without an offset, UTC.",
    )
    properties: dict[str, Any] = Field(
        default_factory=dict,
        description=f"Event details, e.g. `url`/`path` for page_view; at most {MAX_PROPERTIES} keys, "
        f"{MAX_PROPERTIES_BYTES // 1024} KiB.",
    )
    source: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    external_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None
    ) = Field(
        None, description="The event's id in the sending system: a replay is acknowledged, not counted."
    )

    @field_validator("type")
    @classmethod
    def _check_type(cls, value: str) -> str:
        if not EVENT_TYPE.match(value):
            raise ValueError("event types are snake_case words, optionally dotted (e.g. trial.started)")
        if value.split(".", 1)[0] in RESERVED_PREFIXES:
            raise ValueError(f"{value!r} is a reserved system type")
        return value

    @field_validator("properties")
    @classmethod
    def _bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_PROPERTIES:
            raise ValueError(f"at most {MAX_PROPERTIES} properties")
        if len(json.dumps(value, separators=(",", ":"))) > MAX_PROPERTIES_BYTES:
            raise ValueError(f"properties are at most {MAX_PROPERTIES_BYTES} bytes as JSON")
        return value

    @model_validator(mode="after")
    def _confirmation_has_token(self) -> EventIn:
        if self.type == CONSENT_CONFIRM:
            token = self.properties.get("token")
            if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
                raise PydanticCustomError(
                    "consent_token",
                    "`consent.confirm` needs properties.token: the token of `consent.requested`",
                )
        return self


class LeadExternalRef(RequestModel):
    system: Annotated[str, StringConstraints(pattern=SYSTEM_KEY)]
    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TrackedEventIn(EventIn):
    """An event that names its lead: by `lead_id`, `email` or `lead_external_id` (exactly one)."""

    lead_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None
    lead_external_id: LeadExternalRef | None = Field(
        None, description='e.g. `{"system": "hubspot", "id": "123"}`'
    )
    create_lead: bool = Field(False, description="With `email`: an unknown email creates the lead.")


TYPE_PATTERN = re.compile(r"^[a-z*][a-z0-9_*]*(\.[a-z*][a-z0-9_*]*)*$")


def type_patterns(raw: str | None) -> list[str] | None:
    """`lead.*,sla.breached` -> the patterns (`*` matches within and across dots); None for all."""
    if raw is None or not raw.strip():
        return None
    patterns = [p.strip() for p in raw.split(",") if p.strip()]
    if len(patterns) > 20:
        raise ValueError("at most 20 type patterns")
    for pattern in patterns:
        if len(pattern) > 100 or not TYPE_PATTERN.match(pattern):
            raise ValueError(f"{pattern!r} is not an event type or pattern (like lead.*)")
    return patterns


class FeedEvent(BaseModel):
    seq: int = Field(description="The workspace's sequence number: increasing, never reused.")
    id: str
    type: str
    lead_id: str | None
    occurred_at: datetime
    actor: str | None
    source: str | None
    external_id: str | None
    data: dict[str, Any]
    caused_by: str | None = Field(
        None, description="The automation run whose action appended this event (null: none did)."
    )


class FeedPage(BaseModel):
    data: list[FeedEvent]
    next: int = Field(description="Pass as `after` to read on (the last sequence number returned).")


class Event(BaseModel):
    id: str
    lead_id: str
    type: str
    occurred_at: datetime
    properties: dict[str, Any]
    source: str | None
    external_id: str | None
    replayed: bool = Field(description="True when `external_id` was already recorded: nothing was added.")


class EventBatchIn(RequestModel):
    # Validated item by item in the service, so one bad item is reported alone.
    nul_checked_later = frozenset({"events"})

    events: Annotated[
        list[Any],
        Field(min_length=1, max_length=MAX_BATCH),
        WithJsonSchema(
            {
                "type": "array",
                "items": {"$ref": "#/components/schemas/TrackedEventIn"},
                "minItems": 1,
                "maxItems": MAX_BATCH,
            }
        ),
    ]


class EventBatchItem(BaseModel):
    index: int
    status: Literal["created", "replayed", "error"]
    event_id: str | None = None
    lead_id: str | None = None
    errors: list[dict[str, str]] | None = None


class EventBatchOut(BaseModel):
    created: int
    replayed: int
    failed: int
    results: list[EventBatchItem]
