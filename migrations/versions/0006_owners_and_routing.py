"""owners and routing

Owners, routing rules (with their rotation state), per-workspace routing settings, the
assignment log, and an index on leads by owner (open leads, reassignment, account owners).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:36:45.515635
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "assignments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("previous_owner_id", sa.String(length=32), nullable=True),
        sa.Column("by", sa.String(length=20), nullable=False),
        sa.Column("rule_id", sa.String(length=32), nullable=True),
        sa.Column("strategy", sa.String(length=20), nullable=True),
        sa.Column(
            "explanation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_assignments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_workspace_id_lead_id_created_at",
            ["workspace_id", "lead_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "owners",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "territories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("away_from", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("away_until", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_owners_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owners")),
        sa.UniqueConstraint("workspace_id", "email", name=op.f("uq_owners_workspace_id_email")),
    )
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "when",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("strategy", sa.String(length=20), nullable=False),
        sa.Column(
            "pool",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("tie_breaker", sa.String(length=20), nullable=False),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_routing_rules_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
        sa.UniqueConstraint("workspace_id", "position", name=op.f("uq_routing_rules_workspace_id_position")),
    )
    op.create_table(
        "routing_settings",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("route_on", sa.String(length=20), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.Column(
            "rotations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_routing_settings_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_routing_settings")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(
            "ix_leads_workspace_id_owner_id",
            ["workspace_id", "owner_id"],
            unique=False,
            postgresql_where=sa.text("owner_id IS NOT NULL"),
            sqlite_where=sa.text("owner_id IS NOT NULL"),
        )


def downgrade() -> None:

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_workspace_id_owner_id")

    op.drop_table("routing_settings")
    op.drop_table("routing_rules")
    op.drop_table("owners")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_workspace_id_lead_id_created_at")

    op.drop_table("assignments")
