"""Every endpoint against the same bad inputs: no key, missing scope, malformed JSON, wrong
content type, wrong JSON shape, oversized body, another workspace's ids. Each must answer a
problem+json with the right status, and write nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from leadapi.enrichment.models import EnrichmentProvider
from leadapi.events.models import Event
from leadapi.jobs.models import Job
from leadapi.leads.models import Lead
from leadapi.owners.models import Owner
from leadapi.routing.models import Assignment, RoutingRule, RoutingSettings
from leadapi.sla.models import SlaBreach, SlaPolicy
from leadapi.sources.models import Source, SourceSubmission
from leadapi.stages.models import LifecycleSettings, StageChange
from leadapi.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.endpoints import ENDPOINTS, Endpoint, World, fill_path, make_world

WITH_BODY = [e for e in ENDPOINTS if e.body is not None]
WITH_IDS = [e for e in ENDPOINTS if "{" in e.path]
WEAKER = {"read": None, "write": "read", "admin": "write"}


# Batches that validate and answer item by item.
PER_ITEM = ("/batch", "/v1/leads/match")


@pytest.fixture(scope="module")
async def world(app: FastAPI, client: httpx.AsyncClient) -> World:
    """One world per database for the whole matrix: every request here must be refused, and the
    tests that could write check that nothing was written, so no test leaves the next one a
    different world. (Building it is a dozen requests and a job: per test, it was most of the
    matrix's time.)"""
    return await make_world(app, client)


@pytest.fixture(scope="module")
async def other_world(app: FastAPI, client: httpx.AsyncClient) -> World:
    return await make_world(app, client)


def _body(endpoint: Endpoint, ids: dict[str, str]) -> dict[str, Any] | None:
    if endpoint.body is None:
        return None
    return {k: fill_path(v, ids) if isinstance(v, str) else v for k, v in endpoint.body.items()}


async def _counts(app: FastAPI, workspace_id: str) -> dict[str, int]:
    """Rows of every table a request could write, and a fingerprint of the routing state (a
    refused request must not move a rotation, change the setting or the config version)."""
    counts: dict[str, int] = {}
    async with app.state.db.read() as conn:
        for table in (
            Lead, Event, Job, Owner, RoutingRule, Assignment, StageChange, SlaPolicy, SlaBreach,
            WebhookSubscription, WebhookDelivery, Source, SourceSubmission, EnrichmentProvider,
        ):  # fmt: skip
            found = await conn.scalar(
                select(func.count()).select_from(table).where(table.workspace_id == workspace_id)
            )
            counts[table.__tablename__] = int(found or 0)
        routing = (
            await conn.execute(
                select(
                    RoutingSettings.route_on, RoutingSettings.config_version, RoutingSettings.rotations
                ).where(RoutingSettings.workspace_id == workspace_id)
            )
        ).first()
        counts["routing_state"] = hash(repr(None if routing is None else tuple(routing)))
        pipeline = (
            await conn.execute(
                select(LifecycleSettings.version).where(LifecycleSettings.workspace_id == workspace_id)
            )
        ).first()
        counts["pipeline_version"] = 0 if pipeline is None else pipeline[0]
        stages = await conn.execute(
            select(Lead.stage, Lead.owner_id).where(Lead.workspace_id == workspace_id)
        )
        counts["lead_states"] = hash(tuple(sorted(map(tuple, stages))))
        hooks = await conn.execute(
            select(
                WebhookSubscription.secret, WebhookSubscription.active, WebhookSubscription.updated_at
            ).where(WebhookSubscription.workspace_id == workspace_id)
        )
        counts["webhooks_state"] = hash(tuple(sorted(map(tuple, hooks))))
    return counts


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    assert problem["type"].startswith("https://")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_no_key(app: FastAPI, client: httpx.AsyncClient, world: World, endpoint: Endpoint) -> None:
    before = await _counts(app, world.tenant.workspace_id)
    response = await client.request(
        endpoint.method, fill_path(endpoint.path, world.ids), json=_body(endpoint, world.ids)
    )
    _assert_problem(response, 401)
    assert await _counts(app, world.tenant.workspace_id) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if WEAKER[e.scope]], ids=str)
async def test_missing_scope(
    app: FastAPI, client: httpx.AsyncClient, world: World, endpoint: Endpoint
) -> None:
    weaker = getattr(world.tenant, WEAKER[endpoint.scope] or "read")
    before = await _counts(app, world.tenant.workspace_id)
    response = await client.request(
        endpoint.method, fill_path(endpoint.path, world.ids), json=_body(endpoint, world.ids), headers=weaker
    )
    _assert_problem(response, 403)
    assert await _counts(app, world.tenant.workspace_id) == before


@pytest.mark.parametrize("endpoint", WITH_BODY, ids=str)
@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"email": ', "application/json", 400),
        (b"\xff\xfe not utf-8", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b'{"email": "a@acme.com"}', "text/plain", 415),
        (b"email=a%40acme.com", "application/x-www-form-urlencoded", 415),
    ],
)
async def test_bad_bodies(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    endpoint: Endpoint,
    content: bytes,
    content_type: str,
    status: int,
) -> None:
    headers = {**getattr(world.tenant, endpoint.scope), "Content-Type": content_type}
    before = await _counts(app, world.tenant.workspace_id)
    response = await client.request(
        endpoint.method, fill_path(endpoint.path, world.ids), content=content, headers=headers
    )
    _assert_problem(response, status)
    assert await _counts(app, world.tenant.workspace_id) == before


@pytest.mark.parametrize("endpoint", WITH_BODY, ids=str)
async def test_nul_characters_in_the_body_are_refused(
    app: FastAPI, client: httpx.AsyncClient, world: World, endpoint: Endpoint
) -> None:
    body = _body(endpoint, world.ids) or {}
    poisoned = {
        key: (value + "\x00" if isinstance(value, str) else [{"email": "nul\x00@acme.com"}])
        for key, value in body.items()
    }
    before = await _counts(app, world.tenant.workspace_id)
    response = await client.request(
        endpoint.method,
        fill_path(endpoint.path, world.ids),
        json=poisoned,
        headers=getattr(world.tenant, endpoint.scope),
    )
    if endpoint.path.endswith(PER_ITEM):  # each item answers for itself
        assert response.status_code == 200, response.text
        assert response.json()["results"][0]["status"] == "error"
    else:
        _assert_problem(response, 422)
    assert await _counts(app, world.tenant.workspace_id) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_nul_characters_in_the_url_are_refused(
    app: FastAPI, client: httpx.AsyncClient, world: World, endpoint: Endpoint
) -> None:
    headers = getattr(world.tenant, endpoint.scope)
    path = fill_path(endpoint.path, world.ids)
    urls = [path + "?q=%00"]
    if "{lead}" in endpoint.path:
        urls.append(path.replace(world.ids["lead"], world.ids["lead"] + "%00"))
    for url in urls:
        response = await client.request(
            endpoint.method, url, json=_body(endpoint, world.ids), headers=headers
        )
        _assert_problem(response, 400)


@pytest.mark.parametrize("endpoint", WITH_BODY, ids=str)
async def test_oversized_body(
    app: FastAPI, client: httpx.AsyncClient, world: World, endpoint: Endpoint
) -> None:
    limit = app.state.settings.max_body_bytes
    padding = {"note": "x" * (limit + 1)}
    headers = getattr(world.tenant, endpoint.scope)
    response = await client.request(
        endpoint.method,
        fill_path(endpoint.path, world.ids),
        json={**(_body(endpoint, world.ids) or {}), **padding},
        headers=headers,
    )
    _assert_problem(response, 413)


@pytest.mark.parametrize("endpoint", [e for e in WITH_BODY if not e.path.endswith("/batch")], ids=str)
async def test_wrong_types_and_unknown_fields(
    app: FastAPI, client: httpx.AsyncClient, world: World, endpoint: Endpoint
) -> None:
    headers = getattr(world.tenant, endpoint.scope)
    before = await _counts(app, world.tenant.workspace_id)
    body = _body(endpoint, world.ids) or {}
    wrong = dict.fromkeys(body, 12345) | {"no_such_field": True}
    response = await client.request(
        endpoint.method, fill_path(endpoint.path, world.ids), json=wrong, headers=headers
    )
    _assert_problem(response, 422)
    fields = {error["field"] for error in response.json()["errors"]}
    # A scoring model document reports its first bad node only (here: its name).
    assert "no_such_field" in fields or endpoint.path in ("/v1/leads/{lead}/merge", "/v1/scoring/models")
    assert await _counts(app, world.tenant.workspace_id) == before


@pytest.mark.parametrize("endpoint", WITH_IDS, ids=str)
async def test_other_workspace_ids_are_404(
    app: FastAPI, client: httpx.AsyncClient, world: World, other_world: World, endpoint: Endpoint
) -> None:
    mine, theirs = world, other_world
    before = await _counts(app, theirs.tenant.workspace_id)
    headers = getattr(mine.tenant, endpoint.scope)
    response = await client.request(
        endpoint.method, fill_path(endpoint.path, theirs.ids), json=_body(endpoint, mine.ids), headers=headers
    )
    _assert_problem(response, 404)
    assert await _counts(app, theirs.tenant.workspace_id) == before
    # Unknown ids answer exactly the same: nothing tells a foreign id from a missing one.
    missing = {name: value[:-4] + "zzzz" for name, value in mine.ids.items()}
    unknown = await client.request(
        endpoint.method, fill_path(endpoint.path, missing), json=_body(endpoint, mine.ids), headers=headers
    )
    _assert_problem(unknown, 404)
