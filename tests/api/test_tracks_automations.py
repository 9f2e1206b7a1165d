"""The automation actions `enroll` and `unenroll`, through the automations' consumer, on SQLite and
PostgreSQL: a track named on write must exist, a refused enrolment is recorded as refused on the
run, the enrolment and its exit carry the run that caused them, and the dry run says what would be
done."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.conftest import Tenant
from tests.factories import (
    add_automation,
    add_track,
    events_of,
    new_lead,
    post_event,
    run_automations,
    runs_of,
)


async def test_enroll_and_unenroll_actions(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    track = await add_track(client, tenant, name="welcome")
    off = await add_track(client, tenant, name="off", active=False)
    enrols = await add_automation(
        client,
        tenant,
        trigger={"event": "webinar_signup"},
        actions=[{"type": "enroll", "track_id": track["id"]}],
    )
    refused = await add_automation(
        client,
        tenant,
        trigger={"event": "webinar_signup"},
        actions=[{"type": "enroll", "track_id": off["id"]}],
    )
    leaves = await add_automation(
        client, tenant, trigger={"event": "reply"}, actions=[{"type": "unenroll", "reason": "replied"}]
    )
    lead = await new_lead(client, tenant, "auto@acme.com")
    await post_event(client, tenant, lead["id"], "webinar_signup")
    await run_automations(app, tenant)

    [run] = await runs_of(client, tenant, enrols["id"])
    assert run["actions"][0]["status"] == "done", run
    [enrolment] = (await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)).json()[
        "data"
    ]
    assert enrolment["track_id"] == track["id"]
    assert enrolment["caused_by"] == run["id"]
    assert run["actions"][0]["changes"] == {"enrollment_id": enrolment["id"], "status": "active"}
    [enrolled] = await events_of(app, tenant, "track.enrolled")
    assert enrolled["caused_by"] == run["id"]
    [other] = await runs_of(client, tenant, refused["id"])
    assert other["actions"][0]["status"] == "refused"
    assert "inactive" in other["actions"][0]["detail"]

    # Signing up again: in the track already, refused on the run, not a failure.
    await post_event(client, tenant, lead["id"], "webinar_signup")
    await run_automations(app, tenant)
    again = (await runs_of(client, tenant, enrols["id"]))[-1]
    assert again["actions"][0]["status"] == "refused"
    assert "already" in again["actions"][0]["detail"]

    await post_event(client, tenant, lead["id"], "reply")
    await run_automations(app, tenant)
    [left] = await runs_of(client, tenant, leaves["id"])
    assert left["actions"][0]["status"] == "done"
    assert left["actions"][0]["changes"] == {"enrollment_ids": [enrolment["id"]]}
    [exited] = await events_of(app, tenant, "track.exited")
    assert exited["data"]["reason"] == "replied"
    assert exited["caused_by"] == left["id"]
    await post_event(client, tenant, lead["id"], "reply")
    await run_automations(app, tenant)
    assert (await runs_of(client, tenant, leaves["id"]))[-1]["actions"][0]["status"] == "unchanged"


async def test_a_track_named_on_write_must_exist(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await add_track(client, other_tenant)
    for actions, field in (
        ([{"type": "enroll", "track_id": theirs["id"]}], "actions[0].track_id"),
        (
            [{"type": "add_tags", "tags": ["x"]}, {"type": "unenroll", "track_id": "trk_x", "reason": "r"}],
            "actions[1].track_id",
        ),
        ([{"type": "enroll"}], "actions[0].track_id"),
        ([{"type": "unenroll", "track_id": "trk_x"}], "actions[0].reason"),
        ([{"type": "enroll", "track_id": "x" * 33}], "actions[0].track_id"),
    ):
        response = await client.post(
            "/v1/automations",
            json={"name": "a", "trigger": {"event": "x"}, "actions": actions},
            headers=tenant.admin,
        )
        assert response.status_code == 422, response.text
        assert field in [e["field"] for e in response.json()["errors"]], response.json()


async def test_the_dry_run_says_what_enroll_would_do(client: httpx.AsyncClient, tenant: Tenant) -> None:
    track = await add_track(client, tenant)
    off = await add_track(client, tenant, active=False)
    lead = await new_lead(client, tenant, "dry@acme.com")
    actions = [
        {"type": "enroll", "track_id": track["id"]},
        {"type": "enroll", "track_id": off["id"]},
        {"type": "unenroll", "reason": "done"},
    ]
    body = {
        "automation": {"name": "a", "trigger": {"event": "x"}, "actions": actions},
        "lead_id": lead["id"],
        "event": {"type": "x"},
    }
    response = await client.post("/v1/automations/preview", json=body, headers=tenant.read)
    assert response.status_code == 200, response.text
    assert [a["status"] for a in response.json()["actions"]] == ["would", "would_refuse", "would"]
    listed = await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)
    assert listed.json()["data"] == []
