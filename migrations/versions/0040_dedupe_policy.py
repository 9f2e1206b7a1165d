"""dedupe policy

`dedupe_settings`: a workspace's dedupe policy (auto_merge or flag_only, which exact keys count,
for the workspace and per form source). `leads.dedupe_slot`: the unique (workspace_id, email)
becomes (workspace_id, email, dedupe_slot), so a lead a flag_only policy creates beside the one
holding its email (slot '') can share it (slot: its own id). `duplicate_pairs.flagged_on`: the
exact key such a capture matched on.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext

import sqlalchemy as sa
from alembic import op

from leadapi.db import JSONDoc, UTCDateTime, sqlite_foreign_keys_off

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuilding_leads() -> AbstractContextManager[None]:
    """SQLite rebuilds `leads` to change its unique constraint: without foreign keys, so that its
    children's ON DELETE CASCADE does not empty them as the old table is dropped."""
    bind = op.get_bind()
    return sqlite_foreign_keys_off(bind) if bind.dialect.name == "sqlite" else nullcontext()


def upgrade() -> None:
    op.create_table(
        "dedupe_settings",
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("keys", JSONDoc, nullable=False),
        sa.Column("attribute", sa.String(100), nullable=True),
        sa.Column("sources", JSONDoc, nullable=False),
        sa.Column("attribute_keys", JSONDoc, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_dedupe_settings_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_dedupe_settings"),
    )
    with _rebuilding_leads(), op.batch_alter_table("leads") as batch:
        batch.add_column(
            sa.Column("dedupe_slot", sa.String(32), nullable=False, server_default=sa.text("''"))
        )
        batch.drop_constraint("uq_leads_workspace_id_email", type_="unique")
        batch.create_unique_constraint(
            "uq_leads_workspace_id_email_dedupe_slot", ["workspace_id", "email", "dedupe_slot"]
        )
    with op.batch_alter_table("duplicate_pairs") as batch:
        batch.add_column(sa.Column("flagged_on", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("duplicate_pairs") as batch:
        batch.drop_column("flagged_on")
    # Leads sharing an email (flag_only) cannot all keep it under the old unique constraint.
    op.execute("UPDATE leads SET email = NULL WHERE dedupe_slot <> ''")
    with _rebuilding_leads(), op.batch_alter_table("leads") as batch:
        batch.drop_constraint("uq_leads_workspace_id_email_dedupe_slot", type_="unique")
        batch.create_unique_constraint("uq_leads_workspace_id_email", ["workspace_id", "email"])
        batch.drop_column("dedupe_slot")
    op.drop_table("dedupe_settings")
