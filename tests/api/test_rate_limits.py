"""Rate limits over HTTP, on SQLite and PostgreSQL: the draft-standard headers on every response,
429 with Retry-After, a key's own limit, form source limits, counters shared through Redis by two
app instances (two processes' worth), failing open when Redis is down, and bad limit strings."""

from __future__ import annotations

import logging
import re
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from leadapi.app import create_app
from leadapi.config import Settings
from tests.conftest import Clock, Tenant, make_tenant, serving
from tests.factories import add_source, post_generic

# draft-ietf-httpapi-ratelimit-headers: structured-field lists of named policies / states.
POLICY_ITEM = re.compile(r'^"[a-z0-9+-]+";q=\d+;w=\d+$')
STATE_ITEM = re.compile(r'^"[a-z0-9+-]+";r=\d+;t=\d+$')


def policies(response: httpx.Response) -> dict[str, dict[str, int]]:
    out = {}
    for item in response.headers["ratelimit-policy"].split(", "):
        assert POLICY_ITEM.match(item), item
        name, *params = item.split(";")
        out[name.strip('"')] = {k: int(v) for k, v in (p.split("=") for p in params)}
    return out


def states(response: httpx.Response) -> dict[str, dict[str, int]]:
    out = {}
    for item in response.headers["ratelimit"].split(", "):
        assert STATE_ITEM.match(item), item
        name, *params = item.split(";")
        out[name.strip('"')] = {k: int(v) for k, v in (p.split("=") for p in params)}
    return out


async def new_key(
    client: httpx.AsyncClient,
    tenant: Tenant,
    rate_limit: str | None = None,
    scopes: tuple[str, ...] = ("write",),
) -> tuple[str, dict[str, str]]:
    body: dict[str, Any] = {"name": "limited", "scopes": list(scopes)}
    if rate_limit is not None:
        body["rate_limit"] = rate_limit
    response = await client.post("/v1/api-keys", json=body, headers=tenant.admin)
    assert response.status_code == 201, response.text
    created = response.json()
    return created["id"], {"Authorization": f"Bearer {created['key']}"}


@asynccontextmanager
async def other_app(app: FastAPI, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Another instance of the app on the same database (as another process would be), with
    some settings changed."""
    settings = Settings(**{**app.state.settings.model_dump(), **changes, "_env_file": None})
    async with (
        serving(create_app(settings, clock=app.state.clock)) as application,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://o") as http,
    ):
        yield http


async def test_every_response_carries_the_headers(client: httpx.AsyncClient, tenant: Tenant) -> None:
    responses = [
        await client.get("/healthz"),
        await client.get("/openapi.json"),
        await client.get("/v1/leads"),  # 401
        await client.get("/v1/leads", headers=tenant.read),
        await client.get("/v1/leads/ld_nothing", headers=tenant.read),  # 404
        await client.get("/v1/leads?limit=0", headers=tenant.read),  # 422
        await client.post("/v1/leads", json={"email": "hdr@acme.com"}, headers=tenant.write),
        await client.post("/v1/leads", content=b"x" * (300 * 1024), headers=tenant.write),  # 413
        await client.post("/v1/hooks/src_nothing", json={}),  # 404, counted per source
        await client.get("/v1/api-keys", headers=tenant.read),  # 403
        await client.post("/mcp", json={}, headers=tenant.read),  # the MCP transport
    ]
    replayed = [
        await client.post(
            "/v1/leads", json={"email": "rep@acme.com"}, headers={**tenant.write, "Idempotency-Key": k}
        )
        for k in ("r1", "r1")
    ]
    assert replayed[1].headers["idempotent-replayed"] == "true"
    responses += replayed
    for response in responses:
        assert response.status_code < 500, response.text
        found = policies(response)
        assert found, response.request.url
        current = states(response)
        assert set(current) == set(found)
        for name, state in current.items():
            assert 0 <= state["r"] < found[name]["q"]
            assert 0 <= state["t"] <= found[name]["w"]
    # The defaults: per key, a second and a minute window.
    assert policies(responses[3]) == {
        "key-1second": {"q": 10000, "w": 1},
        "key-1minute": {"q": 300000, "w": 60},
    }
    assert set(policies(responses[8])) == {"source-1second", "source-1minute"}
    assert set(policies(responses[0])) == {"client-1second", "client-1minute"}


async def test_remaining_counts_down_per_key(client: httpx.AsyncClient, tenant: Tenant) -> None:
    _, headers = await new_key(client, tenant, "50/hour")
    _, other = await new_key(client, tenant, "50/hour")
    first = states(await client.get("/v1/leads", headers=headers))["key-1hour"]["r"]
    second = states(await client.get("/v1/leads", headers=headers))["key-1hour"]["r"]
    assert (first, second) == (49, 48)
    # Another key has its own counter.
    assert states(await client.get("/v1/leads", headers=other))["key-1hour"]["r"] == 49


async def test_over_the_limit_is_a_429_problem_with_retry_after(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, headers = await new_key(client, tenant, "3/minute;1000/day")
    for _ in range(3):
        ok = await client.post("/v1/leads", json={"email": f"{uuid.uuid4().hex}@acme.com"}, headers=headers)
        assert ok.status_code == 201, ok.text
    refused = await client.post("/v1/leads", json={"email": "over@acme.com"}, headers=headers)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 429
    assert problem["type"].endswith("/rate-limited")
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 60
    assert states(refused)["key-1minute"] == {"r": 0, "t": states(refused)["key-1minute"]["t"]}
    assert states(refused)["key-1minute"]["t"] == retry
    # Nothing was written: the refused capture never reached the app.
    found = await client.get("/v1/leads", params={"email": "over@acme.com"}, headers=tenant.read)
    assert found.json()["data"] == []
    # Other keys of the workspace are not held up.
    assert (await client.get("/v1/leads", headers=tenant.read)).status_code == 200


async def test_a_refused_request_does_not_claim_its_idempotency_key(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, headers = await new_key(client, tenant, "1/minute")
    assert (await client.get("/v1/leads", headers=headers)).status_code == 200
    refused = await client.post(
        "/v1/leads", json={"email": "idem@acme.com"}, headers={**headers, "Idempotency-Key": "k1"}
    )
    assert refused.status_code == 429
    # The same key from a key that may still write runs the request (not a 409 or a replay).
    again = await client.post(
        "/v1/leads", json={"email": "idem@acme.com"}, headers={**tenant.write, "Idempotency-Key": "k1"}
    )
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers


async def test_a_keys_limit_can_be_changed_and_reset(client: httpx.AsyncClient, tenant: Tenant) -> None:
    key_id, headers = await new_key(client, tenant)
    assert "key-1second" in policies(await client.get("/v1/leads", headers=headers))
    changed = await client.patch(
        f"/v1/api-keys/{key_id}", json={"rate_limit": "2/minute"}, headers=tenant.admin
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["rate_limit"] == "2/minute"
    listed = {k["id"]: k for k in (await client.get("/v1/api-keys", headers=tenant.admin)).json()["data"]}
    assert listed[key_id]["rate_limit"] == "2/minute"
    # At once in this process (its cached key is forgotten on change).
    assert policies(await client.get("/v1/leads", headers=headers)) == {"key-1minute": {"q": 2, "w": 60}}
    assert (await client.get("/v1/leads", headers=headers)).status_code == 200
    assert (await client.get("/v1/leads", headers=headers)).status_code == 429
    renamed = await client.patch(f"/v1/api-keys/{key_id}", json={"name": "renamed"}, headers=tenant.admin)
    assert renamed.json() | {"name": "renamed", "rate_limit": "2/minute"} == renamed.json()
    reset = await client.patch(f"/v1/api-keys/{key_id}", json={"rate_limit": None}, headers=tenant.admin)
    assert reset.status_code == 200
    assert reset.json()["rate_limit"] is None
    back = await client.get("/v1/leads", headers=headers)
    assert back.status_code == 200
    assert "key-1second" in policies(back)


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "fast", "10", "10/fortnight", "0/second", "-1/second", "1/second;", "1/0 seconds",
     "1" * 20 + "/second", "1/second;" * 40, 10, True, ["1/second"], {"n": 1}],
)  # fmt: skip
async def test_bad_rate_limits_are_422_problems(client: httpx.AsyncClient, tenant: Tenant, bad: Any) -> None:
    created = await client.post(
        "/v1/api-keys", json={"name": "x", "scopes": ["read"], "rate_limit": bad}, headers=tenant.admin
    )
    assert created.status_code == 422, created.text
    assert created.headers["content-type"] == "application/problem+json"
    assert created.json()["errors"][0]["field"].startswith("rate_limit")
    key_id, _ = await new_key(client, tenant)
    patched = await client.patch(f"/v1/api-keys/{key_id}", json={"rate_limit": bad}, headers=tenant.admin)
    assert patched.status_code == 422, patched.text
    assert patched.headers["content-type"] == "application/problem+json"


async def test_api_key_patch_refuses_what_it_cannot_do(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    key_id, _ = await new_key(client, tenant)
    for body in ({"name": None}, {"name": ""}, {"scopes": ["admin"]}, {"nope": 1}):
        response = await client.patch(f"/v1/api-keys/{key_id}", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
    assert (
        await client.patch(f"/v1/api-keys/{key_id}", json={"name": "x"}, headers=other_tenant.admin)
    ).status_code == 404
    assert (
        await client.patch(f"/v1/api-keys/{key_id}", json={"name": "x"}, headers=tenant.write)
    ).status_code == 403


@pytest.mark.parametrize("bad", ["fast", "0/minute", ""])
def test_bad_rate_limit_settings_are_refused(bad: str) -> None:
    for name in ("rate_limit", "rate_limit_sources"):
        with pytest.raises(ValueError, match="rate limit"):
            Settings(**{name: bad}, _env_file=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="storage"):
        Settings(rate_limit_storage="memcached://x", _env_file=None)


async def test_form_sources_are_limited_each_on_their_own(app: FastAPI, tenant: Tenant, clock: Clock) -> None:
    async with other_app(app, rate_limit_sources="2/minute") as http:
        first = await add_source(http, tenant, name="One", mapping={"email": "email"})
        second = await add_source(http, tenant, name="Two", mapping={"email": "email"})
        stamp = int(clock().timestamp())
        for n in range(2):
            ok = await post_generic(http, first, {"email": f"s{n}@acme.com"}, stamp)
            assert ok.status_code == 200, ok.text
            assert policies(ok) == {"source-1minute": {"q": 2, "w": 60}}
        refused = await post_generic(http, first, {"email": "s9@acme.com"}, stamp)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        # The other source, and the API keys, are not held up by it.
        assert (await post_generic(http, second, {"email": "t@acme.com"}, stamp)).status_code == 200
        assert (await http.get("/v1/leads", headers=tenant.read)).status_code == 200


async def test_redis_storage_shares_counters_across_processes(app: FastAPI, redis_url: str) -> None:
    tenant = await make_tenant(app)
    async with (
        other_app(app, rate_limit_storage=redis_url) as one,
        other_app(app, rate_limit_storage=redis_url) as two,
    ):
        _, headers = await new_key(one, tenant, "3/minute")
        assert (await one.get("/v1/leads", headers=headers)).status_code == 200
        assert (await two.get("/v1/leads", headers=headers)).status_code == 200
        third = await one.get("/v1/leads", headers=headers)
        assert third.status_code == 200
        assert states(third)["key-1minute"]["r"] == 0
        refused = await two.get("/v1/leads", headers=headers)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1


async def test_redis_down_fails_open_with_one_warning(
    app: FastAPI, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caplog.set_level(logging.WARNING, logger="leadapi.api.ratelimit")
    async with other_app(app, rate_limit_storage=f"redis://127.0.0.1:{port}/0") as http:
        _, headers = await new_key(http, tenant, "1/minute")
        for _ in range(5):
            response = await http.get("/v1/leads", headers=headers)
            assert response.status_code == 200, response.text
            # The policy is still declared; how much is left is not known, so it is not claimed.
            assert policies(response) == {"key-1minute": {"q": 1, "w": 60}}
            assert "ratelimit" not in response.headers
    warnings = [r for r in caplog.records if r.name == "leadapi.api.ratelimit"]
    assert len(warnings) == 1
    assert "fail" in warnings[0].getMessage()
