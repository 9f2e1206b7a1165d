"""The lead-change flow (flows/lead_change.py) seen through the API: a change rescores the lead,
a new band promotes its stage and routes it, the assignment starts its SLA clock, and the events
record it in that order, in one transaction."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Tenant

# A model whose bands have other names than the default's: `warm` sits between sql and mql, so
# under route_on=mql a warm lead goes to sales (the band order says so, not a list of names).
WARM_MODEL = {
    "name": "With a warm band",
    "bands": [
        {"name": "sql", "min": 90},
        {"name": "warm", "min": 50},
        {"name": "mql", "min": 30},
        {"name": "cold", "min": None},
    ],
    "rules": [
        {
            "id": "exec",
            "kind": "fit",
            "points": 60,
            "when": {"field": "seniority", "op": "eq", "value": "c_level"},
        },
        {"id": "demo", "kind": "behavior", "points": 55, "event": {"type": "demo_request"}},
    ],
}


async def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def _owner_and_rule(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    body = {"name": "Ada", "email": "ada@sales.acme.com"}
    owner: dict[str, Any] = await _ok(await client.post("/v1/owners", json=body, headers=tenant.write), 201)
    rule = {"name": "all", "position": 1, "strategy": "round_robin"}
    await _ok(await client.post("/v1/routing/rules", json=rule, headers=tenant.admin), 201)
    return owner


async def _timeline_types(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> list[str]:
    """The lead's event types, oldest first."""
    page = await _ok(await client.get(f"/v1/leads/{lead_id}/timeline?limit=200", headers=tenant.read))
    return [event["type"] for event in reversed(page["data"])]


async def _use_model(client: httpx.AsyncClient, tenant: Tenant, document: dict[str, Any]) -> None:
    model = await _ok(await client.post("/v1/scoring/models", json=document, headers=tenant.admin), 201)
    await _ok(await client.post(f"/v1/scoring/models/{model['id']}/activate", headers=tenant.admin), 202)


async def test_an_event_that_crosses_75_promotes_routes_and_starts_the_clock_in_order(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    owner = await _owner_and_rule(client, tenant)
    body = {"email": "vp@acme.com", "title": "VP Sales", "country": "US"}
    lead = await _ok(await client.post("/v1/leads", json=body, headers=tenant.write), 201)
    assert lead["score"] < 75
    assert lead["band"] != "sql"
    assert lead["owner_id"] is None
    entry_stage = lead["stage"]

    event = {"type": "demo_request"}
    await _ok(await client.post(f"/v1/leads/{lead['id']}/events", json=event, headers=tenant.write), 201)

    after = await _ok(await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read))
    assert after["score"] >= 75
    assert after["band"] == "sql"
    assert after["stage"] == "sql" != entry_stage  # promoted
    assert after["owner_id"] == owner["id"]  # routed (route_on=sql by default)
    assignments = await _ok(await client.get(f"/v1/leads/{lead['id']}/assignments", headers=tenant.read))
    [assignment] = assignments["data"]
    assert assignment["sla_state"] == "running"
    assert assignment["due_at"] is not None
    types = await _timeline_types(client, tenant, lead["id"])
    after_event = types[types.index("demo_request") + 1 :]
    assert after_event == ["lead.scored", "lead.band_changed", "lead.stage_changed", "lead.assigned"]


async def test_a_touch_after_routing_stops_the_clock_and_dates_the_first_touch(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _owner_and_rule(client, tenant)
    body = {"email": "vp2@acme.com", "title": "VP Sales", "country": "US"}
    lead = await _ok(await client.post("/v1/leads", json=body, headers=tenant.write), 201)
    url = f"/v1/leads/{lead['id']}/events"
    await _ok(await client.post(url, json={"type": "demo_request"}, headers=tenant.write), 201)
    await _ok(await client.post(url, json={"type": "call"}, headers=tenant.write), 201)
    after = await _ok(await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read))
    assert after["first_touch_at"] is not None
    assignments = await _ok(await client.get(f"/v1/leads/{lead['id']}/assignments", headers=tenant.read))
    assert [a["sla_state"] for a in assignments["data"]] == ["met"]


async def test_routed_bands_follow_the_models_band_order(client: httpx.AsyncClient, tenant: Tenant) -> None:
    owner = await _owner_and_rule(client, tenant)
    await _use_model(client, tenant, WARM_MODEL)
    await _ok(await client.put("/v1/routing/settings", json={"route_on": "mql"}, headers=tenant.admin))

    # Born warm (above mql in the band order): routed at capture.
    body = {"email": "ceo@acme.com", "title": "CEO"}
    ceo = await _ok(await client.post("/v1/leads", json=body, headers=tenant.write), 201)
    assert (ceo["band"], ceo["owner_id"]) == ("warm", owner["id"])

    # Cold, then an event makes it warm: routed by the event.
    cold = await _ok(
        await client.post("/v1/leads", json={"email": "dev@acme.com"}, headers=tenant.write), 201
    )
    assert (cold["band"], cold["owner_id"]) == ("cold", None)
    url = f"/v1/leads/{cold['id']}/events"
    await _ok(await client.post(url, json={"type": "demo_request"}, headers=tenant.write), 201)
    warmed = await _ok(await client.get(f"/v1/leads/{cold['id']}", headers=tenant.read))
    assert (warmed["band"], warmed["owner_id"]) == ("warm", owner["id"])


async def test_route_on_a_band_above_the_leads_routes_nothing(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _owner_and_rule(client, tenant)
    await _use_model(client, tenant, WARM_MODEL)
    await _ok(await client.put("/v1/routing/settings", json={"route_on": "sql"}, headers=tenant.admin))
    body = {"email": "ceo@acme.com", "title": "CEO"}
    ceo = await _ok(await client.post("/v1/leads", json=body, headers=tenant.write), 201)
    assert (ceo["band"], ceo["owner_id"]) == ("warm", None)  # warm is below sql
