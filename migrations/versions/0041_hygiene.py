"""hygiene

`leads.archived_at`: when a hygiene sweep archived the lead for inactivity (its next activity
clears it). `hygiene_settings`: a workspace's archiving settings and the sweep's marks.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-03 17:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import JSONDoc, UTCDateTime

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("archived_at", UTCDateTime(), nullable=True))
    op.create_index(
        "ix_leads_workspace_id_archived_at_id",
        "leads",
        ["workspace_id", "archived_at", "id"],
        postgresql_where=sa.text("archived_at IS NOT NULL"),
        sqlite_where=sa.text("archived_at IS NOT NULL"),
    )
    op.create_table(
        "hygiene_settings",
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("archive_inactive_after_days", sa.Integer(), nullable=True),
        sa.Column("only_stages", JSONDoc, nullable=False),
        sa.Column("activity_mark_at", UTCDateTime(), nullable=True),
        sa.Column("activity_mark_id", sa.String(32), nullable=True),
        sa.Column("created_mark_at", UTCDateTime(), nullable=True),
        sa.Column("created_mark_id", sa.String(32), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_hygiene_settings_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_hygiene_settings"),
    )
    op.create_index(
        "ix_hygiene_settings_archiving",
        "hygiene_settings",
        ["workspace_id"],
        postgresql_where=sa.text("archive_inactive_after_days IS NOT NULL"),
        sqlite_where=sa.text("archive_inactive_after_days IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_hygiene_settings_archiving", table_name="hygiene_settings")
    op.drop_table("hygiene_settings")
    op.drop_index("ix_leads_workspace_id_archived_at_id", table_name="leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("archived_at")
