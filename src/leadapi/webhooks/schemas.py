"""The contract of outbound webhooks: subscriptions and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from leadapi.api.schemas import RequestModel
from leadapi.events.schemas import TYPE_PATTERN
from leadapi.outbound.rules import url_problem

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


def _patterns(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    for item in value:
        if len(item) > 100 or not TYPE_PATTERN.match(item):
            raise ValueError(f"{item!r} is not an event type or pattern (like lead.*)")
    return list(dict.fromkeys(value))


class SubscriptionFields(RequestModel):
    url: Url | None = Field(None, description="Where to POST: http(s), not a private address.")
    events: list[str] | None = Field(
        None, min_length=1, max_length=50, description="Event types or patterns: `lead.*`, `sla.breached`."
    )
    active: bool | None = Field(None, description="Setting true again re-enables a disabled subscription.")
    description: Description | None = None

    _check_events = field_validator("events")(_patterns)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None:
            problem = url_problem(value)
            if problem is not None:
                raise ValueError(f"webhooks need {problem}")
        return value


class SubscriptionCreate(SubscriptionFields):
    url: Url = Field(description="Where to POST: http(s), not a private address.")
    events: list[str] = Field(min_length=1, max_length=50, description="Event types or patterns: `lead.*`.")


class SubscriptionUpdate(SubscriptionFields):
    """Partial update; absent fields stay."""

    # Null for the others: `description` clears.
    not_null: ClassVar[frozenset[str]] = frozenset({"url", "events", "active"})


class Subscription(BaseModel):
    id: str
    url: str
    events: list[str]
    active: bool
    description: str | None
    disabled_reason: str | None = Field(description="Why it was disabled (410 Gone, or days of failures).")
    disabled_at: datetime | None = Field(description="When it was disabled (None: it was not).")
    failing_since: datetime | None = Field(
        description="Since when every attempt has failed (None: the last succeeded)."
    )
    failure_streak: int = Field(description="Attempts failed in a row since the last success.")
    created_at: datetime
    updated_at: datetime


class SubscriptionWithSecret(Subscription):
    secret: str = Field(description="whsec_...: shown now only; verify `webhook-signature` with it.")


class SubscriptionList(BaseModel):
    data: list[Subscription]
    next_cursor: str | None


class Delivery(BaseModel):
    id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    subscription_id: str
    event_id: str | None
    event_seq: int | None
    event_type: str
    lead_id: str | None
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_latency_ms: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class DeliveryList(BaseModel):
    data: list[Delivery]
    next_cursor: str | None
