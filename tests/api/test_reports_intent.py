"""The activation report's intent and track figures, on SQLite and PostgreSQL: spikes found by the
intent-spike automations, their leads and those that reached sql within 30 days of one (not 31);
tasks made, by automations, done, done on time; per track its enrolments by how they stand, exits
by reason, and the leads that reached sql after enrolling. The lead filters apply; another
workspace's count nowhere. On PostgreSQL alone: every statement of the report reads its tables
through an index, never a scan of the big ones."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from bench.reads import seed_leads
from fastapi import FastAPI
from sqlalchemy import event

from leadapi.app import create_app
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
    add_automation,
    add_owner,
    add_task,
    add_track,
    enroll,
    new_lead,
    post_event,
    run_automations,
    runs_of,
)
from tests.plans import generic_plan

SPIKE = {"intent_spike": {"points": 25, "within_hours": 48}}


async def activation(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/reports/activation", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def complete(client: httpx.AsyncClient, tenant: Tenant, task_id: str) -> None:
    response = await client.patch(f"/v1/tasks/{task_id}", json={"status": "done"}, headers=tenant.write)
    assert response.status_code == 200, response.text


async def test_intent_and_track_figures(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, clock: Clock
) -> None:
    owner = await add_owner(client, tenant, "Olive")
    spiking = await add_automation(
        client,
        tenant,
        trigger=SPIKE,
        actions=[{"type": "create_task", "task_type": "call", "due_in_minutes": 60, "owner_id": owner["id"]}],
        limits={"once_per_lead": True},
    )
    track = await add_track(client, tenant, name="nurture")
    ada = await new_lead(client, tenant, "ada@acme.com")
    owned = await client.patch(f"/v1/leads/{ada['id']}", json={"owner_id": owner["id"]}, headers=tenant.write)
    assert owned.status_code == 200, owned.text
    bob = await new_lead(client, tenant, "bob@acme.com", tags=["b"])
    cy = await new_lead(client, tenant, "cy@acme.com")
    di = await new_lead(client, tenant, "di@acme.com")
    for lead in (ada, cy, di):
        assert (await enroll(client, tenant, lead["id"], track["id"])).status_code == 201
    [cy_enrolment] = (await client.get(f"/v1/leads/{cy['id']}/enrollments", headers=tenant.read)).json()[
        "data"
    ]
    exited = await client.post(
        f"/v1/leads/{cy['id']}/enrollments/{cy_enrolment['id']}/exit",
        json={"reason": "replied"},
        headers=tenant.write,
    )
    assert exited.status_code == 200, exited.text

    await post_event(client, tenant, ada["id"], "webinar_attended")  # a spike
    await post_event(client, tenant, bob["id"], "webinar_attended")  # a spike
    await run_automations(app, tenant)
    await post_event(client, tenant, ada["id"], "demo_request")  # sql, days within the spike
    await run_automations(app, tenant)
    with clock.travel(days=31):  # bob reaches sql too, but a day too late for the spike
        await post_event(client, tenant, bob["id"], "demo_request")
        await post_event(client, tenant, bob["id"], "webinar_attended")
    lead_bands = {
        lead["id"]: (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).json()["band"]
        for lead in (ada, bob)
    }
    assert lead_bands == {ada["id"]: "sql", bob["id"]: "sql"}

    # Tasks: the automation's two (one each), one done on time, one done late.
    on_time = await add_task(client, tenant, ada["id"], owner_id=owner["id"], due_at="2099-01-01T00:00:00Z")
    await complete(client, tenant, on_time["id"])
    late_due = clock().replace(microsecond=0).isoformat()
    late = await add_task(client, tenant, ada["id"], owner_id=owner["id"], due_at=late_due)
    with clock.travel(hours=2):
        await complete(client, tenant, late["id"])

    runs = [
        r for r in await runs_of(client, tenant, spiking["id"]) if datetime.fromisoformat(r["at"]) < clock()
    ]
    assert {r["lead_id"] for r in runs} == {ada["id"], bob["id"]}
    body = await activation(client, tenant)
    assert body["intent"] == {
        "spikes": len(runs),
        "spike_leads": 2,
        "reached_sql_30d": 1,
        "sql_rate_30d": 0.5,
        "tasks_created": 4,
        "tasks_by_automations": 2,
        "tasks_done": 2,
        "tasks_done_on_time": 1,
        "on_time_rate": 0.25,
    }
    assert body["tracks"] == [
        {
            "track_id": track["id"],
            "name": "nurture",
            "enrolled": 3,
            "active": 2,
            "paused": 0,
            "completed": 0,
            "exited": 1,
            "exit_reasons": {"replied": 1},
            "reached_sql": 1,
            "sql_rate": round(1 / 3, 4),
        }
    ]
    # The lead filters apply: bob alone.
    bobs = await activation(client, tenant, tag="b")
    assert (bobs["intent"]["spike_leads"], bobs["intent"]["reached_sql_30d"]) == (1, 0)
    assert bobs["intent"]["tasks_created"] == 1
    assert bobs["tracks"] == []
    # A range before any of it: nothing.
    before = await activation(
        client, tenant, **{"from": "2020-01-01T00:00:00Z", "to": "2020-02-01T00:00:00Z"}
    )
    assert before["intent"]["spikes"] == 0
    assert before["tracks"] == []
    # Another workspace's report counts none of it.
    theirs = await activation(client, other_tenant)
    assert theirs["intent"]["spikes"] == theirs["intent"]["tasks_created"] == 0
    assert theirs["tracks"] == []
    # CSV has a line for each section's rows.
    csv = await client.get("/v1/reports/activation", headers={**tenant.read, "Accept": "text/csv"})
    assert csv.status_code == 200, csv.text
    sections = [line.split(",")[0] for line in csv.text.splitlines()[1:]]
    assert "intent" in sections
    assert "tracks" in sections


# ---- plans (PostgreSQL) --------------------------------------------------------------------------

DATABASE = f"{PG_TEST_DB}_intent_plans"
LEADS = 20_000
BIG_TABLES = {"leads", "events", "tasks", "track_enrollments", "automation_runs"}


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def test_the_figures_read_through_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = quiet_settings(url)
    async with serving(create_app(settings, clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            neighbour = await make_tenant(app, "neighbour")
            owner = await add_owner(client, tenant, "Owner")
            spiking = await add_automation(
                client, tenant, trigger=SPIKE, actions=[{"type": "add_tags", "tags": ["hot"]}]
            )
            track = await add_track(client, tenant, name="t")
            theirs = await add_track(client, neighbour, name="theirs")
            conn = await asyncpg.connect(dsn)
            try:
                for workspace, prefix, track_id in (
                    (tenant.workspace_id, "ld_s", track["id"]),
                    (neighbour.workspace_id, "ld_n", theirs["id"]),
                ):
                    await seed_leads(conn, workspace, LEADS, prefix)
                    # Two years of history on every lead: behaviour, band changes, tasks, enrolments.
                    await conn.execute(
                        "INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data) "
                        "SELECT 'ev_' || $2 || g || t, $1, NULL, t, $2 || lpad(g::text, 9, '0'), "
                        "now() - make_interval(hours => g), "
                        "CASE WHEN t = 'lead.band_changed' THEN '{\"to\": \"sql\"}' ELSE '{}' END::jsonb "
                        "FROM generate_series(1, $3) AS g, "
                        "unnest(ARRAY['page_view', 'lead.scored', 'lead.band_changed']) AS t",
                        workspace,
                        prefix,
                        LEADS,
                    )
                    await conn.execute(
                        "INSERT INTO tasks (id, workspace_id, lead_id, owner_id, type, status, due_at, "
                        "version, created_at, updated_at) SELECT 'tsk_' || $2 || g, $1, "
                        "$2 || lpad(g::text, 9, '0'), $3, 'call', 'open', now(), 1, "
                        "now() - make_interval(hours => g), now() FROM generate_series(1, $4) AS g",
                        workspace,
                        prefix,
                        owner["id"],
                        LEADS,
                    )
                    await conn.execute(
                        "INSERT INTO track_enrollments (id, workspace_id, track_id, lead_id, status, step, "
                        "enrolled_at, updated_at) SELECT 'enr_' || $2 || g, $1, $3, "
                        "$2 || lpad(g::text, 9, '0'), 'completed', 1, now() - make_interval(hours => g), "
                        "now() FROM generate_series(1, $4) AS g",
                        workspace,
                        prefix,
                        track_id,
                        LEADS,
                    )
                await conn.execute(
                    "INSERT INTO automation_runs (id, workspace_id, automation_id, event_id, event_seq, "
                    "event_type, lead_id, status, actions, depth, at) SELECT 'arun_' || g, $1, $2, "
                    "'ev_ld_s' || g || 'lead.scored', g, 'lead.scored', 'ld_s' || lpad(g::text, 9, '0'), "
                    "'fired', '[]'::jsonb, 0, now() - make_interval(hours => g) "
                    "FROM generate_series(1, $3) AS g",
                    tenant.workspace_id,
                    spiking["id"],
                    LEADS,
                )
                await conn.execute("ANALYZE")
            finally:
                await conn.close()

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                if statement.lstrip().upper().startswith("SELECT") and any(
                    name in statement for name in ("automation_runs", "FROM tasks", "track_enrollments")
                ):
                    seen.append((statement, tuple(parameters)))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            try:
                for params in ({}, {"from": "2020-01-01T00:00:00Z", "to": "2020-01-08T00:00:00Z"}):
                    response = await client.get("/v1/reports/activation", params=params, headers=tenant.read)
                    assert response.status_code == 200, response.text
            finally:
                event.remove(engine, "before_cursor_execute", record)
            body = response.json()
    assert len(seen) == 6, seen
    for statement, parameters in seen:
        plan = await generic_plan(dsn, statement, parameters)
        kinds = [
            (node["Node Type"], node.get("Relation Name"), node.get("Index Name")) for node in nodes(plan)
        ]
        scanned = [table for kind, table, _ in kinds if kind == "Seq Scan" and table in BIG_TABLES]
        assert not scanned, statement + "\n" + json.dumps(plan, indent=1)
        used = {index for _, _, index in kinds if index}
        if "FROM tasks" in statement:
            assert "ix_tasks_workspace_id_created_at" in used, json.dumps(plan, indent=1)
        if "FROM track_enrollments" in statement:
            assert "ix_track_enrollments_workspace_id_enrolled_at" in used, json.dumps(plan, indent=1)
            assert "ix_events_band_changes" in used, json.dumps(plan, indent=1)
        if "automation_runs" in statement:
            assert "ix_events_band_changes" in used, json.dumps(plan, indent=1)
    assert body["intent"]["spikes"] == 0  # the second range: before the history
