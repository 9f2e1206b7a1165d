"""duplicate filings: a lead's keys found through one row per lead, keys as integers

A sweep's load inserted a workspace's keys into two indexes: the primary key in key order, and
(workspace, lead) at a random page per key, with a speculative insertion per key for ON CONFLICT.
The keys' second index goes: what a lead is filed under is now one row per lead in
`duplicate_filings` (its keys and its signature), and its old keys are deleted by the primary key.
A sweep stages filings (`duplicate_sweep_filings`, one row per lead) instead of keys.

Keys become 63-bit integers (hashes, as before): a narrower index compared as integers.

The keys are derived data: they are deleted, and every workspace is swept again from its first
lead, which files them anew. Candidates found meanwhile at capture are found again by the sweep.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-05 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0046"
down_revision: str | None = "0045"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key_list() -> sa.types.TypeEngine[list[int]]:
    return postgresql.ARRAY(sa.BigInteger()).with_variant(sa.JSON(), "sqlite")


def _filings_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.Column("keys", _key_list(), nullable=False),
        sa.Column("email_hash", sa.BigInteger(), nullable=True),
        sa.Column("phone_hash", sa.BigInteger(), nullable=True),
        sa.Column("name_mask", sa.BigInteger(), nullable=False),
        sa.Column("name_len", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "lead_id", name=f"pk_{name}"),
    )


def _sweep_everything_again() -> None:
    """Every workspace's sweep started again from its first lead, now."""
    op.get_bind().execute(
        sa.text(
            "UPDATE duplicate_cursors SET sweeping = :yes, sweep_phase = 'file', sweep_started_at = :now, "
            "sweep_after_at = NULL, sweep_after = NULL"
        ).bindparams(sa.bindparam("now", type_=leadapi.db.UTCDateTime(timezone=True))),
        {"yes": True, "now": datetime.now(UTC)},
    )


def upgrade() -> None:
    op.drop_table("duplicate_sweep_keys")
    op.execute("DELETE FROM duplicate_keys")
    op.drop_index("ix_duplicate_keys_workspace_id_lead_id", table_name="duplicate_keys")
    with op.batch_alter_table("duplicate_keys") as batch:
        batch.alter_column(
            "key", type_=sa.BigInteger(), existing_nullable=False, postgresql_using="key::bigint"
        )
        batch.alter_column("name_mask", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("name_len", existing_type=sa.Integer(), nullable=False)
    _filings_table("duplicate_filings")
    _filings_table("duplicate_sweep_filings")
    _sweep_everything_again()


def downgrade() -> None:
    op.drop_table("duplicate_sweep_filings")
    op.drop_table("duplicate_filings")
    op.execute("DELETE FROM duplicate_keys")
    with op.batch_alter_table("duplicate_keys") as batch:
        batch.alter_column(
            "key", type_=sa.String(32), existing_nullable=False, postgresql_using="key::varchar"
        )
        batch.alter_column("name_mask", existing_type=sa.BigInteger(), nullable=True)
        batch.alter_column("name_len", existing_type=sa.Integer(), nullable=True)
    op.create_index("ix_duplicate_keys_workspace_id_lead_id", "duplicate_keys", ["workspace_id", "lead_id"])
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
    _sweep_everything_again()
