"""Nurture tracks, the enrolments of leads in them, the touches they made (the weekly cap) and the
workspace's nurture settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk

ACTIVE = text("status = 'active'")


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (Index("ix_tracks_workspace_id_id", "workspace_id", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    exit_when: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    # None: never again once enrolled; N: again N days after the last enrolment ended.
    reenroll_after_days: Mapped[int | None] = mapped_column(Integer)
    allow_concurrent: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Enrollment(Base):
    """One lead in one track: where it is (the next step and when it is due) and how it ended."""

    __tablename__ = "track_enrollments"
    __table_args__ = (
        # A track's enrolments, in id (enrolment) order, all or of one status. Track and lead ids
        # are unique across workspaces, so they lead.
        Index("ix_track_enrollments_track_id_id", "track_id", "id"),
        Index("ix_track_enrollments_track_id_status_id", "track_id", "status", "id"),
        # A lead's enrolments (the one-track rule, reenrolment, its list, the cascade).
        Index("ix_track_enrollments_lead_id_id", "lead_id", "id"),
        # The activation report: the enrolments made in a range.
        Index("ix_track_enrollments_workspace_id_enrolled_at", "workspace_id", "enrolled_at"),
        # The step sweep's queue, across workspaces: active enrolments by their next due time.
        # Paused, completed and exited ones are not in it.
        Index(
            "ix_track_enrollments_next_due_at_active",
            "next_due_at",
            postgresql_where=ACTIVE,
            sqlite_where=ACTIVE,
        ),
        # Deleting a track ends its enrolments with it; erasing a lead takes its enrolments.
        workspace_fk("track_id", "tracks.id", ondelete="CASCADE"),
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    track_id: Mapped[str] = mapped_column(String(32))
    lead_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))  # active | paused | completed | exited
    step: Mapped[int] = mapped_column(Integer)  # the index of the next step
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(200))  # why it exited
    caused_by: Mapped[str | None] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Touch(Base):
    """A step that was due (`track.step_due`): what the weekly cap counts, per lead."""

    __tablename__ = "track_touches"
    __table_args__ = (
        Index("ix_track_touches_lead_id_at", "lead_id", "at"),
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32))
    enrollment_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class NurtureSettings(Base):
    __tablename__ = "nurture_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    weekly_touch_cap: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TrackCursor(Base):
    """The last event of a workspace (by its sequence) the exit watch has looked at: a lead change
    that makes a lead meet its track's exit rules ends the enrolment then, not at its next step."""

    __tablename__ = "track_cursors"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
