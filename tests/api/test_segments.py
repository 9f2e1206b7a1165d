"""Segments: CRUD and bad input, membership kept by the consumer of the event log (entering and
leaving with events, exactly once), the backfill of new and changed segments, the count, the
members list, and leads that are erased or merged away.

The consumer is driven here directly (its run-once), as the background loop runs it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI
from mcp import Client
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from leadapi.flows.segments import SegmentConsumer
from leadapi.mcp.server import build_server, key_authenticator
from leadapi.segments.models import SegmentMember
from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import (
    add_automation,
    add_segment,
    events_of,
    get_lead,
    new_lead,
    post_event,
    run_automations,
    run_segments,
    runs_of,
    segment_members,
)

SOFTWARE = {"all": [{"field": "industry", "op": "eq", "value": "Software"}]}
HOT = {"all": [{"field": "tags", "op": "contains", "value": "hot"}]}


async def get_segment(client: httpx.AsyncClient, tenant: Tenant, segment_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/segments/{segment_id}", headers=tenant.read)
    assert response.status_code == 200, response.text
    segment: dict[str, Any] = response.json()
    return segment


async def patch_lead(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, **body: Any) -> None:
    response = await client.patch(f"/v1/leads/{lead_id}", json=body, headers=tenant.write)
    assert response.status_code == 200, response.text


# ---- CRUD ----------------------------------------------------------------------------------------


async def test_crud(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.post(
        "/v1/segments", json={"name": " Software ", "when": SOFTWARE}, headers=tenant.admin
    )
    assert response.status_code == 201, response.text
    segment = response.json()
    assert segment["id"].startswith("seg_")
    assert response.headers["Location"] == f"/v1/segments/{segment['id']}"
    assert (segment["name"], segment["when"], segment["member_count"], segment["filling"]) == (
        "Software",
        SOFTWARE,
        0,
        True,
    )
    assert await get_segment(client, tenant, segment["id"]) == segment
    second = await add_segment(client, tenant, name="Hot", when=HOT)
    page = (await client.get("/v1/segments", params={"limit": 1}, headers=tenant.read)).json()
    assert [s["id"] for s in page["data"]] == [segment["id"]]
    rest = (
        await client.get(
            "/v1/segments", params={"limit": 1, "cursor": page["next_cursor"]}, headers=tenant.read
        )
    ).json()
    assert [s["id"] for s in rest["data"]] == [second["id"]]
    assert rest["next_cursor"] is None
    renamed = await client.patch(f"/v1/segments/{segment['id']}", json={"name": "SaaS"}, headers=tenant.admin)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "SaaS"
    assert renamed.json()["when"] == SOFTWARE
    assert (await client.delete(f"/v1/segments/{segment['id']}", headers=tenant.admin)).status_code == 204
    assert (await client.get(f"/v1/segments/{segment['id']}", headers=tenant.read)).status_code == 404
    audit = (await client.get("/v1/audit-log", params={"resource": "segment"}, headers=tenant.admin)).json()[
        "data"
    ]
    actions = {(e["action"], e["resource_id"]) for e in audit}
    assert {("created", segment["id"]), ("updated", segment["id"]), ("deleted", segment["id"])} <= actions


async def test_bad_input_is_a_problem_naming_the_node(client: httpx.AsyncClient, tenant: Tenant) -> None:
    cases: list[tuple[Any, str]] = [
        ({"name": "x", "when": {"all": [{"field": "nope", "op": "eq", "value": 1}]}}, "when.all[0].field"),
        ({"name": "x", "when": {"all": [{"field": "band", "op": "almost", "value": 1}]}}, "when.all[0].op"),
        # A segment reads the lead, not an event.
        (
            {"name": "x", "when": {"all": [{"field": "event.type", "op": "eq", "value": "a"}]}},
            "when.all[0].field",
        ),
        ({"name": "x", "when": "band"}, "when"),
        ({"name": "", "when": SOFTWARE}, "name"),
        ({"name": "x" * 201, "when": SOFTWARE}, "name"),
        ({"when": SOFTWARE}, "name"),
        ({"name": "x"}, "when"),
        ({"name": "x", "when": SOFTWARE, "extra": 1}, "extra"),
        ({"name": 5, "when": SOFTWARE}, "name"),
        ([], ""),
    ]
    for body, field in cases:
        response = await client.post("/v1/segments", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        fields = [e["field"] for e in response.json().get("errors", [])]
        assert not field or field in fields, (body, fields)
    segment = await add_segment(client, tenant, when=SOFTWARE)
    for body, field in [
        ({"when": None}, "when"),
        ({"name": None}, "name"),
        ({"when": {"any": 3}}, "when.any"),
    ]:
        response = await client.patch(f"/v1/segments/{segment['id']}", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.text
    assert (await get_segment(client, tenant, segment["id"]))["when"] == SOFTWARE


async def test_scopes_and_other_workspaces(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    denied = await client.post("/v1/segments", json={"name": "x", "when": SOFTWARE}, headers=tenant.write)
    assert denied.status_code == 403
    segment = await add_segment(client, tenant, when=SOFTWARE)
    assert (
        await client.patch(f"/v1/segments/{segment['id']}", json={"name": "y"}, headers=tenant.write)
    ).status_code == 403
    other = await make_tenant(app)
    for method, path in [
        ("GET", f"/v1/segments/{segment['id']}"),
        ("GET", f"/v1/segments/{segment['id']}/leads"),
        ("DELETE", f"/v1/segments/{segment['id']}"),
    ]:
        response = await client.request(method, path, headers=other.admin)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/v1/segments", headers=other.read)).json()["data"] == []


# ---- membership ----------------------------------------------------------------------------------


async def test_backfill_of_a_new_segment_finds_the_leads_there_are(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    matching = [await new_lead(client, tenant, f"s{i}@acme.com", industry="Software") for i in range(5)]
    await new_lead(client, tenant, "other@acme.com", industry="Retail")
    await run_segments(app, tenant)  # no segment yet: nothing to do
    segment = await add_segment(client, tenant, when=SOFTWARE)
    # Small batches: the fill goes over the workspace in several transactions.
    keeper = SegmentConsumer(app.state.db, app.state.services.segment_flow, batch=2)
    rounds = 0
    while await keeper.run_once(tenant.workspace_id):
        rounds += 1
        assert rounds < 20
    assert rounds >= 2
    found = await get_segment(client, tenant, segment["id"])
    assert found["filling"] is False
    assert found["member_count"] == 5
    assert sorted(await segment_members(client, tenant, segment["id"])) == sorted(m["id"] for m in matching)
    # The fill is the segment's definition changing, not the leads: no events.
    assert await events_of(app, tenant, "segment.entered") == []


async def test_leads_enter_and_leave_through_events_exactly_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    segment = await add_segment(client, tenant, name="Hot", when=HOT)
    cold = await new_lead(client, tenant, "cold@acme.com")
    hot = await new_lead(client, tenant, "hot@acme.com", tags=["hot"])
    await run_segments(app, tenant)
    assert await segment_members(client, tenant, segment["id"]) == [hot["id"]]
    [entered] = await events_of(app, tenant, "segment.entered")
    assert entered["lead_id"] == hot["id"]
    assert entered["data"] == {"segment_id": segment["id"], "segment_name": "Hot"}
    await patch_lead(client, tenant, cold["id"], tags=["hot"])
    await patch_lead(client, tenant, hot["id"], tags=[])
    await run_segments(app, tenant)
    await run_segments(app, tenant)  # again: nothing new
    assert await segment_members(client, tenant, segment["id"]) == [cold["id"]]
    assert [e["lead_id"] for e in await events_of(app, tenant, "segment.entered")] == [hot["id"], cold["id"]]
    [exited] = await events_of(app, tenant, "segment.exited")
    assert exited["lead_id"] == hot["id"]
    assert (await get_segment(client, tenant, segment["id"]))["member_count"] == 1
    # The timeline and the change feed carry them.
    feed = (await client.get("/v1/events", params={"types": "segment.*"}, headers=tenant.read)).json()
    assert {e["type"] for e in feed["data"]} == {"segment.entered", "segment.exited"}


async def test_changed_condition_refills_and_members_who_no_longer_meet_it_leave(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    software = await new_lead(client, tenant, "sw@acme.com", industry="Software")
    retail = await new_lead(client, tenant, "rt@acme.com", industry="Retail")
    segment = await add_segment(client, tenant, when=SOFTWARE)
    await run_segments(app, tenant)
    assert await segment_members(client, tenant, segment["id"]) == [software["id"]]
    retail_when = {"all": [{"field": "industry", "op": "eq", "value": "Retail"}]}
    changed = await client.patch(
        f"/v1/segments/{segment['id']}", json={"when": retail_when}, headers=tenant.admin
    )
    assert changed.json()["filling"] is True
    await run_segments(app, tenant)
    assert await segment_members(client, tenant, segment["id"]) == [retail["id"]]
    assert (await get_segment(client, tenant, segment["id"]))["filling"] is False


async def test_members_list_pages_by_lead_id(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    segment = await add_segment(client, tenant, when=HOT)
    leads = [await new_lead(client, tenant, f"h{i}@acme.com", tags=["hot"], company="Acme") for i in range(5)]
    await run_segments(app, tenant)
    first = (
        await client.get(f"/v1/segments/{segment['id']}/leads", params={"limit": 2}, headers=tenant.read)
    ).json()
    assert [m["lead_id"] for m in first["data"]] == sorted(m["id"] for m in leads)[:2]
    assert first["data"][0]["company"] == "Acme"
    assert first["data"][0]["email"].endswith("@acme.com")
    assert sorted(await segment_members(client, tenant, segment["id"])) == sorted(m["id"] for m in leads)
    bad = await client.get(
        f"/v1/segments/{segment['id']}/leads", params={"cursor": "junk"}, headers=tenant.read
    )
    assert bad.status_code in (400, 422)
    assert bad.headers["content-type"].startswith("application/problem+json")


async def test_erased_and_merged_leads_leave_and_the_survivor_is_decided_again(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    segment = await add_segment(client, tenant, when=HOT)
    erased = await new_lead(client, tenant, "gone@acme.com", tags=["hot"])
    survivor = await new_lead(client, tenant, "keep@acme.com")
    duplicate = await new_lead(client, tenant, "dup@acme.com", tags=["hot"])
    await run_segments(app, tenant)
    assert sorted(await segment_members(client, tenant, segment["id"])) == sorted(
        [erased["id"], duplicate["id"]]
    )
    assert (await client.delete(f"/v1/leads/{erased['id']}", headers=tenant.write)).status_code == 204
    merged = await client.post(
        f"/v1/leads/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    assert "hot" in merged.json()["tags"]
    assert await segment_members(client, tenant, segment["id"]) == []  # at once: the memberships went
    assert (await get_segment(client, tenant, segment["id"]))["member_count"] == 0
    await run_segments(app, tenant)
    assert await segment_members(client, tenant, segment["id"]) == [survivor["id"]]
    assert (await get_segment(client, tenant, segment["id"]))["member_count"] == 1


async def test_deleting_a_segment_removes_its_memberships(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    segment = await add_segment(client, tenant, when=HOT)
    other = await add_segment(client, tenant, when=HOT)
    await new_lead(client, tenant, "h@acme.com", tags=["hot"])
    await run_segments(app, tenant)
    assert (await client.delete(f"/v1/segments/{segment['id']}", headers=tenant.admin)).status_code == 204
    assert (await get_segment(client, tenant, other["id"]))["member_count"] == 1
    async with app.state.db.read() as conn:
        left = await conn.scalar(
            select(func.count()).select_from(SegmentMember).where(SegmentMember.segment_id == segment["id"])
        )
    assert left == 0


async def test_two_consumers_at_once_move_each_lead_once(
    app: FastAPI, client: httpx.AsyncClient, postgres_only: None
) -> None:
    tenants = [await make_tenant(app, f"busy{i}") for i in range(3)]
    segments = [await add_segment(client, tenant, when=HOT) for tenant in tenants]
    for n, tenant in enumerate(tenants):
        for i in range(15):
            await new_lead(client, tenant, f"w{n}-{i}@acme.com", tags=["hot"])
    await app.state.sequencer.drain()

    async def worker() -> None:
        keeper = SegmentConsumer(app.state.db, app.state.services.segment_flow, batch=4)
        while True:  # many small batches: the workers contend for every position
            went = [await keeper.run_once(t.workspace_id) for t in tenants]
            if not any(went):
                return

    await asyncio.gather(worker(), worker())
    for tenant, segment in zip(tenants, segments, strict=True):
        entered = await events_of(app, tenant, "segment.entered")
        assert len(entered) == 15
        assert len({e["lead_id"] for e in entered}) == 15
        assert (await get_segment(client, tenant, segment["id"]))["member_count"] == 15
        assert len(await segment_members(client, tenant, segment["id"])) == 15


async def _lag(client: httpx.AsyncClient) -> dict[str, float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith("leadapi_segment_lag")
    }


async def test_lag_is_in_metrics(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await add_segment(client, tenant, when=HOT)
    lead = await new_lead(client, tenant, "lag@acme.com")
    await run_segments(app, tenant)
    before = await _lag(client)
    for _ in range(3):
        await post_event(client, tenant, lead["id"], "ping")
    await app.state.sequencer.drain()
    with clock.travel(seconds=120):
        behind = await _lag(client)
        assert behind["leadapi_segment_lag_events"] == before["leadapi_segment_lag_events"] + 3
        assert behind["leadapi_segment_lag_seconds"] >= 120
        await run_segments(app, tenant)
        after = await _lag(client)
    assert after["leadapi_segment_lag_events"] == before["leadapi_segment_lag_events"]


# ---- the segment_entered trigger -----------------------------------------------------------------


async def test_segment_entered_triggers_an_automation_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    hot = await add_segment(client, tenant, name="Hot", when=HOT)
    software = await add_segment(client, tenant, name="Software", when=SOFTWARE)
    automation = await add_automation(
        client,
        tenant,
        trigger={"segment_entered": hot["id"]},
        actions=[{"type": "add_tags", "tags": ["nurture"]}],
    )
    assert automation["trigger"] == {"segment_entered": hot["id"]}
    lead = await new_lead(client, tenant, "in@acme.com", industry="Software")
    await run_segments(app, tenant)
    await run_automations(app, tenant)
    assert await runs_of(client, tenant, automation["id"]) == []  # it entered the other segment only
    await client.patch(f"/v1/leads/{lead['id']}", json={"tags": ["hot"]}, headers=tenant.write)
    for _ in range(2):  # twice: exactly once per (automation, event)
        await run_segments(app, tenant)
        await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, automation["id"])
    assert run["status"] == "fired"
    assert run["event_type"] == "segment.entered"
    assert set((await get_lead(client, tenant, lead["id"]))["tags"]) == {"hot", "nurture"}
    # The tag the automation added changed the lead: decided again, it stays in (no new entry).
    await run_segments(app, tenant)
    assert len(await events_of(app, tenant, "segment.entered")) == 2  # software, then hot
    assert software["id"] != hot["id"]


async def test_automations_that_move_a_lead_between_segments_end(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Each automation's entry into the other segment carries its run (caused_by), so the chain is
    bounded by depth as one through tags alone is."""
    tagged_a = await add_segment(
        client, tenant, when={"all": [{"field": "tags", "op": "contains", "value": "a"}]}
    )
    tagged_b = await add_segment(
        client, tenant, when={"all": [{"field": "tags", "op": "contains", "value": "b"}]}
    )
    to_b = [{"type": "remove_tags", "tags": ["a"]}, {"type": "add_tags", "tags": ["b"]}]
    to_a = [{"type": "remove_tags", "tags": ["b"]}, {"type": "add_tags", "tags": ["a"]}]
    first = await add_automation(client, tenant, trigger={"segment_entered": tagged_a["id"]}, actions=to_b)
    second = await add_automation(client, tenant, trigger={"segment_entered": tagged_b["id"]}, actions=to_a)
    lead = await new_lead(client, tenant, "pingpong@acme.com", tags=["a"])
    quiet = 0
    for _ in range(40):
        moved = await run_segments(app, tenant) > 1
        quiet = 0 if moved or await run_automations(app, tenant) > 1 else quiet + 1
        if quiet == 2:  # twice nothing to do on either side: the chain has ended
            break
    else:
        raise AssertionError("the chain did not end")
    entries = await events_of(app, tenant, "segment.entered")
    assert entries[0]["caused_by"] is None  # the capture's
    assert all(e["caused_by"] for e in entries[1:])  # the automations'
    runs = await runs_of(client, tenant, first["id"]) + await runs_of(client, tenant, second["id"])
    skipped = [r for r in runs if r["status"] == "skipped"]
    assert [r["reason"] for r in skipped] == ["depth"], (
        [(r["automation_id"][-4:], r["status"], r["depth"], r["event_type"]) for r in runs],
        [(e["seq"], e["data"]["segment_id"][-4:], e["caused_by"]) for e in entries],
    )
    assert {e["lead_id"] for e in entries} == {lead["id"]}


async def test_a_segment_an_automation_triggers_on_is_not_deleted(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    segment = await add_segment(client, tenant, when=HOT)
    automation = await add_automation(
        client,
        tenant,
        trigger={"segment_entered": segment["id"]},
        actions=[{"type": "add_tags", "tags": ["x"]}],
    )
    refused = await client.delete(f"/v1/segments/{segment['id']}", headers=tenant.admin)
    assert refused.status_code == 409, refused.text
    assert automation["id"] in refused.json()["detail"]
    assert (await client.get(f"/v1/segments/{segment['id']}", headers=tenant.read)).status_code == 200
    assert (
        await client.delete(f"/v1/automations/{automation['id']}", headers=tenant.admin)
    ).status_code == 204
    assert (await client.delete(f"/v1/segments/{segment['id']}", headers=tenant.admin)).status_code == 204


async def test_segment_entered_names_a_segment_of_the_workspace(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    other = await make_tenant(app)
    theirs = await add_segment(client, other, when=HOT)
    for segment_id in (theirs["id"], "seg_nope"):
        response = await client.post(
            "/v1/automations",
            json={
                "name": "a",
                "trigger": {"segment_entered": segment_id},
                "actions": [{"type": "add_tags", "tags": ["x"]}],
            },
            headers=tenant.admin,
        )
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["trigger.segment_entered"]
    ours = await add_segment(client, tenant, when=HOT)
    automation = await add_automation(
        client, tenant, trigger={"event": "page_view"}, actions=[{"type": "add_tags", "tags": ["x"]}]
    )
    changed = await client.patch(
        f"/v1/automations/{automation['id']}",
        json={"trigger": {"segment_entered": theirs["id"]}},
        headers=tenant.admin,
    )
    assert changed.status_code == 422, changed.text
    changed = await client.patch(
        f"/v1/automations/{automation['id']}",
        json={"trigger": {"segment_entered": ours["id"]}},
        headers=tenant.admin,
    )
    assert changed.status_code == 200, changed.text
    too_long = await client.post(
        "/v1/automations",
        json={
            "name": "a",
            "trigger": {"segment_entered": "s" * 33},
            "actions": [{"type": "add_tags", "tags": ["x"]}],
        },
        headers=tenant.admin,
    )
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json()["errors"]] == ["trigger.segment_entered"]


# ---- MCP -----------------------------------------------------------------------------------------


async def test_list_segments_tool(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    segments = [await add_segment(client, tenant, name=f"s{i}", when=HOT) for i in range(3)]
    await new_lead(client, tenant, "h@acme.com", tags=["hot"])
    await run_segments(app, tenant)
    secret = tenant.read["Authorization"].removeprefix("Bearer ")
    server = build_server(app.state.services, key_authenticator(app.state.services, secret))
    async with Client(server) as mcp:
        first = (await mcp.call_tool("list_segments", {"limit": 2})).structured_content
        assert first is not None
        assert [s["id"] for s in first["segments"]] == [s["id"] for s in segments[:2]]
        assert first["segments"][0]["member_count"] == 1
        rest = (await mcp.call_tool("list_segments", {"cursor": first["next_cursor"]})).structured_content
        assert rest is not None
        assert [s["id"] for s in rest["segments"]] == [segments[2]["id"]]
        assert rest["next_cursor"] is None
        refused = await mcp.call_tool("list_segments", {"limit": 0})
        assert refused.is_error
