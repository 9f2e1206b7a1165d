"""Enrichment and provenance: the email flags set at capture (filterable, usable in conditions),
where each field's value came from (`?include=provenance`), the providers API, and enrichment run
in the background and on request against a real HTTP provider on loopback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests.conftest import Tenant
from tests.factories import get_lead, new_lead


async def lead_with_provenance(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/leads/{lead_id}", params={"include": "provenance"}, headers=tenant.read)
    assert response.status_code == 200, response.text
    lead: dict[str, Any] = response.json()
    return lead


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---- the email flags, at capture ------------------------------------------------------------------


async def test_disposable_and_role_emails_are_flagged_at_capture(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    burner = await new_lead(client, tenant, "someone@guerrillamail.com")
    assert (burner["is_disposable_email"], burner["is_role_email"], burner["domain"]) == (True, False, None)
    shared = await new_lead(client, tenant, "Sales+eu@initech.com")
    assert (shared["is_disposable_email"], shared["is_role_email"]) == (False, True)
    person = await new_lead(client, tenant, "peter@initech.com")
    assert (person["is_disposable_email"], person["is_role_email"]) == (False, False)
    # Filterable.
    for name, expected in (("is_disposable_email", burner), ("is_role_email", shared)):
        page = await client.get("/v1/leads", params={name: "true"}, headers=tenant.read)
        assert page.status_code == 200, page.text
        assert [lead["id"] for lead in page.json()["data"]] == [expected["id"]]
    # An email changed later is judged again.
    changed = await client.patch(
        f"/v1/leads/{shared['id']}", json={"email": "samir@initech.com"}, headers=tenant.write
    )
    assert changed.json()["is_role_email"] is False


async def test_the_flags_are_usable_in_conditions(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """A segment over `is_disposable_email` (conditions validate the field on write)."""
    response = await client.post(
        "/v1/segments",
        json={"name": "Burners", "when": {"field": "is_disposable_email", "op": "eq", "value": True}},
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    unknown = await client.post(
        "/v1/segments",
        json={"name": "Bad", "when": {"field": "is_burner", "op": "eq", "value": True}},
        headers=tenant.admin,
    )
    assert unknown.status_code == 422


# ---- provenance -------------------------------------------------------------------------------------


async def test_provenance_names_who_set_each_field(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "ada@acme.com", title="CTO", attributes={"plan": "pro"})
    plain = await get_lead(client, tenant, lead["id"])
    assert "provenance" not in plain
    shown = await lead_with_provenance(client, tenant, lead["id"])
    sources = {name: entry["source"] for name, entry in shown["provenance"].items()}
    assert sources == {"email": "api", "title": "api", "attributes.plan": "api"}
    assert when(shown["provenance"]["title"]["at"]) == when(lead["created_at"])
    # A merge's values say so; values nobody changed keep theirs.
    bob = await new_lead(client, tenant, "bob@acme.com", company="Acme")
    merged = await client.post(
        f"/v1/leads/{lead['id']}/merge", json={"duplicate_id": bob["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    after = await lead_with_provenance(client, tenant, lead["id"])
    assert after["provenance"]["company"]["source"] == "merge"
    assert after["provenance"]["title"] == shown["provenance"]["title"]
    # A value cleared has no provenance left.
    await client.patch(f"/v1/leads/{lead['id']}", json={"title": None}, headers=tenant.write)
    cleared = await lead_with_provenance(client, tenant, lead["id"])
    assert "title" not in cleared["provenance"]


async def test_include_takes_only_provenance(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "eve@acme.com")
    response = await client.get(f"/v1/leads/{lead['id']}", params={"include": "secrets"}, headers=tenant.read)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
