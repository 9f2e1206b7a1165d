"""`python -m bench.fairness`: the routing fairness report on PostgreSQL over a year of assignments.

A workspace made by the service, then filled in SQL: 50 owners, assignments spread over a year
with explanations as routing writes them (a round robin over a pool of ten, two owners skipped,
the forty others counted, an earlier rule that found nobody with its own skips), a third of them
touched, and behaviour events with one in a hundred a `lead.unassigned`. GET /v1/reports/routing
is asked through the real app over ASGI for the whole year and the last 30 days, next to the
owners report (the existing report over the same assignments) and a bare count of the
workspace's assignments, measured in the same run: the figures are ratios to those. The median of
a few runs. Its own database (BENCH_FAIRNESS_DATABASE, default leadapi_bench_fairness), dropped
and created on every run. Results: stdout and bench/results/fairness.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

from bench.databases import recreate
from leadapi.app import create_app
from leadapi.cli import migrate
from leadapi.config import Settings
from leadapi.workspaces.service import operator

HERE = Path(__file__).resolve().parent
ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get("BENCH_FAIRNESS_DATABASE", "leadapi_bench_fairness")
DSN = ADMIN_DSN.rsplit("/", 1)[0] + f"/{DATABASE}"
OWNERS = 50

SEED_OWNERS = """
INSERT INTO owners (id, workspace_id, name, email, active, capacity, weight, tags, territories,
                    created_at, updated_at)
SELECT 'ow_f' || g, $1, 'Owner ' || g, 'owner' || g || '@bench.test', true, NULL, 1 + g % 3, '[]', '[]',
       now(), now()
FROM generate_series(0, $2 - 1) AS g
"""

SEED_RULES = """
INSERT INTO routing_rules (id, workspace_id, name, position, active, "when", strategy, pool, owner_id,
                           tie_breaker, created_at, updated_at)
VALUES ('rr_fvip', $1, 'vip', 1, true, NULL, 'round_robin', '{"owner_ids": [], "tags": []}', NULL,
        'round_robin', now(), now()),
       ('rr_fteam', $1, 'team', 2, true, NULL, 'round_robin', '{"owner_ids": [], "tags": []}', NULL,
        'round_robin', now(), now())
"""

# Pool of ten owners per lead (n % 5 picks which ten), the pick the turn's, two of the pool away.
SEED_ASSIGNMENTS = """
INSERT INTO assignments (id, workspace_id, lead_id, owner_id, previous_owner_id, by, rule_id, strategy,
                         explanation, created_at, touched_at)
SELECT 'as_f' || n, $1, 'ld_f' || n, 'ow_f' || (base + n % 8), NULL, 'routing', 'rr_fteam', 'round_robin',
       jsonb_build_object(
         'owner_id', 'ow_f' || (base + n % 8), 'rule_id', 'rr_fteam', 'rule_name', 'team',
         'strategy', 'round_robin', 'turn', n,
         'candidates', (SELECT jsonb_agg('ow_f' || (base + k)) FROM generate_series(0, 7) AS k),
         'skipped', jsonb_build_array(
           jsonb_build_object('owner_id', 'ow_f' || (base + 8), 'reason', 'out_of_office'),
           jsonb_build_object('owner_id', 'ow_f' || (base + 9), 'reason', 'at_capacity')),
         'not_in_pool', 40,
         'rules_tried', jsonb_build_array(
           jsonb_build_object('rule_id', 'rr_fvip', 'outcome', 'no_eligible_owner', 'not_in_pool', 48,
             'skipped', jsonb_build_array(
               jsonb_build_object('owner_id', 'ow_f0', 'reason', 'at_capacity'),
               jsonb_build_object('owner_id', 'ow_f1', 'reason', 'out_of_office'))),
           jsonb_build_object('rule_id', 'rr_fteam', 'outcome', 'assigned'))),
       created, CASE WHEN n % 3 = 0 THEN created + (n % 3600) * interval '1 second' END
FROM (
    SELECT n, (n % 5) * 10 AS base, now() - (n % 365) * interval '1 day' - (n % 86400) * interval '1 second'
           AS created
    FROM generate_series(1, $2) AS n
) AS a
"""

SEED_EVENTS = """
INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data)
SELECT 'ev_f' || n, $1, NULL, CASE WHEN n % 100 = 0 THEN 'lead.unassigned' ELSE 'page_view' END,
       'ld_f' || n, now() - (n % 365) * interval '1 day' - (n % 86400) * interval '1 second',
       CASE WHEN n % 100 = 0 THEN jsonb_build_object('reason', 'no_eligible_owner', 'rules_tried',
         jsonb_build_array(jsonb_build_object('rule_id', 'rr_fteam', 'outcome', 'no_eligible_owner',
           'not_in_pool', 49, 'skipped', jsonb_build_array(
             jsonb_build_object('owner_id', 'ow_f3', 'reason', 'at_capacity')))))
       ELSE '{}'::jsonb END
FROM generate_series(1, $2) AS n
"""


@dataclass
class Timing:
    what: str
    scope: str
    median_ms: float


async def fresh_database() -> None:
    await recreate(ADMIN_DSN, DATABASE)


async def seed(workspace_id: str, assignments: int, events: int) -> None:
    conn = await asyncpg.connect(DSN)
    try:
        await conn.execute(SEED_OWNERS, workspace_id, OWNERS)
        await conn.execute(SEED_RULES, workspace_id)
        await conn.execute(SEED_ASSIGNMENTS, workspace_id, assignments)
        await conn.execute(SEED_EVENTS, workspace_id, events)
        for table in ("assignments", "events", "owners", "routing_rules"):
            await conn.execute(f"VACUUM ANALYZE {table}")
    finally:
        await conn.close()


async def measure(assignments: int, events: int, runs: int) -> list[Timing]:
    await fresh_database()
    url = DSN.replace("postgresql://", "postgresql+asyncpg://", 1)
    await asyncio.to_thread(migrate, Settings(database_url=url, _env_file=None))
    settings = Settings(database_url=url, bootstrap=False, sequencer_interval=0, worker_interval=0,
                        sla_sweep_interval=0, webhook_interval=0, automation_interval=0,
                        segment_interval=0, _env_file=None)  # fmt: skip
    app = create_app(settings)
    timings: list[Timing] = []
    async with app.router.lifespan_context(app):
        workspaces = app.state.workspaces
        async with app.state.db.transaction() as conn:
            workspace_id = await workspaces.create_workspace(conn, "fairness bench")
            _, secret = await workspaces.create_key(conn, operator(workspace_id), "fairness", ["read"])
        started = time.perf_counter()
        await seed(workspace_id, assignments, events)
        print(f"fairness: seeded {assignments:,} assignments, {events:,} events in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        now = datetime.now(UTC)
        scopes = {
            "year": {"from": (now - timedelta(days=366)).isoformat(), "to": now.isoformat()},
            "30 days": {"from": (now - timedelta(days=30)).isoformat(), "to": now.isoformat()},
        }
        headers = {"Authorization": f"Bearer {secret}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            conn = await asyncpg.connect(DSN)
            try:
                samples = []
                for _ in range(runs):
                    started = time.perf_counter()
                    count = "SELECT count(*) FROM assignments WHERE workspace_id = $1"
                    await conn.fetchval(count, workspace_id)
                    samples.append(time.perf_counter() - started)
                timings.append(
                    Timing("count(*) of the assignments", "all", statistics.median(samples) * 1000)
                )
            finally:
                await conn.close()
            for scope, params in scopes.items():
                for report in ("owners", "routing"):
                    samples = []
                    for _ in range(runs):
                        started = time.perf_counter()
                        response = await client.get(f"/v1/reports/{report}", params=params, headers=headers)
                        samples.append(time.perf_counter() - started)
                        response.raise_for_status()
                    timings.append(Timing(f"{report} report", scope, statistics.median(samples) * 1000))
                    print(f"fairness: {report} report ({scope}): {timings[-1].median_ms:.0f} ms", flush=True)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fairness", description=__doc__)
    parser.add_argument("--assignments", type=int, default=300_000, help="assignments over a year")
    parser.add_argument("--events", type=int, default=1_000_000, help="events over a year (1% unassigned)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    timings = asyncio.run(measure(args.assignments, args.events, args.runs))
    by = {(t.what, t.scope): t.median_ms for t in timings}
    for scope in ("year", "30 days"):
        routing, owners = by[("routing report", scope)], by[("owners report", scope)]
        print(f"fairness: routing report ({scope}) = {routing / owners:.2f}x the owners report, "
              f"{routing / by[('count(*) of the assignments', 'all')]:.1f}x a bare count(*)")  # fmt: skip
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "fairness.json").write_text(
        json.dumps({"args": vars(args), "timings": [asdict(t) for t in timings]}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
