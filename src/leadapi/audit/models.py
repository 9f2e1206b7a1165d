"""One row per admin change, written in the transaction that made the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        # The listing, newest first, and its time range; key_id narrows it further.
        Index("ix_audit_log_workspace_id_at_id", "workspace_id", "at", "id"),
        # One resource's history (resource, or resource and id), newest first.
        Index(
            "ix_audit_log_workspace_id_resource_resource_id_at",
            "workspace_id",
            "resource",
            "resource_id",
            "at",
        ),
        # One key's changes, newest first.
        Index("ix_audit_log_workspace_id_key_id_at", "workspace_id", "key_id", "at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The API key that made the change; None for the command line (`leadapi keys ...`).
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(20))
    resource: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
