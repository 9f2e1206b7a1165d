"""Nurture tracks over HTTP, on SQLite and PostgreSQL: CRUD with admin writes and audit entries, bad
input naming the node, enrolments (pause, resume, exit, the one-track rule, reenrolment), and the
step sweep with time moved by the injected clock: waits, business hours, skip_when, exit_when, the
weekly cap, unsubscribed leads and leads sales has.

The sweep takes every workspace's due steps: a test counts its own through its tenant's events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from leadapi.events.models import EventSequence
from leadapi.tracks.models import TrackCursor
from leadapi.tracks.sweep import ExitWatch
from tests.conftest import Clock, Tenant
from tests.factories import add_track, enroll, events_of, move, new_lead, sweep_steps, watch_exits
from tests.plans import statements_sent

Json = dict[str, Any]
EMAIL = {"channel": "email", "ref": "tmpl_1"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def steps_of(app: FastAPI, tenant: Tenant, *types: str) -> list[Json]:
    return [
        {"type": e["type"], **e["data"]}
        for e in await events_of(app, tenant, *(types or ("track.step_due", "track.step_skipped")))
    ]


async def enrolled(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, track_id: str) -> Json:
    response = await enroll(client, tenant, lead_id, track_id)
    assert response.status_code == 201, response.text
    body: Json = response.json()
    return body


async def enrollment(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> Json:
    response = await client.get(f"/v1/leads/{lead_id}/enrollments", headers=tenant.read)
    assert response.status_code == 200, response.text
    body: Json = response.json()["data"][-1]
    return body


# ---- tracks --------------------------------------------------------------------------------------


async def test_crud_with_admin_writes_and_audit(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = {
        "name": "Welcome",
        "steps": [
            EMAIL,
            {
                "channel": "linkedin",
                "ref": "camp_2",
                "wait_minutes": 1440,
                "business_hours": {
                    "timezone": "UTC",
                    "days": ["mon", "fri"],
                    "start": "09:00",
                    "end": "17:00",
                },
                "skip_when": {"field": "title", "op": "exists", "value": False},
            },
        ],
        "exit_when": {"field": "band", "op": "eq", "value": "sql"},
        "reenroll": {"after_days": 30},
    }
    denied = await client.post("/v1/tracks", json=body, headers=tenant.write)
    assert denied.status_code == 403, denied.text
    created = await client.post("/v1/tracks", json=body, headers=tenant.admin)
    assert created.status_code == 201, created.text
    track = created.json()
    assert track["id"].startswith("trk_")
    assert created.headers["Location"] == f"/v1/tracks/{track['id']}"
    assert track["reenroll"] == {"after_days": 30}
    assert track["active"] is True
    assert track["allow_concurrent"] is False
    assert track["steps"][1]["business_hours"]["days"] == ["mon", "fri"]
    assert (await client.get(f"/v1/tracks/{track['id']}", headers=tenant.read)).json() == track
    listed = (await client.get("/v1/tracks", headers=tenant.read)).json()
    assert [t["id"] for t in listed["data"]] == [track["id"]]

    patched = await client.patch(
        f"/v1/tracks/{track['id']}", json={"reenroll": "never", "exit_when": None}, headers=tenant.admin
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["reenroll"] == "never"
    assert patched.json()["exit_when"] is None
    assert patched.json()["name"] == "Welcome"
    nulled = await client.patch(f"/v1/tracks/{track['id']}", json={"name": None}, headers=tenant.admin)
    assert nulled.status_code == 422, nulled.text

    audit = (await client.get("/v1/audit-log", params={"resource": "track"}, headers=tenant.admin)).json()
    assert [e["action"] for e in audit["data"]] == ["updated", "created"]

    deleted = await client.delete(f"/v1/tracks/{track['id']}", headers=tenant.admin)
    assert deleted.status_code == 204
    gone = await client.get(f"/v1/tracks/{track['id']}", headers=tenant.read)
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"steps": []}, "steps"),
        ({"steps": [{"channel": "fax", "ref": "x"}]}, "steps[0].channel"),
        ({"steps": [{"channel": "email", "ref": "x" * 201}]}, "steps[0].ref"),
        ({"steps": [{"channel": "email", "ref": ""}]}, "steps[0].ref"),
        ({"steps": [EMAIL, {"channel": "sms", "ref": "x", "wait_minutes": -1}]}, "steps[1].wait_minutes"),
        ({"steps": [{"channel": "sms", "ref": "x", "wait_minutes": "10"}]}, "steps[0].wait_minutes"),
        ({"steps": [{"channel": "sms", "ref": "x", "wait_minutes": 10**9}]}, "steps[0].wait_minutes"),
        (
            {"steps": [EMAIL, {**EMAIL, "skip_when": {"field": "nope", "op": "eq", "value": 1}}]},
            "steps[1].skip_when",
        ),
        ({"exit_when": {"field": "band", "op": "bogus", "value": 1}}, "exit_when"),
        ({"reenroll": {"after_days": 0}}, "reenroll.after_days"),
        ({"reenroll": "sometimes"}, "reenroll"),
        (
            {
                "steps": [
                    {
                        **EMAIL,
                        "business_hours": {
                            "timezone": "Mars/Base",
                            "days": ["mon"],
                            "start": "09:00",
                            "end": "17:00",
                        },
                    }
                ]
            },
            "steps[0].business_hours.timezone",
        ),
        (
            {
                "steps": [
                    {
                        **EMAIL,
                        "business_hours": {
                            "timezone": "UTC",
                            "days": ["mon"],
                            "start": "18:00",
                            "end": "17:00",
                        },
                    }
                ]
            },
            "steps[0].business_hours",
        ),
        ({"name": "x" * 201}, "name"),
        ({"allow_concurrent": "yes"}, "allow_concurrent"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_an_invalid_track_names_the_node(
    client: httpx.AsyncClient, tenant: Tenant, body: Json, field: str
) -> None:
    response = await client.post(
        "/v1/tracks", json={"name": "t", "steps": [EMAIL], **body}, headers=tenant.admin
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields


async def test_another_workspaces_tracks_and_enrolments_are_not_found(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    track = await add_track(client, tenant)
    lead = await new_lead(client, tenant, "scope@acme.com")
    entry = await enrolled(client, tenant, lead["id"], track["id"])
    theirs = await new_lead(client, other_tenant, "scope@acme.com")
    assert (await client.get(f"/v1/tracks/{track['id']}", headers=other_tenant.read)).status_code == 404
    patched = await client.patch(f"/v1/tracks/{track['id']}", json={"name": "x"}, headers=other_tenant.admin)
    assert patched.status_code == 404
    assert (await client.delete(f"/v1/tracks/{track['id']}", headers=other_tenant.admin)).status_code == 404
    listed = await client.get(f"/v1/tracks/{track['id']}/enrollments", headers=other_tenant.read)
    assert listed.status_code == 404
    # Their lead into our track: the track is not theirs to name.
    refused = await enroll(client, other_tenant, theirs["id"], track["id"])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "track_id"
    assert (await enroll(client, other_tenant, lead["id"], track["id"])).status_code == 404
    paused = await client.post(
        f"/v1/leads/{lead['id']}/enrollments/{entry['id']}/pause", headers=other_tenant.write
    )
    assert paused.status_code == 404
    wrong_lead = await client.post(
        f"/v1/leads/{theirs['id']}/enrollments/{entry['id']}/pause", headers=other_tenant.write
    )
    assert wrong_lead.status_code == 404
    read_only = await client.post(
        f"/v1/leads/{lead['id']}/enrollments/{entry['id']}/pause", headers=tenant.read
    )
    assert read_only.status_code == 403


async def test_settings_cap_touches(client: httpx.AsyncClient, tenant: Tenant) -> None:
    assert (await client.get("/v1/tracks/settings", headers=tenant.read)).json() == {"weekly_touch_cap": 3}
    denied = await client.patch("/v1/tracks/settings", json={"weekly_touch_cap": 5}, headers=tenant.write)
    assert denied.status_code == 403
    for bad in (0, 1001, "5", None):
        refused = await client.patch(
            "/v1/tracks/settings", json={"weekly_touch_cap": bad}, headers=tenant.admin
        )
        assert refused.status_code == 422, refused.text
    changed = await client.patch("/v1/tracks/settings", json={"weekly_touch_cap": 5}, headers=tenant.admin)
    assert changed.status_code == 200
    assert changed.json() == {"weekly_touch_cap": 5}
    again = await client.patch("/v1/tracks/settings", json={"weekly_touch_cap": 4}, headers=tenant.admin)
    assert again.json() == {"weekly_touch_cap": 4}
    assert (await client.get("/v1/tracks/settings", headers=tenant.read)).json() == {"weekly_touch_cap": 4}


# ---- enrolments ----------------------------------------------------------------------------------


async def test_enrol_pause_resume_exit(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    track = await add_track(client, tenant, steps=[{**EMAIL, "wait_minutes": 60}])
    lead = await new_lead(client, tenant, "enrol@acme.com")
    entry = await enrolled(client, tenant, lead["id"], track["id"])
    assert entry["id"].startswith("enr_")
    assert entry["status"] == "active"
    assert entry["step"] == 0
    assert (
        timedelta(minutes=59) < at(entry["next_due_at"]) - at(entry["enrolled_at"]) <= timedelta(minutes=60)
    )
    base = f"/v1/leads/{lead['id']}/enrollments/{entry['id']}"
    paused = await client.post(f"{base}/pause", headers=tenant.write)
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert (await client.post(f"{base}/pause", headers=tenant.write)).status_code == 409
    resumed = await client.post(f"{base}/resume", json={"reason": "back"}, headers=tenant.write)
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "active"
    exited = await client.post(f"{base}/exit", json={"reason": "asked us to stop"}, headers=tenant.write)
    assert exited.status_code == 200, exited.text
    assert exited.json()["status"] == "exited"
    assert exited.json()["reason"] == "asked us to stop"
    assert (await client.post(f"{base}/exit", headers=tenant.write)).status_code == 409
    assert (await client.post(f"{base}/resume", headers=tenant.write)).status_code == 409
    bad = await client.post(f"{base}/exit", json={"reason": "x" * 201}, headers=tenant.write)
    assert bad.status_code == 422
    types = [
        e["type"]
        for e in await events_of(
            app, tenant, "track.enrolled", "track.paused", "track.resumed", "track.exited"
        )
    ]
    assert types == ["track.enrolled", "track.paused", "track.resumed", "track.exited"]
    [exit_event] = await events_of(app, tenant, "track.exited")
    assert exit_event["data"]["reason"] == "asked us to stop"
    [paused_event] = await events_of(app, tenant, "track.paused")
    [resumed_event] = await events_of(app, tenant, "track.resumed")
    assert (paused_event["data"]["reason"], resumed_event["data"]["reason"]) == (None, "back")

    listed = (await client.get(f"/v1/tracks/{track['id']}/enrollments", headers=tenant.read)).json()
    assert [e["id"] for e in listed["data"]] == [entry["id"]]
    active = await client.get(
        f"/v1/tracks/{track['id']}/enrollments", params={"status": "active"}, headers=tenant.read
    )
    assert active.json()["data"] == []
    wrong = await client.get(
        f"/v1/tracks/{track['id']}/enrollments", params={"status": "gone"}, headers=tenant.read
    )
    assert wrong.status_code == 422


async def test_one_track_at_a_time_and_reenrolment(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    never = await add_track(client, tenant, name="never")
    later = await add_track(client, tenant, name="later", reenroll={"after_days": 10})
    extra = await add_track(client, tenant, name="extra", allow_concurrent=True)
    off = await add_track(client, tenant, name="off", active=False)
    lead = await new_lead(client, tenant, "one@acme.com")
    first = await enrolled(client, tenant, lead["id"], never["id"])
    again = await enroll(client, tenant, lead["id"], never["id"])
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    second = await enroll(client, tenant, lead["id"], later["id"])
    assert second.status_code == 409, second.text
    assert (await enroll(client, tenant, lead["id"], extra["id"])).status_code == 201
    assert (await enroll(client, tenant, lead["id"], off["id"])).status_code == 409
    await client.post(f"/v1/leads/{lead['id']}/enrollments/{first['id']}/exit", headers=tenant.write)
    # Never again in `never`; `later` is free now.
    assert (await enroll(client, tenant, lead["id"], never["id"])).status_code == 409
    entry = await enrolled(client, tenant, lead["id"], later["id"])
    await client.post(f"/v1/leads/{lead['id']}/enrollments/{entry['id']}/exit", headers=tenant.write)
    with clock.travel(days=9):
        assert (await enroll(client, tenant, lead["id"], later["id"])).status_code == 409
    with clock.travel(days=10, minutes=1):
        assert (await enroll(client, tenant, lead["id"], later["id"])).status_code == 201
    assert (await enroll(client, tenant, "ld_missing", later["id"])).status_code == 404
    missing = await enroll(client, tenant, lead["id"], "trk_missing")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "track_id"


# ---- the step sweep ------------------------------------------------------------------------------


async def test_steps_fall_due_after_their_waits_and_complete(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await client.patch("/v1/tracks/settings", json={"weekly_touch_cap": 10}, headers=tenant.admin)
    track = await add_track(
        client,
        tenant,
        steps=[
            EMAIL,
            {"channel": "call", "ref": "script_2", "wait_minutes": 120},
            {"channel": "sms", "ref": "s3", "wait_minutes": 60},
        ],
    )
    lead = await new_lead(client, tenant, "steps@acme.com")
    entry = await enrolled(client, tenant, lead["id"], track["id"])
    await sweep_steps(app)
    [due] = await steps_of(app, tenant)
    assert due == {
        "type": "track.step_due",
        "enrollment_id": entry["id"],
        "track_id": track["id"],
        "step": 0,
        "channel": "email",
        "ref": "tmpl_1",
        "lead": due["lead"],
    }
    assert due["lead"]["id"] == lead["id"]
    assert due["lead"]["email"] == "steps@acme.com"
    now = await enrollment(client, tenant, lead["id"])
    assert now["step"] == 1
    with clock.travel(minutes=119):
        await sweep_steps(app)
        assert len(await steps_of(app, tenant)) == 1
    with clock.travel(minutes=121):
        await sweep_steps(app)
        assert [s["channel"] for s in await steps_of(app, tenant)] == ["email", "call"]
        with clock.travel(minutes=61):
            await sweep_steps(app)
    assert [s["channel"] for s in await steps_of(app, tenant)] == ["email", "call", "sms"]
    done = await enrollment(client, tenant, lead["id"])
    assert done["status"] == "completed"
    assert done["next_due_at"] is None
    assert done["step"] == 3
    assert len(await events_of(app, tenant, "track.completed")) == 1


async def test_a_wait_in_business_hours(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    hours = {"timezone": "UTC", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
    track = await add_track(
        client,
        tenant,
        steps=[{**EMAIL, "wait_minutes": 120, "business_hours": hours}, {"channel": "call", "ref": "c"}],
    )
    lead = await new_lead(client, tenant, "hours@acme.com")
    friday = datetime(2030, 1, 4, 16, 0, tzinfo=UTC)  # a Friday
    with clock.freeze(friday):
        entry = await enrolled(client, tenant, lead["id"], track["id"])
    # One business hour on Friday, one on Monday morning.
    assert at(entry["next_due_at"]) == datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
    with clock.freeze(datetime(2030, 1, 7, 9, 59, tzinfo=UTC)):
        await sweep_steps(app)
    assert await steps_of(app, tenant) == []
    with clock.freeze(datetime(2030, 1, 7, 10, 0, tzinfo=UTC)):
        await sweep_steps(app)
    assert [s["step"] for s in await steps_of(app, tenant)] == [0, 1]


async def test_skip_when_and_unsubscribed_skip_a_step(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    track = await add_track(
        client,
        tenant,
        steps=[
            {"channel": "call", "ref": "c1", "skip_when": {"field": "phone", "op": "exists", "value": False}},
            {"channel": "email", "ref": "e2"},
            {"channel": "linkedin", "ref": "l3"},
        ],
    )
    lead = await new_lead(client, tenant, "skip@acme.com", unsubscribed=True)
    await enrolled(client, tenant, lead["id"], track["id"])
    await sweep_steps(app)
    seen = await steps_of(app, tenant)
    assert [(s["type"], s["step"], s.get("reason")) for s in seen] == [
        ("track.step_skipped", 0, "skip_when"),
        ("track.step_skipped", 1, "unsubscribed"),
        ("track.step_due", 2, None),
    ]
    assert (await enrollment(client, tenant, lead["id"]))["status"] == "completed"


async def test_exit_when_and_sales_end_the_enrolment(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    two = [EMAIL, {**EMAIL, "ref": "tmpl_2", "wait_minutes": 60}]
    track = await add_track(
        client, tenant, steps=two, exit_when={"field": "city", "op": "eq", "value": "Oslo"}
    )
    oslo = await new_lead(client, tenant, "oslo@acme.com", city="Oslo")
    right_away = await enrolled(client, tenant, oslo["id"], track["id"])
    assert right_away["status"] == "exited"
    assert right_away["reason"] == "exit_when"

    lead = await new_lead(client, tenant, "later@acme.com")
    await enrolled(client, tenant, lead["id"], track["id"])
    await sweep_steps(app)
    patched = await client.patch(f"/v1/leads/{lead['id']}", json={"city": "Oslo"}, headers=tenant.write)
    assert patched.status_code == 200
    with clock.travel(minutes=61):
        await sweep_steps(app)
    ended = await enrollment(client, tenant, lead["id"])
    assert ended["status"] == "exited"
    assert ended["reason"] == "exit_when"
    assert ended["step"] == 1
    assert [e["data"]["reason"] for e in await events_of(app, tenant, "track.exited")] == [
        "exit_when",
        "exit_when",
    ]

    sales = await add_track(client, tenant, name="sales", steps=two, allow_concurrent=True)
    lost = await new_lead(client, tenant, "lost@acme.com")
    await enrolled(client, tenant, lost["id"], sales["id"])
    await sweep_steps(app)
    moved = await move(client, tenant, lost["id"], to="disqualified", reason="no_budget")
    assert moved.status_code == 200, moved.text
    with clock.travel(minutes=61):
        await sweep_steps(app)
    ended = await enrollment(client, tenant, lost["id"])
    assert ended["status"] == "exited"
    assert ended["reason"] == "sales"
    refused_now = await enrolled(
        client, tenant, (await new_lead(client, tenant, "x@acme.com"))["id"], sales["id"]
    )
    assert refused_now["status"] == "active"


async def test_the_weekly_cap_defers_a_step(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await client.patch("/v1/tracks/settings", json={"weekly_touch_cap": 2}, headers=tenant.admin)
    steps = [EMAIL, {**EMAIL, "ref": "t2", "wait_minutes": 60}, {**EMAIL, "ref": "t3", "wait_minutes": 60}]
    track = await add_track(client, tenant, steps=steps)
    lead = await new_lead(client, tenant, "cap@acme.com")
    start = datetime(2031, 3, 3, 12, 0, tzinfo=UTC)
    with clock.freeze(start):
        await enrolled(client, tenant, lead["id"], track["id"])
        await sweep_steps(app)
        clock.advance(minutes=60)
        await sweep_steps(app)
        clock.advance(minutes=60)
        await sweep_steps(app)
        assert [s["ref"] for s in await steps_of(app, tenant, "track.step_due")] == ["tmpl_1", "t2"]
        [deferred] = await events_of(app, tenant, "track.step_deferred")
        assert deferred["data"]["reason"] == "weekly_cap"
        assert deferred["data"]["step"] == 2
        assert at(deferred["data"]["until"]) == start + timedelta(days=7)
        waiting = await enrollment(client, tenant, lead["id"])
        assert waiting["status"] == "active"
        assert at(waiting["next_due_at"]) == start + timedelta(days=7)
        clock.advance(days=7)
        await sweep_steps(app)
    assert [s["ref"] for s in await steps_of(app, tenant, "track.step_due")] == ["tmpl_1", "t2", "t3"]
    assert (await enrollment(client, tenant, lead["id"]))["status"] == "completed"


async def test_a_paused_enrolment_sends_nothing(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    track = await add_track(client, tenant)
    lead = await new_lead(client, tenant, "paused@acme.com")
    entry = await enrolled(client, tenant, lead["id"], track["id"])
    await client.post(f"/v1/leads/{lead['id']}/enrollments/{entry['id']}/pause", headers=tenant.write)
    await sweep_steps(app)
    assert await steps_of(app, tenant) == []
    await client.post(f"/v1/leads/{lead['id']}/enrollments/{entry['id']}/resume", headers=tenant.write)
    await sweep_steps(app)
    assert len(await steps_of(app, tenant)) == 1


async def test_clients_may_not_forge_track_events(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "forge@acme.com")
    for kind in ("track.step_due", "track.exited"):
        forged = await client.post(
            f"/v1/leads/{lead['id']}/events", json={"type": kind}, headers=tenant.write
        )
        assert forged.status_code == 422, forged.text


async def _watch_position(app: FastAPI, tenant: Tenant) -> tuple[int, int]:
    """The exit watch's position and the workspace's last numbered event."""
    async with app.state.db.read() as conn:
        position = (
            await conn.execute(
                select(TrackCursor.position).where(TrackCursor.workspace_id == tenant.workspace_id)
            )
        ).scalar_one()
        last = (
            await conn.execute(
                select(EventSequence.last_seq).where(EventSequence.workspace_id == tenant.workspace_id)
            )
        ).scalar_one()
    return int(position), int(last)


async def test_the_exit_watch_passes_over_events_unread_while_no_enrolment_is_live(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Every workspace has tracks (activation's defaults), most with no live enrolment: no event
    can end one, so the watch moves past them without reading them. Once a lead is enrolled, a
    change to it ends its enrolment as before."""
    track = await add_track(
        client,
        tenant,
        steps=[{**EMAIL, "wait_minutes": 600}],
        exit_when={"field": "tags", "op": "contains", "value": "replied"},
    )
    lead = await new_lead(client, tenant, "quiet@acme.com")
    patched = await client.patch(f"/v1/leads/{lead['id']}", json={"tags": ["replied"]}, headers=tenant.write)
    assert patched.status_code == 200, patched.text
    await app.state.sequencer.drain()
    position, last = await _watch_position(app, tenant)
    assert position < last  # the capture and the change, not gone through yet
    with statements_sent(app.state.db.engine.sync_engine) as seen:
        assert not await ExitWatch(app.state.db, app.state.services.tracks).run_once(tenant.workspace_id)
    assert not [statement for statement, _ in seen if "FROM events" in statement]
    assert await _watch_position(app, tenant) == (last, last)

    entry = await enrolled(client, tenant, lead["id"], track["id"])
    dropped = await client.patch(f"/v1/leads/{lead['id']}", json={"tags": []}, headers=tenant.write)
    assert dropped.status_code == 200, dropped.text
    replied = await client.patch(f"/v1/leads/{lead['id']}", json={"tags": ["replied"]}, headers=tenant.write)
    assert replied.status_code == 200, replied.text
    await watch_exits(app, tenant)
    assert (await enrollment(client, tenant, lead["id"]))["status"] == "exited"
    exited = await events_of(app, tenant, "track.exited")
    assert [(e["data"]["enrollment"]["id"], e["data"]["reason"]) for e in exited] == [
        (entry["id"], "exit_when")
    ]


async def test_the_exit_watch_reads_a_batchs_leads_in_one_statement(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """The leads with live enrolments that a batch's events are about are read together, and
    each exits by its own state."""
    track = await add_track(
        client,
        tenant,
        steps=[{**EMAIL, "wait_minutes": 600}],
        exit_when={"field": "tags", "op": "contains", "value": "replied"},
    )
    leads = [await new_lead(client, tenant, f"watched{n}@acme.com") for n in range(4)]
    for lead in leads:
        await enrolled(client, tenant, lead["id"], track["id"])
    await watch_exits(app, tenant)
    for lead in leads[:2]:
        patched = await client.patch(
            f"/v1/leads/{lead['id']}", json={"tags": ["replied"]}, headers=tenant.write
        )
        assert patched.status_code == 200, patched.text
    for lead in leads[2:]:
        patched = await client.patch(
            f"/v1/leads/{lead['id']}", json={"tags": ["asked"]}, headers=tenant.write
        )
        assert patched.status_code == 200, patched.text
    await app.state.sequencer.drain()
    with statements_sent(app.state.db.engine.sync_engine) as seen:
        await watch_exits(app, tenant)
    lead_reads = [s for s, _ in seen if s.lstrip().upper().startswith("SELECT") and "FROM leads" in s]
    assert len(lead_reads) == 1
    statuses = [(await enrollment(client, tenant, lead["id"]))["status"] for lead in leads]
    assert statuses == ["exited", "exited", "active", "active"]


async def test_a_lead_change_exits_at_once_through_the_event_log(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    track = await add_track(
        client,
        tenant,
        steps=[{**EMAIL, "wait_minutes": 600}],
        exit_when={"field": "tags", "op": "contains", "value": "replied"},
    )
    other = await add_track(
        client, tenant, name="other", steps=[{**EMAIL, "wait_minutes": 600}], allow_concurrent=True
    )
    lead = await new_lead(client, tenant, "watch@acme.com")
    bystander = await new_lead(client, tenant, "bystander@acme.com")
    entry = await enrolled(client, tenant, lead["id"], track["id"])
    kept = await enrolled(client, tenant, lead["id"], other["id"])
    await enrolled(client, tenant, bystander["id"], track["id"])
    await watch_exits(app, tenant)
    assert [
        e["status"]
        for e in (await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)).json()["data"]
    ] == ["active", "active"]

    patched = await client.patch(f"/v1/leads/{lead['id']}", json={"tags": ["replied"]}, headers=tenant.write)
    assert patched.status_code == 200, patched.text
    await watch_exits(app, tenant)  # no sweep, no step due: the change alone
    listed = (await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)).json()["data"]
    assert [(e["id"], e["status"], e["reason"]) for e in listed] == [
        (entry["id"], "exited", "exit_when"),
        (kept["id"], "active", None),
    ]
    assert (await enrollment(client, tenant, bystander["id"]))["status"] == "active"

    # Sales taking the lead ends the other one too, as soon as it happens.
    moved = await move(client, tenant, lead["id"], to="disqualified", reason="no_budget")
    assert moved.status_code == 200, moved.text
    await watch_exits(app, tenant)
    assert (await enrollment(client, tenant, lead["id"]))["reason"] == "sales"
    reasons = [e["data"]["reason"] for e in await events_of(app, tenant, "track.exited")]
    assert reasons == ["exit_when", "sales"]
