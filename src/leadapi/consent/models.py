"""Consent records (a lead's history of grants and denials per channel) and suppressions (keyed
hashes of erased people's email and phone, so that they are not captured again)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk


class LeadConsent(Base):
    """One statement of consent: appended, never changed, so the history is the proof. A channel's
    current status is its latest record."""

    __tablename__ = "lead_consents"
    __table_args__ = (
        # A lead's history, newest first (the list's keyset), and what the cascade from `leads`
        # and a merge look up: lead ids are unique across workspaces, so the lead leads.
        Index("ix_lead_consents_lead_id_at_id", "lead_id", "at", "id"),
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # granted | denied | pending
    source: Mapped[str | None] = mapped_column(String(200))
    # When the person gave (or refused) it, which may be before it was recorded.
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    proof: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    actor: Mapped[str | None] = mapped_column(String(64))
    # A pending double opt-in: the SHA-256 of the token sent in `consent.requested` (the token
    # itself is not kept); cleared once confirmed.
    token_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentSettings(Base):
    """A workspace's consent settings; no row: the defaults (no double opt-in)."""

    __tablename__ = "consent_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    # Form sources whose captures are pending for email until the person confirms.
    double_opt_in_sources: Mapped[list[str]] = mapped_column(JSONDoc)
    # Tracks' email steps skip a lead without granted email consent (reason no_email_consent).
    require_email_consent: Mapped[bool] = mapped_column(Boolean)
    # A capture of a suppressed person: `refuse` (409) or `flag` (stored, tagged `suppressed`).
    suppressed_capture: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Suppression(Base):
    """An erased person's email or phone, as a keyed hash only (HMAC under the server's secret
    keys, with the workspace and the kind in the message): a capture of the same value is
    recognised, yet the table alone names nobody."""

    __tablename__ = "suppressions"
    __table_args__ = (
        # The capture's check: is any of these digests suppressed in the workspace.
        Index("ux_suppressions_workspace_id_digest", "workspace_id", "digest", unique=True),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # email | phone
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
