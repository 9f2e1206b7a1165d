"""Tasks: a call, an email or a follow-up an owner is to do on a lead by a due time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from leadapi.db import Base, UTCDateTime, workspace_fk


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # The lists (GET /v1/tasks), soonest due first or last, each filter combination one range
        # read of an index ending in (due_at, id), the keyset: none, a status, an owner, both.
        Index("ix_tasks_workspace_id_due_at_id", "workspace_id", "due_at", "id"),
        Index("ix_tasks_workspace_id_status_due_at_id", "workspace_id", "status", "due_at", "id"),
        Index("ix_tasks_workspace_id_owner_id_due_at_id", "workspace_id", "owner_id", "due_at", "id"),
        Index(
            "ix_tasks_workspace_id_owner_id_status_due_at_id",
            "workspace_id",
            "owner_id",
            "status",
            "due_at",
            "id",
        ),
        # A lead's tasks, and what the lead's deletion (the cascade) and a merge look up: lead ids
        # are unique across workspaces, so the lead leads.
        Index("ix_tasks_lead_id_due_at_id", "lead_id", "due_at", "id"),
        # The activation report: the tasks made in a range.
        Index("ix_tasks_workspace_id_created_at", "workspace_id", "created_at"),
        # The overdue sweep's queue, across workspaces: open tasks not yet reported overdue, by
        # due time. A task leaves it when it is reported, done or cancelled.
        Index(
            "ix_tasks_due_at_open_unflagged",
            "due_at",
            postgresql_where=text("status = 'open' AND overdue_at IS NULL"),
            sqlite_where=text("status = 'open' AND overdue_at IS NULL"),
        ),
        workspace_fk("lead_id", "leads.id", ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    # An erased lead takes its tasks with it; a merged one hands them to the survivor first.
    lead_id: Mapped[str] = mapped_column(String(32))
    # No foreign key: a removed owner's tasks stay on record (as their assignments do), to be
    # handed to someone else by PATCH.
    owner_id: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(20))  # call | email | follow_up | custom
    status: Mapped[str] = mapped_column(String(20))  # open | done | cancelled
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(2000))
    version: Mapped[int] = mapped_column(Integer)  # the ETag; every change bumps it
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the sweep reported it overdue (`task.overdue`); a new due time clears it.
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What made it, when not an API call: an automation's run (the chain of causes).
    caused_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
