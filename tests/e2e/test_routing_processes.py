"""Routing under real concurrency: four uvicorn worker processes on one PostgreSQL, hundreds of
sales-ready leads captured at once. Round robin must come out exact, weighted rotation must
follow its weights, capacities must hold, and no lead may get two assignments."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_ADMIN_URL, PG_TEST_DB
from tests.e2e.processes import activate_executives_model, four_processes_on, set_up_routing

DATABASE = f"{PG_TEST_DB}_routing_e2e"


@pytest.fixture(scope="module")
def four_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with four_processes_on(DATABASE, tmp_path_factory.mktemp("routing")) as served:
        yield served


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
    activate_executives_model(base, headers)

    team = set_up_routing(
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

    heavy, light = set_up_routing(
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

    capped = set_up_routing(
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
