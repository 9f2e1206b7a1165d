"""The sequencer: numbers committed events per workspace, in the order it first sees them.

Writers append events with `seq` NULL, so no two writes of a workspace wait on each other. The
sequencer only ever sees committed events, and hands out numbers above every number it handed
out before; so a change-feed reader that remembers the last `seq` it saw never misses an event,
even one whose transaction committed late. Every API process and worker may number: on
PostgreSQL each round locks the counters of the workspaces it numbers (SKIP LOCKED), so rounds
in several processes split the workspaces between them and a workspace is numbered by one round
at a time; SQLite has a single writer anyway.
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
BATCH = 5000

# PostgreSQL's round, in two statements. The first locks the counters of the workspaces with
# events waiting (among the first batch of them), skipping counters another process holds: that
# process is numbering those workspaces, and this one takes the others, so any number of
# processes share the numbering with no leader and none waits on another. The second numbers the
# waiting events of the workspaces locked, each workspace's counter advanced by its count and its
# events numbered in id order above the counter's old value. The lock takes a statement of its
# own because a statement sees the database as it was when the statement began: a round that
# locked inside its own statement could begin before the previous holder committed, see that
# holder's events still unnumbered, and number them a second time. Per event, nothing crosses to
# Python: fetching and sending back ids was most of the sequencer's cost, and the sequencer's cost
# grows with the events a capture appends.
_CLAIM_PG = text("""
SELECT counter.workspace_id FROM event_sequences AS counter
WHERE counter.workspace_id IN (
    SELECT pending.workspace_id FROM (
        SELECT workspace_id FROM events WHERE seq IS NULL ORDER BY id LIMIT :batch
    ) AS pending
)
FOR UPDATE SKIP LOCKED
""")
_ROUND_PG = text("""
WITH pending AS (
    SELECT id, workspace_id FROM events
    WHERE seq IS NULL AND workspace_id = ANY(:workspaces)
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
    WHERE events.workspace_id = numbered.workspace_id AND events.id = numbered.id
    RETURNING 1
)
SELECT count(*) FROM done
""")


class EventSequencer:
    def __init__(self, db: Database, batch: int = BATCH) -> None:
        self.db = db
        self.batch = batch

    async def run_once(self) -> int:
        """Number the events committed so far (up to one batch); returns how many (0 also
        when other processes are numbering every workspace with events waiting)."""
        async with self.db.transaction() as conn:
            if self.db.is_postgres:
                claimed = list((await conn.execute(_CLAIM_PG, {"batch": self.batch})).scalars())
                if not claimed:
                    return 0  # nothing waits, or other processes are numbering all of it
                done = await conn.execute(_ROUND_PG, {"batch": self.batch, "workspaces": claimed})
                return cast(int, done.scalar_one())
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
