"""rate limits per key and the audit log

api_keys.rate_limit: a key's own rate limit (null: the server's setting). audit_log: one row per
admin change, written in the change's transaction, read newest first per workspace (by time, by
resource, or by key).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import JSONDoc, UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("rate_limit", sa.String(200), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("before", JSONDoc, nullable=True),
        sa.Column("after", JSONDoc, nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_audit_log_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_workspace_id_at_id", "audit_log", ["workspace_id", "at", "id"])
    op.create_index(
        "ix_audit_log_workspace_id_resource_resource_id_at",
        "audit_log",
        ["workspace_id", "resource", "resource_id", "at"],
    )
    op.create_index("ix_audit_log_workspace_id_key_id_at", "audit_log", ["workspace_id", "key_id", "at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("rate_limit")
