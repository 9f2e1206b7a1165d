"""First-touch SLAs over HTTP, on SQLite and PostgreSQL: policies, clocks, touches, the sweep.

Time moves by the injected clock; the sweep is run by the test (background loops are off). The
default model makes a VP in the US 35 points and a demo request 50 more: 85, sales-ready, which
the default policy gives 5 minutes, reassigning on breach."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from leadapi.events.models import Event
from leadapi.sla.models import SlaBreach
from tests.conftest import Clock, Tenant
from tests.factories import (
    add_owner,
    add_rule,
    assignments_of,
    events_of,
    get_lead,
    move,
    new_lead,
    post_event,
    route_on,
    sales_ready_lead,
    sweep,
    two_owners,
)


async def breaches(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/v1/sla/breaches", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_default_policies(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.get("/v1/sla/policies", headers=tenant.read)
    assert response.status_code == 200
    policies = response.json()["data"]
    assert [(p["when"], p["first_touch_within_minutes"], p["on_breach"]) for p in policies] == [
        ({"field": "band", "op": "eq", "value": "sql"}, 5, "reassign"),
        ({"field": "band", "op": "eq", "value": "mql"}, 240, "notify"),
    ]


async def test_policy_crud_and_bad_input(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    body: dict[str, Any] = {
        "name": "Enterprise",
        "position": 5,
        "when": {"field": "company_size", "op": "gte", "value": 1000},
        "first_touch_within_minutes": 60,
        "business_hours": {
            "timezone": "Europe/Paris",
            "days": ["fri", "mon", "mon"],
            "start": "09:00",
            "end": "18:00",
        },
        "on_breach": "notify",
    }
    hours: dict[str, Any] = body["business_hours"]
    created = await client.post("/v1/sla/policies", json=body, headers=tenant.admin)
    assert created.status_code == 201, created.text
    policy = created.json()
    assert policy["business_hours"]["days"] == ["mon", "fri"]
    assert created.headers["location"] == f"/v1/sla/policies/{policy['id']}"
    listed = (await client.get("/v1/sla/policies", headers=tenant.read)).json()["data"]
    assert [p["position"] for p in listed] == [5, 10, 20]
    patched = await client.patch(
        f"/v1/sla/policies/{policy['id']}",
        json={"on_breach": "reassign", "business_hours": None},
        headers=tenant.admin,
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["on_breach"], patched.json()["business_hours"]) == ("reassign", None)

    url = "/v1/sla/policies"
    cases: list[tuple[Any, str]] = [
        ({**body, "first_touch_within_minutes": 0}, "first_touch_within_minutes"),
        ({**body, "first_touch_within_minutes": 10**9}, "first_touch_within_minutes"),
        ({**body, "first_touch_within_minutes": "soon"}, "first_touch_within_minutes"),
        ({**body, "on_breach": "shout"}, "on_breach"),
        ({**body, "when": {"field": "shoe_size", "op": "eq", "value": 1}}, "when.field"),
        ({**body, "when": {"field": "band", "op": "near", "value": 1}}, "when.op"),
        (
            {**body, "business_hours": {**hours, "timezone": "Mars/Olympus"}},
            "business_hours.timezone",
        ),
        (
            {**body, "business_hours": {**hours, "start": "18:00", "end": "09:00"}},
            "business_hours",
        ),
        ({**body, "business_hours": {**hours, "start": "25:00"}}, "business_hours.start"),
        ({**body, "business_hours": {**hours, "days": []}}, "business_hours.days"),
        ({**body, "name": "x" * 201}, "name"),
        ({k: v for k, v in body.items() if k != "name"}, "name"),
        ({**body, "colour": "red"}, "colour"),
    ]
    for case, field in cases:
        response = await client.post(url, json=case, headers=tenant.admin)
        assert response.status_code == 422, (case, response.text)
        fields = [e["field"] for e in response.json()["errors"]]
        assert any(f == field or f.startswith(field) for f in fields), (field, fields)
    taken = await client.post(url, json={**body, "position": 10}, headers=tenant.admin)
    assert taken.status_code == 409
    null_name = await client.patch(f"{url}/{policy['id']}", json={"name": None}, headers=tenant.admin)
    assert null_name.status_code == 422
    assert (await client.post(url, json=body, headers=tenant.write)).status_code == 403
    assert (await client.get(f"{url}/{policy['id']}", headers=other_tenant.read)).status_code == 404
    assert (
        await client.patch(f"{url}/{policy['id']}", json={}, headers=other_tenant.admin)
    ).status_code == 404
    assert (await client.delete(f"{url}/{policy['id']}", headers=other_tenant.admin)).status_code == 404
    assert len((await client.get(url, headers=tenant.read)).json()["data"]) == 3  # nothing partial
    assert (await client.delete(f"{url}/{policy['id']}", headers=tenant.admin)).status_code == 204
    assert (await client.get(f"{url}/{policy['id']}", headers=tenant.read)).status_code == 404
    bad_range = await client.get(
        "/v1/sla/breaches",
        params={"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        headers=tenant.read,
    )
    assert bad_range.status_code == 422
    assert [e["field"] for e in bad_range.json()["errors"]] == ["to"]
    naive = await client.get("/v1/sla/breaches", params={"from": "2026-02-01T00:00:00"}, headers=tenant.read)
    assert naive.status_code == 422
    assert [e["field"] for e in naive.json()["errors"]] == ["from"]
    bad_status = await client.get("/v1/sla/breaches", params={"status": "ajar"}, headers=tenant.read)
    assert bad_status.status_code == 422


async def test_the_whole_story(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock) -> None:
    """A demo request makes a lead SQL, it is routed, nobody calls, the SLA breaches, it is
    reassigned, the new owner calls, the breach closes, the lead is accepted and won."""
    ada, bob = await two_owners(client, tenant)
    lead = await sales_ready_lead(client, tenant, "hot@prospect.io")
    assert (lead["band"], lead["stage"], lead["owner_id"]) == ("sql", "sql", ada["id"])
    [first] = await assignments_of(client, tenant, lead["id"])
    assert first["sla_state"] == "running"
    assert _at(first["due_at"]) - _at(first["created_at"]) == timedelta(minutes=5)

    with clock.travel(minutes=4):
        await sweep(app)
        assert await breaches(client, tenant) == []  # not due yet
    with clock.travel(minutes=6):
        await sweep(app)
        [breach] = await breaches(client, tenant)
        assert (breach["owner_id"], breach["action"], breach["reassigned_to"]) == (
            ada["id"],
            "reassign",
            bob["id"],
        )
        assert breach["closed_at"] is None
        await sweep(app)
        assert len(await breaches(client, tenant)) == 1  # reported once
        moved = await get_lead(client, tenant, lead["id"])
        assert moved["owner_id"] == bob["id"]
        second, first = await assignments_of(client, tenant, lead["id"])
        assert (first["sla_state"], second["by"], second["sla_state"]) == (
            "breached",
            "sla_escalation",
            "running",
        )
        [event] = await events_of(app, tenant, "sla.breached")
        assert event["data"]["owner_id"] == ada["id"]
        assert event["data"]["action"] == "reassign"
        assert event["actor"] is None  # the sweep's verdict: no key made it

        await post_event(client, tenant, lead["id"], "call", properties={"outcome": "connected"})
        touched = await get_lead(client, tenant, lead["id"])
        assert touched["first_touch_at"] is not None
        [breach] = await breaches(client, tenant)
        assert breach["closed_at"] is not None
        assert await breaches(client, tenant, status="open") == []
        second, _ = await assignments_of(client, tenant, lead["id"])
        assert second["sla_state"] == "met"

        accepted = await client.post(f"/v1/leads/{lead['id']}/accept", headers=tenant.write)
        assert accepted.status_code == 200, accepted.text
        won = await move(client, tenant, lead["id"], to="customer", amount=4200)
        assert won.status_code == 200, won.text
    with clock.travel(minutes=30):
        await sweep(app)
        assert len(await breaches(client, tenant)) == 1  # bob's clock stopped at his call
    assert [b["owner_id"] for b in await breaches(client, tenant, owner_id=ada["id"], status="closed")] == [
        ada["id"]
    ]
    assert await breaches(client, tenant, owner_id=bob["id"]) == []


async def test_notify_policies_leave_the_owner_and_touches_in_time_meet_the_sla(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada, _ = await two_owners(client, tenant)
    await route_on(client, tenant, "mql")
    # A /pricing view makes the VP an MQL (50): routed, with 240 minutes and notify.
    lead = await new_lead(client, tenant, "warm@prospect.io", title="VP Sales", country="US")
    await post_event(client, tenant, lead["id"], "page_view", properties={"path": "/pricing"})
    quick = await new_lead(client, tenant, "quick@prospect.io", title="VP Sales", country="US")
    await post_event(client, tenant, quick["id"], "page_view", properties={"path": "/pricing"})
    [assignment] = await assignments_of(client, tenant, lead["id"])
    assert _at(assignment["due_at"]) - _at(assignment["created_at"]) == timedelta(minutes=240)
    with clock.travel(minutes=10):
        await post_event(client, tenant, quick["id"], "email_sent")
    with clock.travel(minutes=241):
        await sweep(app)
        [breach] = await breaches(client, tenant)
        assert (breach["lead_id"], breach["action"], breach["reassigned_to"]) == (lead["id"], "notify", None)
        assert (await get_lead(client, tenant, lead["id"]))["owner_id"] == assignment["owner_id"]
    [met] = await assignments_of(client, tenant, quick["id"])
    assert met["sla_state"] == "met"
    assert _at(met["touched_at"]) - _at(met["created_at"]) >= timedelta(minutes=10)
    assert ada["id"] in {assignment["owner_id"], met["owner_id"]}


async def test_a_touch_after_due_is_a_breach_even_before_the_sweep(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await two_owners(client, tenant)
    lead = await sales_ready_lead(client, tenant, "late@prospect.io")
    with clock.travel(minutes=7):
        await post_event(client, tenant, lead["id"], "meeting")
        [breach] = await breaches(client, tenant)
        assert breach["action"] == "notify"  # the lead was touched: nothing to reassign
        assert breach["closed_at"] is not None
        [event] = await events_of(app, tenant, "sla.breached")
        assert event["data"]["late_touch"] is True
        # The key whose touch found the breach is its actor, as of the touch itself.
        [touch] = await events_of(app, tenant, "meeting")
        assert event["actor"] == touch["actor"] is not None
        await sweep(app)
        assert len(await breaches(client, tenant)) == 1
    assert (await get_lead(client, tenant, lead["id"]))["owner_id"] == breach["owner_id"]


async def test_clocks_stop_when_the_lead_moves_on(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada, bob = await two_owners(client, tenant)
    rejected = await sales_ready_lead(client, tenant, "rejected@prospect.io")
    unassigned = await sales_ready_lead(client, tenant, "unassigned@prospect.io")
    lost = await sales_ready_lead(client, tenant, "lost@prospect.io")
    handed = await sales_ready_lead(client, tenant, "handed@prospect.io")
    reject = await client.post(
        f"/v1/leads/{rejected['id']}/reject", json={"reason": "wrong_person"}, headers=tenant.write
    )
    assert reject.status_code == 200
    await client.patch(f"/v1/leads/{unassigned['id']}", json={"owner_id": None}, headers=tenant.write)
    await move(client, tenant, lost["id"], to="disqualified", reason="competitor")
    other = bob["id"] if handed["owner_id"] == ada["id"] else ada["id"]
    await client.patch(f"/v1/leads/{handed['id']}", json={"owner_id": other}, headers=tenant.write)
    with clock.travel(minutes=10):
        await sweep(app)
    # The only breach is of the manual assignment, whose clock started anew (and ran out).
    [breach] = await breaches(client, tenant)
    assert (breach["lead_id"], breach["owner_id"]) == (handed["id"], other)
    for lead in (rejected, unassigned, lost):
        states = [a["sla_state"] for a in await assignments_of(client, tenant, lead["id"])]
        assert states == ["stopped"], (lead["email"], states)


async def test_business_hours_set_the_due_time(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    for policy in (await client.get("/v1/sla/policies", headers=tenant.read)).json()["data"]:
        await client.delete(f"/v1/sla/policies/{policy['id']}", headers=tenant.admin)
    hours = {"timezone": "Pacific/Kiritimati", "days": ["sun"], "start": "10:00", "end": "11:00"}
    created = await client.post(
        "/v1/sla/policies",
        json={
            "name": "Sunday club",
            "position": 1,
            "first_touch_within_minutes": 30,
            "business_hours": hours,
        },
        headers=tenant.admin,
    )
    assert created.status_code == 201, created.text
    ada = await add_owner(client, tenant, "Ada")
    await add_rule(client, tenant, name="all", position=1, strategy="owner", owner_id=ada["id"])
    await route_on(client, tenant, "created")
    lead = await new_lead(client, tenant, "sunday@prospect.io")
    [assignment] = await assignments_of(client, tenant, lead["id"])
    due = _at(assignment["due_at"]).astimezone(__import__("zoneinfo").ZoneInfo("Pacific/Kiritimati"))
    assert (due.weekday(), due.hour, due.minute) == (6, 10, 30)
    assert _at(assignment["due_at"]) > _at(assignment["created_at"])


async def test_two_sweepers_report_each_breach_once(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    await add_rule(client, tenant, name="all", position=1, strategy="owner", owner_id=ada["id"])
    await route_on(client, tenant, "created")
    body = {"name": "Everyone", "position": 1, "first_touch_within_minutes": 1, "on_breach": "notify"}
    assert (await client.post("/v1/sla/policies", json=body, headers=tenant.admin)).status_code == 201
    batch = [{"email": f"due{i}@prospect.io"} for i in range(200)]
    response = await client.post("/v1/leads/batch", json={"leads": batch}, headers=tenant.write)
    assert response.status_code == 200, response.text
    with clock.travel(minutes=2):
        await asyncio.gather(sweep(app), sweep(app))
    async with app.state.db.read() as conn:
        stored = await conn.scalar(
            select(func.count()).select_from(SlaBreach).where(SlaBreach.workspace_id == tenant.workspace_id)
        )
        events = await conn.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.workspace_id == tenant.workspace_id, Event.type == "sla.breached")
        )
    assert (stored, events) == (200, 200)


@pytest.mark.parametrize("path", ["/v1/sla/policies", "/v1/sla/breaches"])
async def test_sla_reads_need_a_key(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 401
