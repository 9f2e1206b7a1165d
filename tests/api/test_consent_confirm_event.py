"""Double opt-in confirmed by an inbound event: `POST /v1/events` (or the batch) with type
`consent.confirm` and the token of `consent.requested` in its properties grants the pending email
consent, as `POST /v1/leads/{id}/consents/confirm` does; the stored event keeps which consent it
granted, not the token. Bad tokens and malformed confirmations are refused (422), nothing kept."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import Clock, Tenant
from tests.factories import add_source, events_of, post_generic


async def pending_capture(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock, email: str
) -> tuple[str, str]:
    """A capture through a double opt-in source: (its lead id, the token to confirm with)."""
    source = await add_source(client, tenant, name=f"optin-{email}", mapping={"mail": "email"})
    saved = await client.put(
        "/v1/consent/settings", json={"double_opt_in_sources": [source["id"]]}, headers=tenant.admin
    )
    assert saved.status_code == 200, saved.text
    response = await post_generic(client, source, {"mail": email}, int(clock().timestamp()))
    assert response.status_code == 200, response.text
    lead_id: str = response.json()["lead_id"]
    [requested] = [e for e in await events_of(app, tenant, "consent.requested") if e["lead_id"] == lead_id]
    return lead_id, requested["data"]["token"]


async def current(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/leads/{lead_id}/consents", headers=tenant.read)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["current"]
    return found


async def test_a_consent_confirm_event_grants_the_pending_consent(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, clock: Clock
) -> None:
    lead_id, token = await pending_capture(app, client, tenant, clock, "confirm.event@acme.com")
    [pending] = await current(client, tenant, lead_id)
    assert pending["status"] == "pending"
    body = {"type": "consent.confirm", "email": "confirm.event@acme.com", "properties": {"token": token}}
    # Another workspace knows no such lead.
    assert (await client.post("/v1/events", json=body, headers=other_tenant.write)).status_code == 404
    wrong = await client.post(
        "/v1/events", json={**body, "properties": {"token": "guessed"}}, headers=tenant.write
    )
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["errors"][0]["field"] == "properties.token"
    assert not [e for e in await events_of(app, tenant, "consent.confirm") if e["lead_id"] == lead_id]
    confirmed = await client.post("/v1/events", json=body, headers=tenant.write)
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["lead_id"] == lead_id
    [granted] = await current(client, tenant, lead_id)
    assert (granted["channel"], granted["status"], granted["source"]) == ("email", "granted", "double_opt_in")
    [stored] = [e for e in await events_of(app, tenant, "consent.confirm") if e["lead_id"] == lead_id]
    assert stored["data"] == {"consent_id": granted["id"], "channel": "email"}  # not the token
    recorded = [e for e in await events_of(app, tenant, "consent.recorded") if e["lead_id"] == lead_id]
    assert recorded[-1]["data"]["consent"]["id"] == granted["id"]
    # A token is spent once.
    again = await client.post("/v1/events", json=body, headers=tenant.write)
    assert again.status_code == 422, again.text


async def test_the_batch_confirms_per_item(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    lead_id, token = await pending_capture(app, client, tenant, clock, "confirm.batch@acme.com")
    items = [
        {"type": "consent.confirm", "lead_id": lead_id, "properties": {"token": "nope"}},
        {"type": "consent.confirm", "lead_id": lead_id, "properties": {"token": token}},
    ]
    response = await client.post("/v1/events/batch", json={"events": items}, headers=tenant.write)
    assert response.status_code in (200, 207), response.text
    statuses = [r["status"] for r in response.json()["results"]]
    assert (statuses[0], statuses[1] != "error") == ("error", True), response.text
    [granted] = await current(client, tenant, lead_id)
    assert granted["status"] == "granted"


async def test_malformed_confirmations(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await client.post("/v1/leads", json={"email": "malformed.confirm@acme.com"}, headers=tenant.write)
    lead_id = lead.json()["id"]
    for properties in ({}, {"token": 7}, {"token": ""}, {"token": "x" * 201}, {"token": None}):
        body = {"type": "consent.confirm", "lead_id": lead_id, "properties": properties}
        response = await client.post("/v1/events", json=body, headers=tenant.write)
        assert response.status_code == 422, (properties, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    # A lead with nothing pending: the token confirms nothing.
    body = {"type": "consent.confirm", "lead_id": lead_id, "properties": {"token": "t" * 32}}
    response = await client.post("/v1/events", json=body, headers=tenant.write)
    assert response.status_code == 422, response.text
    body = {"type": "consent.confirm", "lead_id": lead_id, "properties": {"token": "t" * 32}}
    assert (await client.post("/v1/events", json=body, headers=tenant.read)).status_code == 403
