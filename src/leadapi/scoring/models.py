"""Scoring models: immutable, versioned documents, and each workspace's active one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class ScoringModel(Base):
    __tablename__ = "scoring_models"
    __table_args__ = (UniqueConstraint("workspace_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))


class ScoringSettings(Base):
    __tablename__ = "scoring_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    active_model_id: Mapped[str] = mapped_column(ForeignKey("scoring_models.id"))
