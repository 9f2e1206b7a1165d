"""webhook fairness and disabling

Subscriptions count their failed attempts in a row and record when they were disabled; due
deliveries are taken per subscription, by an index on (subscription, next attempt) over pending
deliveries, instead of oldest first across all (a backlog on one endpoint held up every other).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import leadapi.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.add_column(
            sa.Column("failure_streak", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("disabled_at", leadapi.db.UTCDateTime(timezone=True), nullable=True))
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.create_index(
        "ix_webhook_deliveries_due_per_subscription",
        "webhook_deliveries",
        ["subscription_id", "next_attempt_at"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_due_per_subscription", table_name="webhook_deliveries")
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.drop_column("disabled_at")
        batch.drop_column("failure_streak")
