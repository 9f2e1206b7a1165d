"""GET /v1/leads: filters, sort, text search, cursor pagination."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Tenant

PEOPLE: list[dict[str, Any]] = [
    {
        "email": "ann@alpha.io",
        "company": "Alpha",
        "company_size": 10,
        "country": "FR",
        "tags": ["a"],
        "attributes": {"plan": "pro", "seats": 3},
    },
    {
        "email": "bob@beta.io",
        "company": "Beta",
        "company_size": 500,
        "country": "DE",
        "tags": ["a", "b"],
        "attributes": {"plan": "free", "seats": 1},
    },
    {
        "email": "cyd@gamma.io",
        "company": "Gamma 100%",
        "company_size": 50,
        "country": "FR",
        "tags": [],
        "attributes": {"plan": "pro", "seats": 40},
    },
    {
        "email": "dan@gmail.com",
        "company": None,
        "company_size": None,
        "country": "US",
        "tags": ["b"],
        "attributes": {},
    },
]


@pytest.fixture
async def people(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    out = []
    for body in PEOPLE:
        response = await client.post("/v1/leads", json=body, headers=tenant.write)
        assert response.status_code == 201, response.text
        out.append(response.json())
    return out


async def emails(client: httpx.AsyncClient, tenant: Tenant, params: dict[str, str]) -> list[str]:
    response = await client.get("/v1/leads", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    return [lead["email"] for lead in response.json()["data"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "FR"}, {"ann@alpha.io", "cyd@gamma.io"}),
        ({"country[ne]": "FR"}, {"bob@beta.io", "dan@gmail.com"}),
        ({"company_size[gte]": "50"}, {"bob@beta.io", "cyd@gamma.io"}),
        ({"company_size[lt]": "50"}, {"ann@alpha.io"}),
        ({"company_size[exists]": "false"}, {"dan@gmail.com"}),
        ({"country[in]": "DE,US"}, {"bob@beta.io", "dan@gmail.com"}),
        ({"company[contains]": "AMM"}, {"cyd@gamma.io"}),
        ({"company[contains]": "100%"}, {"cyd@gamma.io"}),
        ({"email[starts_with]": "b"}, {"bob@beta.io"}),
        ({"tags[contains]": "b"}, {"bob@beta.io", "dan@gmail.com"}),
        ({"attributes.plan": "pro"}, {"ann@alpha.io", "cyd@gamma.io"}),
        ({"attributes.seats[gt]": "2"}, {"ann@alpha.io", "cyd@gamma.io"}),
        ({"is_free_email": "true"}, {"dan@gmail.com"}),
        ({"q": "beta"}, {"bob@beta.io"}),
        ({"q": "100%"}, {"cyd@gamma.io"}),
        ({"q": "_"}, set()),  # a LIKE wildcard in q matches only itself
        ({"country": "FR", "attributes.seats[lte]": "3"}, {"ann@alpha.io"}),
    ],
)
async def test_filters(
    client: httpx.AsyncClient,
    tenant: Tenant,
    people: list[dict[str, Any]],
    params: dict[str, str],
    expected: set[str],
) -> None:
    assert set(await emails(client, tenant, params)) == expected


async def test_sort_and_paginate(
    client: httpx.AsyncClient, tenant: Tenant, people: list[dict[str, Any]]
) -> None:
    assert await emails(client, tenant, {"sort": "company_size"}) == [
        "ann@alpha.io",
        "cyd@gamma.io",
        "bob@beta.io",
        "dan@gmail.com",
    ]
    assert await emails(client, tenant, {"sort": "-company_size"}) == [
        "bob@beta.io",
        "cyd@gamma.io",
        "ann@alpha.io",
        "dan@gmail.com",
    ]
    # Default: newest first, walked two at a time.
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/leads", params=params, headers=tenant.read)).json()
        seen += [lead["email"] for lead in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [p["email"] for p in reversed(PEOPLE)]


@pytest.mark.parametrize(
    "params",
    [
        {"nope": "1"},
        {"email[regex]": "x"},
        {"company_size[gt]": "big"},
        {"is_free_email[gt]": "true"},
        {"sort": "nope"},
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "ten"},
        {"cursor": "not-a-cursor"},
        {"created_at[gt]": "yesterday"},
        {"stage_entered_at[lt]": "last week"},
        {"first_activity_at[contains]": "2026"},
        {"attributes.bad key": "1"},
        {"email[eq": "x"},
        {"company_size": "99999999999999999999"},
        {"email": "a\x00b"},
    ],
)
async def test_bad_list_params(client: httpx.AsyncClient, tenant: Tenant, params: dict[str, str]) -> None:
    response = await client.get("/v1/leads", params=params, headers=tenant.read)
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]
