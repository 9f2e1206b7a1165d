"""Routing rules, each workspace's routing settings and rotation state, and assignments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime


class RoutingRule(Base):
    __tablename__ = "routing_rules"
    __table_args__ = (UniqueConstraint("workspace_id", "position"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    when: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    strategy: Mapped[str] = mapped_column(String(20))
    pool: Mapped[dict[str, Any]] = mapped_column(JSONDoc)  # {"owner_ids": [...], "tags": [...]}
    owner_id: Mapped[str | None] = mapped_column(String(32))
    tie_breaker: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoutingSettings(Base):
    """One row per workspace; locking it serialises the workspace's assignments, which keeps
    rotations fair and capacities exact across processes."""

    __tablename__ = "routing_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    route_on: Mapped[str] = mapped_column(String(20))  # created | mql | sql
    # Bumped by every change to rules or owners: processes cache both per version, so an
    # assignment reads only this row under the lock.
    config_version: Mapped[int] = mapped_column(Integer, default=0)
    # Where each rotating rule stands (round robin: the last pick; weighted: running weights),
    # by rule id: read with the lock, written in the assigning transaction.
    rotations: Mapped[dict[str, Any]] = mapped_column(JSONDoc)


class Assignment(Base):
    """Who got a lead, when and why (the engine's explanation), or who set it by hand."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_workspace_id_lead_id_created_at", "workspace_id", "lead_id", "created_at"),
        # The routing fairness report: every assignment of a range, with its explanation.
        Index("ix_assignments_workspace_id_created_at_id", "workspace_id", "created_at", "id"),
        # Reports: the touched assignments by time, with what speed to lead reads, from the
        # index alone. Partial: an assignment enters it once, when first touched.
        Index(
            "ix_assignments_workspace_id_created_at_touched",
            "workspace_id",
            "created_at",
            postgresql_include=["owner_id", "sla_policy_id", "touched_at"],
            postgresql_where=text("touched_at IS NOT NULL"),
            sqlite_where=text("touched_at IS NOT NULL"),
        ),
        # The SLA sweep's queue, across workspaces: running clocks by due time.
        Index(
            "ix_assignments_due_at_running",
            "due_at",
            postgresql_where=text("sla_state = 'running'"),
            sqlite_where=text("sla_state = 'running'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(32))
    previous_owner_id: Mapped[str | None] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(20))  # routing | manual | reassign
    rule_id: Mapped[str | None] = mapped_column(String(32))
    strategy: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64))
    # The first-touch SLA clock (sla/): the policy that covered the lead when it was assigned,
    # when the owner must have touched it by, when they did, and where the clock stands:
    # running | met | breached | stopped (the lead moved on first); None when no policy applied.
    sla_policy_id: Mapped[str | None] = mapped_column(String(32))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    touched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_state: Mapped[str | None] = mapped_column(String(20))
