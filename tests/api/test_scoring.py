"""Scoring models and previews over HTTP, on both databases."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import pytest

from leadapi.scoring.defaults import DEFAULT_MODEL
from tests.conftest import Tenant
from tests.factories import SIMPLE


async def test_a_workspace_starts_with_the_default_model(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.get("/v1/scoring/active", headers=tenant.read)
    assert response.status_code == 200, response.text
    active = response.json()
    assert active["id"].startswith("sm_")
    assert (active["version"], active["name"], active["active"]) == (1, "B2B default", True)
    assert active["document"] == DEFAULT_MODEL
    assert (await client.get("/v1/scoring/active", headers=tenant.read)).json()["id"] == active["id"]


async def test_concurrent_first_use_creates_one_default(
    postgres_only: None, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    responses = await asyncio.gather(
        *(client.get("/v1/scoring/active", headers=tenant.read) for _ in range(10))
    )
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["id"] for r in responses}) == 1
    listed = (await client.get("/v1/scoring/models", headers=tenant.read)).json()["data"]
    assert [m["version"] for m in listed] == [1]


async def test_create_get_and_list_versions(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    created = await client.post("/v1/scoring/models", json=SIMPLE, headers=tenant.admin)
    assert created.status_code == 201, created.text
    model = created.json()
    assert (model["version"], model["active"], model["name"]) == (2, False, "Simple")
    assert created.headers["location"] == f"/v1/scoring/models/{model['id']}"
    fetched = await client.get(f"/v1/scoring/models/{model['id']}", headers=tenant.read)
    assert fetched.json()["document"] == SIMPLE
    page = (await client.get("/v1/scoring/models", params={"limit": 1}, headers=tenant.read)).json()
    assert [m["version"] for m in page["data"]] == [2]
    rest = (
        await client.get(
            "/v1/scoring/models", params={"limit": 1, "cursor": page["next_cursor"]}, headers=tenant.read
        )
    ).json()
    assert [m["version"] for m in rest["data"]] == [1]
    assert rest["next_cursor"] is None
    assert (
        await client.get(f"/v1/scoring/models/{model['id']}", headers=other_tenant.read)
    ).status_code == 404
    assert (await client.post("/v1/scoring/models", json=SIMPLE, headers=tenant.write)).status_code == 403


def _broken(change: Any) -> dict[str, Any]:
    model = copy.deepcopy(SIMPLE)
    change(model)
    return model


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_broken(lambda m: m["rules"][0]["when"].update(op="like")), "rules[0].when.op"),
        (_broken(lambda m: m["rules"][1].update(kind="vibes")), "rules[1].kind"),
        (_broken(lambda m: m.pop("bands")), "bands"),
        (_broken(lambda m: m["rules"][0]["when"].update(value="a\x00b")), "rules[0].when.value"),
        ([], "body"),
    ],
)
async def test_invalid_models_are_422_with_the_path(
    client: httpx.AsyncClient, tenant: Tenant, body: Any, field: str
) -> None:
    response = await client.post("/v1/scoring/models", json=body, headers=tenant.admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    listed = (await client.get("/v1/scoring/models", headers=tenant.read)).json()["data"]
    assert [m["version"] for m in listed] == [1]


async def test_nan_in_a_model_is_refused(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = b'{"name": "x", "bands": [{"name": "a", "min": null}], "rules": [{"id": "r", "kind": "fit", '
    body += b'"points": 1, "when": {"field": "score", "op": "gt", "value": NaN}}]}'
    response = await client.post(
        "/v1/scoring/models", content=body, headers={**tenant.admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text


async def test_preview_inline_lead_and_events(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = {
        "lead": {"email": "cto@acme.io", "title": "CTO", "country": "US"},
        "events": [{"type": "demo_request"}, {"type": "page_view", "properties": {"path": "/pricing/teams"}}],
    }
    response = await client.post("/v1/scoring/preview", json=body, headers=tenant.read)
    assert response.status_code == 200, response.text
    out = response.json()
    fired = {hit["rule_id"]: hit["points"] for hit in out["breakdown"]}
    assert fired == {"executive": 20, "target_geography": 15, "demo_request": 50, "pricing_page": 15}
    assert (out["score"], out["band"]) == (100, "sql")
    assert out["model"]["name"] == "B2B default"
    draft = await client.post("/v1/scoring/preview", json={**body, "model": SIMPLE}, headers=tenant.read)
    assert draft.json()["score"] == 70
    assert draft.json()["band"] == "hot"
    assert draft.json()["model"] == {"id": None, "version": None, "name": "Simple"}
    # Nothing was stored.
    assert (await client.get("/v1/leads", headers=tenant.read)).json()["data"] == []


async def test_preview_a_stored_lead(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    lead = (
        await client.post("/v1/leads", json={"email": "p@acme.io", "title": "VP Sales"}, headers=tenant.write)
    ).json()
    event = (
        await client.post(
            f"/v1/leads/{lead['id']}/events", json={"type": "webinar_attended"}, headers=tenant.write
        )
    ).json()
    out = (await client.post("/v1/scoring/preview", json={"lead_id": lead["id"]}, headers=tenant.read)).json()
    hits = {hit["rule_id"]: hit for hit in out["breakdown"]}
    assert hits["webinar"]["evidence"] == {"count": 1, "event_ids": [event["id"]]}
    assert hits["executive"]["evidence"] == {"fields": {"seniority": "vp"}}
    assert out["score"] == 50
    assert out["band"] == "mql"
    foreign = await client.post(
        "/v1/scoring/preview", json={"lead_id": lead["id"]}, headers=other_tenant.read
    )
    assert foreign.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lead_id": "ld_x", "lead": {"email": "a@b.co"}},
        {"lead": {"email": "not-an-email"}},
        {"lead": {}, "events": [{"type": "lead.created"}]},
        {"lead": {}, "model": {"name": "x"}},
    ],
)
async def test_preview_bad_input(client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any]) -> None:
    response = await client.post("/v1/scoring/preview", json=body, headers=tenant.read)
    assert response.status_code == 422, response.text
