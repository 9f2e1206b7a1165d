"""The `inactive_for_days` trigger, on SQLite and PostgreSQL: a sweep (time moved by the injected
clock, no sleeps) finds leads whose last activity, or creation, is that many days old, appends an
`automation.inactivity` event for each, and the automations' consumer runs the automation on it,
once per quiet spell; new activity starts a new spell. Two such automations find a lead each on
their own. The dry run says whether the lead is quiet enough; bad days are a problem naming the
node. On PostgreSQL alone: the sweep's statements read index ranges under a generic plan.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from bench.reads import seed_leads
from fastapi import FastAPI
from sqlalchemy.dialects.postgresql.asyncpg import dialect as pg_dialect

from leadapi.app import create_app
from leadapi.automations.repository import due_mark_statement, quiet_leads_statement
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
    events_of,
    get_lead,
    new_lead,
    post_event,
    run_automations,
    runs_of,
    sweep_inactivity,
)

QUIET = {"inactive_for_days": 30}
TAG = {"type": "add_tags", "tags": ["quiet"]}


async def sweep_and_run(app: FastAPI, tenant: Tenant) -> None:
    await sweep_inactivity(app)
    await run_automations(app, tenant)


async def test_a_lead_quiet_for_the_days_fires_once_per_spell(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    automation = await add_automation(client, tenant, trigger=QUIET, actions=[TAG])
    never = await new_lead(client, tenant, "never@acme.com")
    active = await new_lead(client, tenant, "active@acme.com")
    with clock.travel(days=10):
        await post_event(client, tenant, active["id"], "page_view")
        await sweep_and_run(app, tenant)
    assert await runs_of(client, tenant, automation["id"]) == []
    with clock.travel(days=31):  # the never-active lead's 30 days from its creation are up
        await sweep_and_run(app, tenant)
        runs = await runs_of(client, tenant, automation["id"])
        assert [(r["lead_id"], r["status"], r["event_type"]) for r in runs] == [
            (never["id"], "fired", "automation.inactivity")
        ]
        assert "quiet" in (await get_lead(client, tenant, never["id"]))["tags"]
        assert "quiet" not in (await get_lead(client, tenant, active["id"]))["tags"]
    with clock.travel(days=41):  # the active lead's 30 days since its page view are up
        await sweep_and_run(app, tenant)
        await sweep_and_run(app, tenant)  # again: nothing new in the same spell
        runs = await runs_of(client, tenant, automation["id"])
        assert [r["lead_id"] for r in runs] == [never["id"], active["id"]]
        await post_event(client, tenant, never["id"], "page_view")  # a new spell begins
    with clock.travel(days=70):
        await sweep_and_run(app, tenant)
        assert len(await runs_of(client, tenant, automation["id"])) == 2  # 29 days into the spell
    with clock.travel(days=72):
        await sweep_and_run(app, tenant)
        runs = await runs_of(client, tenant, automation["id"])
        assert [r["lead_id"] for r in runs] == [never["id"], active["id"], never["id"]]
    found = await events_of(app, tenant, "automation.inactivity")
    assert [e["lead_id"] for e in found] == [never["id"], active["id"], never["id"]]
    assert {e["data"]["automation_id"] for e in found} == {automation["id"]}
    assert found[1]["data"]["days"] == 30
    assert found[1]["data"]["inactive_since"].startswith(str((clock() + timedelta(days=10)).date()))


async def test_each_automation_finds_its_leads_and_only_from_its_start(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    early = await new_lead(client, tenant, "early@acme.com")
    with clock.travel(days=40):  # already quiet for 40 days when the automations are made
        month = await add_automation(client, tenant, trigger=QUIET, actions=[TAG])
        week = await add_automation(client, tenant, trigger={"inactive_for_days": 7}, actions=[TAG])
        late = await new_lead(client, tenant, "late@acme.com")
        await sweep_and_run(app, tenant)
    with clock.travel(days=48):
        await sweep_and_run(app, tenant)
        assert [r["lead_id"] for r in await runs_of(client, tenant, week["id"])] == [late["id"]]
        assert await runs_of(client, tenant, month["id"]) == []
    with clock.travel(days=71):
        await sweep_and_run(app, tenant)
        assert [r["lead_id"] for r in await runs_of(client, tenant, month["id"])] == [late["id"]]
        assert len(await runs_of(client, tenant, week["id"])) == 1
        # Switched off and on again: from then on, not the spells it missed.
        for active in (False, True):
            response = await client.patch(
                f"/v1/automations/{week['id']}", json={"active": active}, headers=tenant.admin
            )
            assert response.status_code == 200, response.text
        await post_event(client, tenant, early["id"], "page_view")
    with clock.travel(days=79):
        await sweep_and_run(app, tenant)
        assert [r["lead_id"] for r in await runs_of(client, tenant, week["id"])] == [late["id"], early["id"]]


async def test_the_dry_run_says_whether_the_lead_is_quiet_enough(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    lead = await new_lead(client, tenant, "dry@acme.com")
    inline = {"name": "a", "trigger": QUIET, "actions": [TAG]}
    body: dict[str, Any] = {
        "automation": inline,
        "lead_id": lead["id"],
        "event": {"type": "automation.inactivity"},
    }
    response = await client.post("/v1/automations/preview", json=body, headers=tenant.read)
    assert response.status_code == 200, response.text
    assert (response.json()["fires"], response.json()["reason"]) == (False, "trigger")
    assert "30 days" in response.json()["detail"]
    later = (clock() + timedelta(days=31)).isoformat()
    body["event"]["occurred_at"] = later
    response = await client.post("/v1/automations/preview", json=body, headers=tenant.read)
    assert response.json()["fires"] is True
    assert [a["status"] for a in response.json()["actions"]] == ["would"]


async def test_bad_days_name_the_node(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for days in (0, -1, 3651, "30", 1.5, None, True):
        body = {"name": "a", "trigger": {"inactive_for_days": days}, "actions": [TAG]}
        response = await client.post("/v1/automations", json=body, headers=tenant.admin)
        assert response.status_code == 422, (days, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["trigger.inactive_for_days"], response.text
    body = {"name": "a", "trigger": {"inactive_for_days": 30, "event": "x"}, "actions": [TAG]}
    response = await client.post("/v1/automations", json=body, headers=tenant.admin)
    assert response.status_code == 422, response.text


# ---- plans (PostgreSQL) --------------------------------------------------------------------------

SEEDED = 40_000


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def _literal(value: Any, kind: str) -> str:
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, datetime):
        value = value.isoformat()
    return "'" + str(value).replace("'", "''") + "'::" + kind


async def _generic_plan(dsn: str, statement: Any) -> dict[str, Any]:
    compiled = statement.compile(dialect=pg_dialect())  # type: ignore[no-untyped-call]
    args = [compiled.params[key] for key in compiled.positiontup or ()]
    conn = await asyncpg.connect(dsn, server_settings={"plan_cache_mode": "force_generic_plan"})
    try:
        prepared = await conn.prepare(str(compiled))
        types = [t.name for t in prepared.get_parameters()]
        await conn.execute(f"PREPARE swept AS {compiled}")
        literals = ", ".join(_literal(value, kind) for value, kind in zip(args, types, strict=True))
        explained = await conn.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE swept({literals})")
        document: dict[str, Any] = json.loads(explained)[0]["Plan"]
        return document
    finally:
        await conn.close()


def test_the_sweep_reads_index_ranges_under_a_generic_plan() -> None:
    require_postgres()
    asyncio.run(_plans())


async def _plans() -> None:
    url = await migrated_pg_database(f"{PG_TEST_DB}_inactivity_plans")
    settings = quiet_settings(url)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(settings, clock=Clock())) as app:
        tenant = await make_tenant(app, "seeded")
        neighbour = await make_tenant(app, "neighbour")
    conn = await asyncpg.connect(dsn)
    try:
        for workspace, prefix in ((tenant, "ld_t"), (neighbour, "ld_n")):
            await seed_leads(conn, workspace.workspace_id, SEEDED, prefix)
        # Three in four leads were active an hour after their creation; the rest never.
        await conn.execute(
            "UPDATE leads SET last_activity_at = created_at + interval '1 hour' WHERE right(id, 1) <> '0'"
        )
        # 5 marks per workspace-sized population of automations: most not due.
        await conn.execute(
            "INSERT INTO automations (id, workspace_id, name, active, trigger, actions, limits, from_seq, "
            "created_at, updated_at) SELECT 'aut_' || g, $1, 'a', true, '{\"inactive_for_days\": 30}', "
            "'[]', '{}', 0, now(), now() FROM generate_series(1, 2000) AS g",
            tenant.workspace_id,
        )
        await conn.execute(
            "INSERT INTO automation_inactivity_marks (automation_id, workspace_id, days, active_at, "
            "active_id, idle_at, idle_id, due_at) SELECT 'aut_' || g, $1, 30, now(), '', now(), '', "
            "now() + make_interval(mins => g) FROM generate_series(1, 2000) AS g",
            tenant.workspace_id,
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    now = datetime.now(UTC)
    mark = (now - timedelta(days=60), "ld_t000001000")
    statements = {
        "due mark": (
            due_mark_statement(now).with_for_update(skip_locked=True),
            "automation_inactivity_marks",
        ),
        "quiet active": (
            quiet_leads_statement(tenant.workspace_id, "active", mark, now - timedelta(days=30), 200),
            "ix_leads_workspace_id_last_activity_at_id",
        ),
        "next active": (
            quiet_leads_statement(tenant.workspace_id, "active", mark, None, 1),
            "ix_leads_workspace_id_last_activity_at_id",
        ),
        "quiet idle": (
            quiet_leads_statement(tenant.workspace_id, "idle", mark, now - timedelta(days=30), 200),
            "ix_leads_workspace_id_created_at_id",
        ),
    }
    for name, (statement, index) in statements.items():
        plan = await _generic_plan(dsn, statement)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "leads") not in kinds, (name, json.dumps(plan, indent=1))
        assert ("Seq Scan", "automation_inactivity_marks") not in kinds, (name, json.dumps(plan, indent=1))
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), (name, json.dumps(plan))
        used = {node.get("Index Name") for node in nodes(plan)}
        if index.startswith("ix_"):
            assert index in used, (name, json.dumps(plan, indent=1))
