"""automations

Automations (`{trigger, when, actions, limits}` per workspace), the record of every run (unique per
automation and triggering event: the second guard of exactly once), the consumer's position in each
workspace's event log, and `events.caused_by`: the run whose action appended an event.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
FIRED = sa.text("status = 'fired'")


def upgrade() -> None:
    op.create_table(
        "automations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("trigger", JSON, nullable=False),
        sa.Column("when", JSON, nullable=True),
        sa.Column("actions", JSON, nullable=False),
        sa.Column("limits", JSON, nullable=False),
        sa.Column("from_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_automations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automations")),
    )
    op.create_index("ix_automations_workspace_id_id", "automations", ["workspace_id", "id"])
    op.create_table(
        "automation_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("automation_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("lead_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("actions", JSON, nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("caused_by", sa.String(length=32), nullable=True),
        sa.Column("at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["automation_id"],
            ["automations.id"],
            name=op.f("fk_automation_runs_automation_id_automations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_automation_runs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_runs")),
        sa.UniqueConstraint(
            "automation_id", "event_id", name=op.f("uq_automation_runs_automation_id_event_id")
        ),
    )
    op.create_index(
        "ix_automation_runs_workspace_id_automation_id_at_id",
        "automation_runs",
        ["workspace_id", "automation_id", "at", "id"],
    )
    op.create_index(
        "ix_automation_runs_workspace_id_lead_id_at_id",
        "automation_runs",
        ["workspace_id", "lead_id", "at", "id"],
    )
    op.create_index(
        "ix_automation_runs_fired_per_lead",
        "automation_runs",
        ["automation_id", "lead_id", "at"],
        postgresql_where=FIRED,
        sqlite_where=FIRED,
    )
    op.create_index(
        "ix_automation_runs_fired",
        "automation_runs",
        ["automation_id", "at"],
        postgresql_where=FIRED,
        sqlite_where=FIRED,
    )
    op.create_table(
        "automation_cursors",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_automation_cursors_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_automation_cursors")),
    )
    # Appended, so the table's columns stay in the order events/rows.py's EVENT_COLUMNS lists.
    op.add_column("events", sa.Column("caused_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("caused_by")
    op.drop_table("automation_cursors")
    op.drop_table("automation_runs")
    op.drop_table("automations")
