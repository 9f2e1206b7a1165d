"""The duplicates' public contract: the review queue's pairs and the batch match."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from leadapi.api.schemas import RequestModel
from leadapi.leads.schemas import MAX_BATCH, FieldMessage

Reason = Literal[
    "email_variant",
    "phone",
    "name_and_company_domain",
    "name_and_city",
    "similar_name_and_company_domain",
    "similar_name_and_city",
]
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
    matched_on: Literal["email", "external_id", "phone"]


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
