"""Tasks for owners over HTTP, the MCP tools and the service, on SQLite and PostgreSQL: creating,
changing (statuses, ETags), listing, the overdue sweep (time moved by the injected clock), the
first touch a done call is, merges and erasures, and bad input. On PostgreSQL alone: the lists
and the sweep read their indexes.

Under the default model a VP in the US with a demo request is sql, which the default `route_on`
routes; the default SLA policy gives an sql lead 5 minutes; the default touch types are call,
email_sent and meeting.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from bench.reads import seed_leads
from fastapi import FastAPI
from mcp import Client
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import dialect as pg_dialect

from leadapi.api.pagination import encode_cursor
from leadapi.app import create_app
from leadapi.errors import ProblemError
from leadapi.mcp.server import build_server, key_authenticator
from leadapi.tasks.repository import overdue_statement
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    Tenant,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.factories import (
    add_owner,
    add_task,
    assignments_of,
    events_of,
    fan_out,
    get_lead,
    new_lead,
    sales_ready_lead,
    services,
    sweep,
    sweep_overdue,
    two_owners,
)
from tests.plans import generic_plan

Json = dict[str, Any]


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def patch(
    client: httpx.AsyncClient, tenant: Tenant, task_id: str, body: Json, **headers: str
) -> httpx.Response:
    return await client.patch(f"/v1/tasks/{task_id}", json=body, headers={**tenant.write, **headers})


async def listed(
    client: httpx.AsyncClient, tenant: Tenant, url: str = "/v1/tasks", **params: Any
) -> list[Json]:
    response = await client.get(url, params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    data: list[Json] = response.json()["data"]
    return data


async def owned_lead(client: httpx.AsyncClient, tenant: Tenant, email: str, owner_id: str) -> Json:
    lead = await new_lead(client, tenant, email)
    response = await client.patch(
        f"/v1/leads/{lead['id']}", json={"owner_id": owner_id}, headers=tenant.write
    )
    assert response.status_code == 200, response.text
    owned: Json = response.json()
    return owned


# ---- creating and reading ------------------------------------------------------------------------


async def test_a_task_is_created_read_and_recorded(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "task@acme.com", ada["id"])
    response = await client.post(
        "/v1/tasks",
        json={"lead_id": lead["id"], "type": "call", "due_at": "2030-05-01T09:00:00+02:00", "note": "intro"},
        headers=tenant.write,
    )
    assert response.status_code == 201, response.text
    task = response.json()
    assert task["id"].startswith("tsk_")
    assert response.headers["Location"] == f"/v1/tasks/{task['id']}"
    assert response.headers["ETag"] == '"1"'
    assert (task["lead_id"], task["owner_id"], task["type"], task["status"], task["note"]) == (
        lead["id"],
        ada["id"],  # the lead's owner
        "call",
        "open",
        "intro",
    )
    assert at(task["due_at"]) == datetime(2030, 5, 1, 7, tzinfo=UTC)
    assert task["completed_at"] is None
    assert task["overdue_at"] is None
    assert task["caused_by"] is None
    read = await client.get(f"/v1/tasks/{task['id']}", headers=tenant.read)
    assert read.status_code == 200
    assert read.json() == task
    assert read.headers["ETag"] == '"1"'
    [created] = await events_of(app, tenant, "task.created")
    assert (created["lead_id"], created["data"]["task"]) == (lead["id"], task)
    assert created["actor"] is not None
    # An owner named explicitly wins over the lead's.
    bob = await add_owner(client, tenant, "Bob")
    for_bob = await add_task(client, tenant, lead["id"], owner_id=bob["id"], type="email")
    assert for_bob["owner_id"] == bob["id"]


async def test_the_lead_and_the_owner_must_be_the_workspaces(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    theirs = await add_owner(client, other_tenant, "Eve")
    lead = await new_lead(client, tenant, "nobody@acme.com")  # no owner
    their_lead = await owned_lead(client, other_tenant, "their@acme.com", theirs["id"])
    base = {"lead_id": lead["id"], "type": "call", "due_at": "2030-01-01T00:00:00Z"}
    cases = [
        (base, "owner_id"),  # no owner named, and the lead has none
        ({**base, "owner_id": theirs["id"]}, "owner_id"),
        ({**base, "owner_id": "ow_nosuchowner"}, "owner_id"),
        ({**base, "owner_id": ada["id"], "lead_id": their_lead["id"]}, "lead_id"),
        ({**base, "owner_id": ada["id"], "lead_id": "ld_nosuchlead"}, "lead_id"),
    ]
    for body, field in cases:
        response = await client.post("/v1/tasks", json=body, headers=tenant.write)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field], response.text
    task = await add_task(client, tenant, lead["id"], owner_id=ada["id"])
    handed = await patch(client, tenant, task["id"], {"owner_id": theirs["id"]})
    assert handed.status_code == 422
    assert [e["field"] for e in handed.json()["errors"]] == ["owner_id"]
    # Another workspace's task is not found, to read, change or list by its lead.
    for response in (
        await client.get(f"/v1/tasks/{task['id']}", headers=other_tenant.read),
        await client.patch(f"/v1/tasks/{task['id']}", json={"note": "x"}, headers=other_tenant.write),
        await client.get(f"/v1/leads/{lead['id']}/tasks", headers=other_tenant.read),
    ):
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert await listed(client, other_tenant) == []
    assert await events_of(app, other_tenant, "task.created", "task.updated") == []
    assert (await client.get(f"/v1/tasks/{task['id']}", headers=tenant.read)).json() == task


async def test_bad_input_is_a_problem(client: httpx.AsyncClient, tenant: Tenant) -> None:
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "bad@acme.com", ada["id"])
    base = {"lead_id": lead["id"], "type": "call", "due_at": "2030-01-01T00:00:00Z"}
    cases: list[tuple[Any, str]] = [
        ({**base, "type": "fax"}, "type"),
        ({**base, "type": None}, "type"),
        ({**base, "due_at": "tomorrow"}, "due_at"),
        ({**base, "due_at": "0001-01-01T00:00:00Z"}, "due_at"),
        ({**base, "note": "x" * 2001}, "note"),
        ({**base, "note": "nul\x00"}, "note"),
        ({**base, "lead_id": "x" * 33}, "lead_id"),
        ({**base, "lead_id": ""}, "lead_id"),
        ({**base, "lead_id": 12}, "lead_id"),
        ({**base, "status": "done"}, "status"),  # not a field of a new task
        ({k: v for k, v in base.items() if k != "due_at"}, "due_at"),
    ]
    for body, field in cases:
        response = await client.post("/v1/tasks", json=body, headers=tenant.write)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.text)
    task = await add_task(client, tenant, lead["id"])
    patches: list[tuple[Json, str]] = [
        ({"status": "finished"}, "status"),
        ({"status": None}, "status"),
        ({"due_at": None}, "due_at"),
        ({"owner_id": None}, "owner_id"),
        ({"type": None}, "type"),
        ({"lead_id": lead["id"]}, "lead_id"),  # a task stays on its lead
        ({"note": ["a"]}, "note"),
    ]
    for body, field in patches:
        response = await patch(client, tenant, task["id"], body)
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.text)
    assert (await client.post("/v1/tasks", json=base, headers=tenant.read)).status_code == 403
    assert (await client.patch(f"/v1/tasks/{task['id']}", json={}, headers=tenant.read)).status_code == 403
    assert (await client.get("/v1/tasks")).status_code == 401
    for params in ({"status": "ajar"}, {"sort": "due"}, {"limit": "0"}, {"due_before": "soon"}):
        response = await client.get("/v1/tasks", params=params, headers=tenant.read)
        assert response.status_code == 422, (params, response.text)
    bad_cursor = await client.get("/v1/tasks", params={"cursor": "nonsense"}, headers=tenant.read)
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["type"].endswith("/bad-cursor")
    window = {"due_after": "2030-02-01T00:00:00Z", "due_before": "2030-01-01T00:00:00Z"}
    reversed_window = await client.get("/v1/tasks", params=window, headers=tenant.read)
    assert reversed_window.status_code == 422
    assert [e["field"] for e in reversed_window.json()["errors"]] == ["due_before"]
    assert (await client.get("/v1/tasks/tsk_nosuchtask", headers=tenant.read)).status_code == 404
    assert (await client.get("/v1/leads/ld_nosuchlead/tasks", headers=tenant.read)).status_code == 404
    assert (await client.get(f"/v1/tasks/{task['id']}", headers=tenant.read)).json() == task  # untouched


# ---- changing ------------------------------------------------------------------------------------


async def test_statuses_move_as_documented_and_each_change_is_an_event(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "status@acme.com", ada["id"])
    task = await add_task(client, tenant, lead["id"], type="follow_up")
    same = await patch(client, tenant, task["id"], {"status": "open", "note": None})
    assert same.status_code == 200
    assert same.json() == task

    done = await patch(client, tenant, task["id"], {"status": "done", "note": "sent the deck"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["note"], body["version"]) == ("done", "sent the deck", 2)
    assert abs(at(body["completed_at"]) - clock()) < timedelta(seconds=5)
    assert done.headers["ETag"] == '"2"'
    again = await patch(client, tenant, task["id"], {"status": "done"})
    assert again.status_code == 200
    assert again.json() == body

    refused = await patch(client, tenant, task["id"], {"status": "cancelled"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/task-status")
    reopened = (await patch(client, tenant, task["id"], {"status": "open"})).json()
    assert (reopened["status"], reopened["completed_at"], reopened["version"]) == ("open", None, 3)
    cancelled = (await patch(client, tenant, task["id"], {"status": "cancelled"})).json()
    assert (cancelled["status"], cancelled["completed_at"]) == ("cancelled", None)
    assert (await patch(client, tenant, task["id"], {"status": "done"})).status_code == 409
    bob = await add_owner(client, tenant, "Bob")
    edited = await patch(
        client, tenant, task["id"], {"owner_id": bob["id"], "type": "email", "due_at": "2031-01-01T00:00:00Z"}
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["owner_id"], edited.json()["type"], edited.json()["version"]) == (
        bob["id"],
        "email",
        5,
    )

    kinds = ("task.created", "task.completed", "task.reopened", "task.cancelled", "task.updated")
    history = await events_of(app, tenant, *kinds)
    assert [e["type"] for e in history] == list(kinds)
    assert history[1]["data"]["changes"] == {
        "note": [None, "sent the deck"],
        "status": ["open", "done"],
        "completed_at": [None, body["completed_at"].replace("Z", "+00:00")],
    }
    assert history[3]["data"]["changes"] == {"status": ["open", "cancelled"]}
    assert history[-1]["data"]["changes"]["owner_id"] == [ada["id"], bob["id"]]
    assert history[-1]["data"]["task"] == edited.json()
    assert all(e["lead_id"] == lead["id"] for e in history)


async def test_if_match_guards_against_lost_updates(client: httpx.AsyncClient, tenant: Tenant) -> None:
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "etag@acme.com", ada["id"])
    task = await add_task(client, tenant, lead["id"])
    first = await patch(client, tenant, task["id"], {"note": "mine"}, **{"If-Match": '"1"'})
    assert first.status_code == 200
    assert first.headers["ETag"] == '"2"'
    stale = await patch(client, tenant, task["id"], {"note": "theirs"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412, stale.text
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.headers["ETag"] == '"2"'
    garbled = await patch(client, tenant, task["id"], {"note": "x"}, **{"If-Match": "yesterday"})
    assert garbled.status_code == 400
    any_version = await patch(client, tenant, task["id"], {"note": "ours"}, **{"If-Match": "*"})
    assert any_version.status_code == 200
    assert any_version.json()["note"] == "ours"
    assert (await client.get(f"/v1/tasks/{task['id']}", headers=tenant.read)).headers["ETag"] == '"3"'


# ---- the first touch -----------------------------------------------------------------------------


async def test_a_done_call_is_the_first_touch_and_stops_the_sla_clock(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada, _ = await two_owners(client, tenant)
    called = await sales_ready_lead(client, tenant, "called@prospect.io")
    mailed = await sales_ready_lead(client, tenant, "mailed@prospect.io")
    assert called["first_touch_at"] is None
    assert called["owner_id"] is not None
    call = await add_task(client, tenant, called["id"], due_at=iso(clock() + timedelta(minutes=3)))
    email = await add_task(client, tenant, mailed["id"], type="email")
    with clock.travel(minutes=2):
        assert (await patch(client, tenant, call["id"], {"status": "done"})).status_code == 200
        # `email` is no touch type by default (`email_sent` is): an email task is not a touch.
        assert (await patch(client, tenant, email["id"], {"status": "done"})).status_code == 200
        touched_at = clock()
    touched = await get_lead(client, tenant, called["id"])
    assert abs(at(touched["first_touch_at"]) - touched_at) < timedelta(seconds=5)
    [assignment] = await assignments_of(client, tenant, called["id"])
    assert assignment["sla_state"] == "met"
    assert (await get_lead(client, tenant, mailed["id"]))["first_touch_at"] is None
    [running] = await assignments_of(client, tenant, mailed["id"])
    assert running["sla_state"] == "running"
    with clock.travel(minutes=6):
        await sweep(app)
    [breached] = await events_of(app, tenant, "sla.breached")
    assert breached["lead_id"] == mailed["id"]  # the called lead's clock had stopped
    # Reopening the call does not take the touch back.
    assert (await patch(client, tenant, call["id"], {"status": "open"})).status_code == 200
    assert (await get_lead(client, tenant, called["id"]))["first_touch_at"] == touched["first_touch_at"]
    assert ada["id"] in {called["owner_id"], mailed["owner_id"]}


async def test_the_pipelines_touch_types_decide(client: httpx.AsyncClient, tenant: Tenant) -> None:
    pipeline = (await client.get("/v1/stages", headers=tenant.read)).json()
    keys = ("stages", "disqualification_reasons", "touch_types", "accepted_stage", "recycle_stage")
    document = {key: pipeline[key] for key in keys}
    document["stages"] = [{k: s[k] for k in ("key", "name", "category")} for s in document["stages"]]
    document["touch_types"] = ["email", "meeting"]
    response = await client.put("/v1/stages", json=document, headers=tenant.admin)
    assert response.status_code == 200, response.text
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "touchy@acme.com", ada["id"])
    call = await add_task(client, tenant, lead["id"], type="call")
    email = await add_task(client, tenant, lead["id"], type="email")
    await patch(client, tenant, call["id"], {"status": "done"})
    assert (await get_lead(client, tenant, lead["id"]))["first_touch_at"] is None
    await patch(client, tenant, email["id"], {"status": "done"})
    assert (await get_lead(client, tenant, lead["id"]))["first_touch_at"] is not None


# ---- overdue -------------------------------------------------------------------------------------


async def test_the_sweep_reports_each_task_overdue_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "late@acme.com", ada["id"])
    now = clock()
    soon = await add_task(client, tenant, lead["id"], due_at=iso(now + timedelta(minutes=10)))
    later = await add_task(client, tenant, lead["id"], due_at=iso(now + timedelta(hours=2)))
    finished = await add_task(client, tenant, lead["id"], due_at=iso(now + timedelta(minutes=5)))
    dropped = await add_task(client, tenant, lead["id"], due_at=iso(now + timedelta(minutes=5)))
    await patch(client, tenant, finished["id"], {"status": "done"})
    await patch(client, tenant, dropped["id"], {"status": "cancelled"})

    async def reported() -> list[str]:
        return [e["data"]["task"]["id"] for e in await events_of(app, tenant, "task.overdue")]

    await sweep_overdue(app)
    assert await reported() == []
    with clock.travel(minutes=11):
        await sweep_overdue(app)
        assert await reported() == [soon["id"]]
        await sweep_overdue(app)
        assert await reported() == [soon["id"]]  # once
        flagged = (await client.get(f"/v1/tasks/{soon['id']}", headers=tenant.read)).json()
        assert abs(at(flagged["overdue_at"]) - clock()) < timedelta(seconds=5)
        assert flagged["status"] == "open"
        # Reopened and closed again: still once per due time.
        await patch(client, tenant, soon["id"], {"status": "done"})
        await patch(client, tenant, soon["id"], {"status": "open"})
        await sweep_overdue(app)
        assert await reported() == [soon["id"]]
        # Put off: reported again once the new due time passes.
        moved = await patch(client, tenant, soon["id"], {"due_at": iso(clock() + timedelta(minutes=30))})
        assert moved.json()["overdue_at"] is None
    with clock.travel(hours=3):
        await sweep_overdue(app)
        assert sorted(await reported()) == sorted([soon["id"], later["id"], soon["id"]])
    [event] = [
        e for e in await events_of(app, tenant, "task.overdue") if e["data"]["task"]["id"] == later["id"]
    ]
    assert (event["lead_id"], event["actor"]) == (lead["id"], None)
    assert event["data"]["task"]["overdue_at"] is not None


async def test_task_events_reach_the_change_feed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "feed@acme.com", ada["id"])
    task = await add_task(client, tenant, lead["id"], due_at=iso(clock() + timedelta(minutes=1)))
    with clock.travel(minutes=2):
        await sweep_overdue(app)
    await patch(client, tenant, task["id"], {"status": "done"})
    await fan_out(app)
    response = await client.get("/v1/events", params={"types": "task.*"}, headers=tenant.read)
    assert response.status_code == 200, response.text
    feed = response.json()["data"]
    assert [e["type"] for e in feed] == ["task.created", "task.overdue", "task.completed"]
    assert all(e["lead_id"] == lead["id"] for e in feed)


# ---- lists ---------------------------------------------------------------------------------------


async def test_lists_filter_sort_and_page(client: httpx.AsyncClient, tenant: Tenant) -> None:
    ada = await add_owner(client, tenant, "Ada")
    bob = await add_owner(client, tenant, "Bob")
    first = await owned_lead(client, tenant, "one@acme.com", ada["id"])
    second = await owned_lead(client, tenant, "two@acme.com", bob["id"])
    made: list[Json] = []
    for day in range(1, 9):
        lead = first if day % 2 else second
        made.append(await add_task(client, tenant, lead["id"], due_at=f"2030-03-{day:02d}T09:00:00Z"))
    # Same due time: id order breaks the tie.
    made.append(await add_task(client, tenant, first["id"], due_at="2030-03-04T09:00:00Z"))
    await patch(client, tenant, made[0]["id"], {"status": "done"})
    await patch(client, tenant, made[1]["id"], {"status": "cancelled"})
    by_due = sorted(made, key=lambda t: (t["due_at"], t["id"]))

    def ids(rows: list[Json]) -> list[str]:
        return [r["id"] for r in rows]

    assert ids(await listed(client, tenant)) == ids(by_due)
    assert ids(await listed(client, tenant, sort="-due_at")) == ids(by_due)[::-1]
    ada_open = [t for t in by_due if t["owner_id"] == ada["id"] and t["id"] != made[0]["id"]]
    assert ids(await listed(client, tenant, owner_id=ada["id"], status="open")) == ids(ada_open)
    assert ids(await listed(client, tenant, owner_id=bob["id"])) == ids(
        [t for t in by_due if t["owner_id"] == bob["id"]]
    )
    assert ids(await listed(client, tenant, status="done")) == [made[0]["id"]]
    assert ids(await listed(client, tenant, status="cancelled")) == [made[1]["id"]]
    window = await listed(client, tenant, due_after="2030-03-03T09:00:00Z", due_before="2030-03-05T09:00:00Z")
    assert ids(window) == ids([t for t in by_due if "2030-03-03" <= t["due_at"][:10] <= "2030-03-04"])
    assert await listed(client, tenant, owner_id="ow_nobody") == []
    lead_tasks = await listed(client, tenant, f"/v1/leads/{first['id']}/tasks")
    assert ids(lead_tasks) == ids([t for t in by_due if t["lead_id"] == first["id"]])
    assert ids(await listed(client, tenant, f"/v1/leads/{first['id']}/tasks", status="done")) == [
        made[0]["id"]
    ]

    walked: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "sort": "-due_at", "owner_id": ada["id"]}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/tasks", params=params, headers=tenant.read)).json()
        walked += ids(page["data"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == ids([t for t in by_due if t["owner_id"] == ada["id"]])[::-1]


# ---- merges and erasures -------------------------------------------------------------------------


async def test_a_merge_moves_the_tasks_and_an_erasure_takes_them(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    survivor = await owned_lead(client, tenant, "keep@acme.com", ada["id"])
    duplicate = await owned_lead(client, tenant, "dup@acme.com", ada["id"])
    kept = await add_task(client, tenant, survivor["id"])
    moved = await add_task(client, tenant, duplicate["id"], type="email")
    merged = await client.post(
        f"/v1/leads/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    tasks = await listed(client, tenant, f"/v1/leads/{survivor['id']}/tasks")
    assert {t["id"] for t in tasks} == {kept["id"], moved["id"]}
    assert all(t["lead_id"] == survivor["id"] for t in tasks)
    # Changing a moved task appends its event to the survivor's log.
    assert (await patch(client, tenant, moved["id"], {"status": "done"})).status_code == 200
    [completed] = await events_of(app, tenant, "task.completed")
    assert completed["lead_id"] == survivor["id"]

    erased = await client.delete(f"/v1/leads/{survivor['id']}", headers=tenant.write)
    assert erased.status_code == 204, erased.text
    for task in (kept, moved):
        assert (await client.get(f"/v1/tasks/{task['id']}", headers=tenant.read)).status_code == 404
    assert await listed(client, tenant) == []


# ---- the service, for other callers (automations) ------------------------------------------------


async def test_other_services_create_tasks_in_their_own_transaction(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    lead = await owned_lead(client, tenant, "auto@acme.com", ada["id"])
    tasks = services(app).tasks
    due = clock() + timedelta(minutes=60)
    async with app.state.db.transaction() as conn:
        row = await tasks.create(
            conn, tenant.workspace_id, lead_id=lead["id"], task_type="call", due_at=due,
            actor=None, caused_by="run_01automation",
        )  # fmt: skip
    shown = (await client.get(f"/v1/tasks/{row['id']}", headers=tenant.read)).json()
    assert (shown["owner_id"], shown["caused_by"], at(shown["due_at"])) == (
        ada["id"],
        "run_01automation",
        due,
    )
    [created] = await events_of(app, tenant, "task.created")
    assert (created["actor"], created["data"]["task"]["caused_by"]) == (None, "run_01automation")
    # A refusal is a ProblemError the caller may catch; its transaction then rolls back whole.
    with pytest.raises(ProblemError) as refused:
        async with app.state.db.transaction() as conn:
            await tasks.create(
                conn, tenant.workspace_id, lead_id=lead["id"], task_type="call", due_at=due,
                owner_id="ow_gone", actor=None,
            )  # fmt: skip
    assert refused.value.status == 422
    assert len(await listed(client, tenant)) == 1


# ---- MCP -----------------------------------------------------------------------------------------


async def mcp_call(mcp: Client, tool: str, args: Json) -> tuple[bool, Json]:
    result = await mcp.call_tool(tool, args)
    data = result.structured_content
    assert data is not None
    return result.is_error, data


async def test_mcp_lists_and_completes_tasks(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    ada, _ = await two_owners(client, tenant)
    lead = await sales_ready_lead(client, tenant, "agent@prospect.io")
    task = await add_task(client, tenant, lead["id"])
    other = await add_task(client, tenant, lead["id"], type="follow_up", due_at="2030-06-01T00:00:00Z")
    app_services = services(app)

    def server(headers: dict[str, str]) -> Any:
        secret = headers["Authorization"].removeprefix("Bearer ")
        return build_server(app_services, key_authenticator(app_services, secret))

    async with Client(server(tenant.read)) as mcp:
        tools = {t.name: t for t in (await mcp.list_tools()).tools}
        assert tools["list_tasks"].annotations is not None
        assert tools["list_tasks"].annotations.read_only_hint
        failed, listing = await mcp_call(mcp, "list_tasks", {"owner_id": lead["owner_id"], "status": "open"})
        assert not failed
        rest = await listed(client, tenant, owner_id=lead["owner_id"], status="open")
        assert listing == {"tasks": rest, "next_cursor": None}
        failed, by_lead = await mcp_call(mcp, "list_tasks", {"lead_id": lead["id"], "limit": 1})
        assert not failed
        assert [t["id"] for t in by_lead["tasks"]] == [task["id"]]
        assert by_lead["next_cursor"]
        failed, refused = await mcp_call(mcp, "complete_task", {"task_id": task["id"]})
        assert failed
        assert refused["status"] == 403
    async with Client(server(tenant.write)) as mcp:
        failed, done = await mcp_call(mcp, "complete_task", {"task_id": task["id"], "note": "spoke to her"})
        assert not failed, done
        assert (done["status"], done["note"]) == ("done", "spoke to her")
        assert done == (await client.get(f"/v1/tasks/{task['id']}", headers=tenant.read)).json()
        assert (await get_lead(client, tenant, lead["id"]))["first_touch_at"] is not None  # a call
        await patch(client, tenant, other["id"], {"status": "cancelled"})
        failed, conflict = await mcp_call(mcp, "complete_task", {"task_id": other["id"]})
        assert failed
        assert conflict["status"] == 409
        failed, bad = await mcp_call(mcp, "list_tasks", {"status": "ajar"})
        assert failed
        assert bad["status"] == 422
    async with Client(server(other_tenant.write)) as mcp:
        failed, missing = await mcp_call(mcp, "complete_task", {"task_id": other["id"]})
        assert failed
        assert missing["status"] == 404
        failed, theirs = await mcp_call(mcp, "list_tasks", {"lead_id": lead["id"]})
        assert failed
        assert theirs["status"] == 404
        failed, none = await mcp_call(mcp, "list_tasks", {"owner_id": ada["id"]})
        assert not failed
        assert none["tasks"] == []


# ---- plans (PostgreSQL) --------------------------------------------------------------------------

SEEDED_LEADS = 2_000
SEEDED_TASKS = 30_000


class Plans:
    def __init__(self, client: httpx.AsyncClient, tenant: Tenant, app: Any, dsn: str) -> None:
        self.client, self.tenant, self.app, self.dsn = client, tenant, app, dsn

    async def statements(self, url: str, params: dict[str, str]) -> list[tuple[str, tuple[Any, ...]]]:
        seen: list[tuple[str, tuple[Any, ...]]] = []

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "FROM tasks" in statement and statement.lstrip().upper().startswith("SELECT"):
                seen.append((statement, tuple(parameters)))

        engine = self.app.state.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = await self.client.get(url, params=params, headers=self.tenant.read)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, response.text
        assert seen, params
        return seen

    async def plan(self, statement: str, parameters: tuple[Any, ...]) -> dict[str, Any]:
        return await generic_plan(self.dsn, statement, parameters)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


@pytest.fixture(scope="module")
async def plans() -> AsyncIterator[Plans]:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{PG_TEST_DB}_task_plans")
    settings = quiet_settings(url)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(settings, clock=Clock())) as app:
        tenant = await make_tenant(app, "seeded")
        neighbour = await make_tenant(app, "neighbour")
        conn = await asyncpg.connect(dsn)
        try:
            for workspace, prefix, count in (
                (tenant, "ld_t", SEEDED_TASKS),
                (neighbour, "ld_n", SEEDED_TASKS // 3),
            ):
                await seed_leads(conn, workspace.workspace_id, SEEDED_LEADS, prefix)
                # 20 owners, mostly done tasks, due over two years; one in a hundred open and
                # not yet reported overdue.
                await conn.execute(
                    "INSERT INTO tasks (id, workspace_id, lead_id, owner_id, type, status, due_at, version, "
                    "overdue_at, created_at, updated_at) "
                    "SELECT $2 || '_tsk' || lpad(g::text, 9, '0'), $1, "
                    "$2 || lpad(((g % $4) + 1)::text, 9, '0'), 'ow_seed' || (g % 20), "
                    "(ARRAY['call','email','follow_up','custom'])[g % 4 + 1], "
                    "CASE WHEN g % 100 = 0 THEN 'open' WHEN g % 100 < 5 THEN 'cancelled' ELSE 'done' END, "
                    "timestamptz '2025-01-01' + make_interval(mins => g * 35), 1, "
                    "CASE WHEN g % 100 = 0 THEN NULL ELSE timestamptz '2025-01-01' END, now(), now() "
                    "FROM generate_series(1, $3) AS g",
                    workspace.workspace_id,
                    prefix,
                    count,
                    SEEDED_LEADS,
                )
            await conn.execute("ANALYZE tasks")
        finally:
            await conn.close()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            yield Plans(client, tenant, app, dsn)


LISTS: list[tuple[str, dict[str, str]]] = [
    ("/v1/tasks", {}),
    ("/v1/tasks", {"sort": "-due_at"}),
    ("/v1/tasks", {"status": "open"}),
    ("/v1/tasks", {"owner_id": "ow_seed3"}),
    ("/v1/tasks", {"owner_id": "ow_seed3", "status": "open", "due_before": "2026-01-01T00:00:00Z"}),
    ("/v1/tasks", {"status": "open", "due_after": "2025-06-01T00:00:00Z", "sort": "-due_at"}),
    ("/v1/tasks", {"cursor": encode_cursor([datetime(2025, 6, 1, tzinfo=UTC), "ld_t_tsk000015000"])}),
    ("/v1/leads/ld_t000000007/tasks", {}),
    ("/v1/leads/ld_t000000007/tasks", {"status": "done"}),
]


@pytest.mark.parametrize(("url", "params"), LISTS, ids=lambda v: json.dumps(v) if isinstance(v, dict) else v)
async def test_task_lists_read_an_index_in_order(
    postgres_only: None, plans: Plans, url: str, params: dict[str, str]
) -> None:
    for statement, parameters in await plans.statements(url, {**params, "limit": "50"}):
        plan = await plans.plan(statement, parameters)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "tasks") not in kinds, json.dumps(plan, indent=1)
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(plan, indent=1)


async def test_the_overdue_sweep_reads_its_partial_index(postgres_only: None, plans: Plans) -> None:
    statement = overdue_statement(datetime(2026, 1, 1, tzinfo=UTC), 200).with_for_update(skip_locked=True)
    compiled = statement.compile(dialect=pg_dialect())  # type: ignore[no-untyped-call]
    args = tuple(compiled.params[key] for key in compiled.positiontup or ())
    plan = await plans.plan(str(compiled), args)
    indexes = {node.get("Index Name") for node in nodes(plan)}
    kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
    assert ("Seq Scan", "tasks") not in kinds, json.dumps(plan, indent=1)
    assert "ix_tasks_due_at_open_unflagged" in indexes, json.dumps(plan, indent=1)
