"""First-touch SLA policies and the breaches of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class SlaPolicy(Base):
    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("workspace_id", "position"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    when: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    first_touch_within_minutes: Mapped[int] = mapped_column(Integer)
    # {timezone, days, start, end}; None: the clock runs around the clock.
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    on_breach: Mapped[str] = mapped_column(String(20))  # notify | reassign
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlaBreach(Base):
    """An assignment whose owner did not touch the lead in time: one per assignment (the unique
    index is what makes concurrent sweepers report it once)."""

    __tablename__ = "sla_breaches"
    __table_args__ = (
        UniqueConstraint("workspace_id", "assignment_id"),
        Index("ix_sla_breaches_workspace_id_breached_at", "workspace_id", "breached_at"),
        Index("ix_sla_breaches_workspace_id_lead_id", "workspace_id", "lead_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    assignment_id: Mapped[str] = mapped_column(String(32))
    lead_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(32))
    policy_id: Mapped[str | None] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the lead was first touched after the breach (or left the funnel): the breach is over.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(20))  # notify | reassign
    reassigned_to: Mapped[str | None] = mapped_column(String(32))
