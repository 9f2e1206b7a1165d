"""The OpenAPI document and the behaviour agree, for every operation the document lists.

The cases are generated from the app's own document: every boolean, integer and number query
parameter is sent non-canonical values (`yes`, `12abc`, ` 12`...), every scalar query parameter
is sent twice and as `name[]`, every enumerated parameter a non-member, and every field of every
PATCH body is sent null (accepted where the schema says nullable, refused where it does not).
Bodies are strict: `"yes"` is no boolean and `"12"` no integer.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from leadapi.api.params import QuerySpec, query_errors
from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.reports.engine import GROUP_BYS
from tests.conftest import Tenant
from tests.endpoints import PATH_IDS, World, make_world

Json = dict[str, Any]

DOCUMENT: Json = create_app(
    Settings(database_url="sqlite+aiosqlite://", bootstrap=False, mcp_enabled=False, _env_file=None)
).openapi()


def _schema(ref_or_schema: Json) -> Json:
    ref = ref_or_schema.get("$ref")
    return DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else ref_or_schema


def _branches(schema: Json) -> list[Json]:
    """The alternatives of a parameter's schema, references resolved."""
    return [_schema(branch) for branch in schema.get("anyOf", [schema])]


def _types(schema: Json) -> set[str]:
    return {b.get("type", "") for b in _branches(schema)}


def _operations() -> list[tuple[str, str, Json]]:
    return [
        (method.upper(), path, operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if path.startswith("/v1/") and not path.startswith("/v1/hooks/")
    ]


def _query_params(kinds: set[str]) -> list[Any]:
    return [
        pytest.param(method, path, param, id=f"{method} {path} {param['name']}")
        for method, path, operation in _operations()
        for param in operation.get("parameters", [])
        if param["in"] == "query" and _types(param["schema"]) & kinds
    ]


def _enum_params() -> list[Any]:
    found = []
    for method, path, operation in _operations():
        for param in operation.get("parameters", []):
            enums = [b["enum"] for b in _branches(param["schema"]) if "enum" in b]
            if param["in"] == "query" and enums:
                found.append(pytest.param(method, path, param["name"], id=f"{method} {path} {param['name']}"))
    return found


def _patch_fields() -> list[Any]:
    found = []
    for method, path, operation in _operations():
        if method != "PATCH":
            continue
        body = _schema(operation["requestBody"]["content"]["application/json"]["schema"])
        for name, schema in body["properties"].items():
            nullable = "null" in _types(schema)
            found.append(pytest.param(path, name, nullable, id=f"{path} {name}"))
    return found


@pytest.fixture(scope="module")
async def world(app: FastAPI, client: httpx.AsyncClient) -> World:
    """Ids of one of everything; the lead also has a phone and an external id, so clearing any
    one of its keys leaves it identifiable."""
    built = await make_world(app, client)
    changed = await client.patch(
        f"/v1/leads/{built.ids['lead']}",
        json={"phone": "+14155550100", "external_ids": {"crm": "1"}},
        headers=built.tenant.admin,
    )
    assert changed.status_code == 200, changed.text
    return built


def _url(path: str, world: World) -> str:
    for name, key in PATH_IDS.items():
        path = path.replace("{" + name + "}", world.ids[key])
    assert "{" not in path, path
    return path


def _body(method: str, path: str) -> Json | None:
    # Any JSON object: the query is refused before the body is looked at.
    return {} if method in ("POST", "PUT", "PATCH") else None


def _is_problem(response: httpx.Response, status: int, slug: str | None = None) -> Json:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: Json = response.json()
    if slug is not None:
        assert body["type"].endswith("/" + slug), body
    return body


# ---- query strings --------------------------------------------------------------------------

NON_CANONICAL = {
    "boolean": ["yes", "1", "on", "True", "t", ""],
    "integer": ["12abc", "12.0", " 12", "1_0", "١٢", "0x10", ""],
    "number": ["1e", "nan", "inf", " 1", "1,5", ""],
}


@pytest.mark.parametrize(("method", "path", "param"), _query_params({"boolean", "integer", "number"}))
async def test_booleans_and_numbers_in_queries_are_canonical(
    client: httpx.AsyncClient, world: World, method: str, path: str, param: Json
) -> None:
    kind = next(k for k in ("boolean", "integer", "number") if k in _types(param["schema"]))
    for value in NON_CANONICAL[kind]:
        response = await client.request(
            method,
            _url(path, world),
            params={param["name"]: value},
            json=_body(method, path),
            headers=world.tenant.admin,
        )
        body = _is_problem(response, 422, "validation-error")
        assert [e["field"] for e in body["errors"]] == [param["name"]], (value, body)


def _valid(param: Json) -> str:
    schema = next(b for b in _branches(param["schema"]) if b.get("type") != "null")
    if "enum" in schema:
        return str(schema["enum"][0])
    return {"boolean": "false", "integer": str(schema.get("minimum", 1)), "number": "0"}.get(
        schema.get("type", ""), "x"
    )


@pytest.mark.parametrize(
    ("method", "path", "param"), _query_params({"boolean", "integer", "number", "string"})
)
async def test_a_scalar_query_parameter_given_twice_or_as_a_list_is_malformed(
    client: httpx.AsyncClient, world: World, method: str, path: str, param: Json
) -> None:
    name: str = param["name"]
    value = _valid(param)
    twice = httpx.QueryParams([(name, value), (name, value)])
    for query in (twice, httpx.QueryParams({name + "[]": value})):
        response = await client.request(
            method,
            _url(path, world),
            params=query,
            json=_body(method, path),
            headers=world.tenant.admin,
        )
        body = _is_problem(response, 400, "bad-query")
        assert [e["field"] for e in body["errors"]] == list(query.keys())


async def test_canonical_values_still_work(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for query in ("limit=1", "limit=-1", "limit=200"):
        status = (await client.get(f"/v1/leads?{query}", headers=tenant.read)).status_code
        assert status == (422 if query == "limit=-1" else 200), query
    created = await client.post(
        "/v1/leads?overwrite=false", json={"email": "c@acme.com"}, headers=tenant.write
    )
    assert created.status_code == 201, created.text
    merged = await client.post(
        "/v1/leads?overwrite=true", json={"email": "c@acme.com", "city": "Oslo"}, headers=tenant.write
    )
    assert merged.status_code == 200
    assert merged.json()["city"] == "Oslo"
    assert (await client.get("/v1/events?wait=0.0&after=0", headers=tenant.read)).status_code == 200


async def test_list_filters_may_repeat_but_not_as_lists(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """Filters are not declared parameters: `tags[contains]` twice is two filters (both hold)."""
    for email, tags in (("ab@acme.com", ["a", "b"]), ("a@acme.com", ["a"])):
        await client.post("/v1/leads", json={"email": email, "tags": tags}, headers=tenant.write)
    both = await client.get("/v1/leads?tags[contains]=a&tags[contains]=b", headers=tenant.read)
    assert [lead["email"] for lead in both.json()["data"]] == ["ab@acme.com"]
    _is_problem(await client.get("/v1/leads?tags[]=a", headers=tenant.read), 400, "bad-query")


async def test_the_key_is_checked_before_the_query(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """Who are you, then may you, then what did you send: 401, 403, then 400/422."""
    _is_problem(await client.get("/v1/leads?limit=yes"), 401)
    _is_problem(await client.get("/v1/leads?limit=1&limit=2", headers={"X-API-Key": "lk_nope"}), 401)
    _is_problem(
        await client.post("/v1/leads?overwrite=yes", json={"email": "x@acme.com"}, headers=tenant.read), 403
    )
    _is_problem(await client.get("/v1/api-keys?limit=1&limit=1", headers=tenant.write), 403)
    _is_problem(await client.get("/v1/api-keys?limit=1&limit=1", headers=tenant.admin), 400, "bad-query")


async def test_inbound_form_hooks_take_queries_as_providers_send_them(client: httpx.AsyncClient) -> None:
    """Form providers are not our clients: their query strings are not held to our contract."""
    response = await client.post("/v1/hooks/src_nobody?a=1&a=2&b[]=3", json={"email": "h@acme.com"})
    _is_problem(response, 404)


def test_array_parameters_may_repeat() -> None:
    """No route declares an array query parameter yet; the check lets one repeat when one does."""
    spec = QuerySpec({"ids": "array", "limit": "int"}, ())
    assert query_errors([("ids", "a"), ("ids", "b"), ("limit", "3")], spec) is None
    problem = query_errors([("ids[]", "a")], spec)
    assert problem is not None
    assert problem.status == 400


@pytest.mark.parametrize(("method", "path", "name"), _enum_params())
async def test_enumerated_parameters_refuse_non_members(
    client: httpx.AsyncClient, world: World, method: str, path: str, name: str
) -> None:
    response = await client.request(
        method,
        _url(path, world),
        params={name: "not-a-member"},
        json=_body(method, path),
        headers=world.tenant.admin,
    )
    body = _is_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == [name]


def test_enumerated_parameters_are_declared_as_enums() -> None:
    for method, path, operation in _operations():
        for param in operation.get("parameters", []):
            if param["name"] in ("group_by", "status"):
                enums = [b["enum"] for b in _branches(param["schema"]) if "enum" in b]
                assert enums, f"{method} {path} {param['name']} is a free string"
                if param["name"] == "group_by":
                    assert enums == [list(GROUP_BYS)]


def test_metrics_is_declared_as_text() -> None:
    content = DOCUMENT["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["text/plain"]


async def test_metrics_answers_text(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")


# ---- bodies ---------------------------------------------------------------------------------


async def _stored(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> Any:
    """The resource as stored: its own GET, or its entry in the collection where it has none."""
    response = await client.get(url, headers=headers)
    if response.status_code != 405:
        return response.json()
    collection, _, item_id = url.rpartition("/")
    listing = (await client.get(collection, headers=headers)).json()
    return next(item for item in listing["data"] if item["id"] == item_id)


@pytest.mark.parametrize(("path", "name", "nullable"), _patch_fields())
async def test_patch_fields_take_null_exactly_when_declared_nullable(
    client: httpx.AsyncClient, world: World, path: str, name: str, nullable: bool
) -> None:
    url = _url(path, world)
    before = await _stored(client, url, world.tenant.admin)
    response = await client.patch(url, json={name: None}, headers=world.tenant.admin)
    if nullable:
        assert response.status_code == 200, response.text
        after = response.json()
        if name in after and not isinstance(after[name], (list, dict)):
            assert after[name] is None, (name, after[name])  # null clears
    else:
        body = _is_problem(response, 422, "validation-error")
        assert [e["field"] for e in body["errors"]] == [name]
        after = await _stored(client, url, world.tenant.admin)
        assert after == before  # nothing changed


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "s@acme.com", "consent": "yes"}, "consent"),
        ({"email": "s@acme.com", "consent": 1}, "consent"),
        ({"email": "s@acme.com", "company_size": "12"}, "company_size"),
        ({"email": "s@acme.com", "company_size": 12.0}, "company_size"),
        ({"email": "s@acme.com", "company_size": True}, "company_size"),
        ({"email": "s@acme.com", "tags": "vip"}, "tags"),
        ({"email": 12}, "email"),
    ],
)
async def test_bodies_are_strict(client: httpx.AsyncClient, tenant: Tenant, body: Json, field: str) -> None:
    response = await client.post("/v1/leads", json=body, headers=tenant.write)
    problem = _is_problem(response, 422, "validation-error")
    assert [e["field"] for e in problem["errors"]] == [field]
    assert (await client.get("/v1/leads", headers=tenant.read)).json()["data"] == []


async def test_strict_everywhere_a_body_is_taken(client: httpx.AsyncClient, tenant: Tenant) -> None:
    cases: list[tuple[str, str, Json, str]] = [
        ("POST", "/v1/owners", {"name": "A", "email": "a@acme.com", "capacity": "3"}, "capacity"),
        ("POST", "/v1/owners", {"name": "A", "email": "a@acme.com", "active": "true"}, "active"),
        ("POST", "/v1/leads/batch", {"leads": [], "overwrite": "false"}, "overwrite"),
        (
            "POST",
            "/v1/sla/policies",
            {"name": "p", "position": "1", "first_touch_within_minutes": 5},
            "position",
        ),
    ]
    for method, path, body, field in cases:
        response = await client.request(method, path, json=body, headers=tenant.admin)
        problem = _is_problem(response, 422, "validation-error")
        assert field in [e["field"] for e in problem["errors"]], (path, problem)


async def test_times_in_bodies_are_still_text(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = (await client.post("/v1/leads", json={"email": "t@acme.com"}, headers=tenant.write)).json()
    event = await client.post(
        "/v1/events",
        json={"type": "page_view", "lead_id": lead["id"], "occurred_at": "2026-01-02T03:04:05Z"},
        headers=tenant.write,
    )
    assert event.status_code == 201, event.text
    assert event.json()["occurred_at"].startswith("2026-01-02T03:04:05")
