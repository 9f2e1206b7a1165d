"""partial unique indexes on events

(workspace_id, seq) and (workspace_id, external_id) become partial unique indexes (NOT NULL
rows only): every event is inserted unnumbered and most have no external id, so the full
indexes took an entry per insert that no lookup uses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTIAL = {"seq": "seq IS NOT NULL", "external_id": "external_id IS NOT NULL"}


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        for column in PARTIAL:
            batch_op.drop_constraint(f"uq_events_workspace_id_{column}", type_="unique")
    for column, where in PARTIAL.items():
        op.create_index(
            f"uq_events_workspace_id_{column}",
            "events",
            ["workspace_id", column],
            unique=True,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def downgrade() -> None:
    for column in PARTIAL:
        op.drop_index(f"uq_events_workspace_id_{column}", table_name="events")
    with op.batch_alter_table("events", schema=None) as batch_op:
        for column in PARTIAL:
            batch_op.create_unique_constraint(f"uq_events_workspace_id_{column}", ["workspace_id", column])
