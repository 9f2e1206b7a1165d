"""phone extensions

A lead's phone keeps its extension (`+14155552671;ext=89`), longer than the 20 characters E.164
alone needed.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.alter_column("phone", type_=sa.String(48), existing_type=sa.String(20), existing_nullable=True)


def downgrade() -> None:
    # PostgreSQL refuses (rather than truncates) a phone with an extension longer than 20.
    with op.batch_alter_table("leads") as batch:
        batch.alter_column("phone", type_=sa.String(20), existing_type=sa.String(48), existing_nullable=True)
