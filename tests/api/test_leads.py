"""Leads over HTTP: capture, dedupe, read, list, update, delete, merge, timeline."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from leadapi.events.models import Event
from leadapi.leads.models import LeadExternalId
from tests.conftest import Tenant
from tests.factories import PHONE_STORM, phone_storm_bodies

ADA = {
    "email": "  Ada.Lovelace@Analytical-Engines.co.uk ",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "phone": "+44 20 7946 0958",
    "title": "Chief Technology Officer",
    "company": "Analytical Engines",
    "website": "https://www.Analytical-Engines.co.uk/about?x=1",
    "country": "united kingdom",
    "company_size": 120,
    "tags": ["webinar", "webinar", "vip"],
    "external_ids": {"hubspot": "123"},
    "attributes": {"plan": "pro", "seats": 12, "beta": True, "tech_stack": ["python", "postgres"]},
    "utm_source": "newsletter",
}


SCORING_EVENTS = ("lead.scored", "lead.band_changed")


async def events_of(app: FastAPI, workspace_id: str, *, scoring: bool = False) -> list[dict[str, Any]]:
    """The workspace's events in log order; scoring's own events only when asked for (they are
    tested in test_scoring_flow, and would only add noise to the capture and merge tests)."""
    async with app.state.db.read() as conn:
        rows = await conn.execute(
            select(Event.__table__).where(Event.workspace_id == workspace_id).order_by(Event.seq, Event.id)
        )
        return [dict(r) for r in rows.mappings() if scoring or r["type"] not in SCORING_EVENTS]


async def create(
    client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any], **params: Any
) -> httpx.Response:
    return await client.post("/v1/leads", json=body, headers=tenant.write, params=params)


async def test_create_normalises_and_derives(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await create(client, tenant, ADA)
    assert response.status_code == 201, response.text
    lead = response.json()
    assert response.headers["location"] == f"/v1/leads/{lead['id']}"
    assert response.headers["etag"] == '"1"'
    assert lead["id"].startswith("ld_")
    assert lead["merged"] is False
    assert lead["email"] == "ada.lovelace@analytical-engines.co.uk"
    assert lead["phone"] == "+442079460958"
    assert lead["country"] == "GB"
    assert lead["website"] == "analytical-engines.co.uk"
    assert lead["domain"] == "analytical-engines.co.uk"
    assert lead["is_free_email"] is False
    assert lead["seniority"] == "c_level"
    assert lead["tags"] == ["webinar", "vip"]
    assert lead["attributes"] == ADA["attributes"]
    # Born marketing-qualified (a C-level title at a company): stored straight in the mql stage.
    assert lead["band"] == "mql"
    assert lead["stage"] == "mql"
    assert lead["version"] == 1
    assert lead["unsubscribed"] is False

    fetched = await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)
    assert fetched.status_code == 200
    assert fetched.json() == {k: v for k, v in lead.items() if k != "merged"}


async def test_free_email_domain_is_not_the_company_domain(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = (await create(client, tenant, {"email": "someone@gmail.com", "title": "Student"})).json()
    assert lead["is_free_email"] is True
    assert lead["domain"] is None
    assert lead["seniority"] == "student_intern"
    work = (await create(client, tenant, {"email": "bob@initech.com"})).json()
    assert work["domain"] == "initech.com"
    assert work["seniority"] == "unknown"


async def test_same_email_merges_filling_empty_fields(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = (await create(client, tenant, {"email": "grace@navy.mil", "company": "US Navy"})).json()
    again = await create(
        client,
        tenant,
        {"email": "GRACE@navy.mil", "company": "Harvard", "title": "Rear Admiral", "tags": ["x"]},
    )
    assert again.status_code == 200
    merged = again.json()
    assert merged["merged"] is True
    assert merged["id"] == first["id"]
    assert merged["company"] == "US Navy"  # kept: not empty, no overwrite
    assert merged["title"] == "Rear Admiral"  # filled
    assert merged["tags"] == ["x"]
    assert merged["version"] == 2
    assert "location" not in again.headers

    overwritten = (
        await create(client, tenant, {"email": "grace@navy.mil", "company": "Harvard"}, overwrite="true")
    ).json()
    assert overwritten["company"] == "Harvard"
    assert overwritten["version"] == 3

    types = [e["type"] for e in await events_of(app, tenant.workspace_id)]
    assert types == ["lead.created", "lead.merged", "lead.merged"]
    listed = (await client.get("/v1/leads", headers=tenant.read)).json()["data"]
    assert len(listed) == 1


async def test_dedupe_by_external_id_then_phone(client: httpx.AsyncClient, tenant: Tenant) -> None:
    by_ext = (
        await create(client, tenant, {"external_ids": {"salesforce": "00Q1"}, "first_name": "Linus"})
    ).json()
    again = (
        await create(client, tenant, {"external_ids": {"salesforce": "00Q1"}, "email": "linus@kernel.org"})
    ).json()
    assert again["id"] == by_ext["id"]
    assert again["email"] == "linus@kernel.org"

    by_phone = (await create(client, tenant, {"phone": "+1 415 555 2671", "first_name": "Pat"})).json()
    same_phone = (await create(client, tenant, {"phone": "(415) 555-2671", "email": "pat@acme.com"})).json()
    assert same_phone["id"] == by_phone["id"]
    assert same_phone["merged"] is True
    # A second person behind the same switchboard number, with another email, is another lead.
    colleague = await create(client, tenant, {"phone": "+14155552671", "email": "sam@acme.com"})
    assert colleague.status_code == 201


async def test_a_lead_without_dedupe_keys_is_always_new(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = {"first_name": "Anonymous", "company": "Acme", "source": "event-badge-scan"}
    first = await create(client, tenant, body)
    second = await create(client, tenant, body)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["id"] != second.json()["id"]
    assert len((await client.get("/v1/leads", headers=tenant.read)).json()["data"]) == 2


async def test_update_with_etag(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = (await create(client, tenant, ADA)).json()
    url = f"/v1/leads/{lead['id']}"
    patch = {"company": "Babbage & Co", "title": None, "attributes": {"seats": 20, "beta": None}}
    response = await client.patch(url, json=patch, headers={**tenant.write, "If-Match": '"1"'})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert response.headers["etag"] == '"2"'
    assert updated["company"] == "Babbage & Co"
    assert updated["title"] is None
    assert updated["seniority"] == "unknown"
    assert updated["attributes"] == {"plan": "pro", "seats": 20, "tech_stack": ["python", "postgres"]}

    stale = await client.patch(url, json={"company": "Stale"}, headers={**tenant.write, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert (await client.get(url, headers=tenant.read)).json()["company"] == "Babbage & Co"

    unchanged = await client.patch(url, json={"company": "Babbage & Co"}, headers=tenant.write)
    assert unchanged.json()["version"] == 2


async def test_update_to_an_email_another_lead_has_is_a_conflict(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    a = (await create(client, tenant, {"email": "a@acme.com"})).json()
    await create(client, tenant, {"email": "b@acme.com"})
    response = await client.patch(f"/v1/leads/{a['id']}", json={"email": "B@acme.com"}, headers=tenant.write)
    assert response.status_code == 409
    assert "merge" in response.json()["detail"]


async def test_external_id_replaced_by_patch_frees_the_old_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    a = (await create(client, tenant, {"email": "a@acme.com", "external_ids": {"hubspot": "1"}})).json()
    await client.patch(f"/v1/leads/{a['id']}", json={"external_ids": {"hubspot": "2"}}, headers=tenant.write)
    b = await create(client, tenant, {"email": "b@acme.com", "external_ids": {"hubspot": "1"}})
    assert b.status_code == 201
    c = (await create(client, tenant, {"external_ids": {"hubspot": "2"}})).json()
    assert c["id"] == a["id"]


async def test_delete_erases_everything(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = (await create(client, tenant, ADA)).json()
    await client.patch(f"/v1/leads/{lead['id']}", json={"city": "London"}, headers=tenant.write)
    response = await client.delete(f"/v1/leads/{lead['id']}", headers=tenant.write)
    assert response.status_code == 204
    assert (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).status_code == 404
    assert (await client.delete(f"/v1/leads/{lead['id']}", headers=tenant.write)).status_code == 404

    events = await events_of(app, tenant.workspace_id)
    assert [e["type"] for e in events] == ["lead.deleted"]
    assert events[0]["data"] == {"lead_id": lead["id"]}
    async with app.state.db.read() as conn:
        leftovers = await conn.execute(
            select(LeadExternalId.__table__).where(LeadExternalId.workspace_id == tenant.workspace_id)
        )
        assert leftovers.first() is None
    # The external id is free again.
    assert (await create(client, tenant, {"external_ids": {"hubspot": "123"}})).status_code == 201


async def test_merge_moves_events_ids_and_tags(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    keep = (await create(client, tenant, {"email": "k@acme.com", "tags": ["a"], "company": "Acme"})).json()
    dup = (
        await create(
            client,
            tenant,
            {
                "phone": "+33 1 23 45 67 89",
                "tags": ["b"],
                "company": "Other",
                "external_ids": {"hubspot": "9"},
            },
        )
    ).json()
    await client.patch(f"/v1/leads/{dup['id']}", json={"city": "Paris"}, headers=tenant.write)
    response = await client.post(
        f"/v1/leads/{keep['id']}/merge", json={"duplicate_id": dup["id"]}, headers=tenant.write
    )
    assert response.status_code == 200, response.text
    merged = response.json()
    assert merged["tags"] == ["a", "b"]
    assert merged["company"] == "Acme"
    assert merged["phone"] == "+33123456789"
    assert merged["city"] == "Paris"
    assert merged["external_ids"] == {"hubspot": "9"}
    assert (await client.get(f"/v1/leads/{dup['id']}", headers=tenant.read)).status_code == 404

    timeline = (await client.get(f"/v1/leads/{keep['id']}/timeline", headers=tenant.read)).json()["data"]
    types = [e["type"] for e in timeline if e["type"] not in SCORING_EVENTS]
    assert types == ["lead.merged", "lead.updated", "lead.created", "lead.created"]
    assert timeline[0]["data"]["merged_lead_id"] == dup["id"]
    # The moved external id now finds the survivor.
    again = (await create(client, tenant, {"external_ids": {"hubspot": "9"}})).json()
    assert again["id"] == keep["id"]


async def test_merge_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    lead = (await create(client, tenant, {"email": "m@acme.com"})).json()
    foreign = (await create(client, other_tenant, {"email": "m@acme.com"})).json()
    url = f"/v1/leads/{lead['id']}/merge"
    assert (
        await client.post(url, json={"duplicate_id": lead["id"]}, headers=tenant.write)
    ).status_code == 422
    missing = await client.post(url, json={"duplicate_id": foreign["id"]}, headers=tenant.write)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "duplicate_id"
    assert (await client.post(url, json={}, headers=tenant.write)).status_code == 422
    assert (
        await client.post(
            f"/v1/leads/{foreign['id']}/merge", json={"duplicate_id": lead["id"]}, headers=tenant.write
        )
    ).status_code == 404


async def test_timeline_is_newest_first_and_paginated(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = (await create(client, tenant, {"email": "t@acme.com"})).json()
    for city in ("A", "B", "C", "D"):
        await client.patch(f"/v1/leads/{lead['id']}", json={"city": city}, headers=tenant.write)
    url = f"/v1/leads/{lead['id']}/timeline"
    first = (await client.get(url, params={"limit": 3}, headers=tenant.read)).json()
    second = (
        await client.get(url, params={"limit": 3, "cursor": first["next_cursor"]}, headers=tenant.read)
    ).json()
    events = first["data"] + second["data"]
    # Created (with its first lead.scored) and four updates; a city does not move the score.
    assert len({e["id"] for e in events}) == 6
    assert [e["occurred_at"] for e in events] == sorted((e["occurred_at"] for e in events), reverse=True)
    assert {e["type"] for e in events[-2:]} == {"lead.created", "lead.scored"}
    assert second["next_cursor"] is None
    assert first["data"][0]["data"]["changes"] == {"city": ["C", "D"]}
    assert (await client.get(url, params={"cursor": "garbage"}, headers=tenant.read)).status_code == 400


async def test_event_sequence_increases_per_workspace(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    for i in range(3):
        await create(client, tenant, {"email": f"s{i}@acme.com"})
        await create(client, other_tenant, {"email": f"s{i}@acme.com"})
    # Each capture appends lead.created and lead.scored.
    assert [e["seq"] for e in await events_of(app, tenant.workspace_id, scoring=True)] == [None] * 6
    await app.state.sequencer.drain()
    numbered = await events_of(app, tenant.workspace_id, scoring=True)
    assert [e["seq"] for e in numbered] == [1, 2, 3, 4, 5, 6]
    # Numbered in the order the events were appended.
    assert [e["id"] for e in numbered] == sorted(e["id"] for e in numbered)
    assert [e["seq"] for e in await events_of(app, other_tenant.workspace_id, scoring=True)] == list(
        range(1, 7)
    )
    await create(client, tenant, {"email": "late@acme.com"})
    await app.state.sequencer.drain()
    assert [e["seq"] for e in await events_of(app, tenant.workspace_id, scoring=True)] == list(range(1, 9))


async def test_concurrent_sequencers_never_reuse_a_number(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    # Rounds that overlap: one may start while another commits. Each round's view of what is
    # left to number must come after the lock it holds, or it numbers the other's events again.
    for batch in range(15):
        emails = [f"q{batch}-{i}@acme.com" for i in range(4)]
        await asyncio.gather(*(create(client, tenant, {"email": email}) for email in emails))
        await asyncio.gather(*(app.state.sequencer.run_once() for _ in range(6)))
    await app.state.sequencer.drain()
    seqs = [e["seq"] for e in await events_of(app, tenant.workspace_id, scoring=True)]
    assert sorted(seqs) == list(range(1, 121))  # lead.created and lead.scored each


async def test_batch_reports_each_item(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = {
        "leads": [
            {"email": "one@acme.com"},
            {"email": "not-an-email"},
            {"email": "ONE@acme.com", "city": "Oslo"},
            {"company_size": "many"},
            {"first_name": "x" * 101},
            {"phone": "+1 415 555 2671"},
            {"email": "web@acme.com", "website": "http://[::1"},
            ["not", "an", "object"],
        ]
    }
    response = await client.post("/v1/leads/batch", json=body, headers=tenant.write)
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["created"], out["merged"], out["failed"]) == (2, 1, 5)
    statuses = [r["status"] for r in out["results"]]
    assert statuses == ["created", "error", "merged", "error", "error", "created", "error", "error"]
    assert out["results"][6]["errors"][0]["field"] == "website"
    assert out["results"][2]["lead_id"] == out["results"][0]["lead_id"]
    assert out["results"][1]["errors"][0]["field"] == "email"
    assert out["results"][3]["errors"][0]["field"] == "company_size"
    assert out["results"][4]["errors"][0]["field"] == "first_name"
    listed = (await client.get("/v1/leads", headers=tenant.read)).json()["data"]
    assert len(listed) == 2


async def test_batch_limits(client: httpx.AsyncClient, tenant: Tenant) -> None:
    too_many = {"leads": [{"email": f"u{i}@acme.com"} for i in range(1001)]}
    response = await client.post("/v1/leads/batch", json=too_many, headers=tenant.write)
    # Either the size guard (413) or the item limit (422) must refuse it, and nothing is stored.
    assert response.status_code in (413, 422)
    assert (await client.get("/v1/leads", headers=tenant.read)).json()["data"] == []
    assert (await client.post("/v1/leads/batch", json={"leads": []}, headers=tenant.write)).status_code == 422
    assert (
        await client.post("/v1/leads/batch", json={"leads": "x"}, headers=tenant.write)
    ).status_code == 422


async def test_concurrent_creates_of_one_email_give_one_lead(
    postgres_only: None, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    bodies = [{"email": "race@acme.com", "tags": [f"t{i}"]} for i in range(50)]
    responses = await asyncio.gather(*(create(client, tenant, body) for body in bodies))
    assert all(r.status_code in (200, 201) for r in responses), [
        r.text for r in responses if r.status_code >= 300
    ]
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    listed = (await client.get("/v1/leads", headers=tenant.read)).json()["data"]
    assert len(listed) == 1
    assert sorted(listed[0]["tags"]) == sorted(f"t{i}" for i in range(50))


async def test_concurrent_captures_of_one_phone_give_one_lead(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    phone = "+33 1 42 68 53 00"
    only_phone = [{"phone": phone, "tags": [f"t{i}"]} for i in range(PHONE_STORM)]
    responses = await asyncio.gather(*(create(client, tenant, body) for body in only_phone))
    assert all(r.status_code in (200, 201) for r in responses), [
        r.text for r in responses if r.status_code >= 300
    ]
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    listed = (await client.get("/v1/leads", headers=tenant.read, params={"limit": 100})).json()["data"]
    assert len(listed) == 1
    assert sorted(listed[0]["tags"]) == sorted(f"t{i}" for i in range(PHONE_STORM))

    other = "+33 1 42 68 53 01"
    mixed = await asyncio.gather(*(create(client, tenant, body) for body in phone_storm_bodies(other)))
    assert all(r.status_code in (200, 201) for r in mixed), [r.text for r in mixed if r.status_code >= 300]
    assert len({r.json()["id"] for r in mixed}) == 1
    [lead] = (await client.get("/v1/leads", headers=tenant.read, params={"phone": "+33142685301"})).json()[
        "data"
    ]
    assert lead["email"] == "switchboard@acme.com"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": "+1 555 000 0000 0000 000"}, "phone"),
        ({"country": "Atlantis"}, "country"),
        ({"website": "not a site"}, "website"),
        ({"website": "]\u00d6p["}, "website"),
        ({"email": "x" * 250 + "@a.com"}, "email"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"company_size": -1}, "company_size"),
        ({"company_size": "ten"}, "company_size"),
        ({"company_size": 10_000_001}, "company_size"),
        ({"tags": "vip"}, "tags"),
        ({"tags": [f"t{i}" for i in range(51)]}, "tags"),
        ({"tags": ["x" * 51]}, "tags[0]"),
        ({"attributes": {"bad key": 1}}, "attributes"),
        ({"attributes": {"nested": {"a": 1}}}, "attributes.nested"),
        ({"attributes": {f"k{i}": i for i in range(51)}}, "attributes"),
        ({"external_ids": {"HubSpot!": "1"}}, "external_ids"),
        ({"consent": "maybe"}, "consent"),
        ({"score": 99}, "score"),
        ({"unknown_field": 1}, "unknown_field"),
        ({"first_name": "Ada\x00"}, "first_name"),
        ({"attributes": {"note": ["ok", "bad\x00"]}}, "attributes"),
    ],
)
async def test_create_rejects_bad_fields(
    client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    response = await create(client, tenant, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert any(e["field"].startswith(field) for e in problem["errors"]), problem
    assert (await client.get("/v1/leads", headers=tenant.read)).json()["data"] == []


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity"])
async def test_non_finite_numbers_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, number: bytes
) -> None:
    # Python's JSON parser accepts these; JSON has no such numbers and PostgreSQL's jsonb refuses them.
    body = b'{"email": "nan@acme.com", "attributes": {"ratio": ' + number + b"}}"
    response = await client.post(
        "/v1/leads", content=body, headers={**tenant.write, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].startswith("attributes.ratio")
    assert (await client.get("/v1/leads", headers=tenant.read)).json()["data"] == []


async def test_patch_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    lead = (await create(client, tenant, {"email": "p@acme.com"})).json()
    url = f"/v1/leads/{lead['id']}"
    for body, status in [
        ({"email": "bad"}, 422),
        ({"unsubscribed": None}, 422),
        ({"company_size": [1]}, 422),
        ({"id": "ld_x"}, 422),
        ({"version": 3}, 422),
    ]:
        response = await client.patch(url, json=body, headers=tenant.write)
        assert response.status_code == status, (body, response.text)
    bad_etag = await client.patch(url, json={"city": "X"}, headers={**tenant.write, "If-Match": "abc"})
    assert bad_etag.status_code == 400
    assert (await client.patch(url, json={"city": "X"}, headers=other_tenant.write)).status_code == 404
    assert (await client.get(url, headers=tenant.read)).json()["version"] == 1
