"""Inbound form sources, and every submission they received (kept raw, also when it failed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # generic | typeform | hubspot
    mapping: Mapped[dict[str, str]] = mapped_column(JSONDoc)  # payload path or field ref -> target
    defaults: Mapped[dict[str, Any]] = mapped_column(JSONDoc)  # {source, tags, attributes}
    # The signing secret (the provider's, or ours), sealed (leadapi/sealing.py).
    secret: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SourceSubmission(Base):
    __tablename__ = "source_submissions"
    __table_args__ = (
        # A provider's retry (same id, or same body and timestamp) is one submission.
        UniqueConstraint("workspace_id", "source_id", "dedupe_key"),
        Index(
            "ix_source_submissions_workspace_id_source_id_received_at",
            "workspace_id",
            "source_id",
            "received_at",
        ),
        workspace_fk("source_id", "sources.id", ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_type: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # accepted | failed
    error: Mapped[str | None] = mapped_column(String(2000))
    lead_id: Mapped[str | None] = mapped_column(String(32))
    event_id: Mapped[str | None] = mapped_column(String(32))
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
