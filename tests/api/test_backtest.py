"""Backtests over HTTP: every figure against a reference worked out here, in plain Python, from the
leads the test made (scores from the rules' points by hand, AUC by the rank formula, Wilson
intervals by their formula); a second model on the same leads; the MQL reference; the job a large
workspace gets; bad input. Both databases."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from mcp import Client

from leadapi.jobs.loop import run_job
from leadapi.mcp.server import build_server, key_authenticator
from tests.conftest import Clock, Tenant, make_tenant
from tests.endpoints import text_of
from tests.factories import move
from tests.reference import rank_auc

T = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
LEADS = 40
TEST_MODEL: dict[str, Any] = {
    "name": "test model",
    "score_range": {"min": 0, "max": 100},
    "bands": [{"name": "sql", "min": 75}, {"name": "mql", "min": 40}, {"name": "not_ready", "min": None}],
    "rules": [
        {
            "id": "big",
            "kind": "fit",
            "points": 30,
            "when": {"field": "company_size", "op": "gte", "value": 200},
        },
        {
            "id": "exec",
            "kind": "fit",
            "points": 25,
            "when": {"field": "seniority", "op": "in", "value": ["c_level", "vp"]},
        },
        {
            "id": "free",
            "kind": "fit",
            "points": -20,
            "when": {"field": "is_free_email", "op": "eq", "value": True},
        },
        {"id": "demo", "kind": "behavior", "points": 40, "event": {"type": "demo_request"}},
    ],
}
MQL_OR_LATER = {"mql", "sql", "accepted", "opportunity", "customer"}


def big(i: int) -> bool:
    return i % 2 == 0


def executive(i: int) -> bool:
    return i % 3 == 0


def free(i: int) -> bool:
    return i % 5 == 0


def demo_before(i: int) -> bool:
    return i % 4 == 0


def converted(i: int) -> bool:
    """Won within the horizon: mostly the strong leads, not only them."""
    strong = big(i) + executive(i) + demo_before(i) - free(i)
    return (strong >= 2 and i % 7 != 3) or i in (5, 11)


LATE = 1  # won, but after the horizon: not a conversion


def expected_score(i: int) -> int:
    total = 30 * big(i) + 25 * executive(i) - 20 * free(i) + 40 * demo_before(i)
    return max(0, min(100, total))


def band(score: int) -> str:
    return "sql" if score >= 75 else "mql" if score >= 40 else "not_ready"


def wilson(successes: int, trials: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return centre - half, centre + half


def top_decile(scores: list[int], outcomes: list[bool]) -> float:
    places = math.ceil(len(scores) / 10)
    ordered = sorted(scores, reverse=True)
    cut = ordered[places - 1]
    above = [o for s, o in zip(scores, outcomes, strict=True) if s > cut]
    tied = [o for s, o in zip(scores, outcomes, strict=True) if s == cut]
    in_top = sum(above) + (places - len(above)) * sum(tied) / len(tied)
    return (in_top / places) / (sum(outcomes) / len(outcomes))


@dataclass
class World:
    tenant: Tenant
    lead_ids: list[str]  # index i: lead i


async def _batch(
    client: httpx.AsyncClient, tenant: Tenant, path: str, key: str, items: list[Any]
) -> list[Any]:
    response = await client.post(path, json={key: items}, headers=tenant.write)
    assert response.status_code == 200, response.text
    results: list[Any] = response.json()["results"]
    assert all(r["status"] == "created" for r in results), results
    return results


@pytest.fixture(scope="module")
async def world(app: FastAPI, client: httpx.AsyncClient, clock: Clock) -> World:
    tenant = await make_tenant(app, "backtest")
    with clock.freeze(T):
        leads = [
            {
                "email": f"p{i}@gmail.com" if free(i) else f"p{i}@acme{i}.com",
                "company_size": 500 if big(i) else 20,
                "title": "VP Sales" if executive(i) else "Engineer",
                "country": "US",
            }
            for i in range(LEADS)
        ]
        made = await _batch(client, tenant, "/v1/leads/batch", "leads", leads)
        ids = [r["lead_id"] for r in made]
        before = [
            {"type": "demo_request", "lead_id": ids[i], "occurred_at": (T - timedelta(days=1)).isoformat()}
            for i in range(LEADS)
            if demo_before(i)
        ]
        await _batch(client, tenant, "/v1/events/batch", "events", before)
        # Leads made a month later: outside the range the tests ask for.
        clock.advance(days=30)
        await _batch(
            client, tenant, "/v1/leads/batch", "leads", [{"email": f"late{i}@acme.com"} for i in range(5)]
        )
        clock.offset = timedelta(days=1)
        # A demo request after capture does not count at capture time.
        after = [{"type": "demo_request", "lead_id": ids[i]} for i in range(LEADS) if i % 7 == 1]
        await _batch(client, tenant, "/v1/events/batch", "events", after)
        clock.offset = timedelta(days=10)
        for i in range(LEADS):
            if converted(i):
                response = await move(client, tenant, ids[i], to="customer", amount=100)
                assert response.status_code == 200, response.text
        clock.offset = timedelta(days=100)
        assert not converted(LATE)
        response = await move(client, tenant, ids[LATE], to="customer")
        assert response.status_code == 200, response.text
    return World(tenant, ids)


RANGE = {"from": (T - timedelta(hours=1)).isoformat(), "to": (T + timedelta(days=1)).isoformat()}


async def backtest(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/scoring/backtest", json={**RANGE, **body}, headers=tenant.read)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_figures_equal_a_reference_worked_out_by_hand(client: httpx.AsyncClient, world: World) -> None:
    answer = await backtest(client, world.tenant, model=TEST_MODEL, outcome={"within_days": 90})
    scores = [expected_score(i) for i in range(LEADS)]
    outcomes = [converted(i) for i in range(LEADS)]
    population = answer["population"]
    assert population["leads"] == LEADS
    assert population["outcome_stages"] == ["customer"]
    [result] = answer["results"]
    assert result["model"] == {"id": None, "version": None, "name": "test model"}
    assert result["leads"] == LEADS
    assert result["conversions"] == sum(outcomes)
    assert result["auc"] == pytest.approx(rank_auc(scores, outcomes), abs=1e-12)
    assert result["top_decile_lift"] == pytest.approx(top_decile(scores, outcomes), abs=1e-12)
    assert result["mean_score"] == pytest.approx(sum(scores) / LEADS)
    for row in result["bands"]:
        members = [o for s, o in zip(scores, outcomes, strict=True) if band(s) == row["band"]]
        assert (row["leads"], row["conversions"]) == (len(members), sum(members)), row
        if members:
            assert (row["rate_low"], row["rate_high"]) == pytest.approx(wilson(sum(members), len(members)))
    for index, row in enumerate(result["calibration"]):
        members = [o for s, o in zip(scores, outcomes, strict=True) if min(s // 10, 9) == index]
        assert (row["score_from"], row["score_to"]) == (index * 10, index * 10 + 10)
        assert (row["leads"], row["conversions"]) == (len(members), sum(members)), row
    fired_by = {"big": big, "exec": executive, "free": free, "demo": demo_before}
    assert [row["rule_id"] for row in result["rules"]] == ["big", "exec", "free", "demo"]
    for row in result["rules"]:
        fired = [converted(i) for i in range(LEADS) if fired_by[row["rule_id"]](i)]
        rest = [converted(i) for i in range(LEADS) if not fired_by[row["rule_id"]](i)]
        assert row["fired"] == len(fired)
        assert row["with_rule"]["conversions"] == sum(fired)
        assert row["without_rule"]["conversions"] == sum(rest)
        assert row["with_rule"]["rate"] == pytest.approx(sum(fired) / len(fired))
        low, high = wilson(sum(fired), len(fired))
        assert (row["with_rule"]["rate_low"], row["with_rule"]["rate_high"]) == pytest.approx((low, high))
        assert row["lift"] == pytest.approx((sum(fired) / len(fired)) / (sum(rest) / len(rest)))


async def test_a_shorter_horizon_and_another_stage(client: httpx.AsyncClient, world: World) -> None:
    # Won after 10 days: not within 5. The late one (day 100) counts within 120.
    short = await backtest(client, world.tenant, model=TEST_MODEL, outcome={"within_days": 5})
    assert short["results"][0]["conversions"] == 0
    assert short["results"][0]["auc"] is None
    long = await backtest(client, world.tenant, model=TEST_MODEL, outcome={"within_days": 120})
    assert long["results"][0]["conversions"] == sum(converted(i) for i in range(LEADS)) + 1
    lost = await backtest(client, world.tenant, model=TEST_MODEL, outcome={"stage": "disqualified"})
    assert lost["population"]["outcome_stages"] == ["disqualified"]
    assert lost["results"][0]["conversions"] == 0


async def test_two_models_on_the_same_leads(client: httpx.AsyncClient, world: World) -> None:
    active = (await client.get("/v1/scoring/active", headers=world.tenant.read)).json()
    answer = await backtest(client, world.tenant, model=TEST_MODEL, compare_with=active["id"])
    mine, theirs = answer["results"]
    assert theirs["model"] == {"id": active["id"], "version": active["version"], "name": active["name"]}
    assert mine["leads"] == theirs["leads"] == LEADS
    assert mine["conversions"] == theirs["conversions"]
    # The default model: VPs 20, a company of 50-5000 5, free mail -10, a target country 15, a demo
    # request 50.
    scores = [
        max(0, 20 * executive(i) + 5 * big(i) - 10 * free(i) + 15 + 50 * demo_before(i)) for i in range(LEADS)
    ]
    outcomes = [converted(i) for i in range(LEADS)]
    assert theirs["auc"] == pytest.approx(rank_auc(scores, outcomes), abs=1e-12)
    # The active model by default.
    default = await backtest(client, world.tenant)
    assert default["results"][0]["model"]["id"] == active["id"]


async def test_the_mql_reference(client: httpx.AsyncClient, world: World) -> None:
    answer = await backtest(
        client, world.tenant, as_of="mql", **{"from": T.isoformat(), "to": "2025-12-01T00:00:00Z"}
    )
    expected = 0
    for lead_id in world.lead_ids:
        moves = (await client.get(f"/v1/leads/{lead_id}/stages", headers=world.tenant.read)).json()["data"]
        expected += any(m["to_stage"] in MQL_OR_LATER for m in moves)
    assert 0 < answer["population"]["leads"] == expected


async def test_a_large_workspace_gets_a_job(app: FastAPI, client: httpx.AsyncClient, world: World) -> None:
    inline = await backtest(client, world.tenant, model=TEST_MODEL)
    flow = app.state.services.backtests
    saved, flow.inline_leads = flow.inline_leads, LEADS - 1
    try:
        response = await client.post(
            "/v1/scoring/backtest", json={**RANGE, "model": TEST_MODEL}, headers=world.tenant.read
        )
    finally:
        flow.inline_leads = saved
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert job["kind"] == "scoring.backtest"
    while await run_job(app.state.db, app.state.jobs):
        pass
    done = (await client.get(f"/v1/jobs/{job['id']}", headers=world.tenant.read)).json()
    assert done["status"] == "succeeded", done
    assert done["result"]["results"] == inline["results"]
    assert done["result"]["population"]["leads"] == inline["population"]["leads"]


async def test_suggest_needs_outcomes(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/v1/scoring/suggest", json={**RANGE, "model": TEST_MODEL}, headers=world.tenant.read
    )
    assert response.status_code == 422, response.text
    assert "conversions" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": {"within_days": 0}}, "outcome.within_days"),
        ({"outcome": {"within_days": "90"}}, "outcome.within_days"),
        ({"outcome": {"stage": "nope"}}, "outcome.stage"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"from": "2025-06-02T00:00:00Z", "to": "2025-06-01T00:00:00Z"}, ""),
        ({"from": "not a date"}, "from"),
        ({"model": {"name": "x", "rules": []}}, "model.bands"),
        ({"compare_with": {"name": "x"}}, "compare_with."),
        ({"model": "x" * 65}, "model"),
        ({"unknown": 1}, "unknown"),
        ({"compare_with": 5}, "compare_with"),
    ],
)
async def test_bad_input(client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any], field: str) -> None:
    response = await client.post("/v1/scoring/backtest", json=body, headers=tenant.read)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"].startswith(field) for e in problem["errors"]), problem


async def test_other_workspaces_models_and_malformed_json(
    client: httpx.AsyncClient, tenant: Tenant, app: FastAPI
) -> None:
    other = await make_tenant(app, "other")
    theirs = (await client.get("/v1/scoring/active", headers=other.read)).json()
    for path in ("/v1/scoring/backtest", "/v1/scoring/suggest"):
        response = await client.post(path, json={"model": theirs["id"]}, headers=tenant.read)
        assert response.status_code == 404, response.text
        response = await client.post(
            path, content=b"{", headers={**tenant.read, "content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        response = await client.post(path, json={})
        assert response.status_code == 401, response.text
    response = await client.post(
        "/v1/scoring/suggest", json={"compare_with": theirs["id"]}, headers=tenant.read
    )
    assert response.status_code == 422, response.text


async def test_nothing_in_range(client: httpx.AsyncClient, tenant: Tenant) -> None:
    answer = await backtest(client, tenant)
    assert answer["population"]["leads"] == 0
    [result] = answer["results"]
    assert (result["leads"], result["auc"], result["top_decile_lift"], result["calibration"]) == (
        0,
        None,
        None,
        [],
    )


async def test_the_mcp_tool_answers_as_rest_does(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    services = app.state.services
    secret = world.tenant.read["Authorization"].removeprefix("Bearer ")
    rest = await backtest(client, world.tenant, model=TEST_MODEL, as_of="created")
    async with Client(build_server(services, key_authenticator(services, secret))) as mcp:
        result = await mcp.call_tool(
            "backtest_model", {"model": TEST_MODEL, "since": RANGE["from"], "until": RANGE["to"]}
        )
        assert not result.is_error, text_of(result)
        assert result.structured_content == rest
        refused = await mcp.call_tool("backtest_model", {"model": "sm_nope"})
        assert refused.is_error
        assert json.loads(text_of(refused).split(": ", 1)[1])["status"] == 404
