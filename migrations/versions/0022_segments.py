"""segments

Segments (a name and a condition over the lead per workspace, and their live member count),
their members (primary key workspace, segment, lead: the members list reads it alone), and the
membership consumer's position in each workspace's event log.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
FILLING = sa.text("filling")


def upgrade() -> None:
    op.create_table(
        "segments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("when", JSON, nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("filling", sa.Boolean(), nullable=False),
        sa.Column("fill_until", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fill_after_at", leadapi.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fill_after", sa.String(length=32), nullable=True),
        sa.Column("created_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_segments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
    )
    op.create_index("ix_segments_workspace_id_id", "segments", ["workspace_id", "id"])
    op.create_index(
        "ix_segments_filling", "segments", ["workspace_id"], postgresql_where=FILLING, sqlite_where=FILLING
    )
    op.create_table(
        "segment_members",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("segment_id", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.String(length=32), nullable=False),
        sa.Column("entered_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_segment_members_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_segment_members_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_segment_members_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("workspace_id", "segment_id", "lead_id", name=op.f("pk_segment_members")),
    )
    op.create_index("ix_segment_members_workspace_id_lead_id", "segment_members", ["workspace_id", "lead_id"])
    op.create_table(
        "segment_cursors",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", leadapi.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_segment_cursors_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_segment_cursors")),
    )


def downgrade() -> None:
    op.drop_table("segment_cursors")
    op.drop_table("segment_members")
    op.drop_table("segments")
