"""Segments, their members, and the membership consumer's position in each workspace's event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk

FILLING = text("filling")


class Segment(Base):
    __tablename__ = "segments"
    __table_args__ = (
        Index("ix_segments_workspace_id_id", "workspace_id", "id"),
        # The backfill's queue across workspaces: segments whose members are still being found.
        Index("ix_segments_filling", "workspace_id", postgresql_where=FILLING, sqlite_where=FILLING),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    when: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    # The live count, moved in the transaction that moves the memberships (the consumer, the fill,
    # a lead's erasure or merge), so reading it costs one row whatever the segment's size.
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    # A new segment, or one whose `when` changed, goes over every lead of the workspace in batches
    # (by creation time and id, after `fill_after_at`, `fill_after`: the workspace's leads index)
    # until `filling` is false; events keep it current meanwhile.
    filling: Mapped[bool] = mapped_column(Boolean, default=True)
    # The fill decides the leads made up to when it began; later ones enter by their own
    # `lead.created` event, with a `segment.entered` of their own.
    fill_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fill_after_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fill_after: Mapped[str | None] = mapped_column(String(32))
    # Leads that enter (`segment.entered`) are enrolled in this nurture track, by the consumer that
    # records the entry. No foreign key: deleting the track clears it (flows/automation_refs.py).
    enroll_track_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SegmentMember(Base):
    """A lead that meets a segment's `when` now, since `entered_at`."""

    __tablename__ = "segment_members"
    __table_args__ = (
        # Which segments a lead is in (the consumer, for every lead an event is about).
        Index("ix_segment_members_workspace_id_lead_id", "workspace_id", "lead_id"),
        workspace_fk("segment_id", "segments.id", ondelete="CASCADE"),
        # An erased lead, or one merged away, leaves its segments with it.
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
    )

    # The primary key serves the members list (keyset by lead id) and the count (index only).
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    segment_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lead_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SegmentCursor(Base):
    """The last event of a workspace (by its sequence) segment membership has been brought up to."""

    __tablename__ = "segment_cursors"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
