"""Backtests counted in the database (PostgreSQL) answer exactly what the engine answers from the
events: the same figures to the last digit, for a model using every kind of rule (fractional
points, where-conditions on the source and nested properties, counts, windows, per-event points
with caps and decay, decay of the latest event, inactivity, a rule on score adjustments, which
never fires) beside the default model, at creation and at becoming an MQL (score adjustments
counting then). On SQLite both runs take the engine's path. Both databases."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from leadapi.scoring.counting import MAX_COMBINATIONS
from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import EVERY_RULE_KIND_MODEL as MODEL
from tests.factories import move

T = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
LEADS = 60
PATHS = ["/pricing", "/Pricing/teams", "/careers", "/blog", None]
SOURCES = ["ads", "web", None]


def events_of(i: int, lead_id: str) -> list[dict[str, Any]]:
    """A varied history before capture (and a little after), by the lead's number."""
    made: list[dict[str, Any]] = []
    for k in range(i % 7):
        event: dict[str, Any] = {
            "type": "page_view",
            "lead_id": lead_id,
            "occurred_at": (T - timedelta(days=(i * 3 + k * 11) % 50, hours=k, minutes=1)).isoformat(),
        }
        path = PATHS[(i + k) % len(PATHS)]
        if path is not None:
            event["properties"] = {"path": path}
        source = SOURCES[(i * k) % len(SOURCES)]
        if source is not None:
            event["source"] = source
        made.append(event)
    for k in range(i % 9):
        at = T - timedelta(days=(i + k * 7) % 60, minutes=k + 1)
        made.append({"type": "email_click", "lead_id": lead_id, "occurred_at": at.isoformat()})
    for k in range(i % 5):
        at = T - timedelta(days=(i * 5 + k) % 40, minutes=1)
        made.append({"type": "email_open", "lead_id": lead_id, "occurred_at": at.isoformat()})
    if i % 4 == 1:
        kind = "contact" if i % 8 == 1 else "newsletter"
        made.append({"type": "form_submit", "lead_id": lead_id, "properties": {"form": {"kind": kind}},
                     "occurred_at": (T - timedelta(days=2)).isoformat()})  # fmt: skip
    return made


@pytest.fixture(scope="module")
async def world(app: FastAPI, client: httpx.AsyncClient, clock: Clock) -> Tenant:
    tenant = await make_tenant(app, "counted")
    with clock.freeze(T):
        leads = [
            {
                "email": f"c{i}@gmail.com" if i % 5 == 0 else f"c{i}@firm{i}.com",
                "company_size": 50 * (i % 9),
                "title": "VP Sales" if i % 3 == 0 else "Engineer",
                "country": ["US", "DE", "BR"][i % 3],
                "attributes": {"tech_stack": ["python"] if i % 4 == 0 else ["go"]},
            }
            for i in range(LEADS)
        ]
        response = await client.post("/v1/leads/batch", json={"leads": leads}, headers=tenant.write)
        assert response.status_code == 200, response.text
        ids = [r["lead_id"] for r in response.json()["results"]]
        history = [event for i, lead_id in enumerate(ids) for event in events_of(i, lead_id)]
        response = await client.post("/v1/events/batch", json={"events": history}, headers=tenant.write)
        assert response.status_code == 200, response.text
        assert all(r["status"] == "created" for r in response.json()["results"]), response.text[:1500]
        clock.offset = timedelta(days=1)
        later = [  # after capture: not counted at creation; counted at becoming an MQL
            {"type": "email_click", "lead_id": ids[i], "occurred_at": (T + timedelta(hours=20)).isoformat()}
            for i in range(0, LEADS, 6)
        ]
        response = await client.post("/v1/events/batch", json={"events": later}, headers=tenant.write)
        assert response.status_code == 200, response.text
        for i in range(0, LEADS, 4):
            body: dict[str, Any] = {"points": 10 - i % 25, "reason": "met at a fair"} if i % 25 != 10 else {}
            if not body:
                continue
            if i % 8 == 4:
                body["expires_in_days"] = 1
            response = await client.post(
                f"/v1/leads/{ids[i]}/score-adjustments", json=body, headers=tenant.write
            )
            assert response.status_code == 201, response.text
        clock.offset = timedelta(days=1, hours=12)
        for i in range(0, LEADS, 2):
            response = await move(client, tenant, ids[i], to="mql")
            assert response.status_code in (200, 409), response.text  # 409: promoted by its score
        clock.offset = timedelta(days=10)
        for i in range(LEADS):
            if (i % 3 == 0 and i % 7 != 2) or i % 11 == 0:
                response = await move(client, tenant, ids[i], to="customer", amount=100)
                assert response.status_code == 200, response.text
    return tenant


async def both_ways(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any]
) -> list[Any]:
    """The backtest counted in the database (where it can be) and by the engine from the events."""
    flow = app.state.services.backtests
    answers = []
    for counted in (True, False):
        flow.count_in_database = counted
        try:
            response = await client.post("/v1/scoring/backtest", json=body, headers=tenant.read)
        finally:
            flow.count_in_database = True
        assert response.status_code == 200, response.text
        answers.append(response.json())
    return answers


@pytest.mark.parametrize("as_of", ["created", "mql"])
async def test_counted_equals_the_engine(
    app: FastAPI, client: httpx.AsyncClient, world: Tenant, dialect: str, as_of: str
) -> None:
    body = {
        "from": (T - timedelta(hours=1)).isoformat(),
        "to": (T + timedelta(days=5)).isoformat(),
        "model": MODEL,
        "compare_with": (await client.get("/v1/scoring/active", headers=world.read)).json()["id"],
        "as_of": as_of,
        "outcome": {"within_days": 30},
    }
    sent: list[str] = []

    class Sent(logging.Handler):
        def emit(self, entry: logging.LogRecord) -> None:
            sent.append(entry.__dict__["statement"])

    logger, handler = logging.getLogger("leadapi.scoring.repository"), Sent()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        counted, engine = await both_ways(app, client, world, body)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert counted["results"] == engine["results"]
    assert counted["population"]["leads"] == engine["population"]["leads"] > 0
    mine = counted["results"][0]
    fired = {rule["rule_id"]: rule["fired"] for rule in mine["rules"]}
    assert fired["adjusted"] == 0
    assert all(
        fired[rule] > 0 for rule in ("size", "stack", "pricing", "careers", "clicks", "opens", "contact")
    ), fired
    assert 0 < mine["conversions"] < mine["leads"]
    assert any("JOIN events AS e" in statement for statement in sent) == (dialect == "postgresql")


async def test_two_models_alike_the_default_only(
    app: FastAPI, client: httpx.AsyncClient, world: Tenant
) -> None:
    body = {"from": (T - timedelta(hours=1)).isoformat(), "to": (T + timedelta(days=5)).isoformat()}
    counted, engine = await both_ways(app, client, world, body)
    assert counted == {**engine, "population": {**engine["population"], "to": counted["population"]["to"]}}


async def test_too_many_combinations_to_judge_fall_back_to_the_events(
    app: FastAPI, client: httpx.AsyncClient, world: Tenant
) -> None:
    body = {
        "from": (T - timedelta(hours=1)).isoformat(),
        "to": (T + timedelta(days=5)).isoformat(),
        "model": MODEL,
    }
    flow = app.state.services.backtests
    counted, engine = await both_ways(app, client, world, body)
    flow.max_combinations = 1  # the page views' paths and sources are more than that
    try:
        response = await client.post("/v1/scoring/backtest", json=body, headers=world.read)
    finally:
        flow.max_combinations = MAX_COMBINATIONS
    assert response.status_code == 200, response.text
    assert response.json()["results"] == engine["results"] == counted["results"]
