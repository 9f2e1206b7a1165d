"""The track step sweep over a million enrolments (issue 20): with 1,000 steps due among them, how
long a sweep round takes, and all the rounds that work the 1,000 off, on PostgreSQL.

`make bench ARGS=--tracks-only` runs it alone on a database kept between runs (BENCH_DATABASE,
default leadapi_bench_tracks): the leads, tracks and enrolments are seeded once; each run then makes
1,000 of the enrolments due again (and drops what the previous run's sweep appended), so every run
sweeps the same work. The sweep runs in this process, as `leadapi worker` runs it: the services over
the database, one round (`sweep_once`) at a time.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import asyncpg

from leadapi.config import Settings
from leadapi.services import build_services
from leadapi.tracks.sweep import SWEEP_BATCH, sweep_once

WORKSPACE = "ws_bench_tracks"
TRACKS = 5
LEADS = 200_000
ENROLLMENTS = 1_000_000  # every lead in each of the five tracks (they allow it)
DUE = 1_000
TARGET_SECONDS = 1.0
STEPS = """[{"channel": "email", "ref": "intro", "wait_minutes": 0},
            {"channel": "linkedin", "ref": "connect", "wait_minutes": 2880},
            {"channel": "email", "ref": "case-study", "wait_minutes": 4320},
            {"channel": "call", "ref": "call", "wait_minutes": 1440}]"""


class SweepTiming(NamedTuple):
    enrollments: int
    due: int
    rounds: list[float]  # seconds, each round of the sweep until nothing was due
    taken: int  # enrolments the rounds took a step on
    empty_round: float  # seconds, a round with nothing due


async def _seed(conn: asyncpg.Connection, enrollments: int) -> None:
    await conn.execute("DELETE FROM workspaces WHERE id = $1", WORKSPACE)
    await conn.execute(
        "INSERT INTO workspaces (id, name, created_at) VALUES ($1, 'tracks', now())", WORKSPACE
    )
    await conn.execute("INSERT INTO event_sequences (workspace_id, last_seq) VALUES ($1, 0)", WORKSPACE)
    leads = max(1, enrollments // TRACKS)
    await conn.execute(
        """
        INSERT INTO leads (id, workspace_id, email, tags, external_ids, attributes, unsubscribed, stage,
                           is_free_email, seniority, created_at, updated_at, version, score, fit_score,
                           behavior_score, band, scored_at, stages_mask)
        SELECT 'ld_trk' || lpad(g::text, 9, '0'), $1, 'trk' || g || '@acme-' || (g % 500) || '.com',
               '[]', '{}', '{}', false, 'new', false, 'unknown', now(), now(), 1, 0, 0, 0, 'not_ready',
               now(), 0
        FROM generate_series(1, $2) AS g
        """,
        WORKSPACE,
        leads,
    )
    await conn.execute(
        "INSERT INTO tracks (id, workspace_id, name, active, steps, allow_concurrent, created_at, "
        "updated_at) SELECT 'trk_bench' || g, $1, 'bench ' || g, true, $2::jsonb, true, now(), now() "
        "FROM generate_series(1, $3) AS g",
        WORKSPACE,
        STEPS,
        TRACKS,
    )
    # Every lead in each track; two in five of the enrolments ended (completed or exited), the
    # active ones due over the coming weeks: none due now until a run makes some so.
    await conn.execute(
        """
        INSERT INTO track_enrollments (id, workspace_id, track_id, lead_id, status, step, next_due_at,
                                       enrolled_at, updated_at, ended_at)
        SELECT 'enr_trk' || lpad(g::text, 9, '0'), $1, 'trk_bench' || (1 + g % $3),
               'ld_trk' || lpad((1 + g / $3)::text, 9, '0'),
               CASE WHEN g % 5 = 0 THEN 'completed' WHEN g % 5 = 1 THEN 'exited' ELSE 'active' END,
               1 + g % 3,
               CASE WHEN g % 5 < 2 THEN NULL ELSE now() + interval '1 day' + make_interval(secs => g) END,
               now() - interval '30 days', now(), CASE WHEN g % 5 < 2 THEN now() ELSE NULL END
        FROM generate_series(0, $2 - 1) AS g
        """,
        WORKSPACE,
        enrollments,
        TRACKS,
    )
    await conn.execute("VACUUM (ANALYZE) track_enrollments")
    await conn.execute("ANALYZE leads")


async def _make_due(conn: asyncpg.Connection, due: int, now: datetime) -> None:
    """`due` active enrolments, of distinct leads, due an hour ago at their first step, and a round's
    worth more due two hours ago (the warm-up round takes those); what an earlier run's sweep
    appended for them (events, touches) dropped."""
    await conn.execute("DELETE FROM events WHERE workspace_id = $1 AND type LIKE 'track.%'", WORKSPACE)
    await conn.execute("DELETE FROM track_touches WHERE workspace_id = $1", WORKSPACE)
    await conn.execute(
        "UPDATE track_enrollments SET status = 'active', step = 0, ended_at = NULL, "
        "next_due_at = CASE WHEN g.g < $4::int THEN $3::timestamptz ELSE $2::timestamptz END "
        "FROM (SELECT g, 'enr_trk' || lpad((2 + g * $5::int * 5)::text, 9, '0') AS id "
        "      FROM generate_series(0, $1::int + $4::int - 1) AS g) AS g "
        "WHERE track_enrollments.id = g.id",
        due,
        now - timedelta(hours=1),
        now - timedelta(hours=2),
        SWEEP_BATCH,
        TRACKS,
    )


async def measure(dsn: str, async_dsn: str, enrollments: int = ENROLLMENTS, due: int = DUE) -> SweepTiming:
    conn = await asyncpg.connect(dsn)
    try:
        have = await conn.fetchval(
            "SELECT count(*) FROM track_enrollments WHERE workspace_id = $1", WORKSPACE
        )
        if have != enrollments:
            print(f"seeding {enrollments:,} enrolments (kept for later runs)", flush=True)
            await _seed(conn, enrollments)
        now = datetime.now(UTC)
        await _make_due(conn, due, now)
        await conn.execute("ANALYZE track_enrollments")
    finally:
        await conn.close()
    services = build_services(Settings(database_url=async_dsn, _env_file=None), lambda: datetime.now(UTC))
    try:
        # A worker's first round: its connections, prepared statements and caches (the rounds
        # measured are those of a worker that has been running).
        warm, _ = await sweep_once(services.db, services.tracks, now - timedelta(minutes=90))
        assert warm == SWEEP_BATCH, warm
        rounds: list[float] = []
        taken = 0
        more = True
        while more:
            started = time.perf_counter()
            count, more = await sweep_once(services.db, services.tracks, now)
            rounds.append(time.perf_counter() - started)
            taken += count
        started = time.perf_counter()
        await sweep_once(services.db, services.tracks, now)
        empty = time.perf_counter() - started
    finally:
        await services.db.engine.dispose()
    return SweepTiming(enrollments, due, rounds, taken, empty)


def report(timing: SweepTiming) -> bool:
    """Prints the timing; True when the target holds: every round of the sweep under a second
    (a round takes up to SWEEP_BATCH steps). The time all the due steps took is printed beside."""
    total = sum(timing.rounds)
    rounds = ", ".join(f"{r:.2f}" for r in timing.rounds)
    print(
        f"\ntrack sweep over {timing.enrollments:,} enrolments, {timing.due:,} due: {len(timing.rounds)} "
        f"rounds of up to {SWEEP_BATCH} took {timing.taken:,} steps in {total:.2f} s (rounds: "
        f"{rounds} s; median {statistics.median(timing.rounds):.2f} s); a round with nothing due "
        f"{timing.empty_round * 1000:.1f} ms"
    )
    slowest = max(timing.rounds)
    met = slowest < TARGET_SECONDS
    print(
        f"target: a sweep round over {timing.enrollments:,} enrolments with {timing.due:,} due under "
        f"{TARGET_SECONDS:.0f} s: {'met' if met else 'NOT met'} (slowest round {slowest:.2f} s; all "
        f"{timing.due:,} due steps in {total:.2f} s)"
    )
    return met


def run(dsn: str, async_dsn: str, enrollments: int = ENROLLMENTS, due: int = DUE) -> SweepTiming:
    timing = asyncio.run(measure(dsn, async_dsn, enrollments, due))
    report(timing)
    return timing
