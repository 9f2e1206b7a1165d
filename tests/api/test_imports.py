"""Imports over HTTP on SQLite and PostgreSQL: a file gives the same leads as its rows posted one
by one (fields, scores, stages, owners and events); cancel, dry runs, dedupe modes, the error
report, and bad input (wrong encoding, a ragged row, a file over the limit, an unknown mapped
column, a header and no rows). A worker killed mid-import: tests/e2e/test_import_crash.py.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from leadapi.events.models import Event
from leadapi.imports.models import Import
from leadapi.jobs.loop import execute, run_job
from leadapi.jobs.models import Job
from leadapi.leads.models import Lead
from tests.conftest import Tenant
from tests.factories import add_owner, add_rule, fan_out, route_on, services

Json = dict[str, Any]
CSV = "text/csv"

ROWS = [
    {
        "email": "ada@acme.com",
        "first_name": "Ada",
        "title": "VP Sales",
        "country": "US",
        "company_size": "500",
    },
    {"email": "bob@beta.io", "title": "Intern", "country": "DE", "tags": "x|y"},
    {"email": "ADA@acme.com", "company": "Acme", "phone": "+1 415 555 2671"},  # merges into row 1
    {"email": "cy@gamma.com", "title": "Director of Marketing", "country": "France"},
    {"email": "dee@delta.com", "title": "CEO", "country": "US", "company_size": "20"},
    {"email": "eve@epsilon.com", "title": "VP Engineering", "country": "GB"},
]
COLUMNS = ["email", "first_name", "title", "country", "company_size", "tags", "company", "phone"]


def csv_text(rows: list[Json], columns: list[str] = COLUMNS) -> str:
    lines = [",".join(columns)]
    lines += [",".join(str(row.get(c, "")) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


async def upload(
    client: httpx.AsyncClient,
    tenant: Tenant,
    body: bytes | str,
    content_type: str = CSV,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> httpx.Response:
    data = body.encode() if isinstance(body, str) else body
    return await client.post(
        "/v1/imports",
        content=data,
        params=params,
        headers={**tenant.write, "Content-Type": content_type, **(headers or {})},
    )


async def run_jobs(app: FastAPI) -> None:
    while await run_job(app.state.db, services(app).jobs):
        pass


async def imported(client: httpx.AsyncClient, app: FastAPI, tenant: Tenant, body: str, **params: Any) -> Json:
    response = await upload(client, tenant, body, **params)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/imports/{response.json()['id']}"
    await run_jobs(app)
    status = await client.get(response.headers["location"], headers=tenant.read)
    assert status.status_code == 200, status.text
    result: Json = status.json()
    return result


async def errors_of(
    client: httpx.AsyncClient, tenant: Tenant, import_id: str, report: str = "errors"
) -> list[Json]:
    response = await client.get(f"/v1/imports/{import_id}/{report}", headers=tenant.read)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


async def leads_of(app: FastAPI, tenant: Tenant) -> list[Json]:
    async with app.state.db.read() as conn:
        stmt = (
            select(Lead.__table__)
            .where(Lead.workspace_id == tenant.workspace_id)
            .order_by(Lead.created_at, Lead.id)
        )
        return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def event_shapes(app: FastAPI, tenant: Tenant, owners: dict[str, str]) -> list[tuple[Any, ...]]:
    """Each event as what it says, without its ids and times: (type, lead's email, owner name)."""
    async with app.state.db.read() as conn:
        leads = {r["id"]: r["email"] for r in await leads_of(app, tenant)}
        stmt = select(Event.__table__).where(Event.workspace_id == tenant.workspace_id).order_by(Event.id)
        rows = [dict(r) for r in (await conn.execute(stmt)).mappings()]
    shapes = []
    for row in rows:
        data = row["data"] or {}
        shapes.append((row["type"], leads.get(row["lead_id"]), owners.get(data.get("owner_id", "")),
                       data.get("score"), data.get("to")))  # fmt: skip
    return shapes


def timelines(shapes: list[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """Event shapes by lead (its email), each lead's in the log's order."""
    by_lead: dict[Any, list[tuple[Any, ...]]] = {}
    for shape in shapes:
        by_lead.setdefault(shape[1], []).append(shape)
    return by_lead


async def routed_tenant(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, str]:
    """Two owners in a round robin, and leads routed from MQL on: owner id -> name."""
    ada = await add_owner(client, tenant, "Ada")
    bob = await add_owner(client, tenant, "Bob")
    await add_rule(client, tenant, name="all", position=1, strategy="round_robin")
    await route_on(client, tenant, "mql")
    return {ada["id"]: "Ada", bob["id"]: "Bob"}


COMPARED = (
    *("email", "first_name", "title", "country", "company_size", "tags", "company", "phone", "score"),
    *("fit_score", "behavior_score", "band", "stage", "seniority", "domain", "version", "unsubscribed"),
)


async def test_a_file_gives_the_leads_its_rows_posted_one_by_one_give(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant, other_tenant: Tenant
) -> None:
    posted_owners = await routed_tenant(client, tenant)
    imported_owners = await routed_tenant(client, other_tenant)
    for row in ROWS:
        body: Json = {k: v for k, v in row.items() if v != ""}
        if "company_size" in body:
            body["company_size"] = int(body["company_size"])
        if "tags" in body:
            body["tags"] = body["tags"].split("|")
        response = await client.post("/v1/leads", json=body, headers=tenant.write)
        assert response.status_code in (200, 201), response.text
    result = await imported(client, app, other_tenant, csv_text(ROWS))
    assert result["status"] == "succeeded"
    assert (result["rows_read"], result["rows_created"], result["rows_merged"], result["rows_refused"]) == (
        6,
        5,
        1,
        0,
    )

    posted, from_file = await leads_of(app, tenant), await leads_of(app, other_tenant)
    assert len(posted) == len(from_file) == 5
    for one, other in zip(posted, from_file, strict=True):
        assert {k: one[k] for k in COMPARED} == {k: other[k] for k in COMPARED}
        assert posted_owners.get(one["owner_id"]) == imported_owners.get(other["owner_id"])
    assert any(lead["owner_id"] for lead in posted), "the comparison must include routed leads"
    await fan_out(app)
    posted_events = await event_shapes(app, tenant, posted_owners)
    imported_events = await event_shapes(app, other_tenant, imported_owners)
    # Each lead's timeline is the same, event for event and in order. Across leads the import
    # appends a run of new leads' events together and routes them after (in the rows' order, so
    # the rotation gives the same owners): the workspace's log interleaves leads differently.
    assert timelines(imported_events) == timelines(posted_events)
    assert sorted(map(repr, imported_events)) == sorted(map(repr, posted_events))


WIDE = ["email", "first_name", "title", "country", "company_size", "phone", "external_ids.crm", "tags"]
TITLES = ("VP Sales", "Intern", "Director of Marketing", "CEO", "Engineer", "Head of Growth")


def wide_rows() -> list[Json]:
    """New people, and rows that meet an earlier row or a lead already there by each key: an
    email (another case), a phone (without an email), an external id."""
    rows: list[Json] = []
    for i in range(36):
        row: Json = {
            "email": f"p{i}@firm{i % 4}.com",
            "first_name": f"P{i}",
            "title": TITLES[i % 6],
            "country": ("US", "DE", "France", "GB")[i % 4],
            "company_size": str((i % 5) * 120),
            "tags": f"t{i % 3}",
        }
        if i % 5 == 0:
            row["phone"] = f"+1 415 555 {1000 + i}"
        if i % 7 == 0:
            row["external_ids.crm"] = f"C{i}"
        rows.append(row)
    rows[10] = {"email": "P2@FIRM2.com", "title": "CEO"}  # an earlier row's email
    rows[16] = {"phone": "+1 415 555 1005", "first_name": "Phone only"}  # row 5's phone
    rows[22] = {"email": "crm@match.com", "external_ids.crm": "C7"}  # row 7's external id
    rows[30] = {"email": "there@already.com", "company_size": "900"}  # a lead before the file
    return rows


def posted_body(row: Json) -> Json:
    body: Json = {}
    for key, value in row.items():
        if value == "":
            continue
        if key == "company_size":
            body[key] = int(value)
        elif key == "tags":
            body[key] = value.split("|")
        elif key == "external_ids.crm":
            body["external_ids"] = {"crm": value}
        else:
            body[key] = value
    return body


async def routing_setup(client: httpx.AsyncClient, tenant: Tenant, setup: str) -> dict[str, str]:
    """Owner id -> name. `weighted`: two rules, a weighted rotation for the US and a round
    robin for the rest (decided from the config alone, turns taken set-based); `capacity`: a
    capped owner (decided by counting open leads: routed one by one)."""
    names = ("Ada", "Bob", "Cy")
    weights = {"Ada": 3} if setup == "weighted" else {}
    capacity = {"Bob": 4} if setup == "capacity" else {}
    owners = {}
    for name in names:
        fields = {k: v for k, v in (("weight", weights.get(name)), ("capacity", capacity.get(name))) if v}
        owners[(await add_owner(client, tenant, name, **fields))["id"]] = name
    if setup == "weighted":
        await add_rule(
            client, tenant, name="us", position=1, strategy="weighted",
            when={"field": "country", "op": "eq", "value": "US"},
        )  # fmt: skip
    await add_rule(client, tenant, name="all", position=2, strategy="round_robin")
    await route_on(client, tenant, "created")
    return owners


@pytest.mark.parametrize("setup", ["weighted", "capacity"])
async def test_a_wide_file_gives_the_leads_posting_gives(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant, other_tenant: Tenant, setup: str
) -> None:
    rows = wide_rows()
    posted_owners = await routing_setup(client, tenant, setup)
    imported_owners = await routing_setup(client, other_tenant, setup)
    for who in (tenant, other_tenant):
        before = await client.post("/v1/leads", json={"email": "there@already.com"}, headers=who.write)
        assert before.status_code == 201, before.text
    for row in rows:
        response = await client.post("/v1/leads", json=posted_body(row), headers=tenant.write)
        assert response.status_code in (200, 201), response.text
    lines = [",".join(WIDE)] + [",".join(str(row.get(c, "")) for c in WIDE) for row in rows]
    result = await imported(client, app, other_tenant, "\n".join(lines) + "\n")
    assert (result["status"], result["rows_created"], result["rows_merged"]) == ("succeeded", 32, 4)

    posted, from_file = await leads_of(app, tenant), await leads_of(app, other_tenant)
    assert len(posted) == len(from_file) == 33
    for one, other in zip(posted, from_file, strict=True):
        compared = (*COMPARED, "external_ids", "attributes")
        assert {k: one[k] for k in compared} == {k: other[k] for k in compared}, one["email"]
        assert posted_owners.get(one["owner_id"]) == imported_owners.get(other["owner_id"]), one["email"]
    assert len({lead["owner_id"] for lead in posted}) == 3
    await fan_out(app)
    posted_events = await event_shapes(app, tenant, posted_owners)
    imported_events = await event_shapes(app, other_tenant, imported_owners)
    assert timelines(imported_events) == timelines(posted_events)


async def test_route_false_creates_leads_unassigned(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant
) -> None:
    await routing_setup(client, tenant, "weighted")
    text = csv_text(
        [{"email": "u1@route.com"}, {"email": "u2@route.com"}, {"email": "U1@route.com"}], ["email"]
    )
    result = await imported(client, app, tenant, text, route="false")
    assert (result["rows_created"], result["rows_merged"]) == (2, 1)
    assert [lead["owner_id"] for lead in await leads_of(app, tenant)] == [None, None]
    routed = await imported(client, app, tenant, csv_text([{"email": "u3@route.com"}], ["email"]))
    assert routed["rows_created"] == 1
    assert (await leads_of(app, tenant))[-1]["owner_id"] is not None, "route defaults to true"


async def test_a_row_with_the_policys_attribute_merges_as_its_capture_would(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant
) -> None:
    policy = await client.put(
        "/v1/duplicates/policy", json={"keys": ["attribute"], "attribute": "crm_id"}, headers=tenant.admin
    )
    assert policy.status_code == 200, policy.text
    first = await client.post(
        "/v1/leads", json={"email": "first@crm.com", "attributes": {"crm_id": "C-9"}}, headers=tenant.write
    )
    assert first.status_code == 201, first.text
    text = "email,crm\nsecond@crm.com,C-9\nthird@crm.com,C-10\n"
    result = await imported(client, app, tenant, text, mapping=json.dumps({"crm": "attributes.crm_id"}))
    assert (result["rows_created"], result["rows_merged"]) == (1, 1)
    by_crm = {lead["attributes"]["crm_id"]: lead for lead in await leads_of(app, tenant)}
    assert set(by_crm) == {"C-9", "C-10"}
    assert by_crm["C-9"]["id"] == first.json()["id"]


async def test_ndjson_and_gzip_and_options(client: httpx.AsyncClient, app: FastAPI, tenant: Tenant) -> None:
    lines = [{"mail": "a@one.com", "co": "One", "tier": "gold"}, {"mail": "b@two.com", "co": "Two"}]
    body = gzip.compress("\n".join(json.dumps(line) for line in lines).encode())
    mapping = json.dumps({"mail": "email", "co": "company", "tier": "attributes.tier"})
    response = await upload(
        client, tenant, body, "application/x-ndjson", {"Content-Encoding": "gzip"},
        mapping=mapping, source="fair", tags=["expo", "2026"],
    )  # fmt: skip
    assert response.status_code == 202, response.text
    await run_jobs(app)
    leads = await leads_of(app, tenant)
    assert [(lead["email"], lead["company"], lead["source"], lead["tags"]) for lead in leads] == [
        ("a@one.com", "One", "fair", ["expo", "2026"]),
        ("b@two.com", "Two", "fair", ["expo", "2026"]),
    ]
    assert leads[0]["attributes"] == {"tier": "gold"}


async def test_dedupe_modes_and_dry_run(client: httpx.AsyncClient, app: FastAPI, tenant: Tenant) -> None:
    existing = (await client.post("/v1/leads", json={"email": "old@acme.com"}, headers=tenant.write)).json()
    rows = [
        {"email": "old@acme.com", "company": "Acme"},
        {"email": "new@acme.com"},
        {"email": "NEW@acme.com"},
        {"email": "not an email"},
    ]
    text = csv_text(rows, ["email", "company"])

    dry = await imported(client, app, tenant, text, dry_run="true")
    assert (dry["rows_created"], dry["rows_merged"], dry["rows_refused"]) == (1, 2, 1)
    assert len(await leads_of(app, tenant)) == 1, "a dry run writes no lead"
    outcomes = await errors_of(client, tenant, dry["id"], "outcomes")
    assert [(o["row"], o["outcome"], o["lead_id"]) for o in outcomes] == [
        (1, "merged", existing["id"]), (2, "created", None), (3, "merged", None), (4, "refused", None),
    ]  # fmt: skip
    assert "row 2" in outcomes[2]["message"]
    assert outcomes[3]["field"] == "email"

    skipped = await imported(client, app, tenant, text, dedupe="skip_existing")
    assert (
        skipped["rows_created"],
        skipped["rows_merged"],
        skipped["rows_skipped"],
        skipped["rows_refused"],
    ) == (1, 0, 2, 1)
    old = next(lead for lead in await leads_of(app, tenant) if lead["email"] == "old@acme.com")
    assert old["company"] is None, "skip_existing leaves a matched lead alone"

    refused = await imported(
        client, app, tenant, csv_text([{"email": "old@acme.com"}], ["email"]), dedupe="create_only"
    )
    assert refused["rows_refused"] == 1
    assert "create_only" in (await errors_of(client, tenant, refused["id"]))[0]["message"]


async def test_row_errors_are_reported_and_the_rest_imported(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant
) -> None:
    text = 'email,company\na@x.com,X\nb@x.com,Y,extra\nnot-an-email,Z\nc@x.com\n"d@x.com","multi\nline"\n'
    result = await imported(client, app, tenant, text)
    assert (result["rows_read"], result["rows_created"], result["rows_refused"]) == (5, 2, 3)
    errors = await errors_of(client, tenant, result["id"])
    assert [(e["row"], e["field"]) for e in errors] == [(2, ""), (3, "email"), (4, "")]
    assert "3 cells" in errors[0]["message"]
    assert "header has 2" in errors[0]["message"]
    assert {lead["company"] for lead in await leads_of(app, tenant)} == {"X", "multi\nline"}


async def test_cancel(client: httpx.AsyncClient, app: FastAPI, tenant: Tenant) -> None:
    response = await upload(client, tenant, csv_text([{"email": "c@cancel.com"}], ["email"]))
    import_id = response.json()["id"]
    cancelled = await client.post(f"/v1/imports/{import_id}/cancel", headers=tenant.write)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    await run_jobs(app)
    assert await leads_of(app, tenant) == []
    done = await imported(client, app, tenant, csv_text([{"email": "d@cancel.com"}], ["email"]))
    again = await client.post(f"/v1/imports/{done['id']}/cancel", headers=tenant.write)
    assert again.status_code == 409


async def test_list_and_other_workspaces(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant, other_tenant: Tenant
) -> None:
    ids = []
    for i in range(3):
        ids.append(
            (await upload(client, tenant, csv_text([{"email": f"l{i}@list.com"}], ["email"]))).json()["id"]
        )
    page = (await client.get("/v1/imports", params={"limit": 2}, headers=tenant.read)).json()
    assert [item["id"] for item in page["data"]] == ids[::-1][:2]
    rest = (
        await client.get("/v1/imports", params={"cursor": page["next_cursor"]}, headers=tenant.read)
    ).json()
    assert [item["id"] for item in rest["data"]] == ids[:1]
    assert rest["next_cursor"] is None
    for path in (f"/v1/imports/{ids[0]}", f"/v1/imports/{ids[0]}/errors"):
        assert (await client.get(path, headers=other_tenant.read)).status_code == 404
    assert (await client.post(f"/v1/imports/{ids[0]}/cancel", headers=other_tenant.write)).status_code == 404
    assert (await client.get("/v1/imports", headers=other_tenant.read)).json()["data"] == []
    assert (
        await upload(client, Tenant(tenant.workspace_id, {}, tenant.read, tenant.read), "email\na@b.c\n")
    ).status_code == 403
    await run_jobs(app)


async def test_idempotency_key_imports_once(client: httpx.AsyncClient, app: FastAPI, tenant: Tenant) -> None:
    body = csv_text([{"email": "once@idem.com"}], ["email"])
    first = await upload(client, tenant, body, headers={"Idempotency-Key": "upload-1"})
    again = await upload(client, tenant, body, headers={"Idempotency-Key": "upload-1"})
    assert first.status_code == again.status_code == 202
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    other_file = csv_text([{"email": "twice@idem.com"}], ["email"])
    reused = await upload(client, tenant, other_file, headers={"Idempotency-Key": "upload-1"})
    assert reused.status_code == 422, reused.text
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert "another request" in reused.json()["detail"]
    other_options = await upload(client, tenant, body, headers={"Idempotency-Key": "upload-1"}, route="false")
    assert other_options.status_code == 422, "the options are part of the request too"
    await run_jobs(app)
    listed = (await client.get("/v1/imports", headers=tenant.read)).json()["data"]
    assert len(listed) == 1
    assert len(await leads_of(app, tenant)) == 1
    too_large = await upload(
        client, tenant, "email\n" + "x@y.z\n" * 50_000, headers={"Idempotency-Key": "upload-2"}
    )
    assert too_large.status_code == 413
    fits = await upload(client, tenant, body, headers={"Idempotency-Key": "upload-2"})
    assert fits.status_code == 202, "a refusal before the body was read stores nothing under the key"


@pytest.mark.parametrize(
    ("body", "content_type", "params", "status", "words"),
    [
        (b"email\n" + b"caf\xe9@x.com\n", CSV, {}, 422, "not UTF-8"),
        (b"email\n", CSV, {}, 422, "header and no rows"),
        (b"", CSV, {}, 422, "no rows"),
        (b"email,nickname\na@b.c,x\n", CSV, {}, 422, "nickname"),
        (b"email\na@b.c\n", CSV, {"mapping": '{"E-mail": "email"}'}, 422, "E-mail"),
        (b"email\na@b.c\n", CSV, {"mapping": '{"email": "owner_id"}'}, 422, "mapping.email"),
        (b"email\na@b.c\n", CSV, {"mapping": "[1"}, 422, "mapping"),
        (b"email\na@b.c\n", CSV, {"dedupe": "sometimes"}, 422, "dedupe"),
        (b"email\na@b.c\n", CSV, {"route": "sometimes"}, 422, "route"),
        (b"email\na@b.c\n", "application/pdf", {}, 415, "text/csv"),
        (b"not gzip", "application/gzip", {}, 400, "gzip"),
    ],
)
async def test_bad_uploads_are_refused_and_leave_nothing(
    client: httpx.AsyncClient,
    app: FastAPI,
    tenant: Tenant,
    body: bytes,
    content_type: str,
    params: Json,
    status: int,
    words: str,
) -> None:
    response = await upload(client, tenant, body, content_type, **params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.text
    async with app.state.db.read() as conn:
        assert (
            await conn.execute(select(Import.id).where(Import.workspace_id == tenant.workspace_id))
        ).first() is None
        assert (
            await conn.execute(select(Job.id).where(Job.workspace_id == tenant.workspace_id))
        ).first() is None


async def test_a_file_over_the_limit_is_refused_before_it_is_read(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant
) -> None:
    limit = services(app).settings.import_max_bytes
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b"email\n"
        while sent < 50 * limit:
            sent += 64 * 1024
            yield b"a@b.c\n" * (64 * 1024 // 6)

    declared = await client.post(
        "/v1/imports",
        content=b"email\n",
        headers={**tenant.write, "Content-Type": CSV, "Content-Length": str(limit + 1)},
    )
    assert declared.status_code == 413
    streamed = await client.post(
        "/v1/imports", content=endless(), headers={**tenant.write, "Content-Type": CSV}
    )
    assert streamed.status_code == 413
    assert sent < 2 * limit, "the rest of the stream is not read"
    bomb = gzip.compress(b"email\n" + b"a@b.c\n" * (limit // 3))
    assert len(bomb) < limit
    inflated = await upload(client, tenant, bomb, "application/gzip")
    assert inflated.status_code == 413


async def test_a_job_that_fails_for_good_fails_its_import(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant
) -> None:
    response = await upload(client, tenant, csv_text([{"email": "f@fail.com"}], ["email"]))
    import_id = response.json()["id"]
    async with app.state.db.transaction() as conn:
        job_id = (await conn.execute(select(Import.job_id).where(Import.id == import_id))).scalar_one()
        await conn.execute(
            update(Job).where(Job.id == job_id).values(status="failed", error="RuntimeError: boom")
        )
    status = (await client.get(f"/v1/imports/{import_id}", headers=tenant.read)).json()
    assert (status["status"], status["error"]) == ("failed", "RuntimeError: boom")


async def test_a_stopping_process_leaves_the_job_after_a_committed_chunk(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant
) -> None:
    """Shutdown does not wait for a whole file: the job stops after the chunk under way commits,
    goes back to the queue without counting an attempt, and the next run resumes after it."""
    rows = [{"email": f"s{i}@stop.com"} for i in range(4)]
    response = await upload(client, tenant, csv_text(rows, ["email"]))
    import_id = response.json()["id"]
    jobs = services(app).jobs
    # This import's job, by id: the queue is every workspace's, and another test's job may be due.
    async with app.state.db.transaction() as conn:
        job_id = (
            await conn.execute(select(Job.id).where(Job.workspace_id == tenant.workspace_id))
        ).scalar_one()
        job = await jobs.claim_one(conn, job_id)
    assert job is not None
    jobs.stopping.set()
    try:
        await execute(app.state.db, jobs, job)
    finally:
        jobs.stopping.clear()
    status = (await client.get(f"/v1/imports/{import_id}", headers=tenant.read)).json()
    assert (status["status"], status["rows_read"], status["rows_created"]) == ("running", 4, 4)
    async with app.state.db.read() as conn:
        stmt = select(Job.status, Job.attempts).where(Job.workspace_id == tenant.workspace_id)
        assert tuple((await conn.execute(stmt)).one()) == ("queued", 0)
    await run_jobs(app)
    status = (await client.get(f"/v1/imports/{import_id}", headers=tenant.read)).json()
    assert (status["status"], status["rows_read"], status["rows_created"]) == ("succeeded", 4, 4)
    assert len(await leads_of(app, tenant)) == 4


async def test_multipart_upload_with_an_options_part(
    client: httpx.AsyncClient, app: FastAPI, tenant: Tenant
) -> None:
    options = {"mapping": {"E-mail": "email", "Firm": "company"}, "tags": ["fair"], "dedupe": "merge"}
    files: dict[str, Any] = {
        "options": (None, json.dumps(options), "application/json"),
        "file": ("leads.csv", b"E-mail,Firm,Ignored\nm@multi.com,Multi,x\n", "text/csv"),
    }
    response = await client.post("/v1/imports", files=files, headers=tenant.write)
    assert response.status_code == 202, response.text
    assert response.json()["options"]["mapping"] == options["mapping"]
    await run_jobs(app)
    [lead] = await leads_of(app, tenant)
    assert (lead["email"], lead["company"], lead["tags"]) == ("m@multi.com", "Multi", ["fair"])

    ndjson = {"file": ("l.ndjson", b'{"email": "n@multi.com"}\n', "application/x-ndjson")}
    assert (await client.post("/v1/imports", files=ndjson, headers=tenant.write)).status_code == 202
    await run_jobs(app)
    assert len(await leads_of(app, tenant)) == 2

    cases: list[tuple[dict[str, Any], int]] = [
        ({"file": ("l.csv", b"email\na@b.c\n", "text/csv"), "options": files["options"]}, 400),  # after
        ({"options": (None, "{nope", "application/json"), "file": files["file"]}, 422),
        ({"options": (None, '{"dedupe": "often"}', "application/json"), "file": files["file"]}, 422),
        ({"options": (None, '{"colour": "red"}', "application/json"), "file": files["file"]}, 422),
        ({"other": (None, "x", "text/plain")}, 400),
    ]
    for bad, status in cases:
        refused = await client.post("/v1/imports", files=bad, headers=tenant.write)
        assert refused.status_code == status, (bad, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    broken = await client.post(
        "/v1/imports",
        content=b"--b\r\n"
        + b'Content-Disposition: form-data; name="file"\r\n'
        + b"Content-Type: text/csv\r\n\r\nemail\n",
        headers={**tenant.write, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert broken.status_code == 400, broken.text
    assert len(await leads_of(app, tenant)) == 2
