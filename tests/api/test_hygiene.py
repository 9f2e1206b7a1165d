"""Hygiene: the archiving settings, the sweep that archives inactive leads (in batches, from marks,
`lead.archived`), archived leads leaving lists (`include_archived=true` shows them) and routing's
load, and coming back on new activity (`lead.unarchived`); bad input.

The sweep is driven here directly (its run-once), as the background loop runs it."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from leadapi.flows.hygiene import HygieneSweep
from leadapi.owners.repository import OwnerRepository
from leadapi.stages.engine import Pipeline
from tests.conftest import Clock, Tenant
from tests.factories import events_of, get_lead, move, new_lead, post_event


async def sweep(app: FastAPI, tenant: Tenant, clock: Clock, batch: int = 500) -> int:
    """Rounds of the sweep over the tenant's workspace until it has nothing more."""
    hygiene = HygieneSweep(app.state.db, clock, batch=batch)
    for n in range(1, 100):
        if not await hygiene.run_once(tenant.workspace_id):
            return n
    raise AssertionError("the sweep kept having work")


async def listed(client: httpx.AsyncClient, tenant: Tenant, **params: str) -> list[str]:
    response = await client.get("/v1/leads", params={"limit": "200", **params}, headers=tenant.read)
    assert response.status_code == 200, response.text
    return [lead["id"] for lead in response.json()["data"]]


async def put_settings(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = await client.put("/v1/hygiene/settings", json=body, headers=tenant.admin)
    assert response.status_code == 200, response.text
    settings: dict[str, Any] = response.json()
    return settings


async def test_inactive_leads_are_archived_and_come_back_on_activity(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    default = (await client.get("/v1/hygiene/settings", headers=tenant.read)).json()
    assert default == {"archive_inactive_after_days": None, "only_stages": [], "updated_at": None}
    quiet = await new_lead(client, tenant, "quiet@acme.com")
    active_once = await new_lead(client, tenant, "active.once@acme.com")
    await post_event(client, tenant, active_once["id"], "page_view")
    with clock.travel(days=20):
        busy = await new_lead(client, tenant, "busy@acme.com")
    saved = await put_settings(client, tenant, archive_inactive_after_days=30)
    assert saved["archive_inactive_after_days"] == 30
    await sweep(app, tenant, clock)
    assert (await get_lead(client, tenant, quiet["id"]))["archived_at"] is None  # not yet 30 days
    with clock.travel(days=31):
        await sweep(app, tenant, clock)
        gone = {quiet["id"], active_once["id"]}
        for lead_id in gone:
            assert (await get_lead(client, tenant, lead_id))["archived_at"] is not None
        assert (await get_lead(client, tenant, busy["id"]))["archived_at"] is None
        archived = await events_of(app, tenant, "lead.archived")
        assert {e["lead_id"] for e in archived} == gone
        assert {e["data"]["reason"] for e in archived} == {"inactive"}
        # Lists leave them out unless asked; they can be listed alone too.
        assert gone.isdisjoint(await listed(client, tenant))
        assert busy["id"] in await listed(client, tenant)
        assert gone <= set(await listed(client, tenant, include_archived="true"))
        assert set(await listed(client, tenant, **{"archived_at[exists]": "true"})) == gone
        assert (
            set(await listed(client, tenant, **{"archived_at[exists]": "true", "sort": "-archived_at"}))
            == gone
        )
        # A second sweep archives nothing again.
        await sweep(app, tenant, clock)
        assert len(await events_of(app, tenant, "lead.archived")) == 2
        # New activity brings a lead back: an event, or a capture of the same person.
        await post_event(client, tenant, quiet["id"], "email_open")
        again = await client.post("/v1/leads", json={"email": "active.once@acme.com"}, headers=tenant.write)
        assert again.status_code == 200, again.text
        assert again.json()["archived_at"] is None
        for lead_id in gone:
            assert (await get_lead(client, tenant, lead_id))["archived_at"] is None
        back = await events_of(app, tenant, "lead.unarchived")
        assert {(e["lead_id"], e["data"]["reason"]) for e in back} == {
            (quiet["id"], "event:email_open"), (active_once["id"], "captured"),
        }  # fmt: skip
        assert gone <= set(await listed(client, tenant))


async def test_only_the_given_stages_are_archived_in_batches(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    leads = [await new_lead(client, tenant, f"batch{n}@acme.com") for n in range(5)]
    moved = await move(client, tenant, leads[0]["id"], to="nurturing")
    assert moved.status_code in (200, 201), moved.text
    await put_settings(client, tenant, archive_inactive_after_days=10, only_stages=["new"])
    with clock.travel(days=11):
        rounds = await sweep(app, tenant, clock, batch=2)
        assert rounds >= 3  # five leads, two a round
        archived = {e["lead_id"] for e in await events_of(app, tenant, "lead.archived")}
        assert archived == {lead["id"] for lead in leads[1:]}


async def test_archived_leads_are_no_routing_load(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    owner = await client.post(
        "/v1/owners", json={"name": "Rep", "email": "rep@acme.com", "capacity": 1}, headers=tenant.admin
    )
    assert owner.status_code == 201, owner.text
    lead = await new_lead(client, tenant, "load@acme.com")
    assigned = await client.patch(
        f"/v1/leads/{lead['id']}", json={"owner_id": owner.json()["id"]}, headers=tenant.write
    )
    assert assigned.status_code == 200, assigned.text

    async def load() -> dict[str, int]:
        async with app.state.db.read() as conn:
            closed = frozenset(s.key for s in Pipeline.default().stages if s.category != "open")
            return await OwnerRepository(conn, tenant.workspace_id).open_leads(closed)

    assert await load() == {owner.json()["id"]: 1}
    await put_settings(client, tenant, archive_inactive_after_days=5)
    with clock.travel(days=6):
        await sweep(app, tenant, clock)
    assert await load() == {}


async def test_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    cases: list[tuple[Any, str]] = [
        ({"archive_inactive_after_days": 0}, "archive_inactive_after_days"),
        ({"archive_inactive_after_days": 3651}, "archive_inactive_after_days"),
        ({"archive_inactive_after_days": "30"}, "archive_inactive_after_days"),
        ({"archive_inactive_after_days": 30.5}, "archive_inactive_after_days"),
        ({"only_stages": ["nope"]}, "only_stages[0]"),
        ({"only_stages": "new"}, "only_stages"),
        ({"only_stages": ["x" * 51]}, "only_stages"),
        ({"only_stages": ["new"] * 51}, "only_stages"),
        ({"other": 1}, "other"),
    ]
    for body, field in cases:
        response = await client.put("/v1/hygiene/settings", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert any(field in e["field"] for e in response.json()["errors"]), (body, response.text)
    malformed = await client.put(
        "/v1/hygiene/settings", content=b"{", headers={**tenant.admin, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert (await client.put("/v1/hygiene/settings", json={}, headers=tenant.write)).status_code == 403
    assert (await client.get("/v1/hygiene/settings")).status_code == 401
    bad_flag = await client.get("/v1/leads", params={"include_archived": "yes"}, headers=tenant.read)
    assert bad_flag.status_code == 422
    await put_settings(client, other_tenant, archive_inactive_after_days=7)
    assert (await client.get("/v1/hygiene/settings", headers=tenant.read)).json()["updated_at"] is None
