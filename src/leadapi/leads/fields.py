"""Names of lead fields, in one place. Pure data: engines (scoring, routing) may import it."""

from __future__ import annotations

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
        "seniority",
        "created_at",
        "updated_at",
    )
)

# Stages a lead is done in: its owner no longer works it (open_leads and capacity leave it out).
# The lifecycle issue makes stages workspace data with a category; these are its defaults.
CLOSED_STAGES: frozenset[str] = frozenset({"customer", "disqualified"})
