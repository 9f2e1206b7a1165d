"""tasks

Tasks for owners: a call, an email, a follow-up or anything else an owner is to do on a lead by a
due time, open until done or cancelled. Indexes: the lists by due time (none, a status, an owner,
an owner and a status), a lead's tasks (also what the cascade from `leads` and a merge look up),
and the overdue sweep's queue (open tasks not yet reported overdue, by due time; partial).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNFLAGGED = sa.text("status = 'open' AND overdue_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("overdue_at", UTCDateTime(), nullable=True),
        sa.Column("caused_by", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_tasks_workspace_id_workspaces", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_tasks_lead_id_leads", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
    )
    op.create_index("ix_tasks_workspace_id_due_at_id", "tasks", ["workspace_id", "due_at", "id"])
    op.create_index(
        "ix_tasks_workspace_id_status_due_at_id", "tasks", ["workspace_id", "status", "due_at", "id"]
    )
    op.create_index(
        "ix_tasks_workspace_id_owner_id_due_at_id", "tasks", ["workspace_id", "owner_id", "due_at", "id"]
    )
    op.create_index(
        "ix_tasks_workspace_id_owner_id_status_due_at_id",
        "tasks",
        ["workspace_id", "owner_id", "status", "due_at", "id"],
    )
    op.create_index("ix_tasks_lead_id_due_at_id", "tasks", ["lead_id", "due_at", "id"])
    op.create_index(
        "ix_tasks_due_at_open_unflagged",
        "tasks",
        ["due_at"],
        postgresql_where=UNFLAGGED,
        sqlite_where=UNFLAGGED,
    )


def downgrade() -> None:
    op.drop_table("tasks")
