"""The append-only event log: lead timeline, change feed and (later) webhook outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class EventSequence(Base):
    """Per-workspace event counter, advanced only by the sequencer (see events/sequencer.py)."""

    __tablename__ = "event_sequences"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Event(Base):
    """One fact about a lead, appended in the transaction of the change it records.

    `seq` is NULL until the sequencer numbers the event, shortly after its transaction commits.
    """

    __tablename__ = "events"
    __table_args__ = (
        # Both unique indexes are partial: most events have no external id, and every event
        # starts unnumbered, so full indexes took an entry per insert that no lookup ever uses
        # (lookups by `seq > n` or `external_id = x` imply NOT NULL, so they use these).
        Index(
            "uq_events_workspace_id_seq",
            "workspace_id",
            "seq",
            unique=True,
            postgresql_where=text("seq IS NOT NULL"),
            sqlite_where=text("seq IS NOT NULL"),
        ),
        # A behaviour event's id in the system that sent it: a replay is acknowledged, not counted.
        Index(
            "uq_events_workspace_id_external_id",
            "workspace_id",
            "external_id",
            unique=True,
            postgresql_where=text("external_id IS NOT NULL"),
            sqlite_where=text("external_id IS NOT NULL"),
        ),
        Index("ix_events_workspace_id_lead_id_occurred_at", "workspace_id", "lead_id", "occurred_at"),
        # Reports: rejections by time (few, so the partial index is small).
        Index(
            "ix_events_rejections",
            "workspace_id",
            "occurred_at",
            postgresql_where=text("type = 'lead.rejected'"),
            sqlite_where=text("type = 'lead.rejected'"),
        ),
        # Reports: a lead's band changes by time (did it reach sql after a spike, an enrolment?);
        # few events are band changes, so the partial index is small.
        Index(
            "ix_events_band_changes",
            "workspace_id",
            "lead_id",
            "occurred_at",
            postgresql_where=text("type = 'lead.band_changed'"),
            sqlite_where=text("type = 'lead.band_changed'"),
        ),
        # The sequencer's work queue: small, because events leave it within moments.
        # The routing fairness report: the picks no rule could make, by time.
        Index(
            "ix_events_unassigned",
            "workspace_id",
            "occurred_at",
            "id",
            postgresql_where=text("type = 'lead.unassigned'"),
            sqlite_where=text("type = 'lead.unassigned'"),
        ),
        Index(
            "ix_events_unsequenced",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int | None] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(100))
    # No foreign key: `lead.deleted` must outlive its lead.
    lead_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # For behaviour events `data` holds the event's properties; for lead.* events, the change.
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The automation run whose action appended this event (None: not an automation's doing), so
    # chains of automations can be traced and bounded.
    caused_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
