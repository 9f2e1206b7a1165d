"""enrichment

Enrichment providers (`enrichment_providers`: an HTTP API or a built-in kind, the secret sealed),
their cached answers (`enrichment_cache`), calls counted per calendar month (`enrichment_usage`),
the runs waiting for a provider's call (`enrichment_runs`, swept by due time) and the enrichment
consumer's position in each workspace's event log (`enrichment_cursors`).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03 13:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import leadapi.db

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = leadapi.db.UTCDateTime(timezone=True)


def _workspace() -> sa.Column[str]:
    return sa.Column("workspace_id", sa.String(length=32), nullable=False)


def _provider() -> sa.Column[str]:
    return sa.Column("provider_id", sa.String(length=32), nullable=False)


def upgrade() -> None:
    op.create_table(
        "enrichment_providers",
        sa.Column("id", sa.String(length=32), nullable=False),
        _workspace(),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("url_template", sa.String(length=2000), nullable=True),
        sa.Column("headers", JSON, nullable=False),
        sa.Column("secret_header", sa.String(length=100), nullable=True),
        sa.Column("secret", sa.String(length=1000), nullable=True),
        sa.Column("mapping", JSON, nullable=False),
        sa.Column("overwrite", sa.Boolean(), nullable=False),
        sa.Column("timeout_seconds", sa.Float(), nullable=False),
        sa.Column("cache_ttl_seconds", sa.Integer(), nullable=False),
        sa.Column("monthly_budget", sa.Integer(), nullable=True),
        sa.Column("when", JSON, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_enrichment_providers_workspace_id_id", "enrichment_providers", ["workspace_id", "id"])
    op.create_table(
        "enrichment_cache",
        _workspace(),
        _provider(),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("response", JSON, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["enrichment_providers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "provider_id", "key"),
    )
    op.create_index("ix_enrichment_cache_expires_at", "enrichment_cache", ["expires_at"])
    op.create_table(
        "enrichment_usage",
        _workspace(),
        _provider(),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["enrichment_providers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "provider_id", "month"),
    )
    op.create_table(
        "enrichment_runs",
        _workspace(),
        sa.Column("lead_id", sa.String(length=32), nullable=False),
        _provider(),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["enrichment_providers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "lead_id", "provider_id"),
    )
    op.create_index("ix_enrichment_runs_due_at", "enrichment_runs", ["due_at"])
    op.create_table(
        "enrichment_cursors",
        _workspace(),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id"),
    )


def downgrade() -> None:
    op.drop_table("enrichment_cursors")
    op.drop_index("ix_enrichment_runs_due_at", table_name="enrichment_runs")
    op.drop_table("enrichment_runs")
    op.drop_table("enrichment_usage")
    op.drop_index("ix_enrichment_cache_expires_at", table_name="enrichment_cache")
    op.drop_table("enrichment_cache")
    op.drop_index("ix_enrichment_providers_workspace_id_id", table_name="enrichment_providers")
    op.drop_table("enrichment_providers")
