"""phone dedupe lock

A phone is a dedupe key but cannot be a unique index (leads with different emails may share a
switchboard number), so concurrent captures of one phone are made exact by a transaction-scoped
advisory lock per (workspace, phone), taken before the lookup (leads/repository.py
`lock_phone`). The one-statement capture (leads/fast.py) looks its phone matches up through
`leadapi_phone_matches`, defined here: a statement's snapshot is taken when it starts, before
any lock it takes, so the lookup must be a query of its own. VOLATILE matters, as for
`leadapi_routing_turn` (0011): in READ COMMITTED each query of a volatile function takes a fresh
snapshot, so the lookup below sees every lead committed before the lock was granted. The lock
is held until the calling statement commits, i.e. until its new lead is visible.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here as they are at this revision (leads/repository.py PHONE_LOCK_CLASS, MAX_MATCHES).
PHONE_LOCK_CLASS = 19539
MAX_MATCHES = 25

# With an email in the request, only leads without one are phone candidates (as the
# transactional lookup, leads/repository.py `_match_statement`).
PHONE_MATCHES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION leadapi_phone_matches(p_workspace text, p_phone text, p_with_email boolean)
RETURNS SETOF text
LANGUAGE plpgsql
VOLATILE
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({PHONE_LOCK_CLASS}, hashtext(p_workspace || ' ' || p_phone));
    RETURN QUERY
        SELECT l.id::text FROM leads l
        WHERE l.workspace_id = p_workspace AND l.phone = p_phone
          AND (NOT p_with_email OR l.email IS NULL)
        LIMIT {MAX_MATCHES};
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PHONE_MATCHES_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS leadapi_phone_matches(text, text, boolean)")
