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
    consumer,
    events_of,
    new_lead,
    post_event,
    run_automations,
    runs_of,
)
from tests.plans import statements_sent


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


async def test_a_batchs_enrolments_are_read_once_and_written_together(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """The consumer's batch reads its leads' enrolments in one statement and writes its new ones in
    one (tracks.service.EnrollmentBatch); one that the track's exit condition lets go at once is
    written at once, and exits; each enrolment and its event carry their run."""
    welcome = await add_track(client, tenant, name="welcome", allow_concurrent=True)
    quick = await add_track(
        client,
        tenant,
        name="quick",
        allow_concurrent=True,
        exit_when={"field": "tags", "op": "contains", "value": "done"},
    )
    automations = [
        await add_automation(
            client, tenant, trigger={"event": "signup"}, actions=[{"type": "enroll", "track_id": t["id"]}]
        )
        for t in (welcome, quick)
    ]
    leads = [await new_lead(client, tenant, f"batch{n}@acme.com") for n in range(3)]
    done = await new_lead(client, tenant, "done@acme.com", tags=["done"])
    for lead in [*leads, done]:
        await post_event(client, tenant, lead["id"], "signup")
    await app.state.sequencer.drain()
    with statements_sent(app.state.db.engine.sync_engine) as seen:
        assert await consumer(app).run_once(tenant.workspace_id) is False  # one batch took them all
    reads = [s for s, _ in seen if "FROM track_enrollments" in s]
    inserts = [s for s, _ in seen if s.lstrip().upper().startswith("INSERT INTO TRACK_ENROLLMENTS")]
    assert len(reads) == 1
    assert len(inserts) == 2  # the one that exited at once, then the batch's seven

    caused = {r["id"]: r for a in automations for r in await runs_of(client, tenant, a["id"])}
    assert len(caused) == 8
    assert {r["actions"][0]["status"] for r in caused.values()} == {"done"}
    enrolled = await events_of(app, tenant, "track.enrolled")
    assert len(enrolled) == 8
    for lead in [*leads, done]:
        listed = (await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)).json()["data"]
        assert sorted((e["track_id"], e["status"]) for e in listed) == sorted(
            [(welcome["id"], "active"), (quick["id"], "exited" if lead is done else "active")]
        )
        for enrolment in listed:
            run = caused[enrolment["caused_by"]]
            assert run["lead_id"] == lead["id"]
            assert run["actions"][0]["changes"]["enrollment_id"] == enrolment["id"]
            [event] = [e for e in enrolled if e["data"]["enrollment"]["id"] == enrolment["id"]]
            assert event["caused_by"] == run["id"]
    [exited] = await events_of(app, tenant, "track.exited")
    assert (exited["lead_id"], exited["data"]["reason"]) == (done["id"], "exit_when")


async def test_a_lead_enrolled_earlier_in_the_batch_is_in_the_track_for_its_later_runs(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """The batch's copy of a lead's enrolments takes the ones it makes: signing up twice in one
    batch enrols once, and the second run is refused as in the track already."""
    track = await add_track(client, tenant, name="welcome")
    enrols = await add_automation(
        client, tenant, trigger={"event": "signup"}, actions=[{"type": "enroll", "track_id": track["id"]}]
    )
    lead = await new_lead(client, tenant, "twice@acme.com")
    other = await new_lead(client, tenant, "once@acme.com")
    for enrolling in (lead, other, lead):
        await post_event(client, tenant, enrolling["id"], "signup")
    await app.state.sequencer.drain()
    assert await consumer(app).run_once(tenant.workspace_id) is False  # one batch took them all
    runs = await runs_of(client, tenant, enrols["id"])
    assert [(r["lead_id"], r["actions"][0]["status"]) for r in runs] == [
        (lead["id"], "done"),
        (other["id"], "done"),
        (lead["id"], "refused"),
    ]
    assert "already" in runs[-1]["actions"][0]["detail"]
    for enrolled in (lead, other):
        listed = (await client.get(f"/v1/leads/{enrolled['id']}/enrollments", headers=tenant.read)).json()
        assert [e["caused_by"] for e in listed["data"]] == [runs[0 if enrolled is lead else 1]["id"]]
    assert len(await events_of(app, tenant, "track.enrolled")) == 2


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
