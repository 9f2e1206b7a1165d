"""routing fairness indexes

The routing fairness report (GET /v1/reports/routing) reads the assignments made in a range, all of
them (the touched-only partial index serves speed to lead), and the `lead.unassigned` events of the
range (the picks no rule could make: their rules tried say who was at capacity or away).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 13:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_assignments_workspace_id_created_at_id",
        "assignments",
        ["workspace_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_events_unassigned",
        "events",
        ["workspace_id", "occurred_at", "id"],
        unique=False,
        postgresql_where=sa.text("type = 'lead.unassigned'"),
        sqlite_where=sa.text("type = 'lead.unassigned'"),
    )


def downgrade() -> None:
    op.drop_index("ix_events_unassigned", table_name="events")
    op.drop_index("ix_assignments_workspace_id_created_at_id", table_name="assignments")
