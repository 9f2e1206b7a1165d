"""The contract of nurture tracks: steps, the exit condition, reenrolment, enrolments, settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from leadapi.api.schemas import RequestModel
from leadapi.sla.schemas import BusinessHours

MAX_STEPS = 50
# A year: longer is not a pace a nurture sequence keeps.
MAX_WAIT_MINUTES = 525_600
Channel = Literal["email", "linkedin", "call", "sms", "custom"]
CHANNELS: tuple[str, ...] = ("email", "linkedin", "call", "sms", "custom")
EnrollmentStatus = Literal["active", "paused", "completed", "exited"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=32)]

CONDITION_DESCRIPTION = (
    "A condition (as in scoring, routing and automations) over the lead: `band`, `stage`, `owner_id`, "
    "`tags`, `unsubscribed`, `attributes.x`, ..."
)


class Step(RequestModel):
    channel: Channel = Field(description="email | linkedin | call | sms | custom.")
    ref: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The sender's template or campaign id, passed along in `track.step_due`.",
        examples=["tmpl_welcome_1"],
    )
    wait_minutes: int = Field(
        0,
        ge=0,
        le=MAX_WAIT_MINUTES,
        description="How long after the previous step (the first step: after enrolment) it is due.",
    )
    business_hours: BusinessHours | None = Field(
        None, description="Count the wait in these hours only (as SLA policies' business hours)."
    )
    skip_when: dict[str, Any] | None = Field(
        None,
        description="When this holds for the lead at due time, the step is skipped. " + CONDITION_DESCRIPTION,
    )


class ReenrollAfter(RequestModel):
    after_days: int = Field(ge=1, le=3650, description="Days after the last enrolment in the track ended.")


def _reenroll_kind(value: Any) -> str:
    return "never" if isinstance(value, str) else "after"


Reenroll = Annotated[
    Annotated[Literal["never"], Tag("never")] | Annotated[ReenrollAfter, Tag("after")],
    Discriminator(_reenroll_kind),
]


class TrackFields(RequestModel):
    name: Name | None = None
    active: bool | None = Field(None, description="Only active tracks take enrolments and send steps.")
    steps: list[Step] | None = Field(None, min_length=1, max_length=MAX_STEPS)
    exit_when: dict[str, Any] | None = Field(
        None,
        description="When this holds for the lead (on enrolment and at each due step), it leaves the "
        "track (`exit_when`). " + CONDITION_DESCRIPTION,
        examples=[{"field": "band", "op": "eq", "value": "sql"}],
    )
    reenroll: Reenroll | None = Field(
        None, description='"never" (the default), or {"after_days": N}: again N days after the last ended.'
    )
    allow_concurrent: bool | None = Field(
        None, description="A lead may be in this track while in others (default false: one track at a time)."
    )

    @model_validator(mode="wrap")
    @classmethod
    def _nodes(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Errors name the document's nodes (`reenroll.after_days`), not the union's branch."""
        try:
            return handler(data)
        except ValidationError as exc:
            errors: list[InitErrorDetails] = []
            for error in exc.errors():
                loc = list(error["loc"])
                if len(loc) >= 2 and loc[0] == "reenroll" and loc[1] in ("never", "after"):
                    del loc[1]
                errors.append(
                    {
                        "type": PydanticCustomError(error["type"], error["msg"]),
                        "loc": tuple(loc),
                        "input": error["input"],
                    }
                )
            raise ValidationError.from_exception_data(cls.__name__, errors) from None


class TrackCreate(TrackFields):
    name: Name
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)


class TrackUpdate(TrackFields):
    """Partial update: absent fields stay; `exit_when: null` removes the condition."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "active", "steps", "reenroll", "allow_concurrent"}
    )


class Track(BaseModel):
    id: str = Field(examples=["trk_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    name: str
    active: bool
    steps: list[dict[str, Any]]
    exit_when: dict[str, Any] | None
    reenroll: str | dict[str, int] = Field(description='"never" or {"after_days": N}.')
    allow_concurrent: bool
    created_at: datetime
    updated_at: datetime


class TrackList(BaseModel):
    data: list[Track]
    next_cursor: str | None


class EnrollmentCreate(RequestModel):
    track_id: Id


class EnrollmentAction(RequestModel):
    reason: Reason | None = Field(None, description="Why (kept on an exit, and in the event).")


class Enrollment(BaseModel):
    id: str = Field(examples=["enr_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    track_id: str
    lead_id: str
    status: EnrollmentStatus = Field(description="active | paused | completed | exited.")
    step: int = Field(description="The index of the next step (the number of steps: none left).")
    next_due_at: datetime | None = Field(description="When the next step is due (active enrolments).")
    reason: str | None = Field(description="Why it exited: exit_when, sales, manual, or the reason given.")
    caused_by: str | None = Field(description="What enrolled the lead, when not an API call.")
    enrolled_at: datetime
    ended_at: datetime | None
    updated_at: datetime


class EnrollmentList(BaseModel):
    data: list[Enrollment]
    next_cursor: str | None


class NurtureSettings(BaseModel):
    weekly_touch_cap: int = Field(
        description="Touches (`track.step_due`) per lead in any 7 days, across all tracks."
    )


class NurtureSettingsUpdate(RequestModel):
    weekly_touch_cap: int = Field(ge=1, le=1000)
