"""Report rollups: counts per workspace, period, grouping key and facet, kept by a consumer of the
numbered event log, with what each lead last added to them and the consumer's position; and the
workspace's report settings (the time zone whose days the rollups count).

A period is a day ('2026-03-04') or a month ('2026-03') of the workspace's time zone, an hour there
('h2026-03-04T23', sorted after all days and months) for the figures not split by a key and those
by source, or 'now': a report over whole months reads a dozen rows per key where whole days would
read thirty, and the partial first and last days of a report unsplit or by source read hours, not
every lead created on them. Every lead of the cohort reports adds 1 to one row per (dimension,
facet) and period of its creation's hour (its day and month, and under the total ('') and source
the hour) and under each key it can be split or
filtered by (its source, owner, utm fields); and so does each of its assignments, stage moves and
rejections, in the hour it happened.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, UTCDateTime


class ReportRollup(Base):
    """How many leads created in `period` have `value` for `facet`, under `dimension` = `key`."""

    __tablename__ = "report_rollups"

    # The primary key serves every read: a workspace's rows of one dimension and facet over a
    # range of periods.
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    facet: Mapped[str] = mapped_column(String(8), primary_key=True)
    period: Mapped[str] = mapped_column(String(14), primary_key=True)
    # The group's value with a one-letter prefix ('=' + value, or '-' for none): primary key
    # columns cannot be NULL, and an empty source is not a missing one.
    key: Mapped[str] = mapped_column(String(260), primary_key=True)
    value: Mapped[str] = mapped_column(String(160), primary_key=True)
    leads: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[float] = mapped_column(Float, default=0.0)


class RollupLead(Base):
    """What a lead adds to the rollups now: taken back when it changes, is merged away or erased.
    No foreign key to the lead: its erasure must leave this for the consumer to take back."""

    __tablename__ = "rollup_leads"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    hour: Mapped[str] = mapped_column(String(13))  # its creation's local hour ('' when gone)
    source: Mapped[str] = mapped_column(String(260))
    owner: Mapped[str] = mapped_column(String(260))
    utm_campaign: Mapped[str] = mapped_column(String(260))
    utm_source: Mapped[str] = mapped_column(String(260))
    utm_medium: Mapped[str] = mapped_column(String(260))
    mask: Mapped[str] = mapped_column(String(160))
    amount: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[str] = mapped_column(String(160))
    touch: Mapped[str] = mapped_column(String(160))
    active: Mapped[str] = mapped_column(String(160))
    # What happened to it since, as JSON [[facet, hour, value], ...]: its assignments, moves,
    # rejections and its owner now.
    extra: Mapped[str] = mapped_column(Text, default="[]")


class RollupCursor(Base):
    """The last event of a workspace (by its sequence) the rollups have been brought up to."""

    __tablename__ = "rollup_cursors"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The position the rollups must reach before reports read them: after a change of the time
    # zone, the log is gone through again from its start, and until then the rollups mix days of
    # both zones.
    ready_at: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportSettings(Base):
    """A workspace's report settings; no row: the defaults (UTC)."""

    __tablename__ = "report_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    # An IANA name: report days (rollups, day/week/month splits) run midnight to midnight there.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
