"""consent settings

A workspace's consent settings: the form sources whose captures are pending for email until the
person confirms (double opt-in), whether tracks' email steps need granted email consent, and
whether a suppressed person's capture is refused or flagged. One row per workspace; none: the
defaults.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import JSONDoc, UTCDateTime

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_settings",
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("double_opt_in_sources", JSONDoc, nullable=False),
        sa.Column("require_email_consent", sa.Boolean(), nullable=False),
        sa.Column("suppressed_capture", sa.String(10), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_consent_settings_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_consent_settings"),
    )


def downgrade() -> None:
    op.drop_table("consent_settings")
