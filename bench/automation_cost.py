"""What one automation run costs: the consumer alone, in process, over a backlog made once.

`--setup` makes a template database: a workspace with `make bench --automations-only`'s 20
automations and 5 tracks, then captures (each sets off about five runs) and behaviour events on
the captured leads through the real app (HTTP over ASGI), their events numbered, no run made
yet. Each measurement then copies the template (the same backlog every time, so before and
after compare) and drains it with the consumer alone (the sequencer numbering what the runs
append, so chained runs count), reading the CPU this process and the database's backends
used, and the statements sent, per run stored.

    python -m bench.automation_cost --setup --leads 600 --events 600
    python -m bench.automation_cost [--profile out.txt]   (py-spy over the drain)

BENCH_DATABASE (default leadapi_bench_automation_cost) names the template; its copy gets `_run`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from bench.__main__ import AUTOMATIONS, TRACKS, _automation, _track
from bench.databases import recreate
from bench.reports import bench_settings
from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.flows.automations import AutomationConsumer
from leadapi.workspaces.service import operator

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TEMPLATE = os.environ.get("BENCH_DATABASE", "leadapi_bench_automation_cost")
COPY = f"{TEMPLATE}_run"
KINDS = (
    {"type": "page_view", "properties": {"path": "/pricing", "url": "https://acme.com/pricing"}},
    {"type": "email_open", "properties": {"campaign": "nov"}},
    {"type": "email_click", "properties": {"campaign": "nov", "link": "https://acme.com/demo"}},
    {"type": "page_view", "properties": {"path": "/blog/lead-scoring"}},
    {"type": "content_download", "properties": {"asset": "ebook"}},
    {"type": "form_submit", "properties": {"form": "newsletter"}},
)


def _url(database: str) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"


def _settings(database: str) -> Settings:
    quiet = {
        "automation_interval": 0,
        "segment_interval": 0,
        "duplicate_interval": 0,
        "enrichment_interval": 0,
        "hygiene_interval": 0,
        "maintenance_interval": 0,
    }
    return bench_settings(_url(database)).model_copy(update=quiet)


async def setup(leads: int, events: int) -> None:
    from leadapi.cli import migrate

    await recreate(ADMIN, TEMPLATE)
    settings = _settings(TEMPLATE)
    await asyncio.to_thread(migrate, settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.db.transaction() as conn:
            workspace_id = await app.state.workspaces.create_workspace(conn, "automation cost bench")
            _, secret = await app.state.workspaces.create_key(
                conn, operator(workspace_id), "bench", ["read", "write", "admin"]
            )
        headers = {"Authorization": f"Bearer {secret}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as client:
            tracks = []
            for i in range(TRACKS):
                made = await client.post("/v1/tracks", json=_track(i), headers=headers)
                made.raise_for_status()
                tracks.append(made.json()["id"])
            for i in range(AUTOMATIONS):
                made = await client.post("/v1/automations", json=_automation(i, tracks), headers=headers)
                made.raise_for_status()
            lead_ids: list[str] = []
            for n in range(leads):
                body = {
                    "email": f"u{n}@acme-{n % 50}.com",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "company": "Acme",
                    "title": "VP Sales",
                    "country": "FR" if n % 2 else "US",
                    "phone": f"+1 415 555 {n % 10000:04d}",
                    "website": f"https://acme-{n % 50}.com",
                    "source": "bench",
                    "tags": ["bench"],
                }
                made = await client.post("/v1/leads", json=body, headers=headers)
                made.raise_for_status()
                lead_ids.append(made.json()["id"])
            for n in range(events):
                lead_id = lead_ids[(n * 7919) % len(lead_ids)]
                made = await client.post(
                    f"/v1/leads/{lead_id}/events", json=KINDS[n % len(KINDS)], headers=headers
                )
                made.raise_for_status()
        await app.state.sequencer.drain()
    conn = await asyncpg.connect(_url(TEMPLATE).replace("+asyncpg", ""))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    print(f"template {TEMPLATE}: {leads} captures, {events} events", flush=True)


def _cpu(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    used = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        used += int(fields[11]) + int(fields[12])
    return used / tick


def _loops(app: Any) -> list[tuple[str, Any]]:
    from leadapi.flows.duplicates import DuplicateConsumer
    from leadapi.flows.enrichment import EnrichmentConsumer
    from leadapi.flows.rollups import RollupConsumer
    from leadapi.flows.segments import SegmentConsumer
    from leadapi.tracks.sweep import ExitWatch
    from leadapi.tracks.sweep import sweep_once as step_sweep_once
    from leadapi.webhooks.loop import WebhookSender

    services = app.state.services
    db = services.db

    async def steps() -> bool:
        return bool((await step_sweep_once(db, services.tracks, services.clock()))[1])

    return [
        ("segments", SegmentConsumer(db, services.segment_flow).run_once),
        ("track exits", ExitWatch(db, services.tracks).run_once),
        ("track steps", steps),
        ("report rollups", RollupConsumer(db, services.rollup_flow).run_once),
        ("duplicates", DuplicateConsumer(db, services.duplicate_flow).run_once),
        ("enrichment", EnrichmentConsumer(db, services.enrichment_flow).run_once),
        ("webhooks", WebhookSender(db, services.webhooks).run_once),
        ("sequencer", app.state.sequencer.run_once),
    ]


async def drain(profile: str | None, loops: bool = False) -> dict[str, Any]:
    await recreate(ADMIN, COPY, TEMPLATE)
    app = create_app(_settings(COPY))
    statements: Counter[str] = Counter()
    async with app.router.lifespan_context(app):
        db = app.state.db
        event.listen(
            db.engine.sync_engine,
            "before_cursor_execute",
            lambda conn, cursor, statement, *_: statements.update([" ".join(statement.split())[:160]]),
        )
        consumer = AutomationConsumer(db, app.state.services.automation_flow)
        sequencer = app.state.sequencer
        # Warm the pool's connections (their backends are the database's CPU read below).
        await asyncio.gather(*(_touch(db) for _ in range(4)))
        admin = await asyncpg.connect(ADMIN)
        backends = [
            int(r["pid"])
            for r in await admin.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", COPY
            )
        ]
        if loops:  # the other loops caught up with the captures first: only the runs' work is left
            for _, step in _loops(app):
                while await step():
                    pass
        statements.clear()
        spy = None
        if profile:
            spy = await asyncio.create_subprocess_exec(
                os.path.join(os.path.dirname(sys.executable), "py-spy"),
                *("record", "-r", "200", "-f", "raw", "-o", profile, "-p", str(os.getpid())),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            await asyncio.sleep(1.5)
        database_before = _cpu(backends)
        process_before = time.process_time()
        started = time.perf_counter()
        rounds = 0
        while True:
            rounds += 1
            more = await consumer.run_once()
            numbered = await sequencer.run_once()
            if not more and not numbered:
                break
        wall = time.perf_counter() - started
        process = time.process_time() - process_before
        database = _cpu(backends) - database_before
        consumer_statements = Counter(statements)
        if spy is not None:
            spy.send_signal(2)
            await spy.wait()
        # What `leadapi serve`'s other loops then spend on what the runs appended (the bench's
        # CPU per run counts them too), each worked off alone.
        others: dict[str, tuple[float, float]] = {}
        if loops:
            for name, step in _loops(app):
                database_before, process_before = _cpu(backends), time.process_time()
                while await step():
                    pass
                others[name] = (time.process_time() - process_before, _cpu(backends) - database_before)
        await admin.close()
        copy = await asyncpg.connect(_url(COPY).replace("+asyncpg", ""))
        runs = int(await copy.fetchval("SELECT count(*) FROM automation_runs"))
        fired = int(await copy.fetchval("SELECT count(*) FROM automation_runs WHERE status = 'fired'"))
        await copy.close()
    sent = sum(consumer_statements.values())
    return {
        "runs": runs,
        "fired": fired,
        "rounds": rounds,
        "wall_s": wall,
        "server_ms_per_run": process / runs * 1000,
        "database_ms_per_run": database / runs * 1000,
        "statements_per_run": sent / runs,
        "top": consumer_statements.most_common(25),
        "others": {name: (a / runs * 1000, b / runs * 1000) for name, (a, b) in others.items()},
    }


async def _touch(db: Any) -> None:
    from sqlalchemy import text

    async with db.transaction() as conn:
        await conn.execute(text("SELECT pg_sleep(0.05)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--leads", type=int, default=600)
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--profile", help="py-spy raw output file")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--loops", action="store_true", help="then the other background loops, each alone")
    args = parser.parse_args()
    if args.setup:
        asyncio.run(setup(args.leads, args.events))
        return
    for _ in range(args.repeat):
        result = asyncio.run(drain(args.profile, args.loops))
        print(
            f"runs {result['runs']:,} (fired {result['fired']:,}) in {result['rounds']} rounds, "
            f"{result['wall_s']:.2f} s; per run: server {result['server_ms_per_run']:.2f} ms, "
            f"PostgreSQL {result['database_ms_per_run']:.2f} ms, "
            f"{result['statements_per_run']:.1f} statements; "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for statement, count in result["top"]:
            print(f"  {count:6d}  {statement}")
        for name, (server, database) in result["others"].items():
            print(f"  then {name}: server {server:.2f} ms, PostgreSQL {database:.2f} ms per run")


if __name__ == "__main__":
    main()
