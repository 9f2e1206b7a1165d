"""Each workspace's pipeline settings, and the log of every stage move."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class LifecycleSettings(Base):
    """One row per workspace that changed its pipeline; no row means the defaults
    (stages/engine.py). `version` lets processes cache the pipeline and lets the one-statement
    capture check the pipeline it assumed."""

    __tablename__ = "lifecycle_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    stages: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    disqualification_reasons: Mapped[list[str]] = mapped_column(JSONDoc)
    touch_types: Mapped[list[str]] = mapped_column(JSONDoc)
    accepted_stage: Mapped[str] = mapped_column(String(50))
    recycle_stage: Mapped[str] = mapped_column(String(50))
    # Every stage key the workspace ever had -> its bit in leads.stages_mask (never reused).
    stage_bits: Mapped[dict[str, int] | None] = mapped_column(JSONDoc, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StageChange(Base):
    """A lead moved from one stage to another: when, who or what moved it, and why."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_workspace_id_lead_id_at", "workspace_id", "lead_id", "at"),
        # Reports: moves into a stage (accepted, won) by time, and all moves by time.
        Index("ix_stage_changes_workspace_id_to_stage_at", "workspace_id", "to_stage", "at"),
        Index("ix_stage_changes_workspace_id_at", "workspace_id", "at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32))
    from_stage: Mapped[str | None] = mapped_column(String(50))
    to_stage: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the lead entered from_stage: the stay this move ends lasted `at - since`.
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    by_kind: Mapped[str] = mapped_column(String(20))  # api_key | owner | system
    by_id: Mapped[str | None] = mapped_column(String(64))  # the key or owner; the process for system
    reason: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(String(2000))
    amount: Mapped[float | None] = mapped_column(Numeric(16, 2, asdecimal=False))
