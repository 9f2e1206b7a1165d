"""Idempotency-Key: replays, refusals, concurrency, and what is never stored (5xx), on both
databases. The crash cases (a killed server process) are in tests/e2e/test_idempotency_crash.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from leadapi.api.idempotency import key_lock_id
from tests.conftest import Tenant


async def _leads(client: httpx.AsyncClient, tenant: Tenant) -> list[str]:
    return [lead["email"] for lead in (await client.get("/v1/leads", headers=tenant.read)).json()["data"]]


async def test_a_retry_gets_the_first_response(client: httpx.AsyncClient, tenant: Tenant) -> None:
    headers = {**tenant.write, "Idempotency-Key": "replay-1"}
    first = await client.post("/v1/leads", json={"email": "r@acme.com"}, headers=headers)
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    for _ in range(2):
        replay = await client.post("/v1/leads", json={"email": "r@acme.com"}, headers=headers)
        assert (replay.status_code, replay.json()) == (201, first.json())
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.headers["location"] == first.headers["location"]
        assert replay.headers["content-type"] == first.headers["content-type"]
    assert await _leads(client, tenant) == ["r@acme.com"]
    timeline = await client.get(f"/v1/leads/{first.json()['id']}/timeline", headers=tenant.read)
    assert [e["type"] for e in timeline.json()["data"]].count("lead.created") == 1


async def test_an_event_retry_records_once(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = (await client.post("/v1/leads", json={"email": "ev@acme.com"}, headers=tenant.write)).json()
    headers = {**tenant.write, "Idempotency-Key": "event-1"}
    path = f"/v1/leads/{lead['id']}/events"
    first = await client.post(path, json={"type": "page_view"}, headers=headers)
    again = await client.post(path, json={"type": "page_view"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    timeline = (await client.get(f"/v1/leads/{lead['id']}/timeline", headers=tenant.read)).json()["data"]
    assert [e["id"] for e in timeline if e["type"] == "page_view"] == [first.json()["id"]]


async def test_a_refusal_is_stored_and_replayed_too(client: httpx.AsyncClient, tenant: Tenant) -> None:
    headers = {**tenant.write, "Idempotency-Key": "bad-body"}
    first = await client.post("/v1/leads", json={"email": "not an email"}, headers=headers)
    assert first.status_code == 422
    replay = await client.post("/v1/leads", json={"email": "not an email"}, headers=headers)
    assert (replay.status_code, replay.json()) == (422, first.json())
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "body"),
    [("/v1/leads", {"email": "b@acme.com"}), ("/v1/leads?x=1", {"email": "a@acme.com"}), ("/v1/events", {})],
)
async def test_the_same_key_for_another_request_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, path: str, body: dict[str, str]
) -> None:
    headers = {**tenant.write, "Idempotency-Key": "reused"}
    assert (await client.post("/v1/leads", json={"email": "a@acme.com"}, headers=headers)).status_code == 201
    other = await client.post(path, json=body, headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"].endswith("idempotency-key-reused")
    assert await _leads(client, tenant) == ["a@acme.com"]


# The longest Idempotency-Key the API takes, written here, not read from the code: a limit taken
# from the implementation would follow it anywhere. The 400 states it to the client, and the key
# is stored in a 255-character column.
LONGEST_KEY = 255


@pytest.mark.parametrize("key", ["", "k" * (LONGEST_KEY + 1), "k" * 1000])
async def test_a_key_that_is_empty_or_too_long_is_a_400_problem(
    client: httpx.AsyncClient, tenant: Tenant, key: str
) -> None:
    response = await client.post(
        "/v1/leads", json={"email": "len@acme.com"}, headers={**tenant.write, "Idempotency-Key": key}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["status"]) == ("https://leadapi.dev/problems/bad-request", 400)
    assert problem["detail"] == "Idempotency-Key must be 1 to 255 characters."
    assert await _leads(client, tenant) == []


@pytest.mark.parametrize("length", [1, LONGEST_KEY])
async def test_the_shortest_and_the_longest_keys_are_taken_and_replayed(
    client: httpx.AsyncClient, tenant: Tenant, length: int
) -> None:
    headers = {**tenant.write, "Idempotency-Key": "k" * length}
    first = await client.post("/v1/leads", json={"email": "long@acme.com"}, headers=headers)
    replay = await client.post("/v1/leads", json={"email": "long@acme.com"}, headers=headers)
    assert first.status_code == 201, first.text
    assert (replay.status_code, replay.headers["idempotent-replayed"]) == (201, "true")
    assert replay.json() == first.json()
    assert await _leads(client, tenant) == ["long@acme.com"]


async def test_concurrent_retries_run_once(client: httpx.AsyncClient, tenant: Tenant, dialect: str) -> None:
    headers = {**tenant.write, "Idempotency-Key": "burst-1"}
    responses = await asyncio.gather(
        *(client.post("/v1/leads", json={"email": "burst@acme.com"}, headers=headers) for _ in range(8))
    )
    created = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code == 409]
    assert len(created) + len(refused) == len(responses)
    assert len({r.json()["id"] for r in created}) == 1
    assert sum("idempotent-replayed" not in r.headers for r in created) == 1  # one ran, the rest replayed
    for response in refused:  # PostgreSQL: the key's lock was held; SQLite queues them instead
        assert response.json()["type"].endswith("idempotency-in-progress")
        assert response.headers["retry-after"] == "1"
    if dialect == "sqlite":
        assert not refused
    assert await _leads(client, tenant) == ["burst@acme.com"]


async def test_a_key_in_progress_is_refused_then_free(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, postgres_only: None
) -> None:
    """While the key's lock is held (the first request running, here held by the test), a retry
    gets 409; the moment it is released, as when the first's connection dies, the key works."""
    key = "in-progress"
    async with app.state.db.engine.connect() as holder:
        await holder.execute(
            text("SELECT pg_advisory_lock(:id)"), {"id": key_lock_id(tenant.workspace_id, key)}
        )
        busy = await client.post(
            "/v1/leads", json={"email": "p@acme.com"}, headers={**tenant.write, "Idempotency-Key": key}
        )
        assert busy.status_code == 409
        assert busy.json()["type"].endswith("idempotency-in-progress")
        await holder.execute(text("SELECT pg_advisory_unlock_all()"))
        await holder.commit()
    done = await client.post(
        "/v1/leads", json={"email": "p@acme.com"}, headers={**tenant.write, "Idempotency-Key": key}
    )
    assert done.status_code == 201
    assert await _leads(client, tenant) == ["p@acme.com"]


@asynccontextmanager
async def failing_lead_inserts(app: FastAPI, workspace_id: str, dialect: str) -> AsyncIterator[None]:
    """A real database fault: a trigger refuses inserting this workspace's leads, so a capture
    fails inside the database after its request has begun its work."""
    condition = f"NEW.workspace_id = '{workspace_id}'"
    if dialect == "sqlite":
        create = [
            f"CREATE TRIGGER idem_fault BEFORE INSERT ON leads WHEN {condition} "
            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        ]
        drop = ["DROP TRIGGER idem_fault"]
    else:
        create = [
            "CREATE FUNCTION idem_fault() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$",
            f"CREATE TRIGGER idem_fault BEFORE INSERT ON leads FOR EACH ROW WHEN ({condition}) "
            "EXECUTE FUNCTION idem_fault()",
        ]
        drop = ["DROP TRIGGER idem_fault ON leads", "DROP FUNCTION idem_fault()"]
    async with app.state.db.transaction() as conn:
        for statement in create:
            await conn.exec_driver_sql(statement)
    try:
        yield
    finally:
        async with app.state.db.transaction() as conn:
            for statement in drop:
                await conn.exec_driver_sql(statement)


async def test_a_5xx_is_not_stored_and_leaves_nothing(app: FastAPI, tenant: Tenant, dialect: str) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {**tenant.write, "Idempotency-Key": "fails-first"}
    async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
        async with failing_lead_inserts(app, tenant.workspace_id, dialect):
            failed = await client.post("/v1/leads", json={"email": "f@acme.com"}, headers=headers)
            assert failed.status_code == 500
            assert await _leads(client, tenant) == []
        retry = await client.post("/v1/leads", json={"email": "f@acme.com"}, headers=headers)
        assert retry.status_code == 201, retry.text  # ran again, not a replay of the 500
        assert "idempotent-replayed" not in retry.headers
        assert await _leads(client, tenant) == ["f@acme.com"]


async def test_only_rest_posts_are_idempotent(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """JSON-RPC on /mcp (outside /v1, its messages carry their own ids) and GETs pass through
    untouched: a key on them claims nothing, so the same key then works for a REST POST."""
    headers = {
        **tenant.write,
        "Idempotency-Key": "shared-key",
        "Accept": "application/json, text/event-stream",
    }
    for message_id in (1, 2):
        message = {"jsonrpc": "2.0", "id": message_id, "method": "tools/list"}
        listed = await client.post("/mcp", json=message, headers=headers)
        assert listed.status_code == 200, listed.text
        assert listed.json()["id"] == message_id
        assert "idempotent-replayed" not in listed.headers
    assert (await client.get("/v1/leads", headers=headers)).status_code == 200
    created = await client.post("/v1/leads", json={"email": "g@acme.com"}, headers=headers)
    assert created.status_code == 201
    assert "idempotent-replayed" not in created.headers
