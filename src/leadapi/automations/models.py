"""Automations, the record of every run, and the consumer's position in each workspace's event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, JSONDoc, UTCDateTime, workspace_fk

FIRED = text("status = 'fired'")


class Automation(Base):
    __tablename__ = "automations"
    __table_args__ = (Index("ix_automations_workspace_id_id", "workspace_id", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    when: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    limits: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    # The automation takes the events numbered after this one: those of its lifetime (set when it
    # is made, and again when it is switched back on), not the history before it.
    from_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Why the service switched it off (an action names an owner or a stage that is gone); cleared
    # when an admin switches it back on.
    inactive_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AutomationRun(Base):
    """One automation meeting one event: what each action did, or why nothing was done."""

    __tablename__ = "automation_runs"
    __table_args__ = (
        # The second guard of exactly once: the consumer's position is the first.
        UniqueConstraint("workspace_id", "automation_id", "event_id"),
        # The consumer's check of that guard: a batch's runs, by the range of its event numbers.
        Index("ix_automation_runs_workspace_id_event_seq", "workspace_id", "event_seq"),
        Index(
            "ix_automation_runs_workspace_id_automation_id_at_id", "workspace_id", "automation_id", "at", "id"
        ),
        Index("ix_automation_runs_workspace_id_lead_id_at_id", "workspace_id", "lead_id", "at", "id"),
        # The limits: an automation's runs that did something, per lead (once, cooldown) and in all
        # (runs per day).
        Index(
            "ix_automation_runs_fired_per_lead",
            "automation_id",
            "lead_id",
            "at",
            postgresql_where=FIRED,
            sqlite_where=FIRED,
        ),
        Index("ix_automation_runs_fired", "automation_id", "at", postgresql_where=FIRED, sqlite_where=FIRED),
        workspace_fk("automation_id", "automations.id", ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    automation_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(32))
    event_seq: Mapped[int] = mapped_column(BigInteger)
    event_type: Mapped[str] = mapped_column(String(100))
    lead_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))  # fired | skipped
    reason: Mapped[str | None] = mapped_column(String(40))  # why skipped: condition, cooldown, depth...
    detail: Mapped[str | None] = mapped_column(String(500))
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)  # what each action did
    # How many automation runs led to the triggering event (0: a change from outside), and the
    # run whose effect it was.
    depth: Mapped[int] = mapped_column(Integer, default=0)
    caused_by: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class AutomationCursor(Base):
    """The last event of a workspace (by its sequence) the automations have been run for."""

    __tablename__ = "automation_cursors"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InactivityMark(Base):
    """How far the sweep of one `inactive_for_days` automation has gone, and when it is next due.

    Leads are read in the order of their last activity (never-active ones by creation, a second
    order): `active_*` and `idle_*` are the last lead of each order the sweep has found inactive for
    the automation's days. A lead's new activity moves it after the mark (its time is later than
    any the mark passed), so it is found again, once, when it has been quiet that long again: one
    firing per inactivity spell. `due_at` is when the next lead after the marks turns inactive (or
    a lead active from now on could): the sweep reads only the marks due, so its cost follows the
    leads turning inactive, not the number of leads or automations.
    """

    __tablename__ = "automation_inactivity_marks"
    __table_args__ = (
        Index("ix_automation_inactivity_marks_due_at", "due_at"),
        workspace_fk("automation_id", "automations.id", ondelete="CASCADE"),
    )

    automation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[int] = mapped_column(Integer)
    active_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active_id: Mapped[str] = mapped_column(String(32))
    idle_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idle_id: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
