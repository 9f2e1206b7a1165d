"""Leads and the external ids that identify them in other systems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        # NULLs are distinct in unique indexes on both databases: leads without email coexist.
        # One lead per email holds the slot '' (the one captures merge into); a lead a flag_only
        # dedupe policy created beside it holds its own id there. Lookups by email read the
        # (workspace_id, email) prefix, so the one index serves them all.
        UniqueConstraint("workspace_id", "email", "dedupe_slot"),
        Index("ix_leads_workspace_id_phone", "workspace_id", "phone"),
        Index("ix_leads_workspace_id_created_at_id", "workspace_id", "created_at", "id"),
        Index("ix_leads_workspace_id_domain", "workspace_id", "domain"),
        # The list's sorts (GET /v1/leads), each ending in id, the keyset's tie-breaker, so a page
        # is one range read of the index in either direction. A nullable key keeps its NULLs in a
        # segment of their own (leads/reads.py), read through the same index.
        Index("ix_leads_workspace_id_score_id", "workspace_id", "score", "id"),
        Index("ix_leads_workspace_id_updated_at_id", "workspace_id", "updated_at", "id"),
        Index("ix_leads_workspace_id_stage_entered_at_id", "workspace_id", "stage_entered_at", "id"),
        # "My open MQLs by score" without an owner: a stage's leads by score.
        Index("ix_leads_workspace_id_stage_score_id", "workspace_id", "stage", "score", "id"),
        # A rep's queue (owner_id=..&stage[in]=..&sort=-score), an owner's leads (open_leads,
        # reassignment) and who owns an account's leads. Partial: a full (workspace_id, ...) index
        # is one more way for the planner to walk a whole workspace when a new workspace has no
        # statistics yet (the dedupe query did).
        Index(
            "ix_leads_workspace_id_owner_id_score_id",
            "workspace_id",
            "owner_id",
            "score",
            "id",
            postgresql_where=text("owner_id IS NOT NULL"),
            sqlite_where=text("owner_id IS NOT NULL"),
        ),
        # PostgreSQL alone also has GIN indexes on tags, attributes and the search text, and
        # SQLite an FTS5 table: migration 0017 makes them; schema.UNMODELLED names them.
        # Speed to lead (reports): the touched leads by creation, with their first touch, read
        # from the index alone. Partial: an untouched lead has no entry.
        Index(
            "ix_leads_workspace_id_created_at_touched",
            "workspace_id",
            "created_at",
            postgresql_include=["first_touch_at"],
            postgresql_where=text("first_touch_at IS NOT NULL"),
            sqlite_where=text("first_touch_at IS NOT NULL"),
        ),
        # The `inactive_for_days` automations' sweep (flows/automations.py): a workspace's leads
        # by last activity, read from a mark up to a cutoff. Never-active leads (NULL) are read by
        # creation instead (ix_leads_workspace_id_created_at_id), so they have no entry.
        Index(
            "ix_leads_workspace_id_last_activity_at_id",
            "workspace_id",
            "last_activity_at",
            "id",
            postgresql_where=text("last_activity_at IS NOT NULL"),
            sqlite_where=text("last_activity_at IS NOT NULL"),
        ),
        # The archived leads (`archived_at[exists]=true`, by archiving time). Partial: a lead that
        # is not archived (every new one) has no entry, so captures do not pay for it.
        Index(
            "ix_leads_workspace_id_archived_at_id",
            "workspace_id",
            "archived_at",
            "id",
            postgresql_where=text("archived_at IS NOT NULL"),
            sqlite_where=text("archived_at IS NOT NULL"),
        ),
        # The time-based rescoring sweep's queue, across workspaces.
        Index(
            "ix_leads_rescore_at",
            "rescore_at",
            postgresql_where=text("rescore_at IS NOT NULL"),
            sqlite_where=text("rescore_at IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    # E.164 (at most 16 characters) and an optional ";ext=" with up to 20 digits.
    phone: Mapped[str | None] = mapped_column(String(48))
    title: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(253))
    industry: Mapped[str | None] = mapped_column(String(100))
    company_size: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(100))
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    utm_term: Mapped[str | None] = mapped_column(String(200))
    utm_content: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JSONDoc)
    external_ids: Mapped[dict[str, str]] = mapped_column(JSONDoc)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    consent: Mapped[bool | None] = mapped_column(Boolean)
    unsubscribed: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(50))
    # The score, as the active scoring model computed it at scored_at (read-only in the API).
    score: Mapped[int | None] = mapped_column(Integer)
    fit_score: Mapped[float | None] = mapped_column(Float)
    behavior_score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(50))
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_model_id: Mapped[str | None] = mapped_column(String(32))
    # When time alone can next change the score (windows, decay, inactivity): the sweep's due time.
    rescore_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest behaviour event (any type), for inactivity rules and activation reports.
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first touch by sales ever (a call, email, meeting, or acceptance): speed to lead.
    first_touch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the lead entered its current stage (its next move records the stay).
    stage_entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first behaviour event after the lead was created: activation (reports).
    first_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One bit per stage the lead was ever in, and one for a rejection (stages/engine.py): the
    # funnel report counts from these in one pass over leads.
    stages_mask: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    # The amount of the move into a won stage (won is final): revenue, in the same pass.
    won_amount: Mapped[float | None] = mapped_column(Numeric(16, 2, asdecimal=False))
    # Derived on write (read-only in the API); they feed scoring and routing.
    domain: Mapped[str | None] = mapped_column(String(253))
    is_free_email: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set at capture from the email alone (leads/normalize.py), so conditions and filters see them
    # from the lead's first score on.
    is_disposable_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_role_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    seniority: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Where each field's current value came from and when: {field: {"source", "at"}}, a field of
    # `attributes` as `attributes.<key>` (leads/provenance.py). Never read by the hot paths.
    provenance: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict, server_default=text("'{}'"))
    # '' for the lead that owns its email; its own id for one a flag_only policy (duplicates/
    # policy.py) created although a lead had the email: the pair waits in the duplicates queue.
    # When a hygiene sweep archived the lead for inactivity (flows/hygiene.py); its next activity
    # clears it. Archived leads leave lists (unless asked for), reports and routing.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedupe_slot: Mapped[str] = mapped_column(String(32), default="", server_default=text("''"))


class LeadExternalId(Base):
    """Index of `external_ids`: makes (system, id) unique per workspace and findable.

    The primary key is that uniqueness: a counter of its own would be one sequence shared by
    every workspace, which a database sharded by workspace cannot keep (docs/scaling.md)."""

    __tablename__ = "lead_external_ids"
    __table_args__ = (
        Index("ix_lead_external_ids_lead_id", "lead_id"),
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32))
    system: Mapped[str] = mapped_column(String(50), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), primary_key=True)
