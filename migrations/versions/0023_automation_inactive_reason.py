"""automation inactive reason

`automations.inactive_reason`: why the service switched an automation off (an action names an
owner who was deleted or deactivated, or a stage the pipeline no longer has); cleared when an admin
switches it back on.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("automations") as batch:
        batch.add_column(sa.Column("inactive_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("automations") as batch:
        batch.drop_column("inactive_reason")
