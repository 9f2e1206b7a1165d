"""The public contract of leads: what clients send and what they get back."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema, field_validator

from leadapi.api.schemas import RequestModel

MAX_TAGS = 50
MAX_ATTRIBUTES = 50
MAX_EXTERNAL_IDS = 20
MAX_BATCH = 1000
ATTRIBUTE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
SYSTEM_KEY = re.compile(r"^[a-z][a-z0-9_.-]{0,49}$")

Str100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Str200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
AttributeValue = (
    Annotated[str, StringConstraints(max_length=1000)]
    | int
    | float
    | bool
    | Annotated[list[Annotated[str, StringConstraints(max_length=200)]], Field(max_length=50)]
)

Seniority = Literal["c_level", "vp", "director", "manager", "individual", "student_intern", "unknown"]


class LeadFields(RequestModel):
    """Writable fields. Every one is optional; unknown fields are refused so typos surface."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = Field(
        None, description="Lower-cased and validated; the first dedupe key.", examples=["ada@acme.com"]
    )
    first_name: Str100 | None = None
    last_name: Str100 | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = Field(
        None,
        description="Stored as E.164, with an extension as `;ext=` (`+1 415 555 2671 ext. 89` -> "
        "`+14155552671;ext=89`); numbers without +country use the default region setting.",
    )
    title: Str200 | None = Field(None, description="Job title; `seniority` is derived from it.")
    company: Str200 | None = None
    website: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048)] | None = Field(
        None, description="A URL or host; stored as its domain (`https://www.acme.com/x` -> `acme.com`)."
    )
    industry: Str100 | None = None
    company_size: int | None = Field(None, ge=0, le=10_000_000, description="Number of employees.")
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="ISO 3166-1 alpha-2, alpha-3 or an English name; stored as alpha-2."
    )
    region: Str100 | None = None
    city: Str100 | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    source: Str100 | None = Field(None, description="Where the lead came from (web, event, import...).")
    utm_source: Str200 | None = None
    utm_medium: Str200 | None = None
    utm_campaign: Str200 | None = None
    utm_term: Str200 | None = None
    utm_content: Str200 | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] | None = None
    external_ids: (
        dict[str, Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]]
        | None
    ) = Field(None, description='Ids of this lead in other systems, e.g. `{"hubspot": "123"}`; a dedupe key.')
    attributes: dict[str, AttributeValue | None] | None = Field(
        None,
        description="Custom values: string, number, bool or list of strings. "
        f"At most {MAX_ATTRIBUTES} keys, names `[A-Za-z][A-Za-z0-9_]*`.",
    )
    consent: bool | None = Field(
        None, description="Marketing consent given (true), refused (false), unknown (null)."
    )
    unsubscribed: bool | None = None

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(tags)) if tags is not None else None

    @field_validator("external_ids")
    @classmethod
    def _check_external_ids(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        if len(value) > MAX_EXTERNAL_IDS:
            raise ValueError(f"at most {MAX_EXTERNAL_IDS} external ids")
        for system in value:
            if not SYSTEM_KEY.match(system):
                raise ValueError(f"system name {system[:60]!r} must match {SYSTEM_KEY.pattern}")
        return value

    @field_validator("attributes")
    @classmethod
    def _check_attributes(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        if len(value) > MAX_ATTRIBUTES:
            raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
        for key in value:
            if not ATTRIBUTE_KEY.match(key):
                raise ValueError(f"attribute name {key[:70]!r} must match {ATTRIBUTE_KEY.pattern}")
        return value


class LeadCreate(LeadFields):
    """A captured lead. Matching an existing lead (email, else external id, else phone) merges into it."""


class LeadUpdate(LeadFields):
    """Partial update. Absent fields stay; `null` clears a field. `attributes` and `external_ids` are
    merged key by key (a `null` value removes the key); `tags` replaces the list."""

    # Null for the others: a lead is subscribed or not.
    not_null: ClassVar[frozenset[str]] = frozenset({"unsubscribed"})

    owner_id: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = Field(
        None,
        description="Assign the lead by hand to this owner (rules and capacity do not apply); "
        "null unassigns.",
    )


class Lead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(examples=["ld_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    title: str | None
    company: str | None
    website: str | None
    industry: str | None
    company_size: int | None
    country: str | None
    region: str | None
    city: str | None
    postal_code: str | None
    source: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    utm_term: str | None
    utm_content: str | None
    tags: list[str]
    external_ids: dict[str, str]
    attributes: dict[str, Any]
    consent: bool | None
    unsubscribed: bool
    owner_id: str | None
    stage: str
    score: int | None = Field(description="Fit + behaviour points, clamped to the model's range.")
    fit_score: float | None = Field(description="Points from who the lead is.")
    behavior_score: float | None = Field(description="Points from what the lead did (negative included).")
    band: str | None = Field(description="The score's band in the active model, e.g. sql, mql, not_ready.")
    scored_at: datetime | None
    score_model_id: str | None = Field(description="The scoring model version that computed the score.")
    last_activity_at: datetime | None = Field(description="When the lead's latest behaviour event happened.")
    first_touch_at: datetime | None = Field(
        description="When sales first touched the lead (a touch-type event, or acceptance)."
    )
    first_activity_at: datetime | None = Field(
        description="When the lead's first behaviour event after its capture happened."
    )
    stage_entered_at: datetime | None = Field(
        description="When the lead entered its current stage: with `stage`, how long it has been there."
    )
    archived_at: datetime | None = Field(
        None,
        description="When hygiene archived the lead for inactivity (null: not archived); its next "
        "activity brings it back.",
    )
    domain: str | None = Field(description="Company domain: the website's, else a work email's.")
    is_free_email: bool
    is_disposable_email: bool = Field(
        description="The email's domain hands out throwaway inboxes (a maintained list); set at capture."
    )
    is_role_email: bool = Field(
        description="The email is a shared mailbox (`info@`, `sales@`), not a person's; set at capture."
    )
    seniority: Seniority
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Increases on every change; the ETag is derived from it.")


class FieldSource(BaseModel):
    source: str = Field(
        description="Who set the value: `api`, `import`, `form:<source>`, `enrichment:<provider>`, `merge` "
        "or `automation`.",
        examples=["enrichment:clearbit"],
    )
    at: datetime = Field(description="When the value was set.")


class LeadDetail(Lead):
    provenance: dict[str, FieldSource] | None = Field(
        None,
        description="With `include=provenance`: each field that has a value (a field of `attributes` as "
        "`attributes.<key>`), where that value came from and when; else absent.",
    )


class LeadCaptured(Lead):
    merged: bool = Field(description="True when the lead matched an existing one and was merged into it.")


class LeadList(BaseModel):
    data: list[Lead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    total: int | None = Field(
        None, description="With `count`: how many leads the list holds over all its pages; else absent."
    )
    total_is_estimate: bool | None = Field(
        None,
        description="With `count`: true when `total` is the planner's estimate, not a count; else absent.",
    )


class LeadBatchIn(RequestModel):
    nul_checked_later = frozenset({"leads"})
    # Items are validated one by one in the service, so a bad item is reported in its result instead of
    # failing the whole request; the schema still documents them as LeadCreate.
    leads: Annotated[
        list[Any],
        Field(min_length=1, max_length=MAX_BATCH),
        WithJsonSchema(
            {
                "type": "array",
                "items": {"$ref": "#/components/schemas/LeadCreate"},
                "minItems": 1,
                "maxItems": MAX_BATCH,
            }
        ),
    ]
    overwrite: bool = Field(False, description="Matched leads take the new non-empty values.")


class FieldMessage(BaseModel):
    field: str
    message: str


class LeadBatchItem(BaseModel):
    index: int
    status: Literal["created", "merged", "error"]
    lead_id: str | None = None
    errors: list[FieldMessage] | None = None


class LeadBatchOut(BaseModel):
    created: int
    merged: int
    failed: int
    results: list[LeadBatchItem]


class MergeIn(RequestModel):
    duplicate_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="The lead merged into this one and then deleted."
    )


class TimelineEvent(BaseModel):
    id: str
    seq: int | None = Field(
        description="Position in the workspace's change feed; null for a moment after commit."
    )
    type: str
    occurred_at: datetime
    actor: str | None
    data: dict[str, Any] = Field(
        description="A behaviour event's properties, or what a lead.* event changed."
    )
    source: str | None = None
    external_id: str | None = None
    caused_by: str | None = Field(
        None, description="The automation run whose action appended this event (null: none did)."
    )


class Timeline(BaseModel):
    data: list[TimelineEvent]
    next_cursor: str | None
