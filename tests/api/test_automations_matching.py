"""`POST /v1/automations/preview?matching=true`: how many of the workspace's leads the `when` matches
now, counted in SQL, and the same number the condition language gives lead by lead; what SQL cannot
count is a 422 naming the node."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from leadapi.automations.engine import compile_when, when_context
from tests.conftest import Tenant
from tests.factories import add_automation, new_lead

NOTIFY = {"type": "notify", "message": "{{lead.email}}"}
EVENT = {"type": "demo_request", "data": {"plan": "team"}}

US = {"field": "country", "op": "eq", "value": "us"}
VIP = {"field": "tags", "op": "contains", "value": "vip"}
NO_TAGS = {"field": "tags", "op": "empty"}
HAS_COUNTRY = {"field": "country", "op": "exists"}
DEMO = {"field": "event.type", "op": "eq", "value": "demo_request"}
CONDITIONS: list[dict[str, Any]] = [
    {"field": "country", "op": "eq", "value": "us"},
    {"field": "country", "op": "ne", "value": "US"},
    {"field": "country", "op": "in", "value": ["fr", "DE"]},
    {"field": "country", "op": "not_in", "value": ["fr"]},
    {"field": "company", "op": "exists"},
    {"field": "company", "op": "exists", "value": False},
    {"field": "company", "op": "empty"},
    {"field": "email", "op": "contains", "value": "ACME"},
    {"field": "email", "op": "starts_with", "value": "a"},
    {"field": "email", "op": "ends_with", "value": ".io"},
    {"field": "email", "op": "contains", "value": "_"},  # a LIKE wildcard, taken literally
    {"field": "title", "op": "eq", "value": "cto"},
    {"field": "score", "op": "gte", "value": 30},
    {"field": "score", "op": "between", "value": [1, 40]},
    {"field": "score", "op": "eq", "value": 0},
    {"field": "score", "op": "in", "value": [0, 35]},
    {"field": "company_size", "op": "lt", "value": 100},
    {"field": "company_size", "op": "ne", "value": 50},
    {"field": "tags", "op": "contains", "value": "HOT"},
    {"field": "tags", "op": "eq", "value": "cold"},
    {"field": "tags", "op": "contains_any", "value": ["cold", "vip"]},
    {"field": "tags", "op": "exists"},
    {"field": "tags", "op": "empty"},
    {"field": "unsubscribed", "op": "eq", "value": True},
    {"field": "unsubscribed", "op": "ne", "value": True},
    {"field": "band", "op": "eq", "value": "not_ready"},
    {"field": "created_at", "op": "gte", "value": "2000-01-01T00:00:00Z"},
    {"field": "created_at", "op": "lt", "value": "2000-01-01T00:00:00Z"},
    {"not": {"field": "country", "op": "eq", "value": "us"}},  # leads without a country too
    {"not": {"field": "company_size", "op": "gt", "value": 10}},
    {"any": [US_FR := {"field": "country", "op": "eq", "value": "fr"}, VIP]},
    {"all": [{"field": "email", "op": "contains", "value": "acme"}, {"not": NO_TAGS}]},
    {"all": [DEMO, US]},
    {"all": [{"field": "event.properties.plan", "op": "eq", "value": "pro"}, HAS_COUNTRY]},
    {"any": [DEMO, US]},
    {"any": [{"not": DEMO}, US_FR]},
]  # fmt: skip


async def seed(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = [
        {"email": "ada@acme.com", "country": "US", "company": "Acme", "tags": ["hot"], "title": "CTO"},
        {"email": "bob@acme.com", "country": "us", "company_size": 50, "tags": ["Cold", "vip"]},
        {"email": "cy@beta.io", "country": "FR", "company_size": 500, "unsubscribed": True},
        {"email": "di_x@gamma.io", "country": "DE", "tags": []},
        {"email": "eve@delta.com", "company": "Delta", "company_size": 5, "unsubscribed": False},
        {"email": "axe@epsilon.com"},
    ]
    for body in bodies:
        await new_lead(client, tenant, **body)
    listed = await client.get("/v1/leads", params={"limit": 200}, headers=tenant.read)
    assert listed.status_code == 200, listed.text
    leads: list[dict[str, Any]] = listed.json()["data"]
    assert len(leads) == len(bodies)
    return leads


async def preview(
    client: httpx.AsyncClient, tenant: Tenant, automation: Any, **params: Any
) -> httpx.Response:
    body = {"automation": automation, "lead": {"email": "sketch@acme.com"}, "event": EVENT}
    return await client.post("/v1/automations/preview", params=params, json=body, headers=tenant.read)


def inline(when: Any) -> dict[str, Any]:
    return {"name": "count", "trigger": {"event": "demo_request"}, "when": when, "actions": [NOTIFY]}


async def test_the_count_is_the_condition_languages_lead_by_lead(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    leads = await seed(client, tenant)
    await new_lead(client, other_tenant, "theirs@acme.com", country="US")  # never counted here
    event = {"type": EVENT["type"], "properties": EVENT["data"], "data": EVENT["data"]}
    for when in CONDITIONS:
        predicate = compile_when(when)
        expected = sum(1 for lead in leads if predicate(when_context(lead, event)))
        response = await preview(client, tenant, inline(when), matching="true")
        assert response.status_code == 200, (when, response.text)
        assert response.json()["matching"] == expected, when
    # Some conditions are true of some leads only: the comparison above is not vacuous.
    counts = {
        (await preview(client, tenant, inline(w), matching="true")).json()["matching"] for w in CONDITIONS
    }
    assert len(counts) > 3


async def test_a_stored_automation_and_no_condition(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await seed(client, tenant)
    stored = await add_automation(
        client, tenant, trigger={"event": "demo_request"}, when=CONDITIONS[0], actions=[NOTIFY]
    )
    answer = await preview(client, tenant, stored["id"], matching="true")
    assert answer.status_code == 200, answer.text
    assert answer.json()["matching"] == 2  # US and us
    everyone = await preview(client, tenant, inline(None), matching="true")
    assert everyone.json()["matching"] == 6
    plain = await preview(client, tenant, stored["id"])
    assert plain.status_code == 200
    assert plain.json()["matching"] is None  # not asked: not counted


@pytest.mark.parametrize(
    ("when", "field"),
    [
        ({"field": "attributes.plan", "op": "eq", "value": "pro"}, "automation.when.field"),
        ({"all": [{"field": "country", "op": "exists"}, {"field": "email", "op": "matches", "value": "^a"}]},
         "automation.when.all[1].op"),
        ({"field": "company", "op": "eq", "value": "Müller"}, "automation.when.value"),
        ({"field": "created_at", "op": "gt", "value": 5}, "automation.when.value"),
        ({"not": {"field": "score", "op": "contains", "value": "3"}}, "automation.when.not.op"),
    ],
)  # fmt: skip
async def test_what_sql_cannot_count_is_a_422_naming_the_node(
    client: httpx.AsyncClient, tenant: Tenant, when: dict[str, Any], field: str
) -> None:
    response = await preview(client, tenant, inline(when), matching="true")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert (await preview(client, tenant, inline(when))).status_code == 200  # the dry run alone is fine


async def test_a_bad_matching_value_is_a_problem(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await preview(client, tenant, inline(None), matching="maybe")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
