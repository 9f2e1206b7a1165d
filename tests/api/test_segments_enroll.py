"""A segment that enrols its members in a nurture track, on SQLite and PostgreSQL: each lead that
enters (`segment.entered`) is enrolled, once, through the track's rules (a refusal appends
`segment.enrollment_refused` and enrols nothing); the track must be the workspace's; leads there
before the setting are not enrolled; deleting the track clears the setting; an entry an
automation caused carries its run into the enrolment's events."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import Tenant
from tests.factories import (
    add_automation,
    add_segment,
    add_track,
    enroll,
    events_of,
    new_lead,
    run_automations,
    run_segments,
    runs_of,
)

SOFTWARE = {"field": "industry", "op": "eq", "value": "Software"}
HOT = {"field": "tags", "op": "contains", "value": "hot"}


async def enrolments(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/leads/{lead_id}/enrollments", headers=tenant.read)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


async def test_leads_entering_are_enrolled_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    track = await add_track(client, tenant, name="software nurture")
    before = await new_lead(client, tenant, "before@acme.com", industry="Software")
    await app.state.sequencer.drain()  # its events numbered: history to the segment made next
    segment = await add_segment(client, tenant, when=SOFTWARE, enroll_track_id=track["id"])
    assert segment["enroll_track_id"] == track["id"]
    await run_segments(app, tenant)  # fills: `before` is a member, silently, and not enrolled
    assert await enrolments(client, tenant, before["id"]) == []

    ada = await new_lead(client, tenant, "ada@acme.com", industry="Software")
    other = await new_lead(client, tenant, "other@acme.com", industry="Retail")
    await run_segments(app, tenant)
    [enrolment] = await enrolments(client, tenant, ada["id"])
    assert (enrolment["track_id"], enrolment["status"]) == (track["id"], "active")
    assert enrolment["caused_by"] == segment["id"]
    assert await enrolments(client, tenant, other["id"]) == []
    [enrolled] = await events_of(app, tenant, "track.enrolled")
    assert (enrolled["lead_id"], enrolled["actor"]) == (ada["id"], "segments")
    [entered] = [e for e in await events_of(app, tenant, "segment.entered") if e["lead_id"] == ada["id"]]
    assert entered["id"] < enrolled["id"]  # the entry, then what it caused

    # Leaving and entering again: the track's reenroll rule ("never" by default) refuses, said so.
    for industry in ("Retail", "Software"):
        patched = await client.patch(
            f"/v1/leads/{ada['id']}", json={"industry": industry}, headers=tenant.write
        )
        assert patched.status_code == 200, patched.text
        await run_segments(app, tenant)
    assert len(await enrolments(client, tenant, ada["id"])) == 1
    [refused] = await events_of(app, tenant, "segment.enrollment_refused")
    assert refused["lead_id"] == ada["id"]
    assert refused["data"]["segment_id"] == segment["id"]
    assert refused["data"]["track_id"] == track["id"]
    assert "already" in refused["data"]["reason"]


async def test_a_lead_in_another_track_is_refused_not_moved(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = await add_track(client, tenant, name="first")
    second = await add_track(client, tenant, name="second")
    lead = await new_lead(client, tenant, "busy@acme.com")
    assert (await enroll(client, tenant, lead["id"], first["id"])).status_code == 201
    await add_segment(client, tenant, when=SOFTWARE, enroll_track_id=second["id"])
    await run_segments(app, tenant)
    patched = await client.patch(
        f"/v1/leads/{lead['id']}", json={"industry": "Software"}, headers=tenant.write
    )
    assert patched.status_code == 200, patched.text
    await run_segments(app, tenant)
    assert [e["track_id"] for e in await enrolments(client, tenant, lead["id"])] == [first["id"]]
    [refused] = await events_of(app, tenant, "segment.enrollment_refused")
    assert "one track at a time" in refused["data"]["reason"]


async def test_the_track_is_checked_and_can_be_changed_or_cleared(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await add_track(client, other_tenant, name="theirs")
    for track_id in (theirs["id"], "trk_missing"):
        response = await client.post(
            "/v1/segments",
            json={"name": "s", "when": SOFTWARE, "enroll_track_id": track_id},
            headers=tenant.admin,
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "enroll_track_id"
    too_long = await client.post(
        "/v1/segments",
        json={"name": "s", "when": SOFTWARE, "enroll_track_id": "x" * 33},
        headers=tenant.admin,
    )
    assert too_long.status_code == 422, too_long.text
    wrong_type = await client.post(
        "/v1/segments", json={"name": "s", "when": SOFTWARE, "enroll_track_id": 7}, headers=tenant.admin
    )
    assert wrong_type.status_code == 422, wrong_type.text
    assert (await client.get("/v1/segments", headers=tenant.read)).json()["data"] == []  # nothing written

    track = await add_track(client, tenant, name="mine")
    segment = await add_segment(client, tenant, when=SOFTWARE)
    assert segment["enroll_track_id"] is None
    bad = await client.patch(
        f"/v1/segments/{segment['id']}", json={"enroll_track_id": theirs["id"]}, headers=tenant.admin
    )
    assert bad.status_code == 422, bad.text
    assert bad.json()["errors"][0]["field"] == "enroll_track_id"
    set_ = await client.patch(
        f"/v1/segments/{segment['id']}", json={"enroll_track_id": track["id"]}, headers=tenant.admin
    )
    assert set_.status_code == 200, set_.text
    assert set_.json()["enroll_track_id"] == track["id"]
    cleared = await client.patch(
        f"/v1/segments/{segment['id']}", json={"enroll_track_id": None}, headers=tenant.admin
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["enroll_track_id"] is None


async def test_deleting_the_track_clears_the_setting(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    track = await add_track(client, tenant, name="short lived")
    segment = await add_segment(client, tenant, when=SOFTWARE, enroll_track_id=track["id"])
    assert (await client.delete(f"/v1/tracks/{track['id']}", headers=tenant.admin)).status_code == 204
    shown = (await client.get(f"/v1/segments/{segment['id']}", headers=tenant.read)).json()
    assert shown["enroll_track_id"] is None
    await new_lead(client, tenant, "later@acme.com", industry="Software")
    await run_segments(app, tenant)
    assert await events_of(app, tenant, "track.enrolled", "segment.enrollment_refused") == []


async def test_an_entry_an_automation_caused_carries_its_run(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    track = await add_track(client, tenant, name="hot")
    await add_segment(client, tenant, when=HOT, enroll_track_id=track["id"])
    tagging = await add_automation(
        client, tenant, trigger={"event": "lead.created"}, actions=[{"type": "add_tags", "tags": ["hot"]}]
    )
    await run_segments(app, tenant)
    lead = await new_lead(client, tenant, "tagged@acme.com")
    await run_automations(app, tenant)
    await run_segments(app, tenant)
    [run] = await runs_of(client, tenant, tagging["id"])
    [enrolled] = await events_of(app, tenant, "track.enrolled")
    assert (enrolled["lead_id"], enrolled["caused_by"]) == (lead["id"], run["id"])
