"""Whether the report rollups' consumer keeps up with the capture (issue 25: lag under 2 s).

Leads are captured through the real app (HTTP over ASGI, in process, on PostgreSQL) by concurrent
clients, each lead routed (an assignment with its SLA clock) and followed by a behaviour event, as
fast as the app takes them; the sequencer numbers their events; then the consumer's rounds go
through them until it has caught up. Both rates come from the same run, so their ratio means
something on a loaded machine: above 1, the consumer goes through events faster than captures
make them, and its lag stays at about one round (a batch's transaction).

    python -m bench.rollup_lag --leads 2000   (BENCH_DATABASE_URL: a PostgreSQL database to use)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import httpx

from bench.reports import bench_settings
from leadapi.app import create_app
from leadapi.flows.rollups import BATCH, RollupConsumer
from leadapi.workspaces.service import operator

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/leadapi_bench_rollups"


async def measure(database_url: str, leads: int, concurrency: int, batch: int = BATCH) -> dict[str, float]:
    # The other consumers off too: the rates are the capture's and the rollups' alone.
    quiet = {
        "automation_interval": 0,
        "segment_interval": 0,
        "duplicate_interval": 0,
        "enrichment_interval": 0,
    }
    app = create_app(bench_settings(database_url).model_copy(update=quiet))
    async with app.router.lifespan_context(app):
        async with app.state.db.transaction() as conn:
            workspace_id = await app.state.workspaces.create_workspace(conn, "rollup lag bench")
            _, secret = await app.state.workspaces.create_key(
                conn, operator(workspace_id), "bench", ["read", "write", "admin"]
            )
        headers = {"Authorization": f"Bearer {secret}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as client:
            owner = await client.post(
                "/v1/owners", json={"name": "Ada", "email": "ada@sales.acme.com"}, headers=headers
            )
            owner.raise_for_status()
            rule = {"name": "all", "position": 1, "strategy": "owner", "owner_id": owner.json()["id"]}
            (await client.post("/v1/routing/rules", json=rule, headers=headers)).raise_for_status()
            (
                await client.put("/v1/routing/settings", json={"route_on": "created"}, headers=headers)
            ).raise_for_status()
            queue = list(range(leads))

            async def capture() -> None:
                while queue:
                    n = queue.pop()
                    lead = {
                        "email": f"lag{n}@acme{n % 500}.com",
                        "source": ("ads", "webinar", "organic")[n % 3],
                        "utm_campaign": f"c{n % 7}",
                        "title": "VP Sales",
                        "country": "US",
                    }
                    response = await client.post("/v1/leads", json=lead, headers=headers)
                    response.raise_for_status()
                    event = {"type": "call"} if n % 2 else {"type": "page_view"}
                    lead_id = response.json()["id"]
                    (
                        await client.post(f"/v1/leads/{lead_id}/events", json=event, headers=headers)
                    ).raise_for_status()

            started = time.perf_counter()
            await asyncio.gather(*(capture() for _ in range(concurrency)))
            capture_seconds = time.perf_counter() - started
        numbered = await app.state.sequencer.drain()
        consumer = RollupConsumer(app.state.db, app.state.services.rollup_flow, batch=batch)
        rounds: list[float] = []
        started = time.perf_counter()
        while True:
            round_started = time.perf_counter()
            more = await consumer.run_once(workspace_id)
            rounds.append(time.perf_counter() - round_started)
            if not more:
                break
        consume_seconds = time.perf_counter() - started
    return {
        "batch": batch,
        "leads": leads,
        "events": numbered,
        "capture_events_per_s": numbered / capture_seconds,
        "consumer_events_per_s": numbered / consume_seconds,
        "ratio": capture_seconds / consume_seconds,
        "round_p50_s": statistics.median(rounds),
        "round_max_s": max(rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--batch", type=int, default=BATCH, help="events per consumer transaction")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    result = asyncio.run(measure(url, args.leads, args.concurrency, args.batch))
    for name, value in result.items():
        print(f"rollup lag: {name}: {value:,.3f}")


if __name__ == "__main__":
    main()
