"""Report latency on PostgreSQL over a workspace of a million leads (issue 7: each under 1 s).

The workspace is made by the service (so it has its defaults: pipeline, SLA policies) and then
filled in SQL, server side: leads spread over a year (or `days`) along six paths through the funnel, their
stage history, assignments with SLA clocks, and behaviour and system events. Each report is
then asked through the real app over ASGI, for the whole year and for the last 30 days; the
median of a few runs is reported, next to a bare `count(*)` of the workspace's leads measured in
the same run as the yardstick.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from fastapi import FastAPI

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.workspaces.service import operator

REPORTS = ("funnel", "speed-to-lead", "sla", "stage-velocity", "sources", "owners", "scores", "activation")
# Measured again with exact=true: the sorted computation the sketches stand in for.
APPROXIMATE = ("speed-to-lead",)
TARGET_SECONDS = 1.0
OWNERS = 50

# A lead's path is chosen by (n * 37) % 100: 45% stay new, 25% become MQLs, 10% reach SQL and
# are rejected, 10% are accepted, 5% are won, 5% are disqualified at once.
PATHS = """
CASE
  WHEN (n * 37) % 100 < 45 THEN ARRAY['new']
  WHEN (n * 37) % 100 < 70 THEN ARRAY['new','mql']
  WHEN (n * 37) % 100 < 80 THEN ARRAY['new','mql','sql','nurturing']
  WHEN (n * 37) % 100 < 90 THEN ARRAY['new','mql','sql','accepted']
  WHEN (n * 37) % 100 < 95 THEN ARRAY['new','mql','sql','accepted','customer']
  ELSE ARRAY['new','disqualified']
END
"""


@dataclass
class Timing:
    report: str
    scope: str
    median_ms: float


SEEDED_TABLES = ("leads", "stage_changes", "assignments", "events")
# Over this many leads the seed loads the tables without their secondary indexes and builds them
# after, as a bulk load should: maintaining a dozen indexes of 10,000,000 leads row by row, with
# the index pages long out of the buffer cache, wrote 9.7 GB in 21 minutes and had not finished.
BULK_LEADS = 2_000_000


async def _secondary_indexes(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """The seeded tables' indexes that back no constraint: (name, CREATE INDEX statement)."""
    rows = await conn.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition "
        "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
        "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
        "WHERE t.relname = ANY($1::text[]) AND c.oid IS NULL AND t.relnamespace = 'public'::regnamespace",
        list(SEEDED_TABLES),
    )
    return [(r["name"], r["definition"]) for r in rows]


async def seed(dsn: str, workspace_id: str, count: int, days: int = 365) -> None:
    conn = await asyncpg.connect(dsn)
    dropped: list[tuple[str, str]] = []
    try:
        if count > BULK_LEADS:
            dropped = await _secondary_indexes(conn)
            for name, _ in dropped:
                await conn.execute(f"DROP INDEX {name}")
        await _seed_rows(conn, workspace_id, count, days)
    finally:
        try:
            if dropped:
                await conn.execute("SET maintenance_work_mem = '1GB'")
                for _, definition in dropped:
                    await conn.execute(definition)
            # A database in use has been vacuumed (autovacuum): visibility maps set, as index-only
            # scans need, and statistics fresh.
            for table in SEEDED_TABLES:
                await conn.execute(f"VACUUM ANALYZE {table}")
        finally:
            await conn.close()


async def _seed_rows(conn: asyncpg.Connection, workspace_id: str, count: int, days: int) -> None:
    await conn.execute(
        "INSERT INTO owners (id, workspace_id, name, email, active, capacity, weight, tags, "
        "territories, created_at, updated_at) "
        "SELECT 'ow_r' || g, $1, 'Owner ' || g, 'owner' || g || '@bench.test', true, NULL, 1, "
        "'[]', '[]', now(), now() FROM generate_series(0, $2 - 1) AS g",
        workspace_id,
        OWNERS,
    )
    # Leads: created over the past year; stage, score and band follow the path.
    await conn.execute(
        f"""
        INSERT INTO leads (id, workspace_id, email, tags, external_ids, attributes, unsubscribed,
                           stage, is_free_email, seniority, created_at, updated_at, version, score,
                           fit_score, behavior_score, band, scored_at, source, utm_campaign, owner_id,
                           first_touch_at, stages_mask, first_activity_at, stage_entered_at)
        SELECT 'ld_r' || n, $1, 'r' || n || '@r' || (n % 5000) || '.com',
               CASE WHEN n % 10 = 0 THEN '["vip"]' ELSE '[]' END::jsonb, '{{}}', '{{}}', false,
               path[array_length(path, 1)], false, 'unknown', created, created, 1,
               CASE array_length(path, 1) WHEN 1 THEN n % 40 WHEN 2 THEN 40 + n % 35 ELSE 75 + n % 26 END,
               0, 0,
               CASE array_length(path, 1) WHEN 1 THEN 'not_ready' WHEN 2 THEN 'mql' ELSE 'sql' END,
               created,
               (ARRAY['ads','webinar','organic','referral','events'])[1 + n % 5],
               'campaign_' || (n % 20),
               CASE WHEN path[array_length(path, 1)] IN ('accepted','customer')
                    THEN 'ow_r' || (n % {OWNERS}) END,
               CASE WHEN array_length(path, 1) >= 4
                    THEN created + interval '2 hours' + (n % 3600) * interval '1 second' END,
               -- The milestones the app keeps: each stage's bit (the default pipeline's
               -- bits are their positions), and bit 62 for the rejected ones.
               (SELECT sum(DISTINCT 1::bigint << array_position(ARRAY['new','mql','sql','accepted',
                       'opportunity','customer','nurturing','disqualified'], p) - 1)::bigint
                FROM unnest(path) AS p)
               | CASE WHEN path[array_length(path, 1)] = 'nurturing' THEN 1::bigint << 62 ELSE 0 END,
               CASE WHEN n % 10 < 7
                    THEN created + (n % 20) * interval '1 day' + interval '1 minute' END,
               created + (array_length(path, 1) - 1) * (1 + n % 50) * interval '1 hour'
        FROM (
            SELECT n, {PATHS} AS path,
                   now() - (n % {days}) * interval '1 day' - (n % 86400) * interval '1 second' AS created
            FROM generate_series(1, $2) AS n
        ) AS l
        """,
        workspace_id,
        count,
    )
    # One move per step of the path, an hour or more apart; wins carry an amount.
    await conn.execute(
        f"""
        INSERT INTO stage_changes (id, workspace_id, lead_id, from_stage, to_stage, at, since, by_kind,
                                   by_id, reason, note, amount)
        SELECT 'sc_r' || n || '_' || s, $1, 'ld_r' || n, path[s], path[s + 1],
               created + s * (1 + n % 50) * interval '1 hour',
               created + (s - 1) * (1 + n % 50) * interval '1 hour',
               CASE WHEN path[s + 1] = 'accepted' THEN 'owner' ELSE 'system' END,
               CASE WHEN path[s + 1] = 'accepted' THEN 'ow_r' || (n % {OWNERS}) END,
               NULL, NULL,
               CASE WHEN path[s + 1] = 'customer' THEN 1000 + n % 9000 END
        FROM (
            SELECT n, {PATHS} AS path,
                   now() - (n % {days}) * interval '1 day' - (n % 86400) * interval '1 second' AS created
            FROM generate_series(1, $2) AS n
        ) AS l
        CROSS JOIN LATERAL generate_series(1, array_length(path, 1) - 1) AS s
        """,
        workspace_id,
        count,
    )
    policy = await conn.fetchval(
        "SELECT id FROM sla_policies WHERE workspace_id = $1 ORDER BY position LIMIT 1", workspace_id
    )
    # Leads that reached sql were assigned then: accepted ones met their SLA, rejected ones not.
    await conn.execute(
        f"""
        INSERT INTO assignments (id, workspace_id, lead_id, owner_id, previous_owner_id, by, rule_id,
                                 strategy, explanation, created_at, actor, sla_policy_id, due_at,
                                 touched_at, sla_state)
        SELECT 'as_r' || id, workspace_id, id, 'ow_r' || (substr(id, 5)::int % {OWNERS}), NULL, 'routing',
               NULL, 'round_robin', '{{}}', created_at + interval '1 hour', NULL, $2,
               created_at + interval '1 hour 5 minutes',
               CASE WHEN first_touch_at IS NOT NULL AND stage IN ('accepted','customer')
                    THEN first_touch_at END,
               CASE WHEN stage IN ('accepted','customer') THEN 'met' ELSE 'breached' END
        FROM leads WHERE workspace_id = $1 AND band = 'sql'
        """,
        workspace_id,
        policy,
    )
    # Events: lead.created for each, a behaviour event for 70% within days, rejections.
    await conn.execute(
        """
        INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data)
        SELECT 'ev_rc' || substr(id, 5), workspace_id, NULL, 'lead.created', id, created_at, '{}'
        FROM leads WHERE workspace_id = $1
        """,
        workspace_id,
    )
    await conn.execute(
        """
        INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data)
        SELECT 'ev_rb' || substr(id, 5), workspace_id, NULL, 'page_view', id,
               created_at + (substr(id, 5)::int % 20) * interval '1 day' + interval '1 minute', '{}'
        FROM leads WHERE workspace_id = $1 AND substr(id, 5)::int % 10 < 7
        """,
        workspace_id,
    )
    await conn.execute(
        """
        INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data)
        SELECT 'ev_rr' || substr(id, 5), workspace_id, NULL, 'lead.rejected', id,
               created_at + interval '3 hours',
               jsonb_build_object('owner_id', 'ow_r' || (substr(id, 5)::int % 50), 'reason', 'not_ready')
        FROM leads WHERE workspace_id = $1 AND stage = 'nurturing'
        """,
        workspace_id,
    )


def bench_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        bootstrap=False,
        sequencer_interval=0,
        worker_interval=0,
        sla_sweep_interval=0,
        webhook_interval=0,
        rollup_interval=0,
        _env_file=None,
    )


async def seeded_workspace(
    app: FastAPI, dsn: str, name: str, count: int, days: int = 365
) -> tuple[str, float]:
    """A new workspace made by the service (its defaults: pipeline, SLA policies), filled in SQL
    with `count` leads and their history, created over the past `days`; its id and the seconds the
    seeding took."""
    async with app.state.db.transaction() as conn:
        workspace_id = await app.state.workspaces.create_workspace(conn, name)
    started = time.perf_counter()
    await seed(dsn, workspace_id, count, days)
    return workspace_id, time.perf_counter() - started


async def measure(database_url: str, dsn: str, count: int, runs: int = 3, days: int = 365) -> list[Timing]:
    app = create_app(bench_settings(database_url))
    async with app.router.lifespan_context(app):
        workspace_id, seconds = await seeded_workspace(app, dsn, "reports bench", count, days)
        print(f"reports: seeded {count:,} leads over {days} days with history in {seconds:.0f} s", flush=True)
        return await rollups_and_timings(app, dsn, workspace_id, runs)


async def rollups_and_timings(app: FastAPI, dsn: str, workspace_id: str, runs: int = 3) -> list[Timing]:
    """The workspace's rollups rebuilt, then each report timed over the year and 30 days, next to
    the count(*) yardstick."""
    async with app.state.db.transaction() as conn:
        _, secret = await app.state.workspaces.create_key(conn, operator(workspace_id), "reports", ["read"])
    now = datetime.now(UTC)
    # Seeded in SQL, not captured: the rollups are made by the rebuild command's flow (a
    # workspace's history taken in at once), as an operator would after an import.
    started = time.perf_counter()
    async with app.state.db.transaction() as conn:
        counted = await app.state.services.rollup_flow.rebuild(
            conn, workspace_id, (now - timedelta(days=400)).date(), (now + timedelta(days=1)).date()
        )
    print(
        f"reports: rollups rebuilt over {counted:,} leads in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    async with app.state.db.transaction() as conn:
        await conn.exec_driver_sql("ANALYZE report_rollups")
    scopes = {
        "year": {"from": (now - timedelta(days=366)).isoformat(), "to": now.isoformat()},
        "30 days": {"from": (now - timedelta(days=30)).isoformat(), "to": now.isoformat()},
    }
    headers = {"Authorization": f"Bearer {secret}"}
    timings: list[Timing] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=300) as client:
        conn = await asyncpg.connect(dsn)
        try:
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                await conn.fetchval("SELECT count(*) FROM leads WHERE workspace_id = $1", workspace_id)
                samples.append(time.perf_counter() - started)
            timings.append(
                Timing("count(*) of the leads (yardstick)", "all", statistics.median(samples) * 1000)
            )
        finally:
            await conn.close()
        for scope, params in scopes.items():
            for report in (*REPORTS, *(f"{r}?exact" for r in APPROXIMATE)):
                query = {**params, "exact": "true"} if report.endswith("?exact") else params
                path = report.removesuffix("?exact")
                samples = []
                for _ in range(runs):
                    started = time.perf_counter()
                    response = await client.get(f"/v1/reports/{path}", params=query, headers=headers)
                    samples.append(time.perf_counter() - started)
                    response.raise_for_status()
                timings.append(Timing(report, scope, statistics.median(samples) * 1000))
                print(f"reports: {report} ({scope}): {timings[-1].median_ms:.0f} ms", flush=True)
    return timings
