"""report settings

A workspace's report settings: the IANA time zone whose days the rollups and the day, week and
month splits count. No row: UTC.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-03 16:41:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import UTCDateTime

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_settings",
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_report_settings_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_report_settings"),
    )


def downgrade() -> None:
    op.drop_table("report_settings")
