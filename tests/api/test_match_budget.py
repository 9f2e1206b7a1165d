"""Regular expressions cannot stall a process (issue 18, defect 3), over HTTP on both databases.

RE2 is linear in the input, but with a factor of the compiled program's size once its DFA gives
up (bounded repeats). Patterns are bounded when they are written (length, program size, count
per model), a match reads at most the start of a value, and a preview's whole matching runs off
the event loop under a budget: a preview that would be heavy is a 422 problem, and the other
requests of the same app are served while it runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from leadapi.app import create_app
from leadapi.conditions import MAX_MATCH_INPUT, MAX_PATTERNS, MAX_PROGRAM
from leadapi.config import Settings
from tests.conftest import Clock, Tenant, make_tenant, serving

# About 980 RE2 instructions: just within MAX_PROGRAM, and as slow per character as allowed.
HEAVY = "(a{1,48}){1,10}b"
# About 2,000: RE2's DFA runs out of memory on it, and every search steps through the program.
TOO_COMPLEX = "(a{1,100}){1,10}b"


def model(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "Patterns", "bands": [{"name": "any", "min": None}], "rules": rules}


def behavior(i: int, pattern: str) -> dict[str, Any]:
    where = {"field": "properties.note", "op": "matches", "value": pattern}
    return {"id": f"r{i}", "kind": "behavior", "points": 1, "event": {"type": "note", "where": where}}


def assert_refused(response: httpx.Response, field: str, words: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == field, error
    assert words in error["message"], error


@pytest.mark.parametrize("route", ["/v1/scoring/models", "/v1/scoring/preview"])
async def test_patterns_are_bounded_when_written(
    client: httpx.AsyncClient, tenant: Tenant, route: str
) -> None:
    def send(document: dict[str, Any]) -> Any:
        if route.endswith("preview"):
            return client.post(
                route, json={"lead": {"email": "p@acme.com"}, "model": document}, headers=tenant.read
            )
        return client.post(route, json=document, headers=tenant.admin)

    where = "rules[0].event.where.value"
    assert_refused(await send(model([behavior(0, "a" * 501)])), where, "at most 500 characters")
    assert_refused(await send(model([behavior(0, TOO_COMPLEX)])), where, f"at most {MAX_PROGRAM}")
    # Many small patterns add up: the model's total is bounded too, across its rules.
    many = [behavior(i, f"x{i}") for i in range(MAX_PATTERNS + 1)]
    assert_refused(await send(model(many)), f"rules[{MAX_PATTERNS}].event.where.op", "regular expressions")
    nested = {
        "any": [{"field": "company", "op": "matches", "value": f"c{i}"} for i in range(MAX_PATTERNS + 1)]
    }
    fit = model([{"id": "fit", "kind": "fit", "points": 1, "when": nested}])
    assert_refused(await send(fit), f"rules[0].when.any[{MAX_PATTERNS}].op", "regular expressions")
    within = await send(model([behavior(0, HEAVY), *(behavior(i, f"x{i}") for i in range(1, MAX_PATTERNS))]))
    assert within.status_code in (200, 201), within.text


async def test_routing_rules_bound_their_patterns(client: httpx.AsyncClient, tenant: Tenant) -> None:
    rule = {"name": "r", "position": 1, "strategy": "round_robin", "pool": {"tags": ["x"]}}
    when = {"field": "company", "op": "matches", "value": TOO_COMPLEX}
    response = await client.post("/v1/routing/rules", json={**rule, "when": when}, headers=tenant.admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_match_reads_the_start_of_a_value(client: httpx.AsyncClient, tenant: Tenant) -> None:
    document = model(
        [
            behavior(0, "^a+$"),  # true of the first MAX_MATCH_INPUT characters alone
            {**behavior(1, "b"), "points": 10},  # the b is past what a match reads
        ]
    )
    note = "a" * MAX_MATCH_INPUT + "b"
    body = {
        "lead": {"email": "p@acme.com"},
        "model": document,
        "events": [{"type": "note", "properties": {"note": note}}],
    }
    response = await client.post("/v1/scoring/preview", json=body, headers=tenant.read)
    assert response.status_code == 200, response.text
    assert [hit["rule_id"] for hit in response.json()["breakdown"]] == ["r0"]


async def test_a_heavy_preview_is_stopped(client: httpx.AsyncClient, tenant: Tenant) -> None:
    # 10 patterns at the largest program size, over 120 events' 1,000 characters each: beyond
    # the default budget (LEADAPI_PREVIEW_MATCH_BUDGET) at about the thousandth search.
    body = heavy_preview(patterns=10, events=120)
    response = await client.post("/v1/scoring/preview", json=body, headers=tenant.read)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/match-budget-exceeded")
    # A light preview is untouched by the budget.
    light = {**body, "events": body["events"][:3]}
    assert (await client.post("/v1/scoring/preview", json=light, headers=tenant.read)).status_code == 200


def heavy_preview(patterns: int, events: int) -> dict[str, Any]:
    document = model([behavior(i, HEAVY.replace("b", f"[b-z]{i}")) for i in range(patterns)])
    notes = [{"type": "note", "properties": {"note": "a" * (MAX_MATCH_INPUT - i)}} for i in range(events)]
    return {"lead": {"email": "heavy@acme.com"}, "model": document, "events": notes}


@pytest.fixture
async def cpu_bound_app(settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    """An app whose preview budget is a fifth of a second of CPU (and matching units without end),
    for a preview that runs until that stops it."""
    changes = {"preview_match_budget": 10**15, "preview_cpu_seconds": 0.2, "max_body_bytes": 2 * 1024 * 1024}
    async with serving(create_app(settings.model_copy(update=changes), clock=clock)) as application:
        yield application


async def test_other_requests_are_served_while_a_preview_evaluates(cpu_bound_app: FastAPI) -> None:
    tenant = await make_tenant(cpu_bound_app)
    transport = httpx.ASGITransport(app=cpu_bound_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
        # 50,000 searches of 1,000 characters: several times the CPU budget, were it not stopped.
        body = heavy_preview(patterns=MAX_PATTERNS, events=1000)
        preview = asyncio.create_task(client.post("/v1/scoring/preview", json=body, headers=tenant.read))
        served = 0
        while not preview.done():
            listed = await client.get("/v1/leads", headers=tenant.read)
            assert listed.status_code == 200, listed.text
            served += 1
        response = await preview
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/match-budget-exceeded")
    assert "took too long" in response.json()["detail"]
    # On the event loop, the evaluation would have let none through while it ran.
    assert served >= 5, served
