"""the duplicate sweep in phases: filed, loaded in key order, then paired

A sweep used to file each batch of leads under its keys and pair it at once, judging every key by
the leads filed under it so far, and inserting each batch's keys at random places of the keys'
primary key. It now makes every lead's keys first, staged in `duplicate_sweep_keys` (in lead
order, with the version of the lead each was made from), then replaces the workspace's keys with
them in one statement in key order, then pairs every block of keys at once in its final size.

- `duplicate_cursors` says which phase a sweep is in and when it started (the pending pairs not
  stored again since are no longer found, and are dropped). A sweep under way at the upgrade has
  neither: it goes on filing, and drops nothing.
- `duplicate_keys` loses its foreign key to the lead: checked per key in key order, it was a
  random read and a row lock of a lead per key, more than half of the load. A lead's keys are
  deleted where the lead is (its erasure and its merge) and when the consumer meets its going.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-04 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import leadapi.db

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("duplicate_cursors") as batch:
        batch.add_column(sa.Column("sweep_phase", sa.String(10), nullable=True))
        batch.add_column(sa.Column("sweep_started_at", leadapi.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "duplicate_sweep_keys",
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.BigInteger(), nullable=True),
        sa.Column("phone_hash", sa.BigInteger(), nullable=True),
        sa.Column("name_mask", sa.BigInteger(), nullable=False),
        sa.Column("name_len", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "lead_id", "key", name="pk_duplicate_sweep_keys"),
    )
    with op.batch_alter_table("duplicate_keys") as batch:
        batch.drop_constraint("fk_duplicate_keys_lead_id_leads", type_="foreignkey")


def downgrade() -> None:
    # Keys of leads gone meanwhile would break the foreign key: they go first.
    op.execute(
        "DELETE FROM duplicate_keys WHERE NOT EXISTS (SELECT 1 FROM leads WHERE leads.id = "
        "duplicate_keys.lead_id AND leads.workspace_id = duplicate_keys.workspace_id)"
    )
    with op.batch_alter_table("duplicate_keys") as batch:
        batch.create_foreign_key(
            "fk_duplicate_keys_lead_id_leads",
            "leads",
            ["lead_id", "workspace_id"],
            ["id", "workspace_id"],
            ondelete="CASCADE",
        )
    op.drop_table("duplicate_sweep_keys")
    with op.batch_alter_table("duplicate_cursors") as batch:
        batch.drop_column("sweep_started_at")
        batch.drop_column("sweep_phase")
