"""Behaviour events over HTTP: recording, replays, lead lookup, reserved types, batch."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from leadapi.events.models import Event
from tests.conftest import Clock, Tenant
from tests.factories import new_lead


async def stored(app: FastAPI, workspace_id: str, kind: str | None = None) -> list[dict[str, Any]]:
    async with app.state.db.read() as conn:
        query = select(Event.__table__).where(Event.workspace_id == workspace_id).order_by(Event.id)
        if kind:
            query = query.where(Event.type == kind)
        return [dict(r) for r in (await conn.execute(query)).mappings()]


async def test_record_and_see_it_in_the_timeline(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    when = "2026-01-15T10:00:00Z"
    body = {"type": "page_view", "occurred_at": when, "properties": {"path": "/pricing"}, "source": "web"}
    response = await client.post(f"/v1/leads/{lead['id']}/events", json=body, headers=tenant.write)
    assert response.status_code == 201, response.text
    event = response.json()
    assert event["id"].startswith("ev_")
    assert event["lead_id"] == lead["id"]
    assert event["occurred_at"] == "2026-01-15T10:00:00Z"
    assert event["properties"] == {"path": "/pricing"}
    assert event["replayed"] is False
    timeline = (await client.get(f"/v1/leads/{lead['id']}/timeline", headers=tenant.read)).json()["data"]
    # Newest first: the pricing page scored now, the lead's creation (scored too), the older visit.
    types = [e["type"] for e in timeline]
    assert types == ["lead.scored", "lead.scored", "lead.created", "page_view"]
    assert timeline[0]["data"]["reason"] == "event"
    assert timeline[-1]["source"] == "web"
    assert timeline[-1]["data"] == {"path": "/pricing"}


async def test_naive_times_are_utc_and_future_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    url = f"/v1/leads/{lead['id']}/events"
    naive = await client.post(
        url, json={"type": "call", "occurred_at": "2026-02-01T08:30:00"}, headers=tenant.write
    )
    assert naive.json()["occurred_at"] == "2026-02-01T08:30:00Z"
    future = (clock() + timedelta(hours=1)).isoformat()
    refused = await client.post(url, json={"type": "call", "occurred_at": future}, headers=tenant.write)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "occurred_at"


async def test_external_id_replay_is_acknowledged_not_counted(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    body = {"type": "email_open", "external_id": "esp-42"}
    first = await client.post(f"/v1/leads/{lead['id']}/events", json=body, headers=tenant.write)
    again = await client.post(f"/v1/leads/{lead['id']}/events", json=body, headers=tenant.write)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True
    assert again.json()["id"] == first.json()["id"]
    assert len(await stored(app, tenant.workspace_id, "email_open")) == 1


async def test_concurrent_replays_store_one_event(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    body = {"type": "email_click", "external_id": "click-1"}
    responses = await asyncio.gather(
        *(client.post(f"/v1/leads/{lead['id']}/events", json=body, headers=tenant.write) for _ in range(20))
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len(await stored(app, tenant.workspace_id, "email_click")) == 1


async def test_record_by_email_external_id_or_new_lead(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com", external_ids={"hubspot": "77"})
    by_email = await client.post(
        "/v1/events", json={"type": "webinar_attended", "email": "EV@acme.com"}, headers=tenant.write
    )
    assert by_email.status_code == 201, by_email.text
    assert by_email.json()["lead_id"] == lead["id"]
    by_ref = await client.post(
        "/v1/events",
        json={"type": "meeting", "lead_external_id": {"system": "hubspot", "id": "77"}},
        headers=tenant.write,
    )
    assert by_ref.json()["lead_id"] == lead["id"]
    unknown = await client.post(
        "/v1/events", json={"type": "call", "email": "new@beta.io"}, headers=tenant.write
    )
    assert unknown.status_code == 404
    created = await client.post(
        "/v1/events",
        json={"type": "demo_request", "email": "new@beta.io", "create_lead": True},
        headers=tenant.write,
    )
    assert created.status_code == 201, created.text
    new_id = created.json()["lead_id"]
    fetched = (await client.get(f"/v1/leads/{new_id}", headers=tenant.read)).json()
    assert fetched["email"] == "new@beta.io"
    types = [e["type"] for e in await stored(app, tenant.workspace_id) if e["lead_id"] == new_id]
    # A demo request is worth 50 points in the default model: the new lead is an MQL at once,
    # and its stage follows.
    assert types == [
        "lead.created",
        "lead.scored",
        "demo_request",
        "lead.scored",
        "lead.band_changed",
        "lead.stage_changed",
    ]


async def test_unsubscribe_sets_the_flag(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    response = await client.post(
        f"/v1/leads/{lead['id']}/events", json={"type": "unsubscribe"}, headers=tenant.write
    )
    assert response.status_code == 201
    after = (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).json()
    assert after["unsubscribed"] is True
    assert after["version"] == 2
    assert [e["type"] for e in await stored(app, tenant.workspace_id)] == [
        "lead.created",
        "lead.scored",
        "unsubscribe",
        "lead.updated",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "lead.created"}, "type"),
        ({"type": "sla.breached"}, "type"),
        ({"type": "Page View"}, "type"),
        ({"type": "page-view"}, "type"),
        ({"type": ""}, "type"),
        ({"type": "x" * 101}, "type"),
        ({}, "type"),
        ({"type": "call", "properties": "loud"}, "properties"),
        ({"type": "call", "properties": {f"k{i}": i for i in range(51)}}, "properties"),
        ({"type": "call", "properties": {"blob": "x" * 17_000}}, "properties"),
        ({"type": "call", "properties": {"note": "a\x00"}}, "properties"),
        ({"type": "call", "occurred_at": "yesterday"}, "occurred_at"),
        ({"type": "call", "external_id": ""}, "external_id"),
        ({"type": "call", "source": "s" * 101}, "source"),
        ({"type": "call", "lead_id": "ld_x"}, "lead_id"),
    ],
)
async def test_bad_events(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    response = await client.post(f"/v1/leads/{lead['id']}/events", json=body, headers=tenant.write)
    assert response.status_code == 422, response.text
    assert any(e["field"].startswith(field) for e in response.json()["errors"]), response.json()
    assert [e["type"] for e in await stored(app, tenant.workspace_id)] == ["lead.created", "lead.scored"]


@pytest.mark.parametrize(
    "body",
    [
        {"type": "call"},
        {"type": "call", "lead_id": "ld_x", "email": "a@b.co"},
        {"type": "call", "lead_id": "ld_x", "create_lead": True},
        {"type": "call", "email": "not-an-email"},
        {"type": "call", "email": ""},
        {"type": "call", "email": "   "},
        {"type": "call", "lead_external_id": {"system": "HubSpot!", "id": "1"}},
    ],
)
async def test_bad_lead_references(client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any]) -> None:
    response = await client.post("/v1/events", json=body, headers=tenant.write)
    assert response.status_code == 422, response.text


async def test_custom_dotted_types_and_other_workspaces(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    custom = await client.post(
        f"/v1/leads/{lead['id']}/events", json={"type": "trial.started"}, headers=tenant.write
    )
    assert custom.status_code == 201
    foreign = await client.post(
        f"/v1/leads/{lead['id']}/events", json={"type": "call"}, headers=other_tenant.write
    )
    assert foreign.status_code == 404
    by_id = await client.post(
        "/v1/events", json={"type": "call", "lead_id": lead["id"]}, headers=other_tenant.write
    )
    assert by_id.status_code == 404


async def test_batch(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    body = {
        "events": [
            {"type": "page_view", "lead_id": lead["id"], "external_id": "b-1"},
            {"type": "lead.created", "lead_id": lead["id"]},
            {"type": "page_view", "lead_id": lead["id"], "external_id": "b-1"},
            {"type": "call", "email": "nobody@acme.com"},
            {"type": "call", "email": "fresh@acme.com", "create_lead": True},
            "not an object",
        ]
    }
    response = await client.post("/v1/events/batch", json=body, headers=tenant.write)
    assert response.status_code == 200, response.text
    out = response.json()
    assert [r["status"] for r in out["results"]] == [
        "created",
        "error",
        "replayed",
        "error",
        "created",
        "error",
    ]
    assert (out["created"], out["replayed"], out["failed"]) == (2, 1, 3)
    assert out["results"][1]["errors"][0]["field"] == "type"
    assert len(await stored(app, tenant.workspace_id, "page_view")) == 1
    too_many = {"events": [{"type": "call", "lead_id": lead["id"]}] * 1001}
    assert (await client.post("/v1/events/batch", json=too_many, headers=tenant.write)).status_code == 422


async def test_occurred_at_is_kept_as_given(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "ev@acme.com")
    when = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    response = await client.post(
        f"/v1/leads/{lead['id']}/events",
        json={"type": "content_download", "occurred_at": when.isoformat()},
        headers=tenant.write,
    )
    assert datetime.fromisoformat(response.json()["occurred_at"].replace("Z", "+00:00")) == when
