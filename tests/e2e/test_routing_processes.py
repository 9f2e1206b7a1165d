"""Routing under real concurrency: four uvicorn worker processes on one PostgreSQL, hundreds of
sales-ready leads captured at once. Round robin must come out exact, weighted rotation must
follow its weights, capacities must hold, and no lead may get two assignments."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_ADMIN_URL, PG_TEST_DB, fresh_pg_database, require_postgres
from tests.e2e.test_cli import LEADAPI, free_port, run, wait_until_serving

DATABASE = f"{PG_TEST_DB}_routing_e2e"
# A CEO scores 80 under this model: sales-ready (sql) the moment it is captured.
EXECUTIVES_MODEL = {
    "name": "Executives are sales-ready",
    "bands": [{"name": "sql", "min": 75}, {"name": "not_ready", "min": None}],
    "rules": [
        {
            "id": "exec",
            "kind": "fit",
            "points": 80,
            "when": {"field": "seniority", "op": "eq", "value": "c_level"},
        }
    ],
}


@contextmanager
def four_processes_on(database: str, log_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`leadapi serve` with four worker processes on a fresh PostgreSQL database of this name:
    its address and an admin key's headers."""
    require_postgres()
    url = asyncio.run(fresh_pg_database(database))
    port = free_port()
    env = {
        **os.environ,
        "LEADAPI_DATABASE_URL": url,
        "LEADAPI_PORT": str(port),
        "LEADAPI_WORKERS": "4",
        "LEADAPI_DB_POOL_SIZE": "10",
        # 40 connections at most: PostgreSQL's 100 are shared with whatever else runs tests.
        "LEADAPI_DB_MAX_OVERFLOW": "0",
        "LEADAPI_LOG_LEVEL": "warning",
        "LEADAPI_BOOTSTRAP": "false",
        "LEADAPI_WORKER_INTERVAL": "0.05",
    }
    assert run(env, "migrate").returncode == 0
    key = run(env, "keys", "create", "--scopes", "admin", "--quiet").stdout.strip()
    log = log_dir / "serve.log"
    with log.open("w") as out:
        # A session of its own: if the server does not stop, its workers are killed with it.
        process = subprocess.Popen(
            [*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, log)
        yield base, {"Authorization": f"Bearer {key}"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise


@pytest.fixture(scope="module")
def four_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with four_processes_on(DATABASE, tmp_path_factory.mktemp("routing")) as served:
        yield served


def _activate_executives_model(base: str, headers: dict[str, str]) -> None:
    created = httpx.post(f"{base}/v1/scoring/models", json=EXECUTIVES_MODEL, headers=headers)
    assert created.status_code == 201, created.text
    activated = httpx.post(f"{base}/v1/scoring/models/{created.json()['id']}/activate", headers=headers)
    assert activated.status_code == 202, activated.text
    deadline = time.monotonic() + 30
    while (
        httpx.get(f"{base}/v1/jobs/{activated.json()['id']}", headers=headers).json()["status"] != "succeeded"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)  # a worker process runs the job; no clock to inject across processes


def _setup(
    base: str, headers: dict[str, str], owners: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> list[str]:
    ids = []
    for owner in owners:
        response = httpx.post(f"{base}/v1/owners", json=owner, headers=headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    for old in httpx.get(f"{base}/v1/routing/rules", headers=headers).json()["data"]:
        assert httpx.delete(f"{base}/v1/routing/rules/{old['id']}", headers=headers).status_code == 204
    for rule in rules:
        response = httpx.post(f"{base}/v1/routing/rules", json=rule, headers=headers)
        assert response.status_code == 201, response.text
    return ids


async def _capture_at_once(
    base: str, headers: dict[str, str], prefix: str, count: int
) -> list[dict[str, Any]]:
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        async def capture(i: int) -> dict[str, Any]:
            # As a careful client does: an Idempotency-Key, and a retry when the connection drops
            # (a kept-alive connection the server closes just as a request goes out reads nothing),
            # which replays the first answer instead of capturing twice.
            key = {"Idempotency-Key": f"{prefix}-{i}"}
            for attempt in range(3):
                try:
                    response = await client.post(
                        "/v1/leads", json={"email": f"{prefix}{i}@prospect.io", "title": "CEO"}, headers=key
                    )
                    break
                except httpx.TransportError:
                    if attempt == 2:
                        raise
            assert response.status_code == 201, response.text
            lead: dict[str, Any] = response.json()
            return lead

        return await asyncio.gather(*(capture(i) for i in range(count)))


async def _assignments_per_lead(lead_ids: list[str]) -> Counter[int]:
    conn = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}")
    try:
        rows = await conn.fetch(
            "SELECT lead_id, count(*) AS n FROM assignments WHERE lead_id = ANY($1::text[]) GROUP BY lead_id",
            lead_ids,
        )
    finally:
        await conn.close()
    return Counter({row["lead_id"]: row["n"] for row in rows})


def test_round_robin_weighted_and_capacity_across_four_processes(
    four_processes: tuple[str, dict[str, str]],
) -> None:
    base, headers = four_processes
    _activate_executives_model(base, headers)

    team = _setup(
        base,
        headers,
        [{"name": f"Rep {i}", "email": f"rep{i}@acme.com", "tags": ["team"]} for i in range(5)],
        [{"name": "team", "position": 1, "strategy": "round_robin", "pool": {"tags": ["team"]}}],
    )
    leads = asyncio.run(_capture_at_once(base, headers, "rr", 400))
    assert all(lead["band"] == "sql" for lead in leads)
    assert Counter(lead["owner_id"] for lead in leads) == dict.fromkeys(team, 80)
    per_lead = asyncio.run(_assignments_per_lead([lead["id"] for lead in leads]))
    assert set(per_lead.values()) == {1}
    assert len(per_lead) == 400

    # Every process caches owners; a change made through one of them reaches all at once.
    away = httpx.patch(f"{base}/v1/owners/{team[0]}", json={"out_of_office": {}}, headers=headers)
    assert away.status_code == 200, away.text
    leads = asyncio.run(_capture_at_once(base, headers, "ooo", 40))
    assert Counter(lead["owner_id"] for lead in leads) == dict.fromkeys(team[1:], 10)

    heavy, light = _setup(
        base,
        headers,
        [
            {"name": "Heavy", "email": "heavy@acme.com", "weight": 3, "tags": ["weighted"]},
            {"name": "Light", "email": "light@acme.com", "weight": 1, "tags": ["weighted"]},
        ],
        [{"name": "weighted", "position": 1, "strategy": "weighted", "pool": {"tags": ["weighted"]}}],
    )
    leads = asyncio.run(_capture_at_once(base, headers, "w", 400))
    shares = Counter(lead["owner_id"] for lead in leads)
    assert abs(shares[heavy] - 300) <= 1
    assert abs(shares[light] - 100) <= 1
    assert shares[heavy] + shares[light] == 400

    capped = _setup(
        base,
        headers,
        [
            {"name": f"Capped {i}", "email": f"capped{i}@acme.com", "capacity": 10, "tags": ["capped"]}
            for i in range(2)
        ]
        + [{"name": "Overflow", "email": "overflow@acme.com", "tags": ["overflow"]}],
        [
            {"name": "capped", "position": 1, "strategy": "least_loaded", "pool": {"tags": ["capped"]}},
            {"name": "overflow", "position": 2, "strategy": "round_robin", "pool": {"tags": ["overflow"]}},
        ],
    )
    leads = asyncio.run(_capture_at_once(base, headers, "cap", 100))
    counts = Counter(lead["owner_id"] for lead in leads)
    assert counts == {capped[0]: 10, capped[1]: 10, capped[2]: 80}
