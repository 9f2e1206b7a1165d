"""Manual score adjustments over HTTP, on SQLite and PostgreSQL: points with a reason count in the
behaviour part of the score (clamped to the model's range), show in the breakdown, rescore the lead
at once (through the lead-change flow) and again when they expire (the rescoring sweep, through the
lead's `rescore_at`, time moved by the injected clock); events recorded afterwards (the fast path on
PostgreSQL) keep them; bad input is a problem.

The `adjust_score` action of automations makes the same adjustments, with the run that made them,
and the dry run says what it would do. On PostgreSQL alone: the list reads its index under a
generic plan.

Under the default model a CEO in the US scores 35 (not ready); an email click is worth 10.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from bench.reads import seed_leads
from fastapi import FastAPI
from sqlalchemy.dialects.postgresql.asyncpg import dialect as pg_dialect

from leadapi.app import create_app
from leadapi.scoring.repository import adjustments_statement
from leadapi.scoring.service import RESCORE_BATCH
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
    adjust_score,
    events_of,
    get_lead,
    new_lead,
    post_event,
    run_automations,
    runs_of,
)

CEO_IN_US = {"title": "CEO", "country": "US"}


async def sweep_all(app: FastAPI) -> None:
    while await app.state.scoring.rescore_due() == RESCORE_BATCH:
        pass


async def breakdown(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/leads/{lead_id}/score", headers=tenant.read)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_an_adjustment_counts_shows_and_expires(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    lead = await new_lead(client, tenant, "fair@acme.com", **CEO_IN_US)
    assert (lead["score"], lead["band"]) == (35, "not_ready")
    made = await adjust_score(
        client, tenant, lead["id"], points=10, reason="Met at the fair", expires_in_days=7
    )
    assert (made["score"], made["band"], made["points"], made["active"]) == (45, "mql", 10, True)
    assert made["id"].startswith("sadj_")
    assert made["run_id"] is None
    assert made["created_by"] is not None
    now = await get_lead(client, tenant, lead["id"])
    assert (now["score"], now["band"], now["behavior_score"]) == (45, "mql", 10)

    explained = await breakdown(client, tenant, lead["id"])
    [hit] = [h for h in explained["breakdown"] if h["kind"] == "adjustment"]
    assert (hit["rule_id"], hit["points"]) == (made["id"], 10)
    assert hit["evidence"]["reason"] == "Met at the fair"
    assert hit["evidence"]["expires_at"] is not None
    assert (
        sum(h["points"] for h in explained["breakdown"])
        == explained["fit_score"] + explained["behavior_score"]
    )

    [adjusted] = await events_of(app, tenant, "lead.score_adjusted")
    assert adjusted["id"] == made["event_id"]
    assert adjusted["data"]["points"] == 10
    history = (await client.get(f"/v1/leads/{lead['id']}/score/history", headers=tenant.read)).json()
    assert history["data"][0]["reason"] == "adjustment"
    assert (history["data"][0]["old_score"], history["data"][0]["score"]) == (35, 45)

    # An event recorded afterwards (on PostgreSQL, the one-statement fast path) keeps the points.
    await post_event(client, tenant, lead["id"], "email_click", occurred_at=clock().isoformat())
    assert (await get_lead(client, tenant, lead["id"]))["score"] == 55

    with clock.travel(days=6):
        await sweep_all(app)
        assert (await get_lead(client, tenant, lead["id"]))["score"] >= 50  # not expired yet
    with clock.travel(days=7, minutes=1):
        await sweep_all(app)
        expired = await get_lead(client, tenant, lead["id"])
        assert expired["behavior_score"] < 10  # the click's points decay; the 10 manual ones are gone
        assert expired["score"] < 45
        explained = await breakdown(client, tenant, lead["id"])
        assert not [h for h in explained["breakdown"] if h["kind"] == "adjustment"]
        listed = (await client.get(f"/v1/leads/{lead['id']}/score-adjustments", headers=tenant.read)).json()
        assert [(a["id"], a["active"]) for a in listed["data"]] == [(made["id"], False)]
    scored = [e for e in await events_of(app, tenant, "lead.scored") if e["lead_id"] == lead["id"]]
    assert [e["data"]["reason"] for e in scored][:3] == ["lead_created", "adjustment", "event"]
    assert scored[-1]["data"]["reason"] == "time"


async def test_points_without_expiry_stay_and_the_score_is_clamped(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    lead = await new_lead(client, tenant, "minus@acme.com")
    assert lead["score"] == 0
    made = await adjust_score(client, tenant, lead["id"], points=-20, reason="Competitor")
    assert (made["score"], made["expires_at"], made["active"]) == (0, None, True)
    now = await get_lead(client, tenant, lead["id"])
    assert (now["score"], now["behavior_score"]) == (0, -20)  # the part as it is, the score clamped
    for points in (100, 100):
        made = await adjust_score(client, tenant, lead["id"], points=points, reason="Big deal")
    assert made["score"] == 100  # 180 clamped to the model's maximum
    with clock.travel(days=3000):
        assert [h["points"] for h in (await breakdown(client, tenant, lead["id"]))["breakdown"]] == [
            -20,
            100,
            100,
        ]
    listed = (await client.get(f"/v1/leads/{lead['id']}/score-adjustments", headers=tenant.read)).json()
    assert [a["points"] for a in listed["data"]] == [100, 100, -20]  # newest first
    first = (
        await client.get(f"/v1/leads/{lead['id']}/score-adjustments?limit=2", headers=tenant.read)
    ).json()
    assert len(first["data"]) == 2
    assert first["next_cursor"]
    rest = (
        await client.get(
            f"/v1/leads/{lead['id']}/score-adjustments",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=tenant.read,
        )
    ).json()
    assert [a["points"] for a in rest["data"]] == [-20]
    assert rest["next_cursor"] is None


async def test_adjustments_follow_a_merge(client: httpx.AsyncClient, tenant: Tenant) -> None:
    survivor = await new_lead(client, tenant, "survivor@acme.com")
    duplicate = await new_lead(client, tenant, "duplicate@acme.com")
    made = await adjust_score(client, tenant, duplicate["id"], points=30, reason="Called us")
    response = await client.post(
        f"/v1/leads/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=tenant.write
    )
    assert response.status_code == 200, response.text
    assert (await get_lead(client, tenant, survivor["id"]))["score"] == 30
    listed = (await client.get(f"/v1/leads/{survivor['id']}/score-adjustments", headers=tenant.read)).json()
    assert [(a["id"], a["lead_id"]) for a in listed["data"]] == [(made["id"], survivor["id"])]


async def test_bad_input_is_a_problem(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "bad@acme.com")
    url = f"/v1/leads/{lead['id']}/score-adjustments"
    base = {"points": 5, "reason": "why"}
    cases: list[tuple[Any, str]] = [
        ({**base, "points": 0}, "points"),
        ({**base, "points": 101}, "points"),
        ({**base, "points": -101}, "points"),
        ({**base, "points": "5"}, "points"),
        ({**base, "points": 5.5}, "points"),
        ({**base, "points": None}, "points"),
        ({"reason": "why"}, "points"),
        ({"points": 5}, "reason"),
        ({**base, "reason": ""}, "reason"),
        ({**base, "reason": "   "}, "reason"),
        ({**base, "reason": "x" * 201}, "reason"),
        ({**base, "reason": "nul\x00"}, "reason"),
        ({**base, "expires_in_days": 0}, "expires_in_days"),
        ({**base, "expires_in_days": 3651}, "expires_in_days"),
        ({**base, "expires_in_days": "7"}, "expires_in_days"),
        ({**base, "until": "later"}, "until"),
    ]
    for body, field in cases:
        response = await client.post(url, json=body, headers=tenant.write)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.text)
    malformed = await client.post(
        url, content=b"{", headers={**tenant.write, "content-type": "application/json"}
    )
    assert malformed.status_code in (400, 422), malformed.text
    assert (await client.post(url, json=base, headers=tenant.read)).status_code == 403
    assert (await client.post(url, json=base)).status_code == 401
    assert (await client.post(url, json=base, headers=other_tenant.write)).status_code == 404
    assert (await client.get(url, headers=other_tenant.read)).status_code == 404
    missing = "/v1/leads/ld_nosuchlead/score-adjustments"
    assert (await client.post(missing, json=base, headers=tenant.write)).status_code == 404
    assert (await client.get(missing, headers=tenant.read)).status_code == 404
    assert (await client.get(url, params={"limit": 0}, headers=tenant.read)).status_code == 422
    assert (await client.get(url, params={"cursor": "nonsense"}, headers=tenant.read)).status_code == 400
    assert (await client.get(url, headers=tenant.read)).json() == {"data": [], "next_cursor": None}
    assert (await get_lead(client, tenant, lead["id"]))["score"] == 0  # nothing was made


# ---- the automations' action ---------------------------------------------------------------------

ADJUST = {"type": "adjust_score", "points": 15, "reason": "At the trade fair", "expires_in_days": 30}


async def test_the_adjust_score_action_adjusts_with_its_run(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    automation = await add_automation(client, tenant, trigger={"event": "fair_visit"}, actions=[ADJUST])
    assert automation["actions"][0]["points"] == 15
    lead = await new_lead(client, tenant, "visitor@acme.com", **CEO_IN_US)
    await post_event(client, tenant, lead["id"], "fair_visit")
    await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, automation["id"])
    assert run["status"] == "fired"
    [result] = run["actions"]
    assert result["status"] == "done", result
    assert result["changes"]["score"] == [35, 50]
    assert result["changes"]["points"] == 15
    after = await get_lead(client, tenant, lead["id"])
    assert (after["score"], after["band"]) == (50, "mql")
    listed = (await client.get(f"/v1/leads/{lead['id']}/score-adjustments", headers=tenant.read)).json()
    [made] = listed["data"]
    assert (made["id"], made["run_id"], made["points"]) == (result["changes"]["adjustment_id"], run["id"], 15)
    assert made["created_by"] == automation["id"]
    # What the action appended carries the run (loop safety and tracing).
    [adjusted] = await events_of(app, tenant, "lead.score_adjusted")
    assert adjusted["caused_by"] == run["id"]
    explained = await breakdown(client, tenant, lead["id"])
    [hit] = [h for h in explained["breakdown"] if h["kind"] == "adjustment"]
    assert hit["evidence"]["run_id"] == run["id"]
    with clock.travel(days=31):
        await sweep_all(app)
        assert (await get_lead(client, tenant, lead["id"]))["score"] == 35


async def test_the_dry_run_says_what_adjust_score_would_do(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "dry@acme.com", **CEO_IN_US)
    inline = {"name": "a", "trigger": {"event": "fair_visit"}, "actions": [ADJUST, {**ADJUST, "points": 100}]}
    body = {"automation": inline, "lead_id": lead["id"], "event": {"type": "fair_visit"}}
    response = await client.post("/v1/automations/preview", json=body, headers=tenant.read)
    assert response.status_code == 200, response.text
    first, second = response.json()["actions"]
    assert (first["status"], first["changes"]["score"], first["changes"]["points"]) == ("would", [35, 50], 15)
    assert first["changes"]["expires_at"] is not None
    assert second["changes"]["score"] == [50, 100]  # on the first's result, clamped to the range
    assert (await get_lead(client, tenant, lead["id"]))["score"] == 35  # nothing stored
    assert await events_of(app, tenant, "lead.score_adjusted") == []


async def test_an_invalid_adjust_score_names_the_node(client: httpx.AsyncClient, tenant: Tenant) -> None:
    cases: list[tuple[Any, str]] = [
        ({**ADJUST, "points": 0}, "actions[0].points"),
        ({**ADJUST, "points": 101}, "actions[0].points"),
        ({**ADJUST, "points": "5"}, "actions[0].points"),
        ({k: v for k, v in ADJUST.items() if k != "reason"}, "actions[0].reason"),
        ({**ADJUST, "reason": "x" * 201}, "actions[0].reason"),
        ({**ADJUST, "expires_in_days": 3651}, "actions[0].expires_in_days"),
        ({**ADJUST, "expires_in_days": 0}, "actions[0].expires_in_days"),
        ({**ADJUST, "score": 5}, "actions[0].score"),
    ]
    for action, field in cases:
        body = {"name": "a", "trigger": {"event": "x"}, "actions": [action]}
        response = await client.post("/v1/automations", json=body, headers=tenant.admin)
        assert response.status_code == 422, (action, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.text)


# ---- plans (PostgreSQL) --------------------------------------------------------------------------


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def test_the_list_reads_its_index_under_a_generic_plan() -> None:
    require_postgres()
    asyncio.run(_list_plan())


async def _list_plan() -> None:
    url = await migrated_pg_database(f"{PG_TEST_DB}_adjustment_plans")
    settings = quiet_settings(url)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(settings, clock=Clock())) as app:
        tenant = await make_tenant(app, "seeded")
    conn = await asyncpg.connect(dsn)
    try:
        await seed_leads(conn, tenant.workspace_id, 10_000, "ld_t")
        await conn.execute(
            "INSERT INTO score_adjustments (id, workspace_id, lead_id, points, reason, event_id, created_at) "
            "SELECT 'sadj_' || lpad(g::text, 9, '0'), $1, 'ld_t' || lpad((g % 10000 + 1)::text, 9, '0'), "
            "5, 'seeded', 'ev_' || g, now() - make_interval(mins => g) FROM generate_series(1, 40000) AS g",
            tenant.workspace_id,
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    keyset = (datetime.now(UTC), "sadj_000000100")
    for before in (None, keyset):
        statement = adjustments_statement(tenant.workspace_id, "ld_t000000007", 51, before)
        compiled = statement.compile(dialect=pg_dialect())  # type: ignore[no-untyped-call]
        args = [compiled.params[key] for key in compiled.positiontup or ()]
        conn = await asyncpg.connect(dsn, server_settings={"plan_cache_mode": "force_generic_plan"})
        try:
            prepared = await conn.prepare(str(compiled))
            types = [t.name for t in prepared.get_parameters()]
            await conn.execute(f"PREPARE listed AS {compiled}")
            literals = ", ".join(
                repr(v)
                if isinstance(v, int)
                else "'" + (v.isoformat() if isinstance(v, datetime) else v) + f"'::{t}"
                for v, t in zip(args, types, strict=True)
            )
            explained = await conn.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE listed({literals})")
        finally:
            await conn.close()
        plan = json.loads(explained)[0]["Plan"]
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "score_adjustments") not in kinds, json.dumps(plan, indent=1)
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(plan, indent=1)
        used = {node.get("Index Name") for node in nodes(plan)}
        assert "ix_score_adjustments_lead_id_created_at_id" in used, json.dumps(plan, indent=1)
