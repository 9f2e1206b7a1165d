"""Enrichment providers, their cached answers and monthly call counts, the leads waiting for an
enrichment run, and the enrichment consumer's position in each workspace's event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk


class EnrichmentProvider(Base):
    __tablename__ = "enrichment_providers"
    __table_args__ = (Index("ix_enrichment_providers_workspace_id_id", "workspace_id", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100))
    # `http`, or a built-in kind that needs no network (enrichment/engine.py BUILT_IN).
    kind: Mapped[str] = mapped_column(String(30))
    url_template: Mapped[str | None] = mapped_column(String(2000))
    headers: Mapped[dict[str, str]] = mapped_column(JSONDoc)
    # One header whose value is a credential: sealed at rest (sealing.py), never shown.
    secret_header: Mapped[str | None] = mapped_column(String(100))
    secret: Mapped[str | None] = mapped_column(String(1000))
    mapping: Mapped[dict[str, str]] = mapped_column(JSONDoc)
    overwrite: Mapped[bool] = mapped_column(Boolean, default=False)
    timeout_seconds: Mapped[float] = mapped_column(Float)
    cache_ttl_seconds: Mapped[int] = mapped_column(Integer)
    monthly_budget: Mapped[int | None] = mapped_column(Integer)
    when: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EnrichmentCacheEntry(Base):
    """A provider's answer for one key (the URL it called), until `expires_at`."""

    __tablename__ = "enrichment_cache"
    __table_args__ = (
        Index("ix_enrichment_cache_expires_at", "expires_at"),
        workspace_fk("provider_id", "enrichment_providers.id", ondelete="CASCADE"),
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    provider_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the URL called
    response: Mapped[Any] = mapped_column(JSONDoc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EnrichmentUsage(Base):
    """Calls a provider was sent in a calendar month (UTC), against its `monthly_budget`."""

    __tablename__ = "enrichment_usage"
    __table_args__ = (workspace_fk("provider_id", "enrichment_providers.id", ondelete="CASCADE"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    provider_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # 2026-12
    calls: Mapped[int] = mapped_column(Integer, default=0)


class EnrichmentRun(Base):
    """A lead waiting for a provider's call: due at `due_at` (later after each failed attempt)."""

    __tablename__ = "enrichment_runs"
    __table_args__ = (
        # The sweep's queue across workspaces, by due time.
        Index("ix_enrichment_runs_due_at", "due_at"),
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
        workspace_fk("provider_id", "enrichment_providers.id", ondelete="CASCADE"),
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


class EnrichmentCursor(Base):
    """The last event of a workspace (by its sequence) the enrichment consumer has gone through."""

    __tablename__ = "enrichment_cursors"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
