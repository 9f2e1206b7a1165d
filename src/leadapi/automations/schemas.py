"""The contract of automations: a trigger, a condition, actions run in order, and limits.

Triggers and actions are discriminated unions, so the OpenAPI document names every shape: a
trigger by its one key (`{"event": ...}`, `{"score_crossed": {...}}`, `{"intent_spike": {...}}`),
an action by its `type`. An invalid automation's problem names the node (`actions[2].stage`,
`trigger.score_crossed.threshold`), not the union's branch.
"""

from __future__ import annotations

import json
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
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from leadapi.api.schemas import RequestModel
from leadapi.events.schemas import TYPE_PATTERN
from leadapi.leads.schemas import ATTRIBUTE_KEY, LeadFields, LeadUpdate
from leadapi.scoring.schemas import ScoreAdjustmentIn
from leadapi.times import UtcDateTime

MAX_ACTIONS = 20
MAX_TEMPLATE = 1000
MAX_TEMPLATE_KEYS = 20
MAX_EVENT_DATA_BYTES = 16 * 1024
TRIGGER_KINDS = ("event", "score_crossed", "intent_spike", "inactive_for_days", "segment_entered")
# Lead fields an action may set (`set_fields`): not the dedupe keys (email, external ids), not the
# lists and maps other actions or keys handle (tags: add_tags/remove_tags; attributes: by key).
SETTABLE_FIELDS = frozenset(LeadFields.model_fields) - {"email", "external_ids", "tags", "attributes"}

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Tag_ = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Template = Annotated[str, StringConstraints(max_length=MAX_TEMPLATE)]


def _type_pattern(value: str) -> str:
    if len(value) > 100 or not TYPE_PATTERN.match(value):
        raise ValueError(
            f"{value[:100]!r} is not an event type or pattern (like lead.* or pricing_page_view)"
        )
    return value


TypePattern = Annotated[str, StringConstraints(min_length=1, max_length=100)]


# ---- triggers ------------------------------------------------------------------------------------


class EventTrigger(RequestModel):
    event: TypePattern = Field(
        description="An event type, or a pattern with `*` (`lead.*`, `*`), as webhooks' event filters.",
        examples=["pricing_page_view"],
    )

    @field_validator("event")
    @classmethod
    def _pattern(cls, value: str) -> str:
        return _type_pattern(value)


class ScoreCrossedSpec(RequestModel):
    field: Literal["score", "fit_score", "behavior_score"] = Field(
        "score", description="Which score: the total, or its fit or behaviour part."
    )
    threshold: float = Field(ge=-100_000, le=100_000, examples=[60])
    direction: Literal["up", "down"] = Field(
        "up", description="up: from below the threshold to at or above it; down: the other way."
    )


class ScoreCrossedTrigger(RequestModel):
    score_crossed: ScoreCrossedSpec = Field(description="A rescoring (`lead.scored`) crossed a threshold.")


class IntentSpikeSpec(RequestModel):
    """Either `points` (behaviour points gained within the window) or `events` (that many events of
    `types` within the window)."""

    points: float | None = Field(None, gt=0, le=100_000, description="Behaviour points gained.")
    events: int | None = Field(None, ge=1, le=1000, description="Events of `types` counted.")
    types: list[TypePattern] | None = Field(
        None, min_length=1, max_length=20, description="With `events`: the types (or patterns) counted."
    )
    within_hours: int = Field(ge=1, le=24 * 90, description="The window, ending at the triggering event.")

    @field_validator("types")
    @classmethod
    def _patterns(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [_type_pattern(item) for item in value]

    @model_validator(mode="after")
    def _one_kind(self) -> IntentSpikeSpec:
        if (self.points is None) == (self.events is None):
            raise ValueError("give either points (behaviour points gained) or events (with types)")
        if self.events is not None and not self.types:
            raise ValueError("events needs the types it counts")
        if self.points is not None and self.types is not None:
            raise ValueError("types go with events, not with points")
        return self


class IntentSpikeTrigger(RequestModel):
    intent_spike: IntentSpikeSpec = Field(description="A burst of behaviour within a window.")


class InactiveTrigger(RequestModel):
    inactive_for_days: int = Field(
        ge=1,
        le=3650,
        description="A lead's last activity (a behaviour event; its creation if it never had one) is this "
        "many days old: found by a sweep, it fires once per quiet spell (new activity starts another), "
        "through an `automation.inactivity` event on the lead. Leads that turn inactive after the "
        "automation is made (or switched on, or its days changed), not those already quiet then.",
        examples=[30],
    )


class SegmentEnteredTrigger(RequestModel):
    segment_entered: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="A lead entered this segment (`segment.entered`); one of the workspace's segments.",
        examples=["seg_01jd8x7k2m3n4p5q6r7s8t9v0w"],
    )


def _trigger_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((kind for kind in TRIGGER_KINDS if kind in value), None)
    if isinstance(value, BaseModel):
        return next((kind for kind in TRIGGER_KINDS if hasattr(value, kind)), None)
    return None


Trigger = Annotated[
    Annotated[EventTrigger, Tag("event")]
    | Annotated[ScoreCrossedTrigger, Tag("score_crossed")]
    | Annotated[IntentSpikeTrigger, Tag("intent_spike")]
    | Annotated[InactiveTrigger, Tag("inactive_for_days")]
    | Annotated[SegmentEnteredTrigger, Tag("segment_entered")],
    Discriminator(
        _trigger_kind,
        custom_error_type="trigger_kind",
        custom_error_message="a trigger is an object with one of the keys event, score_crossed, "
        "intent_spike, inactive_for_days or segment_entered",
    ),
]


# ---- actions -------------------------------------------------------------------------------------


class AddTags(RequestModel):
    type: Literal["add_tags"]
    tags: list[Tag_] = Field(min_length=1, max_length=50)


class RemoveTags(RequestModel):
    type: Literal["remove_tags"]
    tags: list[Tag_] = Field(min_length=1, max_length=50)


class SetFields(RequestModel):
    type: Literal["set_fields"]
    fields: dict[str, Any] = Field(
        min_length=1,
        max_length=50,
        description="Lead fields (`company`, `industry`...) and attributes (`attributes.plan`) to set; "
        "null clears. Not email, external ids, tags (add_tags/remove_tags) or owner (assign).",
        examples=[{"industry": "Software", "attributes.plan": "pro"}],
    )

    @field_validator("fields")
    @classmethod
    def _settable(cls, value: dict[str, Any]) -> dict[str, Any]:
        errors: list[InitErrorDetails] = []
        for key, item in value.items():
            message = _field_problem(key, item)
            if message is not None:
                errors.append(
                    {"type": "value_error", "loc": (key,), "input": item, "ctx": {"error": message}}
                )
        if errors:
            raise ValidationError.from_exception_data("SetFields", errors)
        return value


def _field_problem(key: str, value: Any) -> str | None:
    """Why `key: value` cannot be set on a lead (None: it can)."""
    if key.startswith("attributes."):
        name = key.removeprefix("attributes.")
        if not ATTRIBUTE_KEY.match(name):
            return f"attribute names match {ATTRIBUTE_KEY.pattern}"
        body: dict[str, Any] = {"attributes": {name: value}}
    elif key in SETTABLE_FIELDS:
        body = {key: value}
    else:
        return "not a field an automation sets (lead fields but email, external_ids, tags; attributes.<name>)"
    try:
        LeadUpdate.model_validate(body)
    except ValidationError as exc:
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return None


class MoveStage(RequestModel):
    type: Literal["move_stage"]
    stage: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")] = Field(
        description="The target stage's key; the pipeline's rules apply (a refused move is recorded)."
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] | None = (
        Field(None, description="A disqualification reason, for a lost stage.")
    )
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class Assign(RequestModel):
    type: Literal["assign"]
    owner_id: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="The owner the lead is given to (by hand: rules and capacity do not apply)."
    )


class Route(RequestModel):
    type: Literal["route"]
    force: bool = Field(False, description="Route an owned lead too (to someone else).")


class Notify(RequestModel):
    type: Literal["notify"]
    message: Template = Field(
        description="Text of the `automation.notified` event; `{{lead.email}}`, `{{lead.score}}`, "
        "`{{event.type}}`, `{{event.data.x}}`, `{{automation.name}}` are filled in.",
        examples=["{{lead.email}} is on the pricing page again (score {{lead.score}})"],
    )
    to: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = Field(
        None, description="Who the subscriber should tell (a channel, an address, `owner`), passed along."
    )
    data: dict[str, Template] = Field(
        default_factory=dict,
        max_length=MAX_TEMPLATE_KEYS,
        description="More values for the subscriber, each a template like `message`.",
    )


class CreateTask(RequestModel):
    type: Literal["create_task"]
    task_type: Literal["call", "email", "follow_up", "custom"] = Field(description="The task's type.")
    due_in_minutes: int = Field(
        ge=0, le=525_600, description="Due this many minutes after the run (at most a year).", examples=[60]
    )
    owner_id: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = Field(
        None, description="Whose task it is; none: the lead's owner (a lead without one: refused)."
    )
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class AdjustScore(ScoreAdjustmentIn):
    """Manual points, as `POST /v1/leads/{id}/score-adjustments` makes them: counted in the behaviour
    part until they expire, shown in the breakdown with the run that made them."""

    type: Literal["adjust_score"]


class Enroll(RequestModel):
    type: Literal["enroll"]
    track_id: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="The nurture track the lead is enrolled in (the one-track rule and reenroll apply: a "
        "refused enrolment is recorded as refused)."
    )


class Unenroll(RequestModel):
    type: Literal["unenroll"]
    track_id: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = Field(
        None, description="The track the lead leaves; none: every track it is in."
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="Kept on the exited enrolment and in `track.exited`.", examples=["replied"]
    )


ACTION_TYPES = (
    "add_tags", "remove_tags", "set_fields", "move_stage", "assign", "route", "notify", "create_task",
    "adjust_score", "enroll", "unenroll",
)  # fmt: skip


def _action_type(value: Any) -> str | None:
    # A callable discriminator: RequestModel's checks on every field (a `before` validator) rule out
    # pydantic's discriminator by field name.
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if isinstance(kind, str) else None


Action = Annotated[
    Annotated[AddTags, Tag("add_tags")]
    | Annotated[RemoveTags, Tag("remove_tags")]
    | Annotated[SetFields, Tag("set_fields")]
    | Annotated[MoveStage, Tag("move_stage")]
    | Annotated[Assign, Tag("assign")]
    | Annotated[Route, Tag("route")]
    | Annotated[Notify, Tag("notify")]
    | Annotated[CreateTask, Tag("create_task")]
    | Annotated[AdjustScore, Tag("adjust_score")]
    | Annotated[Enroll, Tag("enroll")]
    | Annotated[Unenroll, Tag("unenroll")],
    Discriminator(
        _action_type,
        custom_error_type="action_type",
        custom_error_message="an action's type is one of " + ", ".join(ACTION_TYPES),
    ),
]


class Limits(RequestModel):
    once_per_lead: bool = Field(False, description="Fire at most once for a lead, ever.")
    cooldown_minutes: int | None = Field(
        None, ge=1, le=525_600, description="After firing for a lead, not again for it for this long."
    )
    max_runs_per_day: int | None = Field(
        None, ge=1, le=1_000_000, description="Fire at most this many times in any 24 hours (all leads)."
    )


def _without_branches(data: Any, handler: ValidatorFunctionWrapHandler, title: str) -> Any:
    """Validate, and name the nodes of errors as the document has them: without the union's branch
    (`actions[2].stage`, not `actions[2].move_stage.stage`)."""
    try:
        return handler(data)
    except ValidationError as exc:
        errors: list[InitErrorDetails] = []
        for error in exc.errors():
            loc = list(error["loc"])
            if len(loc) >= 3 and loc[0] == "actions" and isinstance(loc[1], int):
                del loc[2]
            elif len(loc) >= 2 and loc[0] == "trigger":
                del loc[1]
            errors.append(_moved(error, loc))
        raise ValidationError.from_exception_data(title, errors) from None


def _moved(error: ErrorDetails, loc: list[str | int]) -> InitErrorDetails:
    """An error again at `loc`, its message as it was (custom error types cannot be made again
    by name)."""
    return {
        "type": PydanticCustomError(error["type"], error["msg"]),
        "loc": tuple(loc),
        "input": error["input"],
    }


class AutomationFields(RequestModel):
    name: Name | None = None
    active: bool | None = Field(None, description="Only active automations run (default true).")
    trigger: Trigger | None = None
    when: dict[str, Any] | None = Field(
        None,
        description="A condition (as in scoring and routing) over the lead (`band`, `stage`, `tags`, "
        "`attributes.x`...) and the triggering event (`event.type`, `event.properties.x`, "
        "`event.data.x`); null: always.",
        examples=[{"all": [{"field": "band", "op": "eq", "value": "mql"}]}],
    )
    actions: list[Action] | None = Field(None, min_length=1, max_length=MAX_ACTIONS)
    limits: Limits | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _nodes(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _without_branches(data, handler, cls.__name__)


class AutomationCreate(AutomationFields):
    name: Name
    trigger: Trigger
    actions: list[Action] = Field(min_length=1, max_length=MAX_ACTIONS)


class AutomationUpdate(AutomationFields):
    """Partial update: absent fields stay; `when: null` removes the condition."""

    not_null: ClassVar[frozenset[str]] = frozenset({"name", "active", "trigger", "actions", "limits"})


class Automation(BaseModel):
    id: str = Field(examples=["aut_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    name: str
    active: bool
    trigger: dict[str, Any]
    when: dict[str, Any] | None
    actions: list[dict[str, Any]]
    limits: dict[str, Any]
    inactive_reason: str | None = Field(
        None, description="Why leadapi switched it off: an action names an owner or a stage that is gone."
    )
    created_at: datetime
    updated_at: datetime


class AutomationList(BaseModel):
    data: list[Automation]
    next_cursor: str | None


class ActionResult(BaseModel):
    index: int
    type: str
    status: Literal["done", "unchanged", "refused", "failed", "would", "would_refuse"]
    detail: str | None = None
    changes: dict[str, Any] | None = None


class AutomationRun(BaseModel):
    id: str = Field(examples=["arun_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    automation_id: str
    event_id: str
    event_seq: int
    event_type: str
    lead_id: str | None
    status: Literal["fired", "skipped"]
    reason: str | None = Field(
        description="Why it was skipped: condition, once_per_lead, cooldown, max_runs_per_day, depth, loop."
    )
    detail: str | None
    actions: list[ActionResult] = Field(description="What each action did, in order.")
    depth: int = Field(description="How many automation runs led to the triggering event.")
    caused_by: str | None = Field(description="The run whose action appended the triggering event.")
    at: datetime


class AutomationRunList(BaseModel):
    data: list[AutomationRun]
    next_cursor: str | None


# ---- preview -------------------------------------------------------------------------------------


class AutomationPreviewEvent(RequestModel):
    type: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        examples=["pricing_page_view"]
    )
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="A behaviour event's properties, or a system event's data (`lead.scored`: old, new, "
        "fit_score, old_fit_score, behavior_score, old_behavior_score).",
    )
    occurred_at: UtcDateTime | None = Field(None, strict=False, description="Default: now.")

    @field_validator("data")
    @classmethod
    def _bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, separators=(",", ":"))) > MAX_EVENT_DATA_BYTES:
            raise ValueError(f"at most {MAX_EVENT_DATA_BYTES} bytes as JSON")
        return value


def _id_or_inline(value: Any) -> str:
    return "id" if isinstance(value, str) else "inline"


class AutomationPreviewIn(RequestModel):
    automation: Annotated[
        Annotated[Annotated[str, StringConstraints(min_length=1, max_length=64)], Tag("id")]
        | Annotated[AutomationCreate, Tag("inline")],
        Discriminator(_id_or_inline),
    ] = Field(description="A stored automation's id, or one written out (not stored).")
    lead_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    lead: LeadFields | None = Field(None, description="A lead written out (not stored), instead of lead_id.")
    event: AutomationPreviewEvent

    @model_validator(mode="wrap")
    @classmethod
    def _nodes(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            value = handler(data)
        except ValidationError as exc:
            errors: list[InitErrorDetails] = []
            for error in exc.errors():
                loc = list(error["loc"])
                if len(loc) >= 2 and loc[0] == "automation" and loc[1] in ("id", "inline"):
                    del loc[1]
                errors.append(_moved(error, loc))
            raise ValidationError.from_exception_data(cls.__name__, errors) from None
        checked: AutomationPreviewIn = value
        if (checked.lead_id is None) == (checked.lead is None):
            raise ValueError("give either lead_id or lead")
        return checked


class AutomationPreview(BaseModel):
    fires: bool = Field(description="Whether the automation would fire for this lead and event now.")
    trigger_matched: bool
    condition_matched: bool | None = Field(description="null: the trigger did not match, so not evaluated.")
    reason: str | None = Field(description="Why it would not fire: trigger, condition, a limit, depth.")
    detail: str | None
    actions: list[ActionResult] = Field(description="What each action would do (`would`, `would_refuse`).")
    matching: int | None = Field(
        None, description="With `matching=true`: how many of the workspace's leads the `when` matches now."
    )
