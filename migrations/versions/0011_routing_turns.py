"""routing turns

Rotations count turns instead of remembering the last pick, so a pick needs no lock held until
commit (routing/repository.py). On PostgreSQL each rotating rule's counter is a sequence,
`routing_turns_<rule id>`, made on the rule's first transactional pick; the one-statement
capture takes its turn through `leadapi_routing_turn`, defined here. The stored rotations of the
old shape ("last" pick, running weights) are cleared: every rotation starts afresh.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here as it is at this revision (routing/repository.py ROUTING_LOCK_CLASS).
ROUTING_LOCK_CLASS = 19538

# Called by the one-statement capture (leads/fast.py) when its guards hold; NULL means "write
# nothing, take the transactional path". VOLATILE matters: in READ COMMITTED each query of a
# volatile function takes a fresh snapshot, so the version read below is the one committed
# after the advisory lock was granted, not the one the calling statement started with. The
# shared lock is held until the capture commits, and a config change takes it exclusive before
# anything else, so a change and a capture using the config it replaces never overlap.
TURN_FUNCTION = f"""
CREATE OR REPLACE FUNCTION leadapi_routing_turn(p_workspace text, p_version integer, p_turns text)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
    current_version integer;
BEGIN
    PERFORM pg_advisory_xact_lock_shared({ROUTING_LOCK_CLASS}, hashtext(p_workspace));
    SELECT config_version INTO current_version FROM routing_settings WHERE workspace_id = p_workspace;
    IF current_version IS DISTINCT FROM p_version THEN
        RETURN NULL;
    END IF;
    IF p_turns IS NULL THEN
        RETURN 0;
    END IF;
    RETURN nextval(to_regclass(p_turns)) - 1;
END
$$
"""

DROP_TURN_SEQUENCES = """
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN SELECT c.relname FROM pg_class c
                WHERE c.relkind = 'S' AND c.relname LIKE 'routing\\_turns\\_%'
                  AND c.relnamespace = current_schema()::regnamespace
    LOOP
        EXECUTE format('DROP SEQUENCE %I', name);
    END LOOP;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TURN_FUNCTION)
    op.execute(sa.text("UPDATE routing_settings SET rotations = '{}'"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS leadapi_routing_turn(text, integer, text)")
        op.execute(DROP_TURN_SEQUENCES)
    op.execute(sa.text("UPDATE routing_settings SET rotations = '{}'"))
