"""The change feed over HTTP, on SQLite and PostgreSQL: every change in sequence order, resumable
with `after=next`, filtered by type patterns, long-polling for what comes next."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import Tenant


async def feed(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/events", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def test_the_feed_is_every_change_in_order_and_resumes(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead = (await client.post("/v1/leads", json={"email": "feed@acme.com"}, headers=tenant.write)).json()
    await client.post(f"/v1/leads/{lead['id']}/events", json={"type": "page_view"}, headers=tenant.write)
    await client.patch(f"/v1/leads/{lead['id']}", json={"city": "Oslo"}, headers=tenant.write)
    await client.post("/v1/leads", json={"email": "theirs@acme.com"}, headers=other_tenant.write)
    assert (await feed(client, tenant))["data"] == []  # nothing numbered yet: nothing to skip later
    await app.state.sequencer.drain()

    page = await feed(client, tenant)
    types = [e["type"] for e in page["data"]]
    assert types == ["lead.created", "lead.scored", "page_view", "lead.updated"]
    seqs = [e["seq"] for e in page["data"]]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert page["next"] == seqs[-1]
    assert page["data"][3]["data"]["changes"] == {"city": [None, "Oslo"]}
    assert {e["lead_id"] for e in page["data"]} == {lead["id"]}  # another workspace's never show

    first = await feed(client, tenant, limit=2)
    rest = await feed(client, tenant, after=first["next"])
    assert [e["id"] for e in first["data"] + rest["data"]] == [e["id"] for e in page["data"]]
    caught_up = await feed(client, tenant, after=page["next"])
    assert (caught_up["data"], caught_up["next"]) == ([], page["next"])

    only_lead = await feed(client, tenant, types="lead.*")
    assert [e["type"] for e in only_lead["data"]] == ["lead.created", "lead.scored", "lead.updated"]
    exact = await feed(client, tenant, types="page_view, lead.updated")
    assert [e["type"] for e in exact["data"]] == ["page_view", "lead.updated"]
    underscore = await feed(client, tenant, types="page*view")
    assert [e["type"] for e in underscore["data"]] == ["page_view"]


async def test_long_polling_returns_when_something_happens(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await app.state.sequencer.drain()
    now = (await feed(client, tenant))["next"]

    async def later() -> None:
        await client.post("/v1/leads", json={"email": "poll@acme.com"}, headers=tenant.write)
        await app.state.sequencer.drain()

    polled, _ = await asyncio.gather(feed(client, tenant, after=now, wait=10, types="lead.created"), later())
    assert [e["type"] for e in polled["data"]] == ["lead.created"]


async def test_feed_bad_input(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for params in (
        {"after": -1},
        {"after": "x"},
        {"limit": 0},
        {"limit": 1001},
        {"wait": 31},
        {"wait": "soon"},
        {"types": "Lead.*"},
        {"types": "lead.%"},
        {"types": ",".join(["a"] * 21)},
    ):
        response = await client.get("/v1/events", params=params, headers=tenant.read)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get("/v1/events")).status_code == 401
