"""lead email flags and provenance

`leads.is_disposable_email` and `leads.is_role_email`: derived at capture from the email, beside
`is_free_email` (existing leads get false until their email is written again: the sweep that would
set them is one UPDATE an operator can run, not a migration's hidden minutes on a large table).
`leads.provenance`: where each field's value came from, and when.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(
            sa.Column("is_disposable_email", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("is_role_email", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("provenance", JSON_DOC, nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("provenance")
        batch.drop_column("is_role_email")
        batch.drop_column("is_disposable_email")
