"""What every consumer of the numbered event log shares (automations, segments, the tracks' exit
watch): a position per workspace in a table of its own (`workspace_id`, `position`), the
workspaces whose position is behind the log, a position claimed for one transaction (skipped when
another worker holds it, so any number of processes cooperate), and a round that takes a batch
for each workspace behind, each committed on its own with the position it reached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.events.models import EventSequence

sequences = cast(Table, EventSequence.__table__)

WORKSPACES_PER_ROUND = 50


def behind_statement(cursors: Table, limit: int, *pending: ColumnElement[bool]) -> Select[Any]:
    """Workspaces whose position in `cursors` is behind their numbered events (or that `pending`
    says have other work), by workspace id."""
    last_seq = (
        select(sequences.c.last_seq).where(sequences.c.workspace_id == cursors.c.workspace_id)
    ).scalar_subquery()
    return (
        select(cursors.c.workspace_id)
        .where(or_(cursors.c.position < last_seq, *pending))
        .order_by(cursors.c.workspace_id)
        .limit(limit)
    )


async def last_seq(conn: AsyncConnection, workspace_id: str) -> int:
    """The workspace's last numbered event (0: none yet): where a new position starts, and how far
    a consumer with nothing to do may move."""
    stmt = select(sequences.c.last_seq).where(sequences.c.workspace_id == workspace_id)
    return int((await conn.execute(stmt)).scalar_one_or_none() or 0)


async def claim_position(conn: AsyncConnection, cursors: Table, workspace_id: str) -> int | None:
    """The workspace's position, locked for this transaction; None when another worker holds it
    (PostgreSQL: SKIP LOCKED) or there is none."""
    stmt = select(cursors.c.position).where(cursors.c.workspace_id == workspace_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return None if found is None else int(found)


async def run_round(
    db: Database,
    behind: Callable[[int], Select[Any]],
    step: Callable[[AsyncConnection, str], Awaitable[bool]],
    workspace_id: str | None = None,
) -> bool:
    """One round: `step` for each workspace the consumer's `behind` statement (built for at most
    that many) selects, or for this one, each in a transaction of its own; `step` says whether its
    workspace may have more. True when there may be more to do."""
    if workspace_id is not None:
        workspaces = [workspace_id]
    else:
        async with db.read() as conn:
            workspaces = [str(w) for w in (await conn.execute(behind(WORKSPACES_PER_ROUND))).scalars()]
    more = False
    for ws in workspaces:
        async with db.transaction() as conn:
            more = await step(conn, ws) or more
    return more or len(workspaces) == WORKSPACES_PER_ROUND
