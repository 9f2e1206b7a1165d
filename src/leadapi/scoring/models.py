"""Scoring models: immutable, versioned documents, and each workspace's active one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk


class ScoringModel(Base):
    __tablename__ = "scoring_models"
    __table_args__ = (UniqueConstraint("workspace_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))


class ScoringSettings(Base):
    __tablename__ = "scoring_settings"
    __table_args__ = (workspace_fk("active_model_id", "scoring_models.id"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    active_model_id: Mapped[str] = mapped_column(String(32))


class ScoreAdjustment(Base):
    """Manual points on a lead with a reason, until an expiry: made over the API by a person or by
    an automation's `adjust_score` action (`run_id`). The scorer reads them from the event each
    appends (`lead.score_adjusted`, see scoring/engine.py); this table is their record and list."""

    __tablename__ = "score_adjustments"
    __table_args__ = (
        # A lead's adjustments, newest first (GET /v1/leads/{id}/score-adjustments), and what the
        # lead's deletion (the cascade) looks up: lead ids are unique across workspaces.
        Index("ix_score_adjustments_lead_id_created_at_id", "lead_id", "created_at", "id"),
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32))
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The `lead.score_adjusted` event the scorer reads.
    event_id: Mapped[str] = mapped_column(String(32))
    # The automation run whose action made it (none: an API call). No foreign key: a run is
    # recorded after its actions, in the same transaction.
    run_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))
