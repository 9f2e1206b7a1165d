"""An automation whose action names an owner who is deleted or deactivated, a stage removed from
the pipeline, or a nurture track that is deleted, is switched off at that moment: the reason on it
and in an `automation.disabled` event; it runs no more, and an admin switches it back on only once
nothing it names is gone."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import delete

from leadapi.owners.models import Owner
from leadapi.tracks.models import Track
from tests.conftest import Tenant
from tests.factories import (
    CUSTOM,
    add_automation,
    add_owner,
    add_track,
    events_of,
    new_lead,
    post_event,
    run_automations,
    runs_of,
)

NOTIFY = {"type": "notify", "message": "{{lead.email}}"}
TRIGGER = {"event": "demo_request"}


def task_for(owner_id: str) -> dict[str, Any]:
    return {"type": "create_task", "task_type": "call", "due_in_minutes": 60, "owner_id": owner_id}


async def automation(client: httpx.AsyncClient, tenant: Tenant, automation_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/automations/{automation_id}", headers=tenant.read)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_a_deleted_owner_switches_off_the_automations_naming_them(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    gone = await add_owner(client, tenant, "Gone")
    stays = await add_owner(client, tenant, "Stays")
    tasking = await add_automation(client, tenant, trigger=TRIGGER, actions=[NOTIFY, task_for(gone["id"])])
    assigning = await add_automation(
        client, tenant, trigger=TRIGGER, actions=[{"type": "assign", "owner_id": gone["id"]}]
    )
    other = await add_automation(client, tenant, trigger=TRIGGER, actions=[task_for(stays["id"])])
    plain = await add_automation(client, tenant, trigger=TRIGGER, actions=[NOTIFY])
    assert tasking["inactive_reason"] is None
    theirs = await add_owner(client, other_tenant, "Theirs")
    their_automation = await add_automation(
        client, other_tenant, trigger=TRIGGER, actions=[task_for(theirs["id"])]
    )

    deleted = await client.delete(f"/v1/owners/{gone['id']}", headers=tenant.admin)
    assert deleted.status_code == 204, deleted.text

    off = {a["id"]: await automation(client, tenant, a["id"]) for a in (tasking, assigning)}
    assert off[tasking["id"]]["active"] is False
    assert off[tasking["id"]]["inactive_reason"] == f"actions[1].owner_id: the owner {gone['id']} was deleted"
    assert (
        off[assigning["id"]]["inactive_reason"] == f"actions[0].owner_id: the owner {gone['id']} was deleted"
    )
    for kept in (other, plain):
        shown = await automation(client, tenant, kept["id"])
        assert (shown["active"], shown["inactive_reason"]) == (True, None)
    assert (await automation(client, other_tenant, their_automation["id"]))["active"] is True
    disabled = await events_of(app, tenant, "automation.disabled")
    assert sorted((e["data"]["automation_id"], e["data"]["reason"]) for e in disabled) == sorted(
        (a["id"], a["inactive_reason"]) for a in off.values()
    )
    assert all(e["lead_id"] is None for e in disabled)
    assert await events_of(app, other_tenant, "automation.disabled") == []

    # Off means off: the next demo request runs the others only.
    lead = await new_lead(client, tenant, "after@acme.com")
    await post_event(client, tenant, lead["id"], "demo_request")
    await run_automations(app, tenant)
    assert await runs_of(client, tenant, tasking["id"]) == []
    assert await runs_of(client, tenant, assigning["id"]) == []
    assert [r["status"] for r in await runs_of(client, tenant, plain["id"])] == ["fired"]

    # Back on only once it names nobody who is gone.
    again = await client.patch(
        f"/v1/automations/{tasking['id']}", json={"active": True}, headers=tenant.admin
    )
    assert again.status_code == 422, again.text
    assert again.json()["errors"][0]["field"] == "actions[1].owner_id"
    fixed = await client.patch(
        f"/v1/automations/{tasking['id']}",
        json={"active": True, "actions": [NOTIFY, task_for(stays["id"])]},
        headers=tenant.admin,
    )
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["active"], fixed.json()["inactive_reason"]) == (True, None)


async def test_a_deactivated_owner_switches_them_off_until_an_admin_says_otherwise(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    owner = await add_owner(client, tenant, "Away")
    tasking = await add_automation(client, tenant, trigger=TRIGGER, actions=[task_for(owner["id"])])
    renamed = await client.patch(
        f"/v1/owners/{owner['id']}", json={"name": "Still here"}, headers=tenant.admin
    )
    assert renamed.status_code == 200, renamed.text
    assert (await automation(client, tenant, tasking["id"]))["active"] is True  # only deactivation counts
    off = await client.patch(f"/v1/owners/{owner['id']}", json={"active": False}, headers=tenant.admin)
    assert off.status_code == 200, off.text
    shown = await automation(client, tenant, tasking["id"])
    assert shown["active"] is False
    assert shown["inactive_reason"] == f"actions[0].owner_id: the owner {owner['id']} was deactivated"
    [event] = await events_of(app, tenant, "automation.disabled")
    assert event["data"]["reason"] == shown["inactive_reason"]
    # A second change of an inactive owner disables nothing more.
    assert (
        await client.patch(f"/v1/owners/{owner['id']}", json={"active": False}, headers=tenant.admin)
    ).status_code == 200
    assert len(await events_of(app, tenant, "automation.disabled")) == 1
    # The owner still exists: an admin may switch it back on, and the reason goes.
    back = await client.patch(f"/v1/automations/{tasking['id']}", json={"active": True}, headers=tenant.admin)
    assert back.status_code == 200, back.text
    assert (back.json()["active"], back.json()["inactive_reason"]) == (True, None)
    assert (await automation(client, tenant, tasking["id"]))["inactive_reason"] is None


async def test_a_stage_removed_from_the_pipeline_switches_off_the_moves_to_it(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    moving = await add_automation(
        client, tenant, trigger=TRIGGER, actions=[NOTIFY, {"type": "move_stage", "stage": "opportunity"}]
    )
    kept = await add_automation(
        client, tenant, trigger=TRIGGER, actions=[{"type": "move_stage", "stage": "sql"}]
    )
    replaced = await client.put("/v1/stages", json=CUSTOM, headers=tenant.admin)  # no opportunity; sql stays
    assert replaced.status_code == 200, replaced.text
    shown = await automation(client, tenant, moving["id"])
    assert shown["active"] is False
    assert (
        shown["inactive_reason"] == "actions[1].stage: the stage 'opportunity' was removed from the pipeline"
    )
    assert (await automation(client, tenant, kept["id"]))["active"] is True
    [event] = await events_of(app, tenant, "automation.disabled")
    assert event["data"] == {
        "automation_id": moving["id"],
        "name": moving["name"],
        "reason": shown["inactive_reason"],
    }
    again = await client.patch(f"/v1/automations/{moving['id']}", json={"active": True}, headers=tenant.admin)
    assert again.status_code == 422, again.text
    assert again.json()["errors"][0]["field"] == "actions[1].stage"


async def test_a_refused_pipeline_change_switches_nothing_off(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Leads in a stage the new pipeline removes refuse the change (409): the automations stay on."""
    moving = await add_automation(
        client, tenant, trigger=TRIGGER, actions=[{"type": "move_stage", "stage": "new"}]
    )
    await new_lead(client, tenant, "stays-new@acme.com")
    refused = await client.put("/v1/stages", json=CUSTOM, headers=tenant.admin)
    assert refused.status_code == 409, refused.text
    assert (await automation(client, tenant, moving["id"]))["active"] is True
    assert await events_of(app, tenant, "automation.disabled") == []


async def test_the_consumer_switches_off_an_automation_whose_owner_went_unseen(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """An owner removed in a race with the hook (here: the row deleted under it): the first run
    that meets it records the refusal and switches the automation off, once."""
    owner = await add_owner(client, tenant, "Raced")
    tasking = await add_automation(client, tenant, trigger=TRIGGER, actions=[NOTIFY, task_for(owner["id"])])
    async with app.state.db.transaction() as conn:
        await conn.execute(delete(Owner).where(Owner.id == owner["id"]))
    leads = [await new_lead(client, tenant, f"raced{i}@acme.com") for i in range(2)]
    for lead in leads:
        await post_event(client, tenant, lead["id"], "demo_request")
    await run_automations(app, tenant)
    runs = await runs_of(client, tenant, tasking["id"])
    assert len(runs) == 2  # both events of the batch met it before it was off
    for run in runs:
        assert [a["status"] for a in run["actions"]] == ["done", "refused"]
    shown = await automation(client, tenant, tasking["id"])
    assert (shown["active"], shown["inactive_reason"]) == (
        False,
        f"actions[1].owner_id: the owner {owner['id']} is gone",
    )
    [event] = await events_of(app, tenant, "automation.disabled")
    assert event["data"]["reason"] == shown["inactive_reason"]
    await post_event(client, tenant, leads[0]["id"], "demo_request")
    await run_automations(app, tenant)
    assert len(await runs_of(client, tenant, tasking["id"])) == 2  # off: no more runs


async def test_a_deleted_track_switches_off_the_automations_enrolling_in_it(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    gone = await add_track(client, tenant, name="gone")
    stays = await add_track(client, tenant, name="stays")
    enrolling = await add_automation(
        client, tenant, trigger=TRIGGER, actions=[NOTIFY, {"type": "enroll", "track_id": gone["id"]}]
    )
    leaving = await add_automation(
        client,
        tenant,
        trigger=TRIGGER,
        actions=[{"type": "unenroll", "track_id": gone["id"], "reason": "replied"}],
    )
    kept = await add_automation(
        client, tenant, trigger=TRIGGER, actions=[{"type": "enroll", "track_id": stays["id"]}]
    )
    everywhere = await add_automation(  # no track named: leaves every track, none of which is gone
        client, tenant, trigger=TRIGGER, actions=[{"type": "unenroll", "reason": "replied"}]
    )
    theirs = await add_track(client, other_tenant, name="theirs")
    their_automation = await add_automation(
        client, other_tenant, trigger=TRIGGER, actions=[{"type": "enroll", "track_id": theirs["id"]}]
    )
    assert (await client.delete(f"/v1/tracks/{theirs['id']}", headers=tenant.admin)).status_code == 404

    deleted = await client.delete(f"/v1/tracks/{gone['id']}", headers=tenant.admin)
    assert deleted.status_code == 204, deleted.text

    off = {a["id"]: await automation(client, tenant, a["id"]) for a in (enrolling, leaving)}
    assert off[enrolling["id"]]["active"] is False
    why = f"the track {gone['id']} was deleted"
    assert off[enrolling["id"]]["inactive_reason"] == f"actions[1].track_id: {why}"
    assert off[leaving["id"]]["inactive_reason"] == f"actions[0].track_id: {why}"
    for on in (kept, everywhere):
        shown = await automation(client, tenant, on["id"])
        assert (shown["active"], shown["inactive_reason"]) == (True, None)
    assert (await automation(client, other_tenant, their_automation["id"]))["active"] is True
    disabled = await events_of(app, tenant, "automation.disabled")
    assert sorted((e["data"]["automation_id"], e["data"]["reason"]) for e in disabled) == sorted(
        (a["id"], a["inactive_reason"]) for a in off.values()
    )
    assert await events_of(app, other_tenant, "automation.disabled") == []

    # Off means off; back on only naming a track that exists.
    lead = await new_lead(client, tenant, "track-gone@acme.com")
    await post_event(client, tenant, lead["id"], "demo_request")
    await run_automations(app, tenant)
    assert await runs_of(client, tenant, enrolling["id"]) == []
    again = await client.patch(
        f"/v1/automations/{enrolling['id']}", json={"active": True}, headers=tenant.admin
    )
    assert again.status_code == 422, again.text
    assert again.json()["errors"][0]["field"] == "actions[1].track_id"


async def test_the_consumer_switches_off_an_automation_whose_track_went_unseen(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A track removed without the hook (the row deleted under it): the refused enrolment switches
    the automation off."""
    track = await add_track(client, tenant, name="raced")
    enrolling = await add_automation(
        client, tenant, trigger=TRIGGER, actions=[{"type": "enroll", "track_id": track["id"]}]
    )
    async with app.state.db.transaction() as conn:
        await conn.execute(delete(Track).where(Track.id == track["id"]))
    lead = await new_lead(client, tenant, "raced-track@acme.com")
    await post_event(client, tenant, lead["id"], "demo_request")
    await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, enrolling["id"])
    assert run["actions"][0]["status"] == "refused"
    shown = await automation(client, tenant, enrolling["id"])
    assert (shown["active"], shown["inactive_reason"]) == (
        False,
        f"actions[0].track_id: the track {track['id']} is gone",
    )
