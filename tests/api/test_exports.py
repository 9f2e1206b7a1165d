"""GET /v1/leads as an export: `Accept: text/csv` or `application/x-ndjson` streams every lead the
filters, `q` and `sort` select, read chunk by chunk, on SQLite and PostgreSQL.

The app here reads exports in chunks of three leads (the `export_chunk_rows` setting), so a few
leads make several chunks and every chunk boundary (and a sort's NULLs after its values) is
crossed. What an export says is compared with what the JSON list says, page by page.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
from collections.abc import AsyncIterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import ClientDisconnect

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.leads.schemas import Lead, LeadCreate
from leadapi.leads.transfer import read_documents
from tests.conftest import Clock, Tenant, make_tenant, serving
from tests.e2e.processes import run

CHUNK = 3
CSV_ACCEPT = {"Accept": "text/csv"}
NDJSON_ACCEPT = {"Accept": "application/x-ndjson"}

# Eleven leads: several chunks of three. Values a CSV must quote (commas, quotes, line breaks),
# non-ASCII text, nested values of every kind, each consent state, empty and missing fields.
PEOPLE: list[dict[str, Any]] = [
    {
        "email": "ann@alpha.io",
        "company": 'Alpha, "the first"',
        "company_size": 10,
        "country": "FR",
        "tags": ["a", "vip"],
        "attributes": {"plan": "pro", "seats": 3, "ratio": 0.25, "trial": True, "langs": ["fr", "en"]},
        "external_ids": {"crm": "c-1"},
        "consent": True,
    },
    {
        "email": "bob@beta.io",
        "company": "Beta",
        "company_size": 500,
        "country": "DE",
        "tags": ["a", "b"],
        "attributes": {"plan": "free", "seats": 1},
        "consent": False,
    },
    {"email": "cyd@gamma.io", "company": "Gamma 100%", "company_size": 50, "country": "FR", "city": "Zürich"},
    {"email": "dan@gmail.com", "country": "US", "tags": ["b"], "region": "line one\nline two"},
    {"email": "eve@delta.io", "first_name": "Ève", "company": "Delta", "country": "FR", "title": "VP Sales"},
    {"email": "fay@epsilon.io", "company": "Epsilon", "company_size": 5000, "title": "CEO", "country": "GB"},
    {"email": "gus@zeta.io", "company": "Zeta", "attributes": {"plan": "team", "seats": 40}},
    {"email": "hal@eta.io", "company": "Eta", "country": "FR", "tags": ["vip"], "utm_source": "ads"},
    {"email": "ida@theta.io", "company": "Theta", "phone": "+44 20 7946 0958", "country": "GB"},
    {"email": "jon@iota.io", "company": "Iota", "company_size": 12, "title": "Director of IT"},
    {"phone": "+1 415 555 2671", "first_name": "Kim", "company": "Kappa", "country": "US"},
]

LISTS: list[dict[str, str]] = [
    {},  # newest first
    {"sort": "created_at"},
    {"sort": "-score"},  # nullable: the scored leads, then the unscored
    {"sort": "company,-created_at"},  # nullable first key, general form
    {"country": "FR", "sort": "email"},
    {"country[in]": "FR,GB,US", "company_size[exists]": "true"},
    {"tags[contains]": "vip"},  # a statement built per request
    {"attributes.plan[in]": "pro,team"},  # an expanding IN on PostgreSQL
    {"q": "delta"},  # ranked on PostgreSQL
    {"q": "io"},  # ranked on PostgreSQL, over several chunks
    {"q": "io", "sort": "-created_at"},
]


@pytest.fixture(scope="module")
async def export_app(settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    """The app on the session's database, reading exports three leads at a time."""
    async with serving(
        create_app(settings.model_copy(update={"export_chunk_rows": CHUNK}), clock=clock)
    ) as app:
        yield app


@pytest.fixture(scope="module")
async def http(export_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=export_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
        yield client


@pytest.fixture(scope="module")
async def people(export_app: FastAPI, http: httpx.AsyncClient) -> Tenant:
    """A workspace of PEOPLE, and a neighbour whose leads match the same filters."""
    tenant = await make_tenant(export_app, "exports")
    neighbour = await make_tenant(export_app, "neighbour")
    for body in PEOPLE:
        for who in (tenant, neighbour):
            response = await http.post("/v1/leads", json=body, headers=who.write)
            assert response.status_code == 201, response.text
    return tenant


async def json_list(http: httpx.AsyncClient, tenant: Tenant, params: dict[str, str]) -> list[dict[str, Any]]:
    """Every lead of the list, page by page (two a page), as the JSON list shows them."""
    leads: list[dict[str, Any]] = []
    cursor = None
    while True:
        page_params = {**params, "limit": "2", **({"cursor": cursor} if cursor else {})}
        response = await http.get("/v1/leads", params=page_params, headers=tenant.read)
        assert response.status_code == 200, response.text
        leads += response.json()["data"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return leads


def as_csv_cell(value: Any) -> str:
    """What a CSV export writes for a value of the JSON list."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False) if value else ""
    return str(value)


@pytest.mark.parametrize(
    "params", LISTS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default"
)
async def test_an_export_is_the_json_list_every_page_field_by_field(
    http: httpx.AsyncClient, people: Tenant, params: dict[str, str]
) -> None:
    expected = await json_list(http, people, params)
    assert expected  # every list here selects some leads

    lines = await http.get("/v1/leads", params=params, headers={**people.read, **NDJSON_ACCEPT})
    assert lines.status_code == 200, lines.text
    assert lines.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line) for line in lines.text.splitlines()] == expected

    table = await http.get("/v1/leads", params=params, headers={**people.read, **CSV_ACCEPT})
    assert table.status_code == 200, table.text
    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    assert table.headers["content-disposition"] == 'attachment; filename="leads.csv"'
    reader = csv.DictReader(io.StringIO(table.text, newline=""))
    assert reader.fieldnames == list(Lead.model_fields)
    rows = list(reader)
    assert [row["id"] for row in rows] == [lead["id"] for lead in expected]
    for row, lead in zip(rows, expected, strict=True):
        for name, value in lead.items():
            if isinstance(value, dict) and value:  # JSON: compared as what it says
                assert json.loads(row[name]) == value, name
            else:
                assert row[name] == as_csv_cell(value), (name, row[name], value)


async def test_an_export_spans_many_chunks_and_holds_only_the_workspaces_leads(
    http: httpx.AsyncClient, people: Tenant
) -> None:
    expected = await json_list(http, people, {})
    assert len(expected) == len(PEOPLE) > 3 * CHUNK
    exported = await http.get("/v1/leads", headers={**people.read, **NDJSON_ACCEPT})
    ids = [json.loads(line)["id"] for line in exported.text.splitlines()]
    assert ids == [lead["id"] for lead in expected]  # the neighbour's twins are not there
    assert len(set(ids)) == len(ids)


async def test_an_empty_export_is_a_header_or_nothing(http: httpx.AsyncClient, people: Tenant) -> None:
    params = {"country": "JP"}
    table = await http.get("/v1/leads", params=params, headers={**people.read, **CSV_ACCEPT})
    assert table.status_code == 200
    assert table.text.splitlines() == [",".join(Lead.model_fields)]
    lines = await http.get("/v1/leads", params=params, headers={**people.read, **NDJSON_ACCEPT})
    assert (lines.status_code, lines.text) == (200, "")


async def test_an_exported_csv_imports_back_to_the_same_leads(
    export_app: FastAPI, http: httpx.AsyncClient, people: Tenant
) -> None:
    """As `leadapi import` reads a file: every row a capture in another workspace, whose export
    then says the same of every field a capture takes."""
    table = await http.get("/v1/leads", params={"sort": "email"}, headers={**people.read, **CSV_ACCEPT})
    elsewhere = await make_tenant(export_app, "imported")
    read_only = set(Lead.model_fields) - set(LeadCreate.model_fields)
    for _, document in read_documents(io.StringIO(table.text, newline=""), "csv"):
        assert isinstance(document, dict), document
        fields = LeadCreate.model_validate(
            {k: v for k, v in document.items() if k not in read_only}, strict=False
        ).model_dump(mode="json", exclude_unset=True)
        response = await http.post("/v1/leads", json=fields, headers=elsewhere.write)
        assert response.status_code == 201, response.text
    again = await http.get("/v1/leads", params={"sort": "email"}, headers={**elsewhere.read, **CSV_ACCEPT})
    taken = [name for name in Lead.model_fields if name in LeadCreate.model_fields]
    before = [{k: row[k] for k in taken} for row in csv.DictReader(io.StringIO(table.text, newline=""))]
    after = [{k: row[k] for k in taken} for row in csv.DictReader(io.StringIO(again.text, newline=""))]
    assert len(after) == len(PEOPLE)
    assert after == before


@pytest.mark.parametrize(
    "accept",
    [
        "text/csv",
        "text/csv; charset=utf-8",
        "text/*",
        "application/x-ndjson",
        "application/json;q=0.5, text/csv",
    ],
)
async def test_accept_chooses_the_format(http: httpx.AsyncClient, people: Tenant, accept: str) -> None:
    response = await http.get("/v1/leads", headers={**people.read, "Accept": accept})
    assert response.status_code == 200
    wanted = "application/x-ndjson" if "ndjson" in accept else "text/csv"
    assert response.headers["content-type"].split(";")[0] == wanted
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    "accept",
    ["", "application/json", "*/*", "application/*", "text/csv;q=0.5, */*", "text/csv;q=0, */*;q=0.1"],
)
async def test_json_stays_the_paginated_list(http: httpx.AsyncClient, people: Tenant, accept: str) -> None:
    response = await http.get("/v1/leads", params={"limit": "2"}, headers={**people.read, "Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"data", "next_cursor"}
    assert len(body["data"]) == 2


@pytest.mark.parametrize(
    "accept", ["application/xml", "text/html", "text/csv;q=0", "image/*", "application/json;q=0"]
)
async def test_an_accept_the_list_cannot_answer_is_406(
    http: httpx.AsyncClient, people: Tenant, accept: str
) -> None:
    response = await http.get("/v1/leads", headers={**people.read, "Accept": accept})
    assert response.status_code == 406, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["title"]) == (406, "Not acceptable")
    assert "text/csv" in problem["detail"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"shoe_size": "9"}, 422, "shoe_size"),
        ({"score[about]": "9"}, 422, "score[about]"),
        ({"score[gte]": "many"}, 422, "score[gte]"),
        ({"sort": "shoe_size"}, 422, "sort"),
        ({"cursor": "abc"}, 400, "cursor"),
        ({"limit": "10"}, 400, "limit"),
        ({"count": "exact"}, 400, "count"),
    ],
)
async def test_bad_queries_are_problems_before_any_row(
    http: httpx.AsyncClient, people: Tenant, params: dict[str, str], status: int, field: str
) -> None:
    for accept in (CSV_ACCEPT, NDJSON_ACCEPT):
        response = await http.get("/v1/leads", params=params, headers={**people.read, **accept})
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [error["field"] for error in response.json()["errors"]]


async def test_an_export_needs_a_key(http: httpx.AsyncClient, people: Tenant) -> None:
    """Every key may read (a write or admin key includes read), so an export's refusal is the
    missing or unknown key's 401, as a problem, never a stream."""
    for headers in ({}, {"Authorization": "Bearer lk_nope"}):
        response = await http.get("/v1/leads", headers={**headers, **CSV_ACCEPT})
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
    assert (await http.get("/v1/leads", headers={**people.write, **CSV_ACCEPT})).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
async def test_leadapi_export_writes_what_the_api_streams(
    settings: Settings, http: httpx.AsyncClient, people: Tenant, fmt: str, tmp_path: Path
) -> None:
    """One export: the command runs the service's export and the same formatting, byte for byte."""
    params = {"country[in]": "FR,GB,US", "sort": "-score,created_at"}
    accept = CSV_ACCEPT if fmt == "csv" else NDJSON_ACCEPT
    streamed = await http.get("/v1/leads", params=params, headers={**people.read, **accept})
    assert streamed.status_code == 200
    env = {**os.environ, "LEADAPI_DATABASE_URL": settings.database_url, "LEADAPI_LOG_LEVEL": "warning"}
    args = ["export", "--workspace", people.workspace_id, "--format", fmt, f"--sort={params['sort']}"]
    out = tmp_path / f"leads.{fmt}"
    filters = f"country[in]={params['country[in]']}"
    written = await asyncio.to_thread(run, env, *args, "--filter", filters, "--output", str(out))
    assert written.returncode == 0, written.stderr
    assert out.read_bytes() == streamed.content
    assert streamed.text.count("\n") >= 2 * CHUNK  # several chunks
    bad = await asyncio.to_thread(
        run, env, "export", "--workspace", people.workspace_id, "--sort", "shoe_size"
    )
    assert (bad.returncode, bad.stderr.startswith("leadapi export: --sort: Cannot sort by")) == (2, True)


def _scope(tenant: Tenant, accept: str, spec_version: str) -> dict[str, Any]:
    headers = [(b"host", b"leadapi.test"), (b"accept", accept.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in tenant.read.items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/leads",
        "raw_path": b"/v1/leads",
        "query_string": b"sort=created_at",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("leadapi.test", 80),
    }


@pytest.mark.parametrize("spec_version", ["2.0", "2.4"])
@pytest.mark.parametrize("hang_up_after", [1, 2, 3])
async def test_a_client_that_hangs_up_mid_export_leaves_no_connection_checked_out(
    export_app: FastAPI, people: Tenant, spec_version: str, hang_up_after: int
) -> None:
    """The app as a server runs it, the client gone after a few chunks: told by an
    `http.disconnect` (ASGI before 2.4, the response is cancelled wherever it is, a chunk's read
    included) or by a send that fails (2.4). The export stops and the pool gets back every
    connection it lent."""
    pool = export_app.state.db.engine.pool
    before = pool.checkedout()
    chunks: list[bytes] = []
    gone = asyncio.Event()
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] != "http.response.body":
            assert message["status"] == 200
            return
        if gone.is_set():
            if spec_version == "2.4":
                raise OSError("connection reset by peer")
            return  # a server before ASGI 2.4 drops what is sent to a client that has gone
        chunks.append(message["body"])
        if len(chunks) > hang_up_after:  # the header, then this many chunks
            gone.set()

    served = asyncio.wait_for(export_app(_scope(people, "text/csv", spec_version), receive, send), 30)
    if spec_version == "2.4":
        with pytest.raises(ClientDisconnect):  # as a server sees the hang-up under ASGI 2.4
            await served
    else:
        await served
    assert 1 + hang_up_after <= len(chunks) < 1 + len(PEOPLE) // CHUNK + 1  # stopped early
    for _ in range(100):
        if pool.checkedout() == before:
            break
        await asyncio.sleep(0.02)
    assert pool.checkedout() == before
