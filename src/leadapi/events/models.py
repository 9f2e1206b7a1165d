"""The append-only event log: lead timeline, change feed and (later) webhook outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class EventSequence(Base):
    """Per-workspace event counter.

    Bumped in the same transaction that appends the events, so its row lock orders commits:
    an event with a higher seq is never visible before one with a lower seq, and a change-feed
    reader that remembers the last seq it saw can never miss one.
    """

    __tablename__ = "event_sequences"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("workspace_id", "seq"),
        Index("ix_events_workspace_id_lead_id_seq", "workspace_id", "lead_id", "seq"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(100))
    # No foreign key: `lead.deleted` must outlive its lead.
    lead_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
