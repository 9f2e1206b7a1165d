"""The contract of inbound form sources and their submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from leadapi.api.schemas import RequestModel
from leadapi.sources.engine import valid_target

Kind = Literal["generic", "typeform", "hubspot"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Secret = Annotated[str, StringConstraints(min_length=16, max_length=200)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class Defaults(RequestModel):
    source: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    attributes: dict[str, Any] = Field(default_factory=dict, max_length=50)


def _mapping(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if len(value) > 100:
        raise ValueError("at most 100 mapped keys")
    for key, target in value.items():
        if not key or len(key) > 200:
            raise ValueError("keys are payload paths or field refs of 1 to 200 characters")
        if not valid_target(target):
            raise ValueError(
                f"{target!r} is not a target: a lead field, tags, attributes.<name>, "
                "external_ids.<system> or properties.<name>"
            )
    return value


class SourceFields(RequestModel):
    name: Name | None = None
    mapping: dict[str, str] | None = Field(
        None,
        description="Payload path (dotted, list indexes as `.0` or `[0]`) or, for typeform/hubspot, "
        "field ref or name -> target: a lead field (`email`), `tags`, `attributes.<name>`, "
        "`external_ids.<system>` or `properties.<name>` (of the form_submit event).",
    )
    defaults: Defaults | None = None

    _check_mapping = field_validator("mapping")(_mapping)


class SourceCreate(SourceFields):
    name: Name
    kind: Kind = "generic"
    mapping: dict[str, str] = Field(description="See SourceFields.mapping.")
    secret: Secret | None = Field(
        None,
        description="The provider's signing secret (required for typeform and hubspot); "
        "generic: generated if absent.",
    )


class SourceUpdate(SourceFields):
    """Partial update; absent fields stay. Failed submissions can then be replayed."""

    # Null for the others: `defaults` clears.
    not_null: ClassVar[frozenset[str]] = frozenset({"name", "mapping", "secret"})

    secret: Secret | None = None


class Source(BaseModel):
    id: str
    name: str
    kind: Kind
    mapping: dict[str, str]
    defaults: dict[str, Any]
    hook_url: str = Field(description="Where the provider posts: /v1/hooks/{id}.")
    created_at: datetime
    updated_at: datetime


class SourceWithSecret(Source):
    secret: str = Field(description="Sign generic submissions with it; shown at creation only.")


class SourceList(BaseModel):
    data: list[Source]


class Submission(BaseModel):
    id: str
    source_id: str
    received_at: datetime
    status: Literal["accepted", "failed"]
    error: str | None
    lead_id: str | None
    event_id: str | None
    replayed_at: datetime | None
    content_type: str
    body: str = Field(description="The raw payload, as received.")


class SubmissionList(BaseModel):
    data: list[Submission]
    next_cursor: str | None


class HookReply(BaseModel):
    submission_id: str
    status: Literal["accepted"]
    lead_id: str
    event_id: str | None
    replayed: bool = Field(description="True when this submission was received before: nothing was added.")
