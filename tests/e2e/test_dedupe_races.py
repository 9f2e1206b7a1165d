"""Dedupe by phone under real concurrency: four uvicorn worker processes on one PostgreSQL.

Email and external ids are exact under concurrency by their unique indexes; a phone cannot have
one (people with different emails share a switchboard), so it is made exact by an advisory lock
per (workspace, phone) taken before the lookup, on the one-statement path and the transactional
one alike. 200 captures of one phone number at once, spread over four processes and their 40
connections, must give exactly one lead: unrouted, and routed (sales-ready, round robin), where
the one-statement capture also takes a routing turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_ADMIN_URL, PG_TEST_DB
from tests.e2e.processes import activate_executives_model, four_processes_on, set_up_routing
from tests.factories import PHONE_STORM, phone_storm_bodies

DATABASE = f"{PG_TEST_DB}_dedupe_races"

Server = tuple[str, dict[str, str]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with four_processes_on(DATABASE, tmp_path_factory.mktemp("dedupe")) as (base, headers):
        yield base, headers


async def _storm(base: str, headers: dict[str, str], bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        async def capture(i: int, body: dict[str, Any]) -> httpx.Response:
            # An Idempotency-Key, and a retry when a kept-alive connection drops as a request goes
            # out: the retry replays the first answer instead of capturing twice.
            key = {"Idempotency-Key": f"{body['phone']}-{i}"}
            for attempt in range(3):
                try:
                    return await client.post("/v1/leads", json=body, headers=key)
                except httpx.TransportError:
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

        return await asyncio.gather(*(capture(i, body) for i, body in enumerate(bodies)))


async def _leads_with_phone(phone: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}")
    try:
        rows = await conn.fetch("SELECT id, email, owner_id FROM leads WHERE phone = $1", phone)
        assignments = await conn.fetchval(
            "SELECT count(*) FROM assignments a JOIN leads l ON l.id = a.lead_id WHERE l.phone = $1", phone
        )
    finally:
        await conn.close()
    return [{**dict(row), "assignments": assignments} for row in rows]


def _check_one_lead(responses: list[httpx.Response], phone: str) -> dict[str, Any]:
    assert all(r.status_code in (200, 201) for r in responses), [
        r.text for r in responses if r.status_code >= 300
    ]
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    [lead] = asyncio.run(_leads_with_phone(phone))
    assert lead["id"] == responses[0].json()["id"]
    return lead


def test_one_phone_captured_at_once_across_four_processes_is_one_lead(server: Server) -> None:
    base, headers = server
    phone = "+33142685300"
    only_phone = [{"phone": phone, "tags": [f"t{i}"]} for i in range(PHONE_STORM)]
    _check_one_lead(asyncio.run(_storm(base, headers, only_phone)), phone)

    mixed_phone = "+33142685301"
    lead = _check_one_lead(asyncio.run(_storm(base, headers, phone_storm_bodies(mixed_phone))), mixed_phone)
    assert lead["email"] == "switchboard@acme.com"


def test_one_phone_routed_at_once_across_four_processes_is_one_lead(server: Server) -> None:
    base, headers = server
    activate_executives_model(base, headers)
    set_up_routing(
        base,
        headers,
        [{"name": f"Rep {i}", "email": f"rep{i}@acme.com", "tags": ["team"]} for i in range(3)],
        [{"name": "team", "position": 1, "strategy": "round_robin", "pool": {"tags": ["team"]}}],
    )
    phone = "+33142685302"
    bodies = [{"phone": phone, "title": "CEO", "tags": [f"t{i}"]} for i in range(PHONE_STORM)]
    lead = _check_one_lead(asyncio.run(_storm(base, headers, bodies)), phone)
    assert lead["owner_id"] is not None
    assert lead["assignments"] == 1
