"""activation report indexes

What the activation report's intent and track figures read by time: tasks made in a range
(`ix_tasks_workspace_id_created_at`), enrolments made in a range
(`ix_track_enrollments_workspace_id_enrolled_at`), and a lead's band changes by time
(`ix_events_band_changes`, partial: band changes alone).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BAND_CHANGES = sa.text("type = 'lead.band_changed'")


def upgrade() -> None:
    op.create_index("ix_tasks_workspace_id_created_at", "tasks", ["workspace_id", "created_at"])
    op.create_index(
        "ix_track_enrollments_workspace_id_enrolled_at", "track_enrollments", ["workspace_id", "enrolled_at"]
    )
    op.create_index(
        "ix_events_band_changes",
        "events",
        ["workspace_id", "lead_id", "occurred_at"],
        postgresql_where=BAND_CHANGES,
        sqlite_where=BAND_CHANGES,
    )


def downgrade() -> None:
    op.drop_index("ix_events_band_changes", table_name="events")
    op.drop_index("ix_track_enrollments_workspace_id_enrolled_at", table_name="track_enrollments")
    op.drop_index("ix_tasks_workspace_id_created_at", table_name="tasks")
