"""read indexes

Every sort GET /v1/leads offers, and the common filtered lists, served by an index (issue 26):
(workspace_id, key, id) for score, updated_at and stage_entered_at, a stage's leads by score, and
a rep's queue (owner_id, score, id), which replaces the (workspace_id, owner_id) and
(workspace_id, score) indexes it extends.

PostgreSQL alone: GIN indexes on tags and attributes (jsonb_path_ops) and a trigram index (pg_trgm)
over the search text (leads/fts.py). Not with workspace_id in front (btree_gin): a big workspace's
key then holds every lead of it, and each search walked that posting tree (the workspace is
checked on the few rows the GIN index finds instead). SQLite: an FTS5
external-content table over the same fields, kept in step by triggers on `leads`.

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

from leadapi.leads.fts import PG_SEARCH_EXPRESSION, create_sqlite_fts, drop_sqlite_fts

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = sa.text("owner_id IS NOT NULL")


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
