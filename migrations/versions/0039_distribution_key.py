"""distribution key: workspace_id in every primary key, unique constraint and foreign key

Issue 24's distribution key, in one schema change (docs/scaling.md). A table keyed by `id` alone
is keyed by (id, workspace_id): `id` stays first, because the background queues and the sequencer
find rows by id alone and the ids are unique anyway; the pair is what a database sharded by
workspace needs. A foreign key to another table of the workspace becomes (x_id, workspace_id) ->
parent(id, workspace_id), and a unique constraint without workspace_id gains it in front.
import_parts and import_outcomes get the column (filled from their import); lead_external_ids
loses its integer counter (a sequence shared by all workspaces, read by nothing) for the primary
key (workspace_id, system, external_id), its unique constraint until now.

PostgreSQL alters the constraints in place: every foreign key to be replaced is dropped first
(they depend on the primary keys), then the keys change, then the new foreign keys are made.
SQLite rebuilds each table (batch mode: copy, drop, rename) with foreign keys switched off for the
length of it, since dropping `leads` with them on would cascade to every child row; the FTS
triggers on `leads` come back through migrations/env.py (ensure_sqlite_fts).

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-03 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

from leadapi.db import sqlite_foreign_keys_off

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Primary key (id) -> (id, workspace_id).
BY_ID = (
    "assignments",
    "audit_log",
    "automation_runs",
    "automations",
    "duplicate_pairs",
    "enrichment_providers",
    "events",
    "imports",
    "jobs",
    "lead_consents",
    "leads",
    "owners",
    "routing_rules",
    "score_adjustments",
    "scoring_models",
    "segments",
    "sla_breaches",
    "sla_policies",
    "source_submissions",
    "sources",
    "stage_changes",
    "suppressions",
    "tasks",
    "track_enrollments",
    "track_touches",
    "tracks",
    "webhook_deliveries",
    "webhook_subscriptions",
)

# (table, column, parent, ondelete): column -> parent.id becomes (column, workspace_id) -> parent.
FOREIGN_KEYS = (
    ("automation_inactivity_marks", "automation_id", "automations", "CASCADE"),
    ("automation_runs", "automation_id", "automations", "CASCADE"),
    ("duplicate_keys", "lead_id", "leads", "CASCADE"),
    ("enrichment_cache", "provider_id", "enrichment_providers", "CASCADE"),
    ("enrichment_runs", "lead_id", "leads", "CASCADE"),
    ("enrichment_runs", "provider_id", "enrichment_providers", "CASCADE"),
    ("enrichment_usage", "provider_id", "enrichment_providers", "CASCADE"),
    ("import_outcomes", "import_id", "imports", "CASCADE"),
    ("import_parts", "import_id", "imports", "CASCADE"),
    ("lead_consents", "lead_id", "leads", "CASCADE"),
    ("lead_external_ids", "lead_id", "leads", "CASCADE"),
    ("score_adjustments", "lead_id", "leads", "CASCADE"),
    ("scoring_settings", "active_model_id", "scoring_models", None),
    ("segment_members", "lead_id", "leads", "CASCADE"),
    ("segment_members", "segment_id", "segments", "CASCADE"),
    ("source_submissions", "source_id", "sources", "CASCADE"),
    ("tasks", "lead_id", "leads", "CASCADE"),
    ("track_enrollments", "lead_id", "leads", "CASCADE"),
    ("track_enrollments", "track_id", "tracks", "CASCADE"),
    ("track_touches", "lead_id", "leads", "CASCADE"),
    ("webhook_deliveries", "subscription_id", "webhook_subscriptions", "CASCADE"),
)

# (table, columns before): the unique constraint gains workspace_id in front.
UNIQUES = (
    ("automation_runs", ("automation_id", "event_id")),
    ("sla_breaches", ("assignment_id",)),
    ("source_submissions", ("source_id", "dedupe_key")),
    ("webhook_deliveries", ("subscription_id", "event_id")),
)

# Tables that gain the column, with their primary key before and after.
GAINS_WORKSPACE = {
    "import_parts": (("import_id", "seq"), ("workspace_id", "import_id", "seq")),
    "import_outcomes": (("import_id", "row", "ordinal"), ("workspace_id", "import_id", "row", "ordinal")),
}

EXTERNAL_IDS = "lead_external_ids"
EXTERNAL_IDS_KEY = ("workspace_id", "system", "external_id")


def _uq(table: str, columns: Sequence[str]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


class _Change:
    """What one table goes through, in the order a rebuild can apply it. (Not a dataclass: Alembic
    loads revisions outside sys.modules, where dataclasses cannot resolve annotations.)"""

    def __init__(self) -> None:
        self.drop_fks: list[str] = []
        self.drop_uniques: list[str] = []
        self.primary_key: tuple[str, ...] | None = None
        self.uniques: list[tuple[str, tuple[str, ...]]] = []
        self.fks: list[tuple[str, str, list[str], list[str], str | None]] = []


def _changes(up: bool) -> dict[str, _Change]:
    changes: dict[str, _Change] = {}

    def of(table: str) -> _Change:
        return changes.setdefault(table, _Change())

    for table in BY_ID:
        of(table).primary_key = ("id", "workspace_id") if up else ("id",)
    of("automation_inactivity_marks").primary_key = (
        ("automation_id", "workspace_id") if up else ("automation_id",)
    )
    for table, (before, after) in GAINS_WORKSPACE.items():
        of(table).primary_key = after if up else before
    for table, column, parent, ondelete in FOREIGN_KEYS:
        name = f"fk_{table}_{column}_{parent}"
        change = of(table)
        change.drop_fks.append(name)
        local, remote = ([column, "workspace_id"], ["id", "workspace_id"]) if up else ([column], ["id"])
        change.fks.append((name, parent, local, remote, ondelete))
    for table, before in UNIQUES:
        after = ("workspace_id", *before)
        old, new = (before, after) if up else (after, before)
        change = of(table)
        change.drop_uniques.append(_uq(table, old))
        change.uniques.append((_uq(table, new), new))
    return changes


def _apply(batch: BatchOperations, table: str, change: _Change, *, keys: bool, fks: bool) -> None:
    if keys:
        for name in change.drop_uniques:
            batch.drop_constraint(name, type_="unique")
        if change.primary_key is not None:
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", list(change.primary_key))
        for name, columns in change.uniques:
            batch.create_unique_constraint(name, list(columns))
    if fks:
        for name, parent, local, remote, ondelete in change.fks:
            batch.create_foreign_key(name, parent, local, remote, ondelete=ondelete)


def _fill_workspace(table: str) -> None:
    op.execute(
        f"UPDATE {table} SET workspace_id = "
        f"(SELECT imports.workspace_id FROM imports WHERE imports.id = {table}.import_id)"
    )


def upgrade() -> None:
    changes = _changes(up=True)
    if op.get_bind().dialect.name == "sqlite":
        with sqlite_foreign_keys_off(op.get_bind()):
            for table in GAINS_WORKSPACE:
                with op.batch_alter_table(table) as batch:
                    batch.add_column(sa.Column("workspace_id", sa.String(32), nullable=True))
                _fill_workspace(table)
            for table, change in changes.items():
                with op.batch_alter_table(table, recreate="always") as batch:
                    for name in change.drop_fks:
                        batch.drop_constraint(name, type_="foreignkey")
                    if table in GAINS_WORKSPACE:
                        batch.alter_column("workspace_id", existing_type=sa.String(32), nullable=False)
                        batch.create_foreign_key(
                            f"fk_{table}_workspace_id_workspaces",
                            "workspaces",
                            ["workspace_id"],
                            ["id"],
                            ondelete="CASCADE",
                        )
                    _apply(batch, table, change, keys=True, fks=True)
            with op.batch_alter_table(EXTERNAL_IDS, recreate="always") as batch:
                batch.drop_constraint(_uq(EXTERNAL_IDS, EXTERNAL_IDS_KEY), type_="unique")
                batch.drop_constraint(f"pk_{EXTERNAL_IDS}", type_="primary")
                batch.drop_column("id")
                batch.create_primary_key(f"pk_{EXTERNAL_IDS}", list(EXTERNAL_IDS_KEY))
        return

    for table, change in changes.items():
        for name in change.drop_fks:
            op.drop_constraint(name, table, type_="foreignkey")
    for table in GAINS_WORKSPACE:
        op.add_column(table, sa.Column("workspace_id", sa.String(32), nullable=True))
        _fill_workspace(table)
        op.alter_column(table, "workspace_id", existing_type=sa.String(32), nullable=False)
        op.create_foreign_key(
            f"fk_{table}_workspace_id_workspaces",
            table,
            "workspaces",
            ["workspace_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.drop_constraint(_uq(EXTERNAL_IDS, EXTERNAL_IDS_KEY), EXTERNAL_IDS, type_="unique")
    op.drop_constraint(f"pk_{EXTERNAL_IDS}", EXTERNAL_IDS, type_="primary")
    op.drop_column(EXTERNAL_IDS, "id")
    op.create_primary_key(f"pk_{EXTERNAL_IDS}", EXTERNAL_IDS, list(EXTERNAL_IDS_KEY))
    for table, change in changes.items():
        with op.batch_alter_table(table) as batch:
            _apply(batch, table, change, keys=True, fks=False)
    for table, change in changes.items():
        with op.batch_alter_table(table) as batch:
            _apply(batch, table, change, keys=False, fks=True)


def downgrade() -> None:
    changes = _changes(up=False)
    if op.get_bind().dialect.name == "sqlite":
        with sqlite_foreign_keys_off(op.get_bind()):
            with op.batch_alter_table(EXTERNAL_IDS, recreate="always") as batch:
                batch.drop_constraint(f"pk_{EXTERNAL_IDS}", type_="primary")
                # NULL into an INTEGER PRIMARY KEY: SQLite numbers the copied rows.
                batch.add_column(sa.Column("id", sa.Integer(), nullable=False))
                batch.create_primary_key(f"pk_{EXTERNAL_IDS}", ["id"])
                batch.create_unique_constraint(_uq(EXTERNAL_IDS, EXTERNAL_IDS_KEY), list(EXTERNAL_IDS_KEY))
            for table, change in changes.items():
                with op.batch_alter_table(table, recreate="always") as batch:
                    for name in change.drop_fks:
                        batch.drop_constraint(name, type_="foreignkey")
                    _apply(batch, table, change, keys=True, fks=True)
                    if table in GAINS_WORKSPACE:
                        batch.drop_constraint(f"fk_{table}_workspace_id_workspaces", type_="foreignkey")
                        batch.drop_column("workspace_id")
        return

    for table, change in changes.items():
        for name in change.drop_fks:
            op.drop_constraint(name, table, type_="foreignkey")
    op.drop_constraint(f"pk_{EXTERNAL_IDS}", EXTERNAL_IDS, type_="primary")
    op.execute(f"ALTER TABLE {EXTERNAL_IDS} ADD COLUMN id SERIAL")
    op.create_primary_key(f"pk_{EXTERNAL_IDS}", EXTERNAL_IDS, ["id"])
    op.create_unique_constraint(_uq(EXTERNAL_IDS, EXTERNAL_IDS_KEY), EXTERNAL_IDS, list(EXTERNAL_IDS_KEY))
    for table, change in changes.items():
        with op.batch_alter_table(table) as batch:
            _apply(batch, table, change, keys=True, fks=False)
    for table in GAINS_WORKSPACE:
        op.drop_column(table, "workspace_id")
    for table, change in changes.items():
        with op.batch_alter_table(table) as batch:
            _apply(batch, table, change, keys=False, fks=True)
