"""rollup extras

What each lead adds to the report rollups after its creation (its assignments, stage moves,
rejections, its owner now) is part of its snapshot, and the rollup consumer's position carries the
position reports wait for before reading rollups. Existing positions go back to the log's start, so
the consumer takes the new figures in for every lead; reports read the rows until it has.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rollup_leads") as batch:
        batch.add_column(sa.Column("extra", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("rollup_cursors") as batch:
        batch.add_column(sa.Column("ready_at", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE rollup_cursors SET position = 0, ready_at = COALESCE("
        "(SELECT last_seq FROM event_sequences s WHERE s.workspace_id = rollup_cursors.workspace_id), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("rollup_cursors") as batch:
        batch.drop_column("ready_at")
    with op.batch_alter_table("rollup_leads") as batch:
        batch.drop_column("extra")
