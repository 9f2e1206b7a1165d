"""The sequencer: numbers committed events per workspace, in the order it first sees them.

Writers append events with `seq` NULL, so no two writes of a workspace wait on each other. The
sequencer only ever sees committed events, and hands out numbers above every number it handed
out before; so a change-feed reader that remembers the last `seq` it saw never misses an event,
even one whose transaction committed late. One sequencer runs at a time (a PostgreSQL advisory
lock; SQLite has a single writer anyway); every API process and worker may try.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import cast

from sqlalchemy import Table, bindparam, select, text, update

from leadapi.db import Database
from leadapi.events.models import Event, EventSequence

log = logging.getLogger("leadapi.sequencer")

events = cast(Table, Event.__table__)
sequences = cast(Table, EventSequence.__table__)

_NUMBER_ONE = (
    update(events)
    .where(events.c.id == bindparam("event_id"), events.c.workspace_id == bindparam("event_ws"))
    .values(seq=bindparam("new_seq"))
    .execution_options(synchronize_session=False)
)
ADVISORY_LOCK_KEY = 0x1EAD_5E0  # any constant no other code uses
BATCH = 5000

# PostgreSQL's round: the lock, in a statement of its own, then one statement for the batch,
# each workspace's counter advanced by its count, and the events numbered in id order above the
# counter's old value. The lock comes first because a statement sees the database as it was when
# the statement began: a round that took the lock inside its own statement could begin before
# the previous holder committed, see that holder's events still unnumbered, and number them a
# second time. Per event, nothing crosses to Python: fetching and sending back ids was most of
# the sequencer's cost, and the sequencer's cost grows with the events a capture appends.
_TRY_LOCK_PG = text(f"SELECT pg_try_advisory_xact_lock({ADVISORY_LOCK_KEY})")
_ROUND_PG = text("""
WITH pending AS (
    SELECT id, workspace_id FROM events
    WHERE seq IS NULL
    ORDER BY id LIMIT :batch
), counted AS (
    SELECT workspace_id, count(*) AS n FROM pending GROUP BY workspace_id
), advanced AS (
    UPDATE event_sequences AS counter SET last_seq = counter.last_seq + counted.n
    FROM counted WHERE counter.workspace_id = counted.workspace_id
    RETURNING counter.workspace_id, counter.last_seq - counted.n AS before
), numbered AS (
    SELECT pending.id, pending.workspace_id,
           advanced.before + row_number() OVER (PARTITION BY pending.workspace_id ORDER BY pending.id) AS seq
    FROM pending JOIN advanced ON advanced.workspace_id = pending.workspace_id
), done AS (
    UPDATE events SET seq = numbered.seq FROM numbered
    WHERE events.id = numbered.id AND events.workspace_id = numbered.workspace_id RETURNING 1
)
SELECT count(*) FROM done
""")


class EventSequencer:
    def __init__(self, db: Database, batch: int = BATCH) -> None:
        self.db = db
        self.batch = batch

    async def run_once(self) -> int:
        """Number the events committed so far (up to one batch); returns how many (0 also
        when another process is sequencing right now)."""
        async with self.db.transaction() as conn:
            if self.db.is_postgres:
                if not (await conn.execute(_TRY_LOCK_PG)).scalar_one():
                    return 0  # another process is numbering right now
                return cast(int, (await conn.execute(_ROUND_PG, {"batch": self.batch})).scalar_one())
            pending = (
                await conn.execute(
                    select(events.c.id, events.c.workspace_id)
                    .where(events.c.seq.is_(None))
                    .order_by(events.c.id)
                    .limit(self.batch)
                )
            ).all()
            if not pending:
                return 0
            by_workspace: dict[str, list[str]] = defaultdict(list)
            for event_id, workspace_id in pending:
                by_workspace[workspace_id].append(event_id)
            numbered: list[dict[str, object]] = []
            for workspace_id, ids in sorted(by_workspace.items()):
                last = (
                    await conn.execute(
                        update(sequences)
                        .where(sequences.c.workspace_id == workspace_id)
                        .values(last_seq=sequences.c.last_seq + len(ids))
                        .returning(sequences.c.last_seq)
                    )
                ).scalar_one()
                first = last - len(ids) + 1
                numbered += [
                    {"event_id": event_id, "event_ws": workspace_id, "new_seq": first + i}
                    for i, event_id in enumerate(ids)
                ]
            await conn.execute(_NUMBER_ONE, numbered)
            return len(pending)

    async def drain(self) -> int:
        """Run until nothing is left (tests and shutdown)."""
        total = 0
        while count := await self.run_once():
            total += count
        return total
