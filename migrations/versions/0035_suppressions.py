"""suppressions

Keyed hashes (HMAC) of erased people's normalised email and phone, per workspace, so that a
later capture of the same person is refused. Unique index: the capture's lookup.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import UTCDateTime

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_suppressions_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_suppressions"),
    )
    op.create_index(
        "ux_suppressions_workspace_id_digest", "suppressions", ["workspace_id", "digest"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_suppressions_workspace_id_digest", table_name="suppressions")
    op.drop_table("suppressions")
