"""sealed secrets

Signing secrets are stored sealed (leadapi/sealing.py: a prefix and a Fernet token), which is
longer than the plaintext the old widths allowed, so the columns become unbounded text. The values
themselves are sealed by `leadapi migrate` after the upgrade (and by `leadapi secrets reseal`):
sealing needs the keyring, which a revision does not have.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    ("webhook_subscriptions", "secret", 100, False),
    ("webhook_subscriptions", "previous_secret", 100, True),
    ("sources", "secret", 200, False),
]


def upgrade() -> None:
    for table, column, width, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, type_=sa.Text(), existing_type=sa.String(width), existing_nullable=nullable
            )


def downgrade() -> None:
    # PostgreSQL refuses (rather than truncates) a sealed value longer than the old width.
    for table, column, width, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, type_=sa.String(width), existing_type=sa.Text(), existing_nullable=nullable
            )
