"""lead scores and jobs

Leads get their score columns; leads that exist already are queued for the rescoring sweep
(rescore_at in the past), and their last behaviour event is backfilled for inactivity rules.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 00:38:19.074570
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "progress",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("started_at", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_until", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_jobs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_status_created_at", ["status", "created_at"], unique=False)

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fit_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("behavior_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("band", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("scored_at", leadapi.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("score_model_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("rescore_at", leadapi.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("last_activity_at", leadapi.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_leads_rescore_at",
            ["rescore_at"],
            unique=False,
            postgresql_where=sa.text("rescore_at IS NOT NULL"),
            sqlite_where=sa.text("rescore_at IS NOT NULL"),
        )
        batch_op.create_index("ix_leads_workspace_id_score", ["workspace_id", "score"], unique=False)

    # At this revision every system event type starts with "lead."; the rest are behaviour.
    op.execute(
        "UPDATE leads SET last_activity_at = (SELECT max(e.occurred_at) FROM events e "
        "WHERE e.workspace_id = leads.workspace_id AND e.lead_id = leads.id AND e.type NOT LIKE 'lead.%')"
    )
    epoch = "'1970-01-01 00:00:00'" if op.get_bind().dialect.name == "sqlite" else "'1970-01-01 00:00:00+00'"
    op.execute(f"UPDATE leads SET rescore_at = {epoch}")


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_workspace_id_score")
        batch_op.drop_index(
            "ix_leads_rescore_at",
            postgresql_where=sa.text("rescore_at IS NOT NULL"),
            sqlite_where=sa.text("rescore_at IS NOT NULL"),
        )
        batch_op.drop_column("last_activity_at")
        batch_op.drop_column("rescore_at")
        batch_op.drop_column("score_model_id")
        batch_op.drop_column("scored_at")
        batch_op.drop_column("band")
        batch_op.drop_column("behavior_score")
        batch_op.drop_column("fit_score")

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_created_at")

    op.drop_table("jobs")
