"""The duplicates' public contract: the review queue's pairs and the batch match."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema, model_validator

from leadapi.api.schemas import RequestModel
from leadapi.leads.schemas import MAX_BATCH, FieldMessage

Reason = Literal[
    "email_variant",
    "phone",
    "name_and_company_domain",
    "name_and_city",
    "similar_name_and_company_domain",
    "similar_name_and_city",
    # A flag_only dedupe policy queued the pair at capture: the exact key the two share.
    "same_email",
    "same_phone",
    "same_external_id",
    "same_attribute",
]
ExactKey = Literal["email", "phone", "external_id", "attribute"]
PairStatus = Literal["pending", "merged", "dismissed"]


class DuplicatePair(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(examples=["dup_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    lead_id: str = Field(description="The older lead of the two: the one a merge keeps.")
    other_lead_id: str = Field(description="The newer lead: merged into `lead_id` by a merge.")
    score: int = Field(ge=0, le=100, description="How alike the two are, 0..100.")
    reasons: list[Reason] = Field(description="What matched, strongest first.")
    status: PairStatus
    merged_into: str | None = Field(description="The lead that survived a merge.")
    resolved_by: str | None = Field(description="The API key that merged or dismissed the pair.")
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    flagged_on: ExactKey | None = Field(
        None,
        description="The exact key the two share when a flag_only dedupe policy created the newer "
        "lead instead of merging it (such a pair waits for review).",
    )


class DuplicatePairList(BaseModel):
    data: list[DuplicatePair]
    next_cursor: str | None


class MatchIn(RequestModel):
    nul_checked_later = frozenset({"leads"})
    # Items are validated one by one, so a bad item is reported in its result; the schema still
    # documents them as LeadFields.
    leads: Annotated[
        list[Any],
        Field(min_length=1, max_length=MAX_BATCH),
        WithJsonSchema(
            {
                "type": "array",
                "items": {"$ref": "#/components/schemas/LeadFields"},
                "minItems": 1,
                "maxItems": MAX_BATCH,
            }
        ),
    ]


class MatchedLead(BaseModel):
    lead_id: str
    matched_on: ExactKey


class CandidateLead(BaseModel):
    lead_id: str
    score: int = Field(ge=0, le=100)
    reasons: list[Reason]


class MatchItem(BaseModel):
    index: int
    status: Literal["ok", "error"]
    merges_into: MatchedLead | None = Field(
        None, description="The existing lead a capture of this input would merge into (exact keys)."
    )
    candidates: list[CandidateLead] = Field(
        default_factory=list, description="Other leads that look like the same person, by score."
    )
    errors: list[FieldMessage] | None = None


class MatchOut(BaseModel):
    results: list[MatchItem]


DedupeMode = Literal["auto_merge", "flag_only"]
DedupeKey = Literal["email", "phone", "external_ids", "attribute"]
DEFAULT_KEYS: tuple[DedupeKey, ...] = ("email", "phone", "external_ids")
AttributeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
SourceId = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class DedupeRule(RequestModel):
    mode: DedupeMode = Field(
        "auto_merge",
        description="`auto_merge`: a capture matching a lead by a counted key merges into it; "
        "`flag_only`: the new lead is created anyway and the pair queued in the review queue.",
    )
    keys: list[DedupeKey] = Field(
        default_factory=lambda: list(DEFAULT_KEYS),
        min_length=1,
        max_length=4,
        description="The exact keys that count (a phone only when one of the two has no email).",
    )
    attribute: AttributeName | None = Field(
        None, description="With the `attribute` key: the attribute whose equal values are one person."
    )

    @model_validator(mode="after")
    def _attribute_named(self) -> DedupeRule:
        if ("attribute" in self.keys) != (self.attribute is not None):
            raise ValueError("`attribute` names the attribute exactly when `keys` has `attribute`")
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("`keys` repeats a key")
        return self


class DedupePolicyIn(DedupeRule):
    sources: dict[SourceId, DedupeRule] = Field(
        default_factory=dict,
        max_length=100,
        description="Form source id -> its own policy, instead of the workspace's for its captures.",
    )


class DedupePolicy(BaseModel):
    mode: DedupeMode
    keys: list[DedupeKey]
    attribute: str | None
    sources: dict[str, DedupeRule]
    updated_at: datetime | None = Field(description="Null: never set (the default policy).")
