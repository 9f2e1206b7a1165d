"""rollups per local hour

The rollup counts not split by a key, and those by source, are kept per local hour too
(`report_rollups.period` 'h2026-03-04T23': the prefix sorts a facet's hours after its days and
months, so a range of days scans no hours), so the partial first and last days of a report unsplit
or by source read hour rows and only its partial hours raw rows. A lead's snapshot names the hour
it counts in (`rollup_leads.day` becomes `hour`), as do its extras.

The rollups made before count days only: they are emptied, and each workspace's consumer goes
through its log again from the start (as after a change of time zone); reports read the rows until
it has reached where the log is now (`rollups_ready`).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-04 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _start_again() -> None:
    op.execute("DELETE FROM report_rollups")
    op.execute("DELETE FROM rollup_leads")
    op.execute(
        "UPDATE rollup_cursors SET position = 0, ready_at = COALESCE((SELECT last_seq FROM event_sequences"
        " WHERE event_sequences.workspace_id = rollup_cursors.workspace_id), 0)"
    )


def upgrade() -> None:
    _start_again()
    with op.batch_alter_table("report_rollups") as batch:
        batch.alter_column(
            "period", type_=sa.String(14), existing_type=sa.String(10), existing_nullable=False
        )
    with op.batch_alter_table("rollup_leads") as batch:
        batch.alter_column(
            "day",
            new_column_name="hour",
            type_=sa.String(13),
            existing_type=sa.String(10),
            existing_nullable=False,
        )


def downgrade() -> None:
    _start_again()
    with op.batch_alter_table("rollup_leads") as batch:
        batch.alter_column(
            "hour",
            new_column_name="day",
            type_=sa.String(10),
            existing_type=sa.String(13),
            existing_nullable=False,
        )
    with op.batch_alter_table("report_rollups") as batch:
        batch.alter_column(
            "period", type_=sa.String(10), existing_type=sa.String(14), existing_nullable=False
        )
