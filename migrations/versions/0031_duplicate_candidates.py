"""duplicate candidates

The blocking keys each lead is filed under (primary key workspace, key, lead: finding a lead's
candidates is one range per key), the candidate pairs (the review queue by status and score),
and the detecting consumer's position in each workspace's event log.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table(
        "duplicate_keys",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_duplicate_keys_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_duplicate_keys_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("workspace_id", "key", "lead_id", name=op.f("pk_duplicate_keys")),
    )
    op.create_index("ix_duplicate_keys_lead_id", "duplicate_keys", ["lead_id"])
    op.create_table(
        "duplicate_pairs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.String(length=32), nullable=False),
        sa.Column("other_lead_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        sa.Column("merged_into", sa.String(length=32), nullable=True),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_duplicate_pairs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_pairs")),
        sa.UniqueConstraint(
            "workspace_id",
            "lead_id",
            "other_lead_id",
            name=op.f("uq_duplicate_pairs_workspace_id_lead_id_other_lead_id"),
        ),
    )
    op.create_index(
        "ix_duplicate_pairs_workspace_id_status_score_id",
        "duplicate_pairs",
        ["workspace_id", "status", "score", "id"],
    )
    op.create_index(
        "ix_duplicate_pairs_workspace_id_other_lead_id",
        "duplicate_pairs",
        ["workspace_id", "other_lead_id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_table(
        "duplicate_cursors",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("sweeping", sa.Boolean(), nullable=False),
        sa.Column("sweep_after_at", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sweep_after", sa.String(length=32), nullable=True),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_duplicate_cursors_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_duplicate_cursors")),
    )


def downgrade() -> None:
    op.drop_table("duplicate_cursors")
    op.drop_index("ix_duplicate_pairs_workspace_id_other_lead_id", table_name="duplicate_pairs")
    op.drop_index("ix_duplicate_pairs_workspace_id_status_score_id", table_name="duplicate_pairs")
    op.drop_table("duplicate_pairs")
    op.drop_index("ix_duplicate_keys_lead_id", table_name="duplicate_keys")
    op.drop_table("duplicate_keys")
