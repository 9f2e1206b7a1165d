"""Cross-cutting HTTP behaviour: auth, scopes, problem responses, body guards, idempotency, health."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from leadapi.api.idempotency import purge_expired
from tests.conftest import Clock, Tenant


async def test_health(client: httpx.AsyncClient, dialect: str) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == dialect


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/leads"), ("POST", "/v1/leads"), ("GET", "/v1/leads/ld_x"), ("GET", "/v1/api-keys")],
)
async def test_missing_or_bad_key_is_401(client: httpx.AsyncClient, method: str, path: str) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer lk_nope"},
        {"Authorization": "Basic abc"},
        {"X-API-Key": "x"},
    ):
        response = await client.request(method, path, headers=headers, json={} if method == "POST" else None)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["title"] == "Unauthorized"


async def test_x_api_key_header_works(client: httpx.AsyncClient, tenant: Tenant) -> None:
    secret = tenant.read["Authorization"].removeprefix("Bearer ")
    assert (await client.get("/v1/leads", headers={"X-API-Key": secret})).status_code == 200


async def test_scopes(client: httpx.AsyncClient, tenant: Tenant) -> None:
    denied = await client.post("/v1/leads", json={"email": "a@acme.com"}, headers=tenant.read)
    assert denied.status_code == 403
    assert "write" in denied.json()["detail"]
    assert (await client.get("/v1/api-keys", headers=tenant.write)).status_code == 403
    assert (
        await client.post("/v1/leads", json={"email": "a@acme.com"}, headers=tenant.admin)
    ).status_code == 201
    assert (await client.get("/v1/leads", headers=tenant.write)).status_code == 200


async def test_api_key_lifecycle(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    created = await client.post(
        "/v1/api-keys", json={"name": "zapier", "scopes": ["write"]}, headers=tenant.admin
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["key"].startswith("lk_")
    assert body["key"].startswith(body["prefix"])
    new_headers = {"Authorization": f"Bearer {body['key']}"}
    assert (
        await client.post("/v1/leads", json={"email": "k@acme.com"}, headers=new_headers)
    ).status_code == 201

    listed = (await client.get("/v1/api-keys", headers=tenant.admin)).json()["data"]
    assert body["id"] in [k["id"] for k in listed]
    assert all("key" not in k and "secret_hash" not in k for k in listed)
    page = (await client.get("/v1/api-keys", params={"limit": 2}, headers=tenant.admin)).json()
    rest = (
        await client.get(
            "/v1/api-keys", params={"limit": 2, "cursor": page["next_cursor"]}, headers=tenant.admin
        )
    ).json()
    assert [k["id"] for k in page["data"] + rest["data"]] == [k["id"] for k in listed]

    # Another workspace cannot see or revoke it.
    assert (await client.delete(f"/v1/api-keys/{body['id']}", headers=other_tenant.admin)).status_code == 404
    assert (await client.delete(f"/v1/api-keys/{body['id']}", headers=tenant.admin)).status_code == 204
    assert (await client.get("/v1/leads", headers=new_headers)).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x"},
        {"name": "", "scopes": ["read"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["root"]},
        {"name": "x" * 201, "scopes": ["read"]},
        {"name": "x", "scopes": "read"},
    ],
)
async def test_api_key_bad_input(client: httpx.AsyncClient, tenant: Tenant, body: dict[str, object]) -> None:
    response = await client.post("/v1/api-keys", json=body, headers=tenant.admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]


async def test_malformed_json_is_400(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.post(
        "/v1/leads",
        content=b'{"email": "a@acme.com",',
        headers={**tenant.write, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "JSON" in response.json()["detail"]


async def test_non_object_json_is_422(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for payload in (b"[]", b"42", b'"x"', b"null"):
        response = await client.post(
            "/v1/leads", content=payload, headers={**tenant.write, "Content-Type": "application/json"}
        )
        assert response.status_code in (400, 422), (payload, response.text)


async def test_wrong_content_type_is_415(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.post(
        "/v1/leads",
        content=b"email=a@acme.com",
        headers={**tenant.write, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json()["status"] == 415


async def test_body_over_limit_is_413(client: httpx.AsyncClient, tenant: Tenant, app: FastAPI) -> None:
    limit = app.state.settings.max_body_bytes
    huge = {"leads": [{"email": f"u{i}@acme.com", "company": "x" * 150} for i in range(limit // 150 + 10)]}
    response = await client.post("/v1/leads/batch", json=huge, headers=tenant.write)
    assert response.status_code == 413
    assert (await client.get("/v1/leads", headers=tenant.read)).json()["data"] == []


async def test_unknown_route_and_method(client: httpx.AsyncClient, tenant: Tenant) -> None:
    missing = await client.get("/v1/nothing", headers=tenant.read)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = await client.put("/v1/leads", json={}, headers=tenant.write)
    assert wrong.status_code == 405
    assert wrong.json()["status"] == 405
    assert wrong.headers["allow"] == "GET, POST"
    item = await client.post("/v1/leads/ld_x", json={}, headers=tenant.write)
    assert item.headers["allow"] == "DELETE, GET, PATCH"


async def test_other_workspace_ids_are_404(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead = (await client.post("/v1/leads", json={"email": "mine@acme.com"}, headers=tenant.write)).json()
    url = f"/v1/leads/{lead['id']}"
    assert (await client.get(url, headers=other_tenant.read)).status_code == 404
    assert (await client.delete(url, headers=other_tenant.write)).status_code == 404
    assert (await client.get(f"{url}/timeline", headers=other_tenant.read)).status_code == 404
    assert (await client.get(url, headers=tenant.read)).status_code == 200
    # The same email in another workspace is another lead.
    theirs = await client.post("/v1/leads", json={"email": "mine@acme.com"}, headers=other_tenant.write)
    assert theirs.status_code == 201


async def test_idempotency_key_replays(client: httpx.AsyncClient, tenant: Tenant) -> None:
    headers = {**tenant.write, "Idempotency-Key": "order-42"}
    first = await client.post("/v1/leads", json={"email": "idem@acme.com"}, headers=headers)
    assert first.status_code == 201
    replay = await client.post("/v1/leads", json={"email": "idem@acme.com"}, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    assert replay.headers["location"] == first.headers["location"]

    other_body = await client.post("/v1/leads", json={"email": "other@acme.com"}, headers=headers)
    assert other_body.status_code == 422
    assert other_body.json()["type"].endswith("idempotency-key-reused")
    assert len((await client.get("/v1/leads", headers=tenant.read)).json()["data"]) == 1

    too_long = await client.post(
        "/v1/leads", json={"email": "x@acme.com"}, headers={**tenant.write, "Idempotency-Key": "k" * 256}
    )
    assert too_long.status_code == 400


async def test_idempotency_keys_are_per_workspace(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    a = await client.post(
        "/v1/leads", json={"email": "w@acme.com"}, headers={**tenant.write, "Idempotency-Key": "k1"}
    )
    b = await client.post(
        "/v1/leads", json={"email": "w@acme.com"}, headers={**other_tenant.write, "Idempotency-Key": "k1"}
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


async def test_concurrent_idempotent_retries_create_once(client: httpx.AsyncClient, tenant: Tenant) -> None:
    headers = {**tenant.write, "Idempotency-Key": "burst"}
    responses = await asyncio.gather(
        *(client.post("/v1/leads", json={"email": "burst@acme.com"}, headers=headers) for _ in range(5))
    )
    codes = sorted(r.status_code for r in responses)
    assert set(codes) <= {201, 409}
    assert codes.count(201) >= 1
    ids = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(ids) == 1


async def test_expired_idempotency_records_are_purged(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    headers = {**tenant.write, "Idempotency-Key": "old-key"}
    first = await client.post("/v1/leads", json={"email": "purge@acme.com"}, headers=headers)
    assert first.status_code == 201
    ttl = timedelta(hours=app.state.settings.idempotency_ttl_hours)
    assert await purge_expired(app.state.db, clock(), ttl) == 0  # still fresh: kept
    replay = await client.post("/v1/leads", json={"email": "purge@acme.com"}, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    # Past the TTL the record goes; the key then counts as new (the email dedupes the lead: 200).
    assert await purge_expired(app.state.db, clock() + ttl + timedelta(minutes=1), ttl) >= 1
    after = await client.post("/v1/leads", json={"email": "purge@acme.com"}, headers=headers)
    assert "idempotent-replayed" not in after.headers
    assert after.status_code == 200
