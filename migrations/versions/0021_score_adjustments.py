"""score adjustments

Manual points on a lead with a reason and an expiry (`score_adjustments`), made over the API or by
an automation's `adjust_score` action (the run that made them). Index: a lead's adjustments, newest
first (the list, and the cascade from `leads`).

The `inactive_for_days` trigger's sweep: a mark per such automation (`automation_inactivity_marks`:
how far it has read the leads in order of last activity, and of creation for never-active ones, and
when it is next due; indexed by due time), and an index of a workspace's leads by last activity
(partial: never-active leads are read through the index by creation).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import UTCDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("last_activity_at IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "score_adjustments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_score_adjustments_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_score_adjustments_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_score_adjustments"),
    )
    op.create_index(
        "ix_score_adjustments_lead_id_created_at_id", "score_adjustments", ["lead_id", "created_at", "id"]
    )

    op.create_table(
        "automation_inactivity_marks",
        sa.Column("automation_id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("active_at", UTCDateTime(), nullable=False),
        sa.Column("active_id", sa.String(32), nullable=False),
        sa.Column("idle_at", UTCDateTime(), nullable=False),
        sa.Column("idle_id", sa.String(32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["automation_id"],
            ["automations.id"],
            name="fk_automation_inactivity_marks_automation_id_automations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_automation_inactivity_marks_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("automation_id", name="pk_automation_inactivity_marks"),
    )
    op.create_index("ix_automation_inactivity_marks_due_at", "automation_inactivity_marks", ["due_at"])
    op.create_index(
        "ix_leads_workspace_id_last_activity_at_id",
        "leads",
        ["workspace_id", "last_activity_at", "id"],
        postgresql_where=ACTIVE,
        sqlite_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_leads_workspace_id_last_activity_at_id", table_name="leads")
    op.drop_table("automation_inactivity_marks")
    op.drop_table("score_adjustments")
