"""automation runs by event number

`ix_automation_runs_workspace_id_event_seq`: the consumer's check that none of a batch's events
has a run yet (the second guard of exactly once) reads one range of it, the batch's numbers, where
it probed the unique (automation_id, event_id) index once per pair, or (as PostgreSQL planned it)
walked every run of each automation.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_automation_runs_workspace_id_event_seq", "automation_runs", ["workspace_id", "event_seq"]
    )


def downgrade() -> None:
    op.drop_index("ix_automation_runs_workspace_id_event_seq", table_name="automation_runs")
