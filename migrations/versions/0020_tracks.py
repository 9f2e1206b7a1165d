"""tracks

Nurture tracks (ordered steps, an exit condition, reenrolment, the one-track rule's exception), the
enrolments of leads in them (a track's and a lead's lists, and the step sweep's queue: active
enrolments by next due time, partial), the touches the weekly cap counts (per lead, by time) and
the workspace's nurture settings, and the exit watch's position in each workspace's event log.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from leadapi.db import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ACTIVE = sa.text("status = 'active'")


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"], ["workspaces.id"], name=f"fk_{table}_workspace_id_workspaces", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "tracks",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("steps", JSON, nullable=False),
        sa.Column("exit_when", JSON, nullable=True),
        sa.Column("reenroll_after_days", sa.Integer(), nullable=True),
        sa.Column("allow_concurrent", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _workspace_fk("tracks"),
        sa.PrimaryKeyConstraint("id", name="pk_tracks"),
    )
    op.create_index("ix_tracks_workspace_id_id", "tracks", ["workspace_id", "id"])
    op.create_table(
        "track_enrollments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("track_id", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("next_due_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("caused_by", sa.String(64), nullable=True),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _workspace_fk("track_enrollments"),
        sa.ForeignKeyConstraint(
            ["track_id"], ["tracks.id"], name="fk_track_enrollments_track_id_tracks", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_track_enrollments_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_track_enrollments"),
    )
    op.create_index("ix_track_enrollments_track_id_id", "track_enrollments", ["track_id", "id"])
    op.create_index(
        "ix_track_enrollments_track_id_status_id", "track_enrollments", ["track_id", "status", "id"]
    )
    op.create_index("ix_track_enrollments_lead_id_id", "track_enrollments", ["lead_id", "id"])
    op.create_index(
        "ix_track_enrollments_next_due_at_active",
        "track_enrollments",
        ["next_due_at"],
        postgresql_where=ACTIVE,
        sqlite_where=ACTIVE,
    )
    op.create_table(
        "track_touches",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.Column("enrollment_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _workspace_fk("track_touches"),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_track_touches_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_track_touches"),
    )
    op.create_index("ix_track_touches_lead_id_at", "track_touches", ["lead_id", "at"])
    op.create_table(
        "nurture_settings",
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("weekly_touch_cap", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _workspace_fk("nurture_settings"),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_nurture_settings"),
    )
    op.create_table(
        "track_cursors",
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _workspace_fk("track_cursors"),
        sa.PrimaryKeyConstraint("workspace_id", name="pk_track_cursors"),
    )


def downgrade() -> None:
    op.drop_table("track_cursors")
    op.drop_table("nurture_settings")
    op.drop_table("track_touches")
    op.drop_table("track_enrollments")
    op.drop_table("tracks")
