"""The lead's fields, in one place. Pure data: engines (scoring, routing) may import it.

`LeadRow` declares every field a stored lead has, in the order the API shows them; the lists
below name groups of them by role, and the rest are derived: what the API shows
(`PUBLIC_FIELDS`, the order of `leads.schemas.Lead`) and what a list can filter and sort on
(`leads.repository.LEAD_FIELDS`, by the columns' types). The ORM model and the pydantic schema
carry types and documentation, so they are not derived from it: tests/unit/test_lead_row.py
holds them to it (same fields; the schema in this order).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class LeadRow(TypedDict):
    """A stored lead: a row of `leads` (leads/models.py)."""

    id: str
    workspace_id: str
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
    score: int | None
    fit_score: float | None
    behavior_score: float | None
    band: str | None
    scored_at: datetime | None
    score_model_id: str | None
    rescore_at: datetime | None
    last_activity_at: datetime | None
    first_touch_at: datetime | None
    first_activity_at: datetime | None
    stage_entered_at: datetime | None
    archived_at: datetime | None
    stages_mask: int
    won_amount: float | None
    domain: str | None
    is_free_email: bool
    is_disposable_email: bool
    is_role_email: bool
    seniority: str
    created_at: datetime
    updated_at: datetime
    version: int
    provenance: dict[str, Any]
    dedupe_slot: str


# Every field of a stored lead.
LEAD_ROW_FIELDS: tuple[str, ...] = tuple(LeadRow.__annotations__)

# Stored for our own use and never shown in the lead itself: the tenant, the rescoring sweep's due
# time, what the funnel report counts from, and where each field's value came from (shown on
# request: `?include=provenance`).
INTERNAL_FIELDS: frozenset[str] = frozenset(
    {"workspace_id", "rescore_at", "stages_mask", "won_amount", "provenance", "dedupe_slot"}
)

# What the API shows of a lead, in its order.
PUBLIC_FIELDS: tuple[str, ...] = tuple(name for name in LEAD_ROW_FIELDS if name not in INTERNAL_FIELDS)

# Plain values copied between requests and rows (after normalisation), and merged on dedupe.
SCALAR_FIELDS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "title",
    "company",
    "website",
    "industry",
    "company_size",
    "country",
    "region",
    "city",
    "postal_code",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "consent",
)

# What a rule's condition may read of a lead (besides `attributes.<name>`).
CONDITION_FIELDS: frozenset[str] = frozenset(
    (
        *SCALAR_FIELDS,
        "id",
        "tags",
        "unsubscribed",
        "owner_id",
        "stage",
        "score",
        "domain",
        "is_free_email",
        "is_disposable_email",
        "is_role_email",
        "seniority",
        "created_at",
        "updated_at",
    )
)
