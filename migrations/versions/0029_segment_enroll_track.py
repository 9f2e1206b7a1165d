"""segment enroll track

`segments.enroll_track_id`: the nurture track the leads entering a segment are enrolled in (null:
none). No foreign key: deleting the track clears it, in the transaction that deletes it.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("segments") as batch:
        batch.add_column(sa.Column("enroll_track_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("segments") as batch:
        batch.drop_column("enroll_track_id")
