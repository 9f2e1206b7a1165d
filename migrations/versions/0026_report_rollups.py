"""report rollups

Report rollups (leads per workspace, dimension, facet, UTC day or month, key and value; the
primary key serves every read), what each lead last added to them, and the rollup consumer's
position in each workspace's event log.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import leadapi.db

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "report_rollups",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("facet", sa.String(length=8), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=260), nullable=False),
        sa.Column("value", sa.String(length=160), nullable=False),
        sa.Column("leads", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        _workspace_fk("report_rollups"),
        sa.PrimaryKeyConstraint(
            "workspace_id", "dimension", "facet", "period", "key", "value", name=op.f("pk_report_rollups")
        ),
    )
    op.create_table(
        "rollup_leads",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=260), nullable=False),
        sa.Column("owner", sa.String(length=260), nullable=False),
        sa.Column("utm_campaign", sa.String(length=260), nullable=False),
        sa.Column("utm_source", sa.String(length=260), nullable=False),
        sa.Column("utm_medium", sa.String(length=260), nullable=False),
        sa.Column("mask", sa.String(length=160), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("score", sa.String(length=160), nullable=False),
        sa.Column("touch", sa.String(length=160), nullable=False),
        sa.Column("active", sa.String(length=160), nullable=False),
        _workspace_fk("rollup_leads"),
        sa.PrimaryKeyConstraint("workspace_id", "lead_id", name=op.f("pk_rollup_leads")),
    )
    op.create_table(
        "rollup_cursors",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        _workspace_fk("rollup_cursors"),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_rollup_cursors")),
    )


def downgrade() -> None:
    op.drop_table("rollup_cursors")
    op.drop_table("rollup_leads")
    op.drop_table("report_rollups")
