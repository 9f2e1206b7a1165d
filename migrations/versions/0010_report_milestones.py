"""report milestones

Leads keep what the reports count, so each report is one pass over leads: `stages_mask` (a
bit per stage ever entered, and one for a rejection) and `first_activity_at` (the first
behaviour event after creation). Each workspace's pipeline keeps `stage_bits`, the bit of every
stage key it ever had. Two indexes serve the reports' time-bounded reads: moves into a stage,
and rejections. Existing leads are filled from their stage history and events.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 18:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here as they were at this revision (stages/engine.py, events/schemas.py).
DEFAULT_BITS = {
    "new": 0,
    "mql": 1,
    "sql": 2,
    "accepted": 3,
    "opportunity": 4,
    "customer": 5,
    "nurturing": 6,
    "disqualified": 7,
}
REJECTED_BIT = 62
RESERVED_PREFIXES = ("lead", "sla", "webhook", "owner", "routing", "scoring", "stage", "system", "job")


def assign_bits(current: dict[str, int], keys: list[str]) -> dict[str, int]:
    bits = dict(current)
    free = (b for b in range(REJECTED_BIT) if b not in set(bits.values()))
    for key in keys:
        if key not in bits:
            bits[key] = next(free)
    return bits


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("first_activity_at", leadapi.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("stages_mask", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(sa.Column("stage_entered_at", leadapi.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("won_amount", sa.Numeric(precision=16, scale=2), nullable=True))
    with op.batch_alter_table("stage_changes") as batch:
        batch.add_column(sa.Column("since", leadapi.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("lifecycle_settings") as batch:
        batch.add_column(
            sa.Column(
                "stage_bits",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    op.create_index(
        "ix_stage_changes_workspace_id_to_stage_at",
        "stage_changes",
        ["workspace_id", "to_stage", "at"],
        unique=False,
    )
    op.create_index(
        "ix_leads_workspace_id_created_at_touched",
        "leads",
        ["workspace_id", "created_at"],
        unique=False,
        postgresql_include=["first_touch_at"],
        postgresql_where=sa.text("first_touch_at IS NOT NULL"),
        sqlite_where=sa.text("first_touch_at IS NOT NULL"),
    )
    op.create_index(
        "ix_assignments_workspace_id_created_at_touched",
        "assignments",
        ["workspace_id", "created_at"],
        unique=False,
        postgresql_include=["owner_id", "sla_policy_id", "touched_at"],
        postgresql_where=sa.text("touched_at IS NOT NULL"),
        sqlite_where=sa.text("touched_at IS NOT NULL"),
    )
    op.create_index("ix_stage_changes_workspace_id_at", "stage_changes", ["workspace_id", "at"], unique=False)
    op.create_index(
        "ix_events_rejections",
        "events",
        ["workspace_id", "occurred_at"],
        unique=False,
        postgresql_where=sa.text("type = 'lead.rejected'"),
        sqlite_where=sa.text("type = 'lead.rejected'"),
    )
    _fill()


def _fill() -> None:
    conn = op.get_bind()
    custom: dict[str, dict[str, int]] = {}
    for workspace_id, stages in conn.execute(sa.text("SELECT workspace_id, stages FROM lifecycle_settings")):
        keys = [s["key"] for s in (json.loads(stages) if isinstance(stages, str) else stages)]
        seen = conn.execute(
            sa.text(
                "SELECT DISTINCT to_stage FROM stage_changes WHERE workspace_id = :ws "
                "UNION SELECT DISTINCT from_stage FROM stage_changes WHERE workspace_id = :ws "
                "AND from_stage IS NOT NULL"
            ),
            {"ws": workspace_id},
        ).scalars()
        bits = assign_bits(DEFAULT_BITS, [*keys, *sorted(k for k in seen if k not in keys)])
        custom[workspace_id] = bits
        conn.execute(
            sa.text("UPDATE lifecycle_settings SET stage_bits = :bits WHERE workspace_id = :ws").bindparams(
                sa.bindparam("bits", type_=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"))
            ),
            {"bits": bits, "ws": workspace_id},
        )
    # Workspaces on the default pipeline, then each custom one with its own bits.
    _fill_masks(conn, DEFAULT_BITS, "workspace_id NOT IN (SELECT workspace_id FROM lifecycle_settings)", {})
    for workspace_id, bits in custom.items():
        _fill_masks(conn, bits, "workspace_id = :ws", {"ws": workspace_id})
    # Each move's stay began at the lead's previous move (ids are time-ordered), or its creation.
    conn.execute(
        sa.text(
            "UPDATE stage_changes SET since = COALESCE("
            "(SELECT MAX(p.at) FROM stage_changes p WHERE p.workspace_id = stage_changes.workspace_id "
            "AND p.lead_id = stage_changes.lead_id AND (p.at < stage_changes.at "
            "OR (p.at = stage_changes.at AND p.id < stage_changes.id))), "
            "(SELECT l.created_at FROM leads l WHERE l.id = stage_changes.lead_id))"
        )
    )
    conn.execute(
        sa.text(
            "UPDATE leads SET stage_entered_at = COALESCE((SELECT MAX(sc.at) FROM stage_changes sc "
            "WHERE sc.workspace_id = leads.workspace_id AND sc.lead_id = leads.id), leads.created_at)"
        )
    )
    conn.execute(
        sa.text(
            "UPDATE leads SET won_amount = (SELECT MAX(sc.amount) FROM stage_changes sc "
            "WHERE sc.workspace_id = leads.workspace_id AND sc.lead_id = leads.id "
            "AND sc.to_stage = leads.stage AND sc.amount IS NOT NULL)"
        )
    )
    behaviour = " AND ".join(f"e.type NOT LIKE '{prefix}.%'" for prefix in RESERVED_PREFIXES)
    conn.execute(
        sa.text(
            "UPDATE leads SET first_activity_at = (SELECT MIN(e.occurred_at) FROM events e "
            "WHERE e.workspace_id = leads.workspace_id AND e.lead_id = leads.id "
            f"AND e.occurred_at > leads.created_at AND {behaviour})"
        )
    )


def _fill_masks(conn: sa.Connection, bits: dict[str, int], where: str, params: dict[str, str]) -> None:
    """Each lead's bits: its stage now, the from and to of each of its moves, and whether it was
    ever rejected. Bits are powers of two, so SUM(DISTINCT ...) of them is their OR."""
    names = {f"k{i}": key for i, key in enumerate(bits)}

    def bit_of(column: str) -> str:
        whens = " ".join(f"WHEN :{name} THEN {1 << bits[key]}" for name, key in names.items())
        return f"CASE {column} {whens} ELSE 0 END"

    rejected = 1 << REJECTED_BIT
    conn.execute(
        sa.text(
            f"UPDATE leads SET stages_mask = ({bit_of('stage')}) "
            f"| CAST(COALESCE((SELECT SUM(DISTINCT {bit_of('sc.to_stage')}) FROM stage_changes sc "
            "WHERE sc.workspace_id = leads.workspace_id AND sc.lead_id = leads.id), 0) AS BIGINT) "
            f"| CAST(COALESCE((SELECT SUM(DISTINCT {bit_of('sc.from_stage')}) FROM stage_changes sc "
            "WHERE sc.workspace_id = leads.workspace_id AND sc.lead_id = leads.id), 0) AS BIGINT) "
            f"| (CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.workspace_id = leads.workspace_id "
            f"AND e.lead_id = leads.id AND e.type = 'lead.rejected') THEN {rejected} ELSE 0 END) "
            f"WHERE {where}"
        ),
        {**names, **params},
    )


def downgrade() -> None:
    op.drop_index("ix_events_rejections", table_name="events")
    op.drop_index("ix_leads_workspace_id_created_at_touched", table_name="leads")
    op.drop_index("ix_assignments_workspace_id_created_at_touched", table_name="assignments")
    op.drop_index("ix_stage_changes_workspace_id_to_stage_at", table_name="stage_changes")
    op.drop_index("ix_stage_changes_workspace_id_at", table_name="stage_changes")
    with op.batch_alter_table("stage_changes") as batch:
        batch.drop_column("since")
    with op.batch_alter_table("lifecycle_settings") as batch:
        batch.drop_column("stage_bits")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("stages_mask")
        batch.drop_column("stage_entered_at")
        batch.drop_column("won_amount")
        batch.drop_column("first_activity_at")
