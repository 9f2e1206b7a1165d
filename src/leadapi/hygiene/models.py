"""A workspace's hygiene settings: when inactive leads are archived, and the sweep's marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class HygieneSettings(Base):
    """One row per workspace; none: nothing is archived."""

    __tablename__ = "hygiene_settings"
    __table_args__ = (
        # The sweep's queue: the workspaces that archive at all.
        Index(
            "ix_hygiene_settings_archiving",
            "workspace_id",
            postgresql_where=text("archive_inactive_after_days IS NOT NULL"),
            sqlite_where=text("archive_inactive_after_days IS NOT NULL"),
        ),
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    # None: archiving is off.
    archive_inactive_after_days: Mapped[int | None] = mapped_column(Integer)
    # Only leads in these stages are archived (empty: any stage).
    only_stages: Mapped[list[str]] = mapped_column(JSONDoc)
    # How far the sweep has read: leads by last activity up to (activity_mark_at, activity_mark_id),
    # and never-active leads by creation up to (created_mark_at, created_mark_id). A lead behind a
    # mark that becomes active again moves ahead of it; a settings change starts both over.
    activity_mark_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activity_mark_id: Mapped[str | None] = mapped_column(String(32))
    created_mark_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_mark_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
