"""activation defaults

`activation_defaults`: which of the activation defaults (inactive automations and the nurture
tracks they name, flows/activation.py) a workspace was given, and what each became; installing
again skips them, also once deleted.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import leadapi.db

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activation_defaults",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.String(length=32), nullable=False),
        sa.Column("installed_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_activation_defaults_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "template", name=op.f("pk_activation_defaults")),
    )


def downgrade() -> None:
    op.drop_table("activation_defaults")
