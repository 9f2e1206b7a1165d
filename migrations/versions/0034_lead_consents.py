"""lead consents

A lead's consent records per channel (email, sms, phone, linkedin, custom): granted, denied or
pending, with source, time and proof; appended, never changed. Index: a lead's history by time
(also what the cascade from `leads` and a merge look up).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadapi.db import JSONDoc, UTCDateTime

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead_consents",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("proof", JSONDoc, nullable=True),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("token_digest", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_lead_consents_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_lead_consents_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lead_consents"),
    )
    op.create_index("ix_lead_consents_lead_id_at_id", "lead_consents", ["lead_id", "at", "id"])


def downgrade() -> None:
    op.drop_index("ix_lead_consents_lead_id_at_id", table_name="lead_consents")
    op.drop_table("lead_consents")
