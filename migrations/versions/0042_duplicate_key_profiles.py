"""duplicate key profiles

Each `duplicate_keys` row carries what the pair filter compares of its lead (duplicates/engine.py,
`Signature`): a 63-bit hash of the mailbox and of the phone, and the characters present in and
the length of the full name as the fuzzy match compares it. The leads under a key are then
filtered in the database, beside the key's index range, and only pairs that can score reach
Python. Nullable: rows filed before pass the filter (a sweep refreshes them).

`ix_duplicate_keys_lead_id` becomes (workspace_id, lead_id): replacing a batch's keys names both,
and with the lead alone indexed PostgreSQL, on statistics older than the workspace's keys (a
sweep's growing table), ANDed the workspace's whole primary-key range into each batch's delete.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-03 20:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("email_hash", sa.BigInteger()),
    ("phone_hash", sa.BigInteger()),
    ("name_mask", sa.BigInteger()),
    ("name_len", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("duplicate_keys") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.drop_index("ix_duplicate_keys_lead_id", table_name="duplicate_keys")
    op.create_index("ix_duplicate_keys_workspace_id_lead_id", "duplicate_keys", ["workspace_id", "lead_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_keys_workspace_id_lead_id", table_name="duplicate_keys")
    op.create_index("ix_duplicate_keys_lead_id", "duplicate_keys", ["lead_id"])
    with op.batch_alter_table("duplicate_keys") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
