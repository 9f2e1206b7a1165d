"""Activation out of the box, on SQLite and PostgreSQL: a new workspace has the default automations,
inactive, naming default tracks that exist; `POST /v1/automations/defaults` installs them in a
workspace made before, once (deleted ones do not come back); and once an admin switches them on,
each does what it says: an intent spike on an MQL notifies the owner and makes a call task due in
60 minutes, a lead quiet for 90 days is recycled and re-engaged, a rejected lead is nurtured."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import (
    add_owner,
    add_rule,
    events_of,
    get_lead,
    new_lead,
    post_event,
    route_on,
    run_automations,
    runs_of,
    sweep_inactivity,
)

TEMPLATES = {
    "nurture_track": "track",
    "reengagement_track": "track",
    "intent_spike_call_task": "automation",
    "inactive_recycle_reengage": "automation",
    "rejected_nurture": "automation",
}


async def listed(client: httpx.AsyncClient, tenant: Tenant, kind: str) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/v1/{kind}", params={"limit": 200}, headers=tenant.read)
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()["data"]}


async def install(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, dict[str, Any]]:
    response = await client.post("/v1/automations/defaults", headers=tenant.admin)
    assert response.status_code == 200, response.text
    return {row["template"]: row for row in response.json()["data"]}


async def switch_on(client: httpx.AsyncClient, tenant: Tenant, automation_id: str) -> None:
    response = await client.patch(
        f"/v1/automations/{automation_id}", json={"active": True}, headers=tenant.admin
    )
    assert response.status_code == 200, response.text


async def test_a_new_workspace_has_the_defaults_inactive(app: FastAPI, client: httpx.AsyncClient) -> None:
    tenant = await make_tenant(app, "fresh", seeded=True)
    automations = await listed(client, tenant, "automations")
    tracks = await listed(client, tenant, "tracks")
    assert len(automations) == 3
    assert len(tracks) == 2
    assert all(a["active"] is False and a["inactive_reason"] is None for a in automations.values())
    assert all(t["active"] is True for t in tracks.values())
    again = await install(client, tenant)  # all there: nothing made twice
    assert {t: (row["kind"], row["installed"]) for t, row in again.items()} == {
        t: (kind, False) for t, kind in TEMPLATES.items()
    }
    assert {row["id"] for row in again.values() if row["kind"] == "automation"} == set(automations)
    assert {row["id"] for row in again.values() if row["kind"] == "track"} == set(tracks)
    assert len(await listed(client, tenant, "automations")) == 3

    spike = automations[again["intent_spike_call_task"]["id"]]
    assert spike["trigger"] == {"intent_spike": {"points": 25.0, "within_hours": 48}}
    assert spike["when"] == {"field": "band", "op": "eq", "value": "mql"}
    assert [a["type"] for a in spike["actions"]] == ["notify", "create_task"]
    assert spike["actions"][1] == {
        "type": "create_task",
        "task_type": "call",
        "due_in_minutes": 60,
        "note": "Intent spike: call within the hour.",
    }
    quiet = automations[again["inactive_recycle_reengage"]["id"]]
    assert quiet["trigger"] == {"inactive_for_days": 90}
    assert quiet["when"] == {"field": "stage", "op": "in", "value": ["new", "mql", "sql"]}
    assert quiet["actions"] == [
        {"type": "move_stage", "stage": "nurturing"},
        {"type": "enroll", "track_id": again["reengagement_track"]["id"]},
    ]
    rejected = automations[again["rejected_nurture"]["id"]]
    assert rejected["trigger"] == {"event": "lead.rejected"}
    assert rejected["actions"] == [{"type": "enroll", "track_id": again["nurture_track"]["id"]}]
    # Inactive: they run on nothing.
    lead = await new_lead(client, tenant, "idle@acme.com")
    await post_event(client, tenant, lead["id"], "demo_request")
    await run_automations(app, tenant)
    for automation_id in automations:
        assert await runs_of(client, tenant, automation_id) == []


async def test_installing_in_an_older_workspace_is_idempotent(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    assert await listed(client, tenant, "automations") == {}
    first = await install(client, tenant)
    assert {t: (row["kind"], row["installed"]) for t, row in first.items()} == {
        t: (kind, True) for t, kind in TEMPLATES.items()
    }
    assert len(await listed(client, tenant, "automations")) == 3
    assert len(await listed(client, tenant, "tracks")) == 2
    assert await listed(client, other_tenant, "automations") == {}  # one workspace's only

    # A default the admin deleted stays deleted.
    gone = first["rejected_nurture"]["id"]
    assert (await client.delete(f"/v1/automations/{gone}", headers=tenant.admin)).status_code == 204
    second = await install(client, tenant)
    assert not any(row["installed"] for row in second.values())
    assert {t: row["id"] for t, row in second.items()} == {t: row["id"] for t, row in first.items()}
    assert gone not in await listed(client, tenant, "automations")
    assert len(await listed(client, tenant, "automations")) == 2

    # Each default made is an admin's change like any other, by the key that installed it.
    audit = await client.get("/v1/audit-log", params={"limit": 50}, headers=tenant.admin)
    assert audit.status_code == 200, audit.text
    made = [
        (e["resource"], e["resource_id"])
        for e in audit.json()["data"]
        if e["action"] == "created" and e["resource"] != "api_key"
    ]
    assert sorted(made) == sorted((row["kind"], row["id"]) for row in first.values())


async def test_only_an_admin_installs(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for headers in (tenant.write, tenant.read, {}):
        response = await client.post("/v1/automations/defaults", headers=headers)
        assert response.status_code in (401, 403), response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await listed(client, tenant, "automations") == {}


async def test_intent_spike_on_an_mql_alerts_the_owner_and_books_a_call(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock
) -> None:
    tenant = await make_tenant(app, "spiky", seeded=True)
    defaults = await install(client, tenant)
    spike_id = defaults["intent_spike_call_task"]["id"]
    await switch_on(client, tenant, spike_id)
    owner = await add_owner(client, tenant, "Olivia")
    lead = await new_lead(client, tenant, "spike@acme.com")
    patched = await client.patch(
        f"/v1/leads/{lead['id']}", json={"owner_id": owner["id"]}, headers=tenant.write
    )
    assert patched.status_code == 200, patched.text
    await post_event(client, tenant, lead["id"], "webinar_attended")  # 30 points within the window
    await post_event(client, tenant, lead["id"], "email_click")
    assert (await get_lead(client, tenant, lead["id"]))["band"] == "mql"
    with clock.freeze(clock()):  # the run and its task's due time read one instant
        await run_automations(app, tenant)

    runs = await runs_of(client, tenant, spike_id)
    fired = [r for r in runs if r["status"] == "fired"]
    assert len(fired) == 1, runs
    assert all(r["reason"] == "cooldown" for r in runs if r["status"] == "skipped")
    run = fired[0]
    assert [a["status"] for a in run["actions"]] == ["done", "done"], run
    [notified] = await events_of(app, tenant, "automation.notified")
    assert notified["lead_id"] == lead["id"]
    assert notified["data"]["to"] == "owner"
    assert notified["data"]["message"].startswith("spike@acme.com shows an intent spike")
    tasks = (await client.get(f"/v1/leads/{lead['id']}/tasks", headers=tenant.read)).json()["data"]
    [task] = tasks
    assert (task["type"], task["owner_id"], task["status"]) == ("call", owner["id"], "open")
    assert task["caused_by"] == run["id"]
    due = datetime.fromisoformat(task["due_at"])
    assert due - datetime.fromisoformat(run["at"]) == timedelta(minutes=60)


async def test_a_lead_quiet_for_90_days_is_recycled_and_re_engaged(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock
) -> None:
    tenant = await make_tenant(app, "quiet", seeded=True)
    defaults = await install(client, tenant)
    await switch_on(client, tenant, defaults["inactive_recycle_reengage"]["id"])
    lead = await new_lead(client, tenant, "quiet@acme.com")
    with clock.travel(days=89):
        await sweep_inactivity(app)
        await run_automations(app, tenant)
        assert (await get_lead(client, tenant, lead["id"]))["stage"] == "new"
    with clock.travel(days=91):
        await sweep_inactivity(app)
        await run_automations(app, tenant)
        [run] = await runs_of(client, tenant, defaults["inactive_recycle_reengage"]["id"])
        assert [a["status"] for a in run["actions"]] == ["done", "done"], run
        assert (await get_lead(client, tenant, lead["id"]))["stage"] == "nurturing"
        enrolments = await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)
        [enrolment] = enrolments.json()["data"]
        assert enrolment["track_id"] == defaults["reengagement_track"]["id"]
        assert (enrolment["status"], enrolment["caused_by"]) == ("active", run["id"])


async def test_a_rejected_lead_is_nurtured(app: FastAPI, client: httpx.AsyncClient) -> None:
    tenant = await make_tenant(app, "rejecting", seeded=True)
    defaults = await install(client, tenant)
    await switch_on(client, tenant, defaults["rejected_nurture"]["id"])
    owner = await add_owner(client, tenant, "Rex")
    await add_rule(client, tenant, name="all", position=1, strategy="owner", owner_id=owner["id"])
    await route_on(client, tenant, "created")
    lead = await new_lead(client, tenant, "rejected@prospect.io")
    rejected = await client.post(
        f"/v1/leads/{lead['id']}/reject", json={"reason": "not_ready"}, headers=tenant.write
    )
    assert rejected.status_code == 200, rejected.text
    await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, defaults["rejected_nurture"]["id"])
    assert run["actions"][0]["status"] == "done", run
    [enrolment] = (await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)).json()[
        "data"
    ]
    assert (enrolment["track_id"], enrolment["status"]) == (defaults["nurture_track"]["id"], "active")


async def test_the_readme_example_pricing_spike_task_call_accepted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """README's worked example, step by step: a pricing-page spike -> a call task -> the call ->
    accepted, and the activation report counting it."""
    tenant = await make_tenant(app, "readme", seeded=True)
    automations = await listed(client, tenant, "automations")
    [spike] = [a for a in automations.values() if "intent_spike" in a["trigger"]]
    await switch_on(client, tenant, spike["id"])
    owner = await add_owner(client, tenant, "Olivia")
    lead = await new_lead(client, tenant, "ada@analytical-engines.co.uk", title="CTO", country="GB")
    assert lead["score"] == 35
    patched = await client.patch(
        f"/v1/leads/{lead['id']}", json={"owner_id": owner["id"]}, headers=tenant.write
    )
    assert patched.status_code == 200, patched.text
    await post_event(client, tenant, lead["id"], "page_view", properties={"path": "/pricing"})
    await post_event(client, tenant, lead["id"], "email_click", properties={"campaign": "pricing"})
    shown = await get_lead(client, tenant, lead["id"])
    assert (shown["score"], shown["band"]) == (60, "mql")
    await run_automations(app, tenant)
    runs = (await client.get(f"/v1/leads/{lead['id']}/automation-runs", headers=tenant.read)).json()["data"]
    assert [a["status"] for a in runs[0]["actions"]] == ["done", "done"]
    [task] = (await client.get(f"/v1/leads/{lead['id']}/tasks", headers=tenant.read)).json()["data"]
    done = await client.patch(
        f"/v1/tasks/{task['id']}", json={"status": "done"}, headers={**tenant.write, "If-Match": '"1"'}
    )
    assert done.status_code == 200, done.text
    accepted = await client.post(
        f"/v1/leads/{lead['id']}/accept", json={"note": "budget confirmed on the call"}, headers=tenant.write
    )
    assert accepted.status_code == 200, accepted.text
    assert (await get_lead(client, tenant, lead["id"]))["stage"] == "accepted"
    report = await client.get("/v1/reports/activation", headers=tenant.read)
    intent = report.json()["intent"]
    assert (intent["spikes"], intent["spike_leads"]) == (1, 1)
    assert (intent["tasks_created"], intent["tasks_by_automations"]) == (1, 1)
    assert (intent["tasks_done"], intent["tasks_done_on_time"]) == (1, 1)


async def test_two_installs_at_once_make_each_default_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    answers = await asyncio.gather(
        *(client.post("/v1/automations/defaults", headers=tenant.admin) for _ in range(3))
    )
    assert [a.status_code for a in answers] == [200, 200, 200], [a.text for a in answers]
    made = [row for a in answers for row in a.json()["data"] if row["installed"]]
    assert sorted(row["template"] for row in made) == sorted(TEMPLATES)
    assert len(await listed(client, tenant, "automations")) == 3
    assert len(await listed(client, tenant, "tracks")) == 2
