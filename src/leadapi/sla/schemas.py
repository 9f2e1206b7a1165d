"""The contract of first-touch SLAs: policies and breaches."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from leadapi.api.schemas import RequestModel
from leadapi.sla.engine import DAYS

OnBreach = Literal["notify", "reassign"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
PolicyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A month of round-the-clock minutes: longer is not a first-touch promise.
MAX_MINUTES = 60 * 24 * 31


class BusinessHours(RequestModel):
    """The clock runs only inside these hours (local time of `timezone`)."""

    timezone: str = Field(max_length=64, description="An IANA time zone, e.g. Europe/Paris.")
    days: list[Day] = Field(min_length=1, max_length=7, description="Working days, e.g. mon..fri.")
    start: ClockTime = Field(description="Opening time, HH:MM.")
    end: ClockTime = Field(description="Closing time, HH:MM, after `start`.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _zones():
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Paris)")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("days")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return sorted(set(value), key=DAYS.index)

    @model_validator(mode="after")
    def _opens_before_closing(self) -> BusinessHours:
        if time.fromisoformat(self.start) >= time.fromisoformat(self.end):
            raise ValueError("`end` comes after `start` (windows do not span midnight)")
        return self

    def document(self) -> dict[str, Any]:
        return self.model_dump()


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


class PolicyFields(RequestModel):
    name: PolicyName | None = None
    position: int | None = Field(None, ge=0, le=1_000_000, description="Policies are tried lowest first.")
    active: bool | None = None
    when: dict[str, Any] | None = Field(
        None,
        description="A condition on the lead (as in routing rules: `band` and `stage` included); "
        "null: every lead.",
    )
    first_touch_within_minutes: int | None = Field(None, ge=1, le=MAX_MINUTES)
    business_hours: BusinessHours | None = Field(None, description="Null: the clock never pauses.")
    on_breach: OnBreach | None = Field(
        None, description="notify: record the breach; reassign: also route the lead to someone else."
    )


class PolicyCreate(PolicyFields):
    name: PolicyName
    position: int = Field(ge=0, le=1_000_000, description="Policies are tried lowest first.")
    first_touch_within_minutes: int = Field(ge=1, le=MAX_MINUTES)
    on_breach: OnBreach = "notify"


class PolicyUpdate(PolicyFields):
    """Partial update; absent fields stay. Clocks already running keep their due time."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "position", "active", "first_touch_within_minutes", "on_breach"}
    )  # `when` and `business_hours` clear


class Policy(BaseModel):
    id: str
    name: str
    position: int
    active: bool
    when: dict[str, Any] | None
    first_touch_within_minutes: int
    business_hours: dict[str, Any] | None
    on_breach: OnBreach
    created_at: datetime
    updated_at: datetime


class PolicyList(BaseModel):
    data: list[Policy]


class Breach(BaseModel):
    id: str
    assignment_id: str
    lead_id: str
    owner_id: str = Field(description="The owner who did not touch the lead in time.")
    policy_id: str | None
    due_at: datetime
    breached_at: datetime
    closed_at: datetime | None = Field(description="The lead's first touch after the breach; null: open.")
    action: OnBreach
    reassigned_to: str | None = Field(description="Who got the lead instead (reassign policies).")


class BreachList(BaseModel):
    data: list[Breach]
    next_cursor: str | None
