"""read indexes

Every sort GET /v1/leads offers, and the common filtered lists, served by an index (issue 26):
(workspace_id, key, id) for score, updated_at and stage_entered_at, a stage's leads by score, and
a rep's queue (owner_id, score, id), which replaces the (workspace_id, owner_id) and
(workspace_id, score) indexes it extends.

PostgreSQL alone: GIN indexes on tags and attributes (jsonb_path_ops) and a trigram index (pg_trgm)
over the search text (leads/fts.py). Not with workspace_id in front (btree_gin): a big workspace's
key then holds every lead of it, and each search walked that posting tree (the workspace is
checked on the few rows the GIN index finds instead). SQLite: an FTS5 external-content table over
the same fields, kept in step by triggers on `leads`. What this revision takes from leads/fts.py
is copied below as it was then: a later edit of fts.py must not change what 0017 does.

A later revision that rebuilds `leads` in batch mode on SQLite drops those triggers (and may
renumber rowids): migrations/env.py calls leads.fts.ensure_sqlite_fts after every upgrade, which
recreates them and rebuilds the index, so such a revision needs nothing extra.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = sa.text("owner_id IS NOT NULL")

# Frozen here as they are at this revision (leads/fts.py SEARCH_FIELDS, PG_SEARCH_EXPRESSION,
# FTS_TABLE, SQLITE_FTS_TABLE, SQLITE_FTS_TRIGGERS, create_sqlite_fts, drop_sqlite_fts).
# tests/api/test_migrations.py checks that what fts.py builds now is what the migrations built.
SEARCH_FIELDS = ("email", "first_name", "last_name", "company", "domain")
PG_SEARCH_EXPRESSION = "lower(" + " || ' ' || ".join(f"coalesce({f}, '')" for f in SEARCH_FIELDS) + ")"

FTS_TABLE = "leads_fts"
_COLUMNS = ", ".join(SEARCH_FIELDS)
_NEW = ", ".join(f"new.{f}" for f in SEARCH_FIELDS)
_OLD = ", ".join(f"old.{f}" for f in SEARCH_FIELDS)

SQLITE_FTS_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"{_COLUMNS}, content='leads', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_FTS_TRIGGERS = {
    "leads_fts_ai": f"""CREATE TRIGGER IF NOT EXISTS leads_fts_ai AFTER INSERT ON leads BEGIN
  INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW});
END""",
    "leads_fts_ad": f"""CREATE TRIGGER IF NOT EXISTS leads_fts_ad AFTER DELETE ON leads BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD});
END""",
    "leads_fts_au": f"""CREATE TRIGGER IF NOT EXISTS leads_fts_au AFTER UPDATE OF {_COLUMNS} ON leads BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD});
  INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW});
END""",
}


def create_sqlite_fts(connection: Connection) -> None:
    connection.exec_driver_sql(SQLITE_FTS_TABLE)
    for ddl in SQLITE_FTS_TRIGGERS.values():
        connection.exec_driver_sql(ddl)
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def drop_sqlite_fts(connection: Connection) -> None:
    for name in SQLITE_FTS_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_workspace_id_score")
        batch.drop_index("ix_leads_workspace_id_owner_id")
        batch.create_index("ix_leads_workspace_id_score_id", ["workspace_id", "score", "id"])
        batch.create_index("ix_leads_workspace_id_updated_at_id", ["workspace_id", "updated_at", "id"])
        batch.create_index(
            "ix_leads_workspace_id_stage_entered_at_id", ["workspace_id", "stage_entered_at", "id"]
        )
        batch.create_index("ix_leads_workspace_id_stage_score_id", ["workspace_id", "stage", "score", "id"])
        batch.create_index(
            "ix_leads_workspace_id_owner_id_score_id",
            ["workspace_id", "owner_id", "score", "id"],
            postgresql_where=OWNED,
            sqlite_where=OWNED,
        )
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_leads_tags_gin ON leads USING gin (tags jsonb_path_ops)")
        op.execute("CREATE INDEX ix_leads_attributes_gin ON leads USING gin (attributes jsonb_path_ops)")
        op.execute(
            f"CREATE INDEX ix_leads_search_trgm ON leads USING gin (({PG_SEARCH_EXPRESSION}) gin_trgm_ops)"
        )
    else:
        create_sqlite_fts(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in ("ix_leads_search_trgm", "ix_leads_attributes_gin", "ix_leads_tags_gin"):
            op.execute(f"DROP INDEX IF EXISTS {name}")
        # The extensions stay: other databases' objects in this cluster may use them.
    else:
        drop_sqlite_fts(bind)
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_workspace_id_owner_id_score_id")
        batch.drop_index("ix_leads_workspace_id_stage_score_id")
        batch.drop_index("ix_leads_workspace_id_stage_entered_at_id")
        batch.drop_index("ix_leads_workspace_id_updated_at_id")
        batch.drop_index("ix_leads_workspace_id_score_id")
        batch.create_index(
            "ix_leads_workspace_id_owner_id",
            ["workspace_id", "owner_id"],
            postgresql_where=OWNED,
            sqlite_where=OWNED,
        )
        batch.create_index("ix_leads_workspace_id_score", ["workspace_id", "score"])
