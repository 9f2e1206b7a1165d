"""The bench's floors, on PostgreSQL (they are PostgreSQL's alone): what they write is what they
say they write, against the schema as it is now, so a migration that changes what a lead or a
run must store breaks them here rather than at the next `make bench`.

- The capture's floor (`POST /floor/leads` of bench/baseline_app.py) stores a lead that leadapi
  reads back as its own, with its `lead.created` and `lead.scored` events.
- The same floor behind leadapi's request path (bench/stack_floor.py) stores the same lead, and
  only for a request that request path lets through (a key with the write scope).
- The automations' floor (bench/automation_floor.py) writes again exactly the rows the runs wrote
  (runs, the events their actions appended, enrolments, steps due, touches, each tag update) and
  keeps none of them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest
from bench import baseline_app
from bench.automation_floor import floor
from bench.stack_floor import with_floor

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.workspaces.service import operator
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.factories import (
    add_automation,
    add_track,
    events_of,
    get_lead,
    new_lead,
    run_automations,
    sweep_steps,
)

CAPTURE = {
    "email": "u1-1@acme-1.com",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "company": "Acme",
    "title": "VP Sales",
    "country": "FR",
    "phone": "+1 415 555 0101",
    "website": "https://acme-1.com",
    "source": "bench",
    "tags": ["bench"],
}  # fmt: skip (what bench/post_lead.lua sends)


def _settings(url: str) -> Settings:
    return quiet_settings(url)


async def test_the_capture_floor_stores_a_lead_leadapi_reads_as_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{PG_TEST_DB}_capture_floor")
    async with serving(create_app(_settings(url), clock=Clock())) as app:
        tenant = await make_tenant(app, "floor")
        async with app.state.db.transaction() as conn:  # the floor writes into the bench key's workspace
            await app.state.workspaces.create_key(conn, operator(tenant.workspace_id), "bench", ["write"])
        monkeypatch.setattr(baseline_app, "DSN", url.replace("postgresql+asyncpg://", "postgresql://", 1))
        transport = httpx.ASGITransport(app=baseline_app.app)
        async with (
            serving(baseline_app.app),
            httpx.AsyncClient(transport=transport, base_url="http://baseline.test") as bare,
        ):
            response = await bare.post("/floor/leads", json=CAPTURE)
        assert response.status_code == 201, response.text
        lead_id = response.json()["id"]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            lead = await get_lead(client, tenant, lead_id)
        assert {k: lead[k] for k in ("email", "first_name", "domain", "tags", "stage", "band")} == {
            "email": CAPTURE["email"],
            "first_name": "Ada",
            "domain": "acme-1.com",
            "tags": ["bench"],
            "stage": "new",
            "band": "not_ready",
        }
        events = await events_of(app, tenant, "lead.created", "lead.scored")
        assert sorted((e["type"], e["lead_id"]) for e in events) == [
            ("lead.created", lead_id),
            ("lead.scored", lead_id),
        ]
        assert events[0]["data"]["lead"]["email"] == CAPTURE["email"]


async def test_the_floor_behind_leadapis_request_path_stores_the_same_lead_for_a_writer_only() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{PG_TEST_DB}_stack_floor")
    async with serving(with_floor(create_app(_settings(url), clock=Clock()))) as app:
        tenant = await make_tenant(app, "floor")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            for refused, headers in ((401, {}), (403, tenant.read)):
                response = await client.post("/v1/floor/leads", json=CAPTURE, headers=headers)
                assert response.status_code == refused, response.text
                assert response.headers["content-type"] == "application/problem+json"
            response = await client.post("/v1/floor/leads", json=CAPTURE, headers=tenant.write)
            assert response.status_code == 201, response.text
            assert response.headers["x-request-id"]  # the request log's middleware ran
            lead = await get_lead(client, tenant, response.json()["id"])
            assert (await client.get("/v1/leads", headers=tenant.read)).json()["data"] == [lead]
            not_in_the_document = await client.get("/openapi.json")
        assert "/v1/floor/leads" not in not_in_the_document.json()["paths"]
        assert {k: lead[k] for k in ("email", "first_name", "domain", "tags", "stage")} == {
            "email": CAPTURE["email"],
            "first_name": "Ada",
            "domain": "acme-1.com",
            "tags": ["bench"],
            "stage": "new",
        }
        events = await events_of(app, tenant, "lead.created", "lead.scored")
        assert sorted(e["type"] for e in events) == ["lead.created", "lead.scored"]


# The rows each part of the automations' floor writes again, counted from what the runs left.
_WRITTEN = {
    "runs": "SELECT count(*) FROM automation_runs",
    "events": "SELECT count(*) FROM events WHERE caused_by IS NOT NULL OR type = 'track.step_due'",
    "enrolments": "SELECT count(*) FROM track_enrollments",
    "touches": "SELECT count(*) FROM track_touches",
    "lead updates": "SELECT count(*) FROM events WHERE type = 'lead.updated' AND caused_by IS NOT NULL",
}
_TABLES = ("automation_runs", "events", "track_enrollments", "track_touches")


async def _counts(dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    try:
        counts: dict[str, Any] = {name: await conn.fetchval(sql) for name, sql in _WRITTEN.items()}
        for table in _TABLES:
            counts[f"rows in {table}"] = await conn.fetchval(f"SELECT count(*) FROM {table}")
        counts["lead versions"] = await conn.fetchval("SELECT sum(version) FROM leads")
        return counts
    finally:
        await conn.close()


async def test_the_automations_floor_writes_again_what_the_runs_wrote_and_keeps_nothing() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{PG_TEST_DB}_automation_floor")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(_settings(url), clock=Clock())) as app:
        tenant = await make_tenant(app, "floor")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            first_step = [{"channel": "email", "ref": "intro", "wait_minutes": 0}]
            track = await add_track(client, tenant, steps=first_step)
            on_creation: dict[str, Any] = {"trigger": {"event": "lead.created"}}
            await add_automation(
                client, tenant, **on_creation, actions=[{"type": "add_tags", "tags": ["new"]}]
            )
            await add_automation(client, tenant, **on_creation, actions=[{"type": "notify", "message": "hi"}])
            enrol = [{"type": "enroll", "track_id": track["id"]}]
            await add_automation(client, tenant, **on_creation, limits={"once_per_lead": True}, actions=enrol)
            french = {"field": "country", "op": "eq", "value": "fr"}  # skipped for most: a run all the same
            await add_automation(
                client, tenant, **on_creation, when=french, actions=[{"type": "add_tags", "tags": ["fr"]}]
            )
            for i in range(4):
                await new_lead(client, tenant, f"floor{i}@acme.com", country="FR" if i == 0 else "US")
            await run_automations(app, tenant)
            await sweep_steps(app)
            await app.state.sequencer.drain()
    before = await _counts(dsn)
    # Each part has something to write, or the comparison below would prove nothing.
    assert all(before[name] for name in _WRITTEN), before
    result = await floor(dsn)
    written = {name: rows for name, (rows, _) in result.parts.items()}
    assert written == {name: before[name] for name in _WRITTEN}
    assert result.requests == 4  # the four captures' lead.created set the runs off
    assert await _counts(dsn) == before  # rolled back
