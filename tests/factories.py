"""What API tests build and call, shared by every test module: owners, rules, leads, events,
sources, webhook subscriptions, models, and the rounds the background loops would run. Test
modules import these from here, never from each other."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from typing import Any

import httpx
from fastapi import FastAPI
from hypothesis import strategies as st
from sqlalchemy import select

from leadapi.events.models import Event
from leadapi.flows.automations import AutomationConsumer, InactivitySweep
from leadapi.flows.duplicates import DuplicateConsumer
from leadapi.flows.rollups import RollupConsumer
from leadapi.flows.segments import SegmentConsumer
from leadapi.flows.sla_sweep import sweep_once
from leadapi.jobs.loop import run_job
from leadapi.services import Services
from leadapi.tasks.sweep import sweep_once as overdue_sweep_once
from leadapi.tracks.sweep import ExitWatch
from leadapi.tracks.sweep import sweep_once as step_sweep_once
from leadapi.webhooks.loop import WebhookSender
from tests.conftest import Tenant

# ---- services, and the rounds the background loops would run ---------------------------------


def services(app: FastAPI) -> Services:
    found: Services = app.state.services
    return found


async def sweep(app: FastAPI) -> int:
    """Sweep until nothing is due. It sweeps every workspace, and other tests may leave clocks
    running: count a test's own breaches through its tenant, not by this total."""
    total = 0
    while True:
        services: Services = app.state.services
        breached, more = await sweep_once(services.db, services.flow, services.clock())
        total += breached
        if not more:
            return total


async def sweep_overdue(app: FastAPI) -> int:
    """Report overdue tasks until none is due. It sweeps every workspace: count a test's own
    reports through its tenant's events, not by this total."""
    total = 0
    while True:
        services: Services = app.state.services
        reported, more = await overdue_sweep_once(services.db, services.tasks, services.clock())
        total += reported
        if not more:
            return total


def sender(app: FastAPI) -> WebhookSender:
    """A delivery pipeline over the app's webhook service, as the background loop has."""
    return WebhookSender(app.state.db, services(app).webhooks)


async def fan_out(app: FastAPI) -> None:
    """Number events and fan them out until none is left: deliveries are made, none is sent."""
    await app.state.sequencer.drain()
    webhooks = sender(app)
    while await webhooks.fan_out_once():  # other tests' subscriptions share the database
        pass


async def pump(app: FastAPI) -> None:
    """Number events, fan them out, and send what is due, until nothing is left to send now."""
    await fan_out(app)
    webhooks = sender(app)
    while await webhooks.deliver_once():
        pass


# ---- leads and events ------------------------------------------------------------------------


async def new_lead(client: httpx.AsyncClient, tenant: Tenant, email: str, **fields: Any) -> dict[str, Any]:
    response = await client.post("/v1/leads", json={"email": email, **fields}, headers=tenant.write)
    assert response.status_code == 201, response.text
    lead: dict[str, Any] = response.json()
    return lead


async def get_lead(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/leads/{lead_id}", headers=tenant.read)
    assert response.status_code == 200, response.text
    lead: dict[str, Any] = response.json()
    return lead


async def post_event(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, type_: str, **body: Any) -> str:
    """Record a behaviour event on a lead; returns the event's id."""
    response = await client.post(
        f"/v1/leads/{lead_id}/events", json={"type": type_, **body}, headers=tenant.write
    )
    assert response.status_code == 201, response.text
    event_id: str = response.json()["id"]
    return event_id


async def move(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/v1/leads/{lead_id}/stage", json=body, headers=tenant.write)


async def events_of(app: FastAPI, tenant: Tenant, *types: str) -> list[dict[str, Any]]:
    """The tenant's stored events of these types, in the order they were written."""
    async with app.state.db.read() as conn:
        query = select(Event.__table__).where(Event.workspace_id == tenant.workspace_id)
        query = query.where(Event.type.in_(types)).order_by(Event.id)
        return [dict(r) for r in (await conn.execute(query)).mappings()]


async def sales_ready_lead(client: httpx.AsyncClient, tenant: Tenant, email: str) -> dict[str, Any]:
    lead = await new_lead(client, tenant, email, title="VP Sales", country="US")
    await post_event(client, tenant, lead["id"], "demo_request")
    return await get_lead(client, tenant, lead["id"])


PHONE_STORM = 200


def phone_storm_bodies(phone: str) -> list[dict[str, Any]]:
    """Captures of one person known by phone: most without an email (the one-statement path on
    PostgreSQL), some with one email (which a phone-only lead takes on), some with an external id
    of their own (the transactional path). In any order, one after another, they are one lead."""
    bodies: list[dict[str, Any]] = []
    for i in range(PHONE_STORM):
        body: dict[str, Any] = {"phone": phone, "tags": [f"t{i}"]}
        if i % 5 == 1:
            body["email"] = "switchboard@acme.com"
        elif i % 5 == 2:
            body["external_ids"] = {"crm": f"c{i}"}
        bodies.append(body)
    return bodies


# ---- routing ---------------------------------------------------------------------------------


async def add_owner(client: httpx.AsyncClient, tenant: Tenant, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "email": f"{name.lower()}@sales.acme.com", **fields}
    response = await client.post("/v1/owners", json=body, headers=tenant.write)
    assert response.status_code == 201, response.text
    owner: dict[str, Any] = response.json()
    return owner


async def add_rule(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    response = await client.post("/v1/routing/rules", json=fields, headers=tenant.admin)
    assert response.status_code == 201, response.text
    rule: dict[str, Any] = response.json()
    return rule


async def route_on(client: httpx.AsyncClient, tenant: Tenant, value: str) -> None:
    response = await client.put("/v1/routing/settings", json={"route_on": value}, headers=tenant.admin)
    assert response.status_code == 200, response.text


async def two_owners(client: httpx.AsyncClient, tenant: Tenant) -> tuple[dict[str, Any], dict[str, Any]]:
    ada = await add_owner(client, tenant, "Ada")
    bob = await add_owner(client, tenant, "Bob")
    await add_rule(client, tenant, name="all", position=1, strategy="round_robin")
    return ada, bob


async def assignments_of(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/leads/{lead_id}/assignments", headers=tenant.read)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


# ---- tasks -----------------------------------------------------------------------------------


async def add_task(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, **fields: Any) -> dict[str, Any]:
    """A task on the lead (a call due in 2030, for the lead's owner, unless `fields` say otherwise)."""
    body = {"lead_id": lead_id, "type": "call", "due_at": "2030-01-01T09:00:00Z", **fields}
    response = await client.post("/v1/tasks", json=body, headers=tenant.write)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


# ---- documents: a pipeline, scoring models ---------------------------------------------------


# A pipeline of its own: stages with other keys than the default one's, touch types, and the
# stages an accepted and a recycled lead go to.
CUSTOM = {
    "stages": [
        {"key": "inbound", "name": "Inbound", "category": "open"},
        {"key": "sql", "name": "Sales ready", "category": "open"},
        {"key": "working", "name": "Working", "category": "open"},
        {"key": "parked", "name": "Parked", "category": "open"},
        {"key": "won", "name": "Won", "category": "won"},
        {"key": "lost", "name": "Lost", "category": "lost"},
    ],
    "disqualification_reasons": ["no_fit", "spam"],
    "touch_types": ["call", "linkedin.message"],
    "accepted_stage": "working",
    "recycle_stage": "parked",
}


# Two bands and two rules: a CTO scores 30 (cold), a demo request adds 40 (hot from 50).
SIMPLE = {
    "name": "Simple",
    "bands": [{"name": "hot", "min": 50}, {"name": "cold", "min": None}],
    "rules": [
        {
            "id": "cto",
            "kind": "fit",
            "points": 30,
            "when": {"field": "title", "op": "contains", "value": "cto"},
        },
        {"id": "demo", "kind": "behavior", "points": 40, "event": {"type": "demo_request"}},
    ],
}


# A CEO scores 80 under this model: sales-ready (sql) the moment it is captured.
EXECUTIVES_MODEL = {
    "name": "Executives are sales-ready",
    "bands": [{"name": "sql", "min": 75}, {"name": "not_ready", "min": None}],
    "rules": [
        {
            "id": "exec",
            "kind": "fit",
            "points": 80,
            "when": {"field": "seniority", "op": "eq", "value": "c_level"},
        }
    ],
}

# Tags alone decide this model's score: "warm" keeps a lead in its band, "hot" takes it to mql.
TAGS_MODEL = {
    "name": "tags",
    "score_range": {"min": 0, "max": 100},
    "bands": [{"name": "sql", "min": 75}, {"name": "mql", "min": 40}, {"name": "not_ready", "min": None}],
    "rules": [
        {
            "id": "warm",
            "kind": "fit",
            "points": 10,
            "when": {"field": "tags", "op": "contains", "value": "warm"},
        },
        {
            "id": "hot",
            "kind": "fit",
            "points": 50,
            "when": {"field": "tags", "op": "contains", "value": "hot"},
        },
    ],
}


async def activate_model(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, model: dict[str, Any]
) -> None:
    """The model made and activated, and the job that rescores the leads before it run."""
    created = await client.post("/v1/scoring/models", json=model, headers=tenant.admin)
    assert created.status_code == 201, created.text
    activated = await client.post(f"/v1/scoring/models/{created.json()['id']}/activate", headers=tenant.admin)
    assert activated.status_code == 202, activated.text
    while await run_job(app.state.db, app.state.jobs):
        pass


# ---- webhooks --------------------------------------------------------------------------------


def within(network: str) -> st.SearchStrategy[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Any address of a network, first to last (for the outbound guard's address classes)."""
    net = ipaddress.ip_network(network)
    first, last = int(net.network_address), int(net.broadcast_address)
    kind = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
    return st.integers(first, last).map(kind)


async def subscribe(
    client: httpx.AsyncClient, tenant: Tenant, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/v1/webhooks", json={"url": url, "events": events or ["lead.*"]}, headers=tenant.admin
    )
    assert response.status_code == 201, response.text
    sub: dict[str, Any] = response.json()
    return sub


async def deliveries(
    client: httpx.AsyncClient, tenant: Tenant, sub_id: str, **params: Any
) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/webhooks/{sub_id}/deliveries", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


# ---- form sources ----------------------------------------------------------------------------


async def add_source(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/sources", json=body, headers=tenant.admin)
    assert response.status_code == 201, response.text
    source: dict[str, Any] = response.json()
    return source


def generic_headers(
    secret: str, body: bytes, stamp: int, content_type: str = "application/json"
) -> dict[str, str]:
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Leadapi-Signature": f"t={stamp},v1={signature}"}


async def post_generic(
    client: httpx.AsyncClient, source: dict[str, Any], payload: Any, stamp: int, secret: str | None = None
) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = generic_headers(secret or source["secret"], body, stamp)
    return await client.post(source["hook_url"], content=body, headers=headers)


# ---- automations -----------------------------------------------------------------------------


async def add_automation(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "automation")
    response = await client.post("/v1/automations", json=body, headers=tenant.admin)
    assert response.status_code == 201, response.text
    automation: dict[str, Any] = response.json()
    return automation


def consumer(app: FastAPI) -> AutomationConsumer:
    """The automations' consumer over the app's flow, as the background loop has it."""
    return AutomationConsumer(app.state.db, services(app).automation_flow)


async def run_automations(app: FastAPI, tenant: Tenant, rounds: int = 50) -> int:
    """Number events and run the tenant's automations over them, again while their actions append
    events, until nothing is left; returns the rounds it took (a chain that never ended fails)."""
    await app.state.sequencer.drain()
    for n in range(1, rounds + 1):
        more = await consumer(app).run_once(tenant.workspace_id)
        appended = await app.state.sequencer.drain()  # what the actions appended
        if not more and not appended:
            return n
    raise AssertionError(f"automations still had work after {rounds} rounds")


async def runs_of(client: httpx.AsyncClient, tenant: Tenant, automation_id: str) -> list[dict[str, Any]]:
    """An automation's runs, oldest first (every page)."""
    runs: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 200}
    while True:
        response = await client.get(
            f"/v1/automations/{automation_id}/runs", params=params, headers=tenant.read
        )
        assert response.status_code == 200, response.text
        runs += response.json()["data"]
        if response.json()["next_cursor"] is None:
            return runs[::-1]
        params["cursor"] = response.json()["next_cursor"]


# ---- score adjustments -----------------------------------------------------------------------


async def adjust_score(
    client: httpx.AsyncClient, tenant: Tenant, lead_id: str, **body: Any
) -> dict[str, Any]:
    response = await client.post(f"/v1/leads/{lead_id}/score-adjustments", json=body, headers=tenant.write)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def sweep_inactivity(app: FastAPI) -> None:
    """Run the `inactive_for_days` sweep until no mark is due (it sweeps every workspace's)."""
    sweeper = InactivitySweep(app.state.db, services(app).automation_flow)
    while await sweeper.run_once():
        pass


# ---- nurture tracks ------------------------------------------------------------------------------


async def add_track(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "track")
    body.setdefault("steps", [{"channel": "email", "ref": "tmpl_1"}])
    response = await client.post("/v1/tracks", json=body, headers=tenant.admin)
    assert response.status_code == 201, response.text
    track: dict[str, Any] = response.json()
    return track


async def enroll(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, track_id: str) -> httpx.Response:
    return await client.post(
        f"/v1/leads/{lead_id}/enrollments", json={"track_id": track_id}, headers=tenant.write
    )


async def sweep_steps(app: FastAPI) -> int:
    """Take due nurture steps until none is due. It sweeps every workspace: count a test's own
    steps through its tenant's events, not by this total."""
    total = 0
    while True:
        services: Services = app.state.services
        taken, more = await step_sweep_once(services.db, services.tracks, services.clock())
        total += taken
        if not more:
            return total


async def watch_exits(app: FastAPI, tenant: Tenant) -> None:
    """Number events and run the tenant's track exit watch over them until it is through."""
    await app.state.sequencer.drain()
    watch = ExitWatch(app.state.db, services(app).tracks)
    while await watch.run_once(tenant.workspace_id):
        pass


# ---- segments --------------------------------------------------------------------------------


async def add_segment(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "segment")
    response = await client.post("/v1/segments", json=body, headers=tenant.admin)
    assert response.status_code == 201, response.text
    segment: dict[str, Any] = response.json()
    return segment


async def run_segments(app: FastAPI, tenant: Tenant, rounds: int = 50) -> int:
    """Number events and bring the tenant's segments up to them (and fill new ones), until nothing
    is left; returns the rounds it took."""
    keeper = SegmentConsumer(app.state.db, services(app).segment_flow)
    await app.state.sequencer.drain()
    for n in range(1, rounds + 1):
        more = await keeper.run_once(tenant.workspace_id)
        appended = await app.state.sequencer.drain()  # segment.entered / segment.exited
        if not more and not appended:
            return n
    raise AssertionError(f"segments still had work after {rounds} rounds")


async def run_rollups(app: FastAPI, tenant: Tenant | None = None, rounds: int = 100) -> int:
    """Number events and bring the report rollups up to them (the tenant's, or every workspace's),
    until nothing is left; returns the rounds it took."""
    keeper = RollupConsumer(app.state.db, services(app).rollup_flow)
    await app.state.sequencer.drain()
    for n in range(1, rounds + 1):
        more = await keeper.run_once(None if tenant is None else tenant.workspace_id)
        if not more:
            return n
    raise AssertionError(f"rollups still had work after {rounds} rounds")


async def segment_members(client: httpx.AsyncClient, tenant: Tenant, segment_id: str) -> list[str]:
    """The segment's lead ids, every page."""
    ids: list[str] = []
    params: dict[str, Any] = {"limit": 200}
    while True:
        response = await client.get(f"/v1/segments/{segment_id}/leads", params=params, headers=tenant.read)
        assert response.status_code == 200, response.text
        ids += [m["lead_id"] for m in response.json()["data"]]
        if response.json()["next_cursor"] is None:
            return ids
        params["cursor"] = response.json()["next_cursor"]


# ---- duplicates ------------------------------------------------------------------------------


async def run_duplicates(app: FastAPI, tenant: Tenant, rounds: int = 50) -> int:
    """Number events and let the duplicate consumer go through them (and finish any sweep), until
    nothing is left; returns the rounds it took."""
    consumer = DuplicateConsumer(app.state.db, services(app).duplicate_flow)
    await app.state.sequencer.drain()
    for n in range(1, rounds + 1):
        if not await consumer.run_once(tenant.workspace_id):
            return n
    raise AssertionError(f"duplicates still had work after {rounds} rounds")


# A model using every kind of rule (the backtest tests count it in the database and in Python).
EVERY_RULE_KIND_MODEL: dict[str, Any] = {
    "name": "every kind of rule",
    "score_range": {"min": -20, "max": 80},
    "bands": [{"name": "hot", "min": 50}, {"name": "warm", "min": 20.5}, {"name": "cold", "min": None}],
    "rules": [
        {
            "id": "size",
            "kind": "fit",
            "points": 12.5,
            "when": {"field": "company_size", "op": "gte", "value": 200},
        },
        {
            "id": "stack",
            "kind": "fit",
            "points": 7,
            "when": {"field": "attributes.tech_stack", "op": "contains_any", "value": ["python"]},
        },
        {
            "id": "pricing",
            "kind": "behavior",
            "points": 15,
            "event": {
                "type": "page_view",
                "where": {"field": "properties.path", "op": "starts_with", "value": "/pricing"},
            },
        },
        {
            "id": "pricing_ads",
            "kind": "behavior",
            "points": 9.3,
            "min_count": 2,
            "within_days": 30,
            "event": {
                "type": "page_view",
                "where": {
                    "all": [
                        {"field": "source", "op": "eq", "value": "ads"},
                        {"field": "properties.path", "op": "starts_with", "value": "/pricing"},
                    ]
                },
            },
        },
        {
            "id": "careers",
            "kind": "behavior",
            "points": -15,
            "event": {
                "type": "page_view",
                "where": {"field": "properties.path", "op": "starts_with", "value": "/careers"},
            },
        },
        {
            "id": "clicks",
            "kind": "behavior",
            "points": 3.7,
            "per_event": True,
            "max_points": 20,
            "within_days": 45,
            "half_life_days": 10,
            "event": {"type": "email_click"},
        },
        {
            "id": "clicks_all",
            "kind": "behavior",
            "points": 1.1,
            "per_event": True,
            "event": {"type": "email_click"},
        },
        {
            "id": "opens",
            "kind": "behavior",
            "points": 8,
            "min_count": 3,
            "half_life_days": 20,
            "event": {"type": "email_open"},
        },
        {
            "id": "contact",
            "kind": "behavior",
            "points": 20,
            "event": {
                "type": "form_submit",
                "where": {"field": "properties.form.kind", "op": "eq", "value": "contact"},
            },
        },
        {"id": "adjusted", "kind": "behavior", "points": 5, "event": {"type": "lead.score_adjusted"}},
        {"id": "idle", "kind": "inactivity", "points": -10, "days": 30},
    ],
}
