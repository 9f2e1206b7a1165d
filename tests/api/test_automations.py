"""Automations over HTTP: writing them (admin), what an invalid one is told, every action run by the
consumer through the same paths an API call takes, the runs, and the dry run."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import Tenant
from tests.factories import (
    add_automation,
    add_owner,
    add_rule,
    events_of,
    get_lead,
    move,
    new_lead,
    post_event,
    run_automations,
    runs_of,
)

NOTIFY = {"type": "notify", "message": "{{lead.email}} did {{event.type}}"}


async def test_crud_with_admin_writes_and_audit(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = {
        "name": "Hot on pricing",
        "trigger": {"event": "pricing_page_view"},
        "when": {"field": "event.properties.plan", "op": "eq", "value": "team"},
        "actions": [{"type": "add_tags", "tags": ["hot"]}, NOTIFY],
        "limits": {"cooldown_minutes": 60},
    }
    for scope in ("read", "write"):
        refused = await client.post("/v1/automations", json=body, headers=getattr(tenant, scope))
        assert refused.status_code == 403, refused.text
        assert refused.json()["type"].endswith("/missing-scope")
    created = await client.post("/v1/automations", json=body, headers=tenant.admin)
    assert created.status_code == 201, created.text
    automation = created.json()
    assert created.headers["Location"] == f"/v1/automations/{automation['id']}"
    assert automation["id"].startswith("aut_")
    assert automation["active"] is True
    assert automation["trigger"] == {"event": "pricing_page_view"}
    assert automation["actions"][0] == {"type": "add_tags", "tags": ["hot"]}
    assert automation["limits"] == {"once_per_lead": False, "cooldown_minutes": 60, "max_runs_per_day": None}

    got = await client.get(f"/v1/automations/{automation['id']}", headers=tenant.read)
    assert got.json() == automation
    second = await add_automation(client, tenant, trigger={"event": "lead.*"}, actions=[NOTIFY])
    page = await client.get("/v1/automations", params={"limit": 1}, headers=tenant.read)
    assert [a["id"] for a in page.json()["data"]] == [automation["id"]]
    rest = await client.get(
        "/v1/automations", params={"cursor": page.json()["next_cursor"]}, headers=tenant.read
    )
    assert [a["id"] for a in rest.json()["data"]] == [second["id"]]
    assert rest.json()["next_cursor"] is None

    patched = await client.patch(
        f"/v1/automations/{automation['id']}", json={"active": False, "when": None}, headers=tenant.admin
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is False
    assert patched.json()["when"] is None
    assert patched.json()["actions"] == automation["actions"]
    refused = await client.patch(
        f"/v1/automations/{automation['id']}", json={"name": "x"}, headers=tenant.write
    )
    assert refused.status_code == 403

    deleted = await client.delete(f"/v1/automations/{automation['id']}", headers=tenant.admin)
    assert deleted.status_code == 204
    gone = await client.get(f"/v1/automations/{automation['id']}", headers=tenant.read)
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith("application/problem+json")

    log = await client.get(
        "/v1/audit-log",
        params={"resource": "automation", "resource_id": automation["id"]},
        headers=tenant.admin,
    )
    assert log.status_code == 200, log.text
    assert sorted(entry["action"] for entry in log.json()["data"]) == ["created", "deleted", "updated"]


async def _refused(client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any]) -> list[str]:
    response = await client.post("/v1/automations", json={"name": "bad", **body}, headers=tenant.admin)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/validation-error"), problem
    return [error["field"] for error in problem["errors"]]


async def test_an_invalid_automation_names_the_node(client: httpx.AsyncClient, tenant: Tenant) -> None:
    ok_trigger = {"event": "page_view"}
    fields = await _refused(
        client,
        tenant,
        {
            "trigger": ok_trigger,
            "actions": [
                NOTIFY,
                {"type": "add_tags", "tags": ["x"]},
                {"type": "move_stage", "stage": "nowhere"},
            ],
        },
    )
    assert fields == ["actions[2].stage"]
    fields = await _refused(
        client, tenant, {"trigger": {"score_crossed": {"threshold": 10**9}}, "actions": [NOTIFY]}
    )
    assert fields == ["trigger.score_crossed.threshold"]
    fields = await _refused(
        client,
        tenant,
        {"trigger": {"score_crossed": {"threshold": 50, "direction": "sideways"}}, "actions": [NOTIFY]},
    )
    assert fields == ["trigger.score_crossed.direction"]
    fields = await _refused(client, tenant, {"trigger": {"segment_entered": "seg_1"}, "actions": [NOTIFY]})
    assert fields == ["trigger.segment_entered"]  # no such segment in the workspace
    fields = await _refused(client, tenant, {"trigger": {"became_famous": True}, "actions": [NOTIFY]})
    assert fields == ["trigger"]
    fields = await _refused(client, tenant, {"trigger": {"event": "Not A Type"}, "actions": [NOTIFY]})
    assert fields == ["trigger.event"]
    fields = await _refused(
        client,
        tenant,
        {"trigger": {"intent_spike": {"points": 5, "events": 2, "within_hours": 1}}, "actions": [NOTIFY]},
    )
    assert fields == ["trigger.intent_spike"]
    fields = await _refused(client, tenant, {"trigger": ok_trigger, "actions": [{"type": "explode"}]})
    assert fields == ["actions[0]"]
    fields = await _refused(
        client,
        tenant,
        {
            "trigger": ok_trigger,
            "actions": [{"type": "set_fields", "fields": {"email": "x@y.z", "company": 5}}],
        },
    )
    assert sorted(fields) == ["actions[0].fields.company", "actions[0].fields.email"]
    fields = await _refused(
        client, tenant, {"trigger": ok_trigger, "actions": [{"type": "assign", "owner_id": "ow_nobody"}]}
    )
    assert fields == ["actions[0].owner_id"]
    task = {"type": "create_task", "task_type": "call", "due_in_minutes": 60}
    fields = await _refused(
        client, tenant, {"trigger": ok_trigger, "actions": [NOTIFY, {**task, "owner_id": "ow_nobody"}]}
    )
    assert fields == ["actions[1].owner_id"]
    fields = await _refused(
        client, tenant, {"trigger": ok_trigger, "actions": [{**task, "due_in_minutes": 525_601}]}
    )
    assert fields == ["actions[0].due_in_minutes"]
    fax = {**task, "task_type": "fax"}
    fields = await _refused(client, tenant, {"trigger": ok_trigger, "actions": [fax]})
    assert fields == ["actions[0].task_type"]
    fields = await _refused(
        client,
        tenant,
        {"trigger": ok_trigger, "when": {"any": [{"field": "band", "op": "is"}]}, "actions": [NOTIFY]},
    )
    assert fields == ["when.any[0].op"]
    fields = await _refused(
        client,
        tenant,
        {"trigger": ok_trigger, "when": {"field": "password", "op": "exists"}, "actions": [NOTIFY]},
    )
    assert fields == ["when.field"]
    fields = await _refused(
        client, tenant, {"trigger": ok_trigger, "actions": [{"type": "move_stage", "stage": "disqualified"}]}
    )
    assert fields == ["actions[0].reason"]
    fields = await _refused(client, tenant, {"trigger": ok_trigger, "actions": []})
    assert fields == ["actions"]
    fields = await _refused(
        client, tenant, {"trigger": ok_trigger, "actions": [NOTIFY], "limits": {"cooldown_minutes": 0}}
    )
    assert fields == ["limits.cooldown_minutes"]
    fields = await _refused(
        client, tenant, {"trigger": ok_trigger, "actions": [{**NOTIFY, "message": "x" * 1001}]}
    )
    assert fields == ["actions[0].message"]


async def test_bad_requests_are_problems(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = await add_automation(client, tenant, trigger={"event": "page_view"}, actions=[NOTIFY])
    for method, path in (
        ("GET", f"/v1/automations/{mine['id']}"),
        ("GET", f"/v1/automations/{mine['id']}/runs"),
        ("PATCH", f"/v1/automations/{mine['id']}"),
        ("DELETE", f"/v1/automations/{mine['id']}"),
    ):
        response = await client.request(
            method, path, json={"name": "x"} if method == "PATCH" else None, headers=other_tenant.admin
        )
        assert response.status_code == 404, (method, path, response.text)
    lead = await new_lead(client, other_tenant, "elsewhere@acme.com")
    response = await client.get(f"/v1/leads/{lead['id']}/automation-runs", headers=tenant.read)
    assert response.status_code == 404
    response = await client.get(
        f"/v1/automations/{mine['id']}/runs", params={"cursor": "nope"}, headers=tenant.read
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("/bad-cursor")
    response = await client.get("/v1/automations", params={"limit": 0}, headers=tenant.read)
    assert response.status_code == 422
    response = await client.patch(
        f"/v1/automations/{mine['id']}", json={"actions": None}, headers=tenant.admin
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "actions"
    response = await client.post(
        "/v1/automations", content=b"{not json", headers={**tenant.admin, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith("application/problem+json")
    response = await client.post(
        "/v1/automations/preview",
        json={"automation": mine["id"], "lead_id": lead["id"], "event": {"type": "page_view"}},
        headers=tenant.read,
    )
    assert response.status_code == 404
    response = await client.post(
        "/v1/automations/preview",
        json={"automation": mine["id"], "event": {"type": "page_view"}},
        headers=tenant.read,
    )
    assert response.status_code == 422


# ---- actions -------------------------------------------------------------------------------------


async def test_event_trigger_tags_notifies_and_records_the_run(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    automation = await add_automation(
        client,
        tenant,
        trigger={"event": "pricing_*"},
        actions=[
            {"type": "add_tags", "tags": ["hot", "pricing"]},
            {"type": "notify", "message": "{{lead.email}} on {{event.properties.plan}}", "to": "#sales",
             "data": {"score": "{{lead.score}}", "who": "{{automation.name}}"}},
        ],
    )  # fmt: skip
    lead = await new_lead(client, tenant, "ada@acme.com", tags=["known"])
    event_id = await post_event(client, tenant, lead["id"], "pricing_page_view", properties={"plan": "team"})
    await post_event(client, tenant, lead["id"], "page_view")  # not the trigger's
    await run_automations(app, tenant)

    assert (await get_lead(client, tenant, lead["id"]))["tags"] == ["known", "hot", "pricing"]
    [run] = await runs_of(client, tenant, automation["id"])
    assert run["id"].startswith("arun_")
    assert run["status"] == "fired"
    assert run["reason"] is None
    assert run["event_id"] == event_id
    assert run["event_type"] == "pricing_page_view"
    assert run["depth"] == 0
    assert run["caused_by"] is None
    assert run["actions"][0] == {
        "index": 0,
        "type": "add_tags",
        "status": "done",
        "detail": None,
        "changes": {"tags": [["known"], ["known", "hot", "pricing"]]},
    }
    assert run["actions"][1]["status"] == "done"
    [notified] = await events_of(app, tenant, "automation.notified")
    assert notified["caused_by"] == run["id"]
    assert notified["data"]["message"] == "ada@acme.com on team"
    assert notified["data"]["to"] == "#sales"
    assert notified["data"]["data"] == {"score": str(lead["score"]), "who": "automation"}
    assert notified["data"]["automation_id"] == automation["id"]
    [updated] = [e for e in await events_of(app, tenant, "lead.updated") if e["lead_id"] == lead["id"]]
    assert updated["caused_by"] == run["id"]

    # The run is the lead's too, and the event API shows what caused each event.
    runs = await client.get(f"/v1/leads/{lead['id']}/automation-runs", headers=tenant.read)
    assert [r["id"] for r in runs.json()["data"]] == [run["id"]]
    timeline = (await client.get(f"/v1/leads/{lead['id']}/timeline", headers=tenant.read)).json()["data"]
    caused = {e["type"]: e["caused_by"] for e in timeline}
    assert caused["automation.notified"] == run["id"]
    assert caused["pricing_page_view"] is None
    feed = (await client.get("/v1/events", params={"types": "automation.*"}, headers=tenant.read)).json()
    assert [e["caused_by"] for e in feed["data"]] == [run["id"]]

    # Clients may not forge the automations' events.
    forged = await client.post(
        f"/v1/leads/{lead['id']}/events", json={"type": "automation.notified"}, headers=tenant.write
    )
    assert forged.status_code == 422


async def test_condition_false_is_a_skipped_run(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    automation = await add_automation(
        client,
        tenant,
        trigger={"event": "page_view"},
        when={"all": [{"field": "event.properties.path", "op": "starts_with", "value": "/pricing"},
                      {"field": "country", "op": "eq", "value": "FR"}]},
        actions=[{"type": "add_tags", "tags": ["hot"]}],
    )  # fmt: skip
    french = await new_lead(client, tenant, "fr@acme.com", country="FR")
    german = await new_lead(client, tenant, "de@acme.com", country="DE")
    await post_event(client, tenant, french["id"], "page_view", properties={"path": "/pricing/team"})
    await post_event(client, tenant, german["id"], "page_view", properties={"path": "/pricing/team"})
    await post_event(client, tenant, french["id"], "page_view", properties={"path": "/blog"})
    await run_automations(app, tenant)
    runs = await runs_of(client, tenant, automation["id"])
    assert [(r["lead_id"], r["status"], r["reason"]) for r in runs] == [
        (french["id"], "fired", None),
        (german["id"], "skipped", "condition"),
        (french["id"], "skipped", "condition"),
    ]
    assert runs[1]["actions"] == []
    assert (await get_lead(client, tenant, german["id"]))["tags"] == []
    assert (await get_lead(client, tenant, french["id"]))["tags"] == ["hot"]


async def test_set_fields_and_remove_tags(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    automation = await add_automation(
        client,
        tenant,
        trigger={"event": "trial_started"},
        actions=[
            {
                "type": "set_fields",
                "fields": {"industry": "Software", "attributes.plan": "trial", "city": None},
            },
            {"type": "remove_tags", "tags": ["COLD"]},
            {"type": "remove_tags", "tags": ["absent"]},
        ],
    )
    lead = await new_lead(client, tenant, "grace@acme.com", city="Oslo", tags=["cold", "vip"],
                          attributes={"seats": 5})  # fmt: skip
    await post_event(client, tenant, lead["id"], "trial_started")
    await run_automations(app, tenant)
    after = await get_lead(client, tenant, lead["id"])
    assert after["industry"] == "Software"
    assert after["city"] is None
    assert after["attributes"] == {"seats": 5, "plan": "trial"}
    assert after["tags"] == ["vip"]
    # Software is a target industry: the change was rescored like any other.
    assert after["score"] > lead["score"]
    [run] = await runs_of(client, tenant, automation["id"])
    assert [a["status"] for a in run["actions"]] == ["done", "done", "unchanged"]
    assert run["actions"][0]["changes"]["industry"] == [None, "Software"]


async def test_move_stage_applies_the_rules(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    automation = await add_automation(
        client,
        tenant,
        trigger={"event": "meeting_booked"},
        actions=[
            {"type": "move_stage", "stage": "mql", "note": "booked"},
            {"type": "add_tags", "tags": ["met"]},
        ],
    )
    forward = await new_lead(client, tenant, "fwd@acme.com")
    backward = await new_lead(client, tenant, "back@acme.com")
    assert (await move(client, tenant, backward["id"], to="sql")).status_code == 200
    for lead in (forward, backward):
        await post_event(client, tenant, lead["id"], "meeting_booked")
    await run_automations(app, tenant)
    assert (await get_lead(client, tenant, forward["id"]))["stage"] == "mql"
    after = await get_lead(client, tenant, backward["id"])
    assert after["stage"] == "sql"  # refused, not forced
    assert after["tags"] == ["met"]  # and the next action still ran
    runs = {r["lead_id"]: r for r in await runs_of(client, tenant, automation["id"])}
    assert runs[forward["id"]]["actions"][0]["status"] == "done"
    refused = runs[backward["id"]]["actions"][0]
    assert refused["status"] == "refused"
    assert "sql" in refused["detail"]
    stages = (await client.get(f"/v1/leads/{forward['id']}/stages", headers=tenant.read)).json()["data"]
    assert stages[0]["to_stage"] == "mql"
    assert stages[0]["note"] == "booked"
    assert stages[0]["by"] == {"kind": "api_key", "id": automation["id"]}


async def test_a_refusal_after_other_leads_actions_applies_each_of_them_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A batch runs its actions without a savepoint each, and is run again with them when one is
    refused: what the leads before the refusal got is not doubled by the second pass."""
    automation = await add_automation(
        client,
        tenant,
        trigger={"event": "meeting_booked"},
        actions=[{"type": "add_tags", "tags": ["met"]}, NOTIFY, {"type": "move_stage", "stage": "mql"}],
    )
    first = await new_lead(client, tenant, "first@acme.com")
    refusing = await new_lead(client, tenant, "refusing@acme.com")
    assert (await move(client, tenant, refusing["id"], to="sql")).status_code == 200
    for lead in (first, refusing):
        await post_event(client, tenant, lead["id"], "meeting_booked")
    await run_automations(app, tenant)
    runs = {r["lead_id"]: r for r in await runs_of(client, tenant, automation["id"])}
    assert [a["status"] for a in runs[first["id"]]["actions"]] == ["done", "done", "done"]
    assert [a["status"] for a in runs[refusing["id"]]["actions"]] == ["done", "done", "refused"]
    notices = await events_of(app, tenant, "automation.notified")
    assert sorted(n["lead_id"] for n in notices) == sorted([first["id"], refusing["id"]])
    updates = await events_of(app, tenant, "lead.updated", "lead.stage_changed")
    assert sorted((e["lead_id"], e["type"]) for e in updates if e["caused_by"]) == sorted(
        [(first["id"], "lead.updated"), (first["id"], "lead.stage_changed"), (refusing["id"], "lead.updated")]
    )
    stages = (await client.get(f"/v1/leads/{first['id']}/stages", headers=tenant.read)).json()["data"]
    assert [s["to_stage"] for s in stages].count("mql") == 1


async def test_assign_and_route(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    ada = await add_owner(client, tenant, "Ada")
    bob = await add_owner(client, tenant, "Bob")
    gone = await add_owner(client, tenant, "Gone")
    await add_rule(
        client, tenant, name="bob", position=1, strategy="round_robin", pool={"owner_ids": [bob["id"]]}
    )
    assign = await add_automation(
        client, tenant, trigger={"event": "assign_me"}, actions=[{"type": "assign", "owner_id": ada["id"]}]
    )
    missing = await add_automation(
        client, tenant, trigger={"event": "assign_gone"}, actions=[{"type": "assign", "owner_id": gone["id"]}]
    )
    route = await add_automation(client, tenant, trigger={"event": "route_me"}, actions=[{"type": "route"}])
    force = await add_automation(
        client, tenant, trigger={"event": "reroute_me"}, actions=[{"type": "route", "force": True}]
    )
    assert (await client.delete(f"/v1/owners/{gone['id']}", headers=tenant.write)).status_code == 204
    first = await new_lead(client, tenant, "first@acme.com")
    second = await new_lead(client, tenant, "second@acme.com")
    await post_event(client, tenant, first["id"], "assign_me")
    await post_event(client, tenant, first["id"], "assign_gone")
    await post_event(client, tenant, first["id"], "route_me")  # owned already: refused
    await post_event(client, tenant, first["id"], "reroute_me")  # forced: to Bob
    await post_event(client, tenant, second["id"], "route_me")
    await run_automations(app, tenant)

    [assigned] = await runs_of(client, tenant, assign["id"])
    assert assigned["actions"][0]["changes"] == {"owner_id": [None, ada["id"]]}
    # Deleting the owner switched off the automation naming them (test_automations_refs.py): no run.
    assert await runs_of(client, tenant, missing["id"]) == []
    off = (await client.get(f"/v1/automations/{missing['id']}", headers=tenant.read)).json()
    assert (off["active"], off["inactive_reason"]) == (
        False,
        f"actions[0].owner_id: the owner {gone['id']} was deleted",
    )
    routed = {r["lead_id"]: r["actions"][0] for r in await runs_of(client, tenant, route["id"])}
    assert routed[first["id"]]["status"] == "refused"
    assert "force" in routed[first["id"]]["detail"]
    assert routed[second["id"]]["changes"] == {"owner_id": [None, bob["id"]]}
    [forced] = await runs_of(client, tenant, force["id"])
    assert forced["actions"][0]["changes"] == {"owner_id": [ada["id"], bob["id"]]}
    assert (await get_lead(client, tenant, first["id"]))["owner_id"] == bob["id"]
    assigned_events = [
        e for e in await events_of(app, tenant, "lead.assigned") if e["lead_id"] == first["id"]
    ]
    assert [e["caused_by"] for e in assigned_events] == [assigned["id"], forced["id"]]
    # An assignment by an automation starts the owner's first-touch clock like any other.
    assignments = (await client.get(f"/v1/leads/{first['id']}/assignments", headers=tenant.read)).json()[
        "data"
    ]
    assert assignments[0]["owner_id"] == bob["id"]


# ---- dry run -------------------------------------------------------------------------------------


async def test_preview_stores_nothing(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    owner = await add_owner(client, tenant, "Ada")
    stored = await add_automation(
        client,
        tenant,
        trigger={"event": "pricing_page_view"},
        when={"field": "country", "op": "eq", "value": "FR"},
        actions=[
            {"type": "add_tags", "tags": ["hot"]},
            {"type": "move_stage", "stage": "customer"},
            {"type": "move_stage", "stage": "new"},
            {"type": "assign", "owner_id": owner["id"]},
            {"type": "notify", "message": "{{lead.email}} / {{event.properties.plan}}"},
            {"type": "create_task", "task_type": "call", "due_in_minutes": 30},
        ],
    )
    lead = await new_lead(client, tenant, "fr@acme.com", country="FR")
    body = {"automation": stored["id"], "lead_id": lead["id"],
            "event": {"type": "pricing_page_view", "data": {"plan": "team"}}}  # fmt: skip
    response = await client.post("/v1/automations/preview", json=body, headers=tenant.read)
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["fires"] is True
    assert preview["trigger_matched"]
    assert preview["condition_matched"]
    statuses = [a["status"] for a in preview["actions"]]
    assert statuses == ["would", "would", "would_refuse", "would", "would", "would"]
    assert preview["actions"][0]["changes"] == {"tags": [[], ["hot"]]}
    assert preview["actions"][1]["changes"] == {"stage": ["new", "customer"]}  # then `new` is refused
    assert preview["actions"][4]["changes"]["data"]["message"] == "fr@acme.com / team"
    # The task goes to the owner the assign before it would give the lead.
    assert preview["actions"][5]["changes"]["owner_id"] == owner["id"]

    other = {**body, "event": {"type": "page_view"}}
    preview = (await client.post("/v1/automations/preview", json=other, headers=tenant.read)).json()
    assert preview["fires"] is False
    assert preview["reason"] == "trigger"
    assert preview["condition_matched"] is None

    inline: dict[str, Any] = {
        "automation": {"name": "draft", "trigger": {"event": "*"},
                       "when": {"field": "country", "op": "eq", "value": "DE"}, "actions": [NOTIFY]},
        "lead": {"email": "someone@acme.com", "country": "FR"},
        "event": {"type": "anything"},
    }  # fmt: skip
    preview = (await client.post("/v1/automations/preview", json=inline, headers=tenant.read)).json()
    assert preview["fires"] is False
    assert preview["reason"] == "condition"
    assert preview["trigger_matched"] is True
    assert preview["condition_matched"] is False

    bad = {
        **inline,
        "automation": {**inline["automation"], "actions": [{"type": "move_stage", "stage": "x"}]},
    }
    response = await client.post("/v1/automations/preview", json=bad, headers=tenant.read)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["actions[0].stage"]

    await run_automations(app, tenant)
    assert await runs_of(client, tenant, stored["id"]) == []
    assert await events_of(app, tenant, "automation.notified") == []
    assert (await get_lead(client, tenant, lead["id"]))["tags"] == []


@pytest.mark.parametrize("scope", ["read", "write", "admin"])
async def test_runs_and_preview_are_readable(client: httpx.AsyncClient, tenant: Tenant, scope: str) -> None:
    automation = await add_automation(client, tenant, trigger={"event": "x"}, actions=[NOTIFY])
    headers = getattr(tenant, scope)
    assert (await client.get(f"/v1/automations/{automation['id']}/runs", headers=headers)).status_code == 200
    assert (await client.get("/v1/automations", headers=headers)).status_code == 200


async def test_runs_go_with_an_erased_lead_and_follow_a_merge(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    automation = await add_automation(client, tenant, trigger={"event": "ping"}, actions=[NOTIFY])
    erased = await new_lead(client, tenant, "erased@acme.com")
    survivor = await new_lead(client, tenant, "survivor@acme.com")
    duplicate = await new_lead(client, tenant, "duplicate@acme.com")
    for lead in (erased, survivor, duplicate):
        await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    assert len(await runs_of(client, tenant, automation["id"])) == 3
    assert (await client.delete(f"/v1/leads/{erased['id']}", headers=tenant.write)).status_code == 204
    merged = await client.post(
        f"/v1/leads/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    runs = await runs_of(client, tenant, automation["id"])
    assert sorted(r["lead_id"] for r in runs) == [survivor["id"], survivor["id"]]
    listed = await client.get(f"/v1/leads/{survivor['id']}/automation-runs", headers=tenant.read)
    assert len(listed.json()["data"]) == 2
