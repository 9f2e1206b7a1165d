"""scoring models

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:56:22.996949
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scoring_models",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_scoring_models_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_models")),
        sa.UniqueConstraint("workspace_id", "version", name=op.f("uq_scoring_models_workspace_id_version")),
    )
    op.create_table(
        "scoring_settings",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("active_model_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["active_model_id"],
            ["scoring_models.id"],
            name=op.f("fk_scoring_settings_active_model_id_scoring_models"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_scoring_settings_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_scoring_settings")),
    )


def downgrade() -> None:
    op.drop_table("scoring_settings")
    op.drop_table("scoring_models")
