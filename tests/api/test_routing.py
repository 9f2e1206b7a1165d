"""Owners, routing rules and assignments over HTTP, on SQLite and PostgreSQL.

Expected owners follow from the rules by hand: round robin goes in owner id order (ids are
time-ordered, so in creation order), weighted 3:1 gives three picks of four to the first."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from leadapi.jobs.loop import run_job
from leadapi.leads.models import Lead
from leadapi.routing.models import Assignment
from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import (
    EXECUTIVES_MODEL,
    add_owner,
    add_rule,
    assignments_of,
    events_of,
    new_lead,
    route_on,
)


async def owner_of(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> str | None:
    response = await client.get(f"/v1/leads/{lead_id}", headers=tenant.read)
    assert response.status_code == 200, response.text
    owner: str | None = response.json()["owner_id"]
    return owner


# ---- owners ------------------------------------------------------------------------------------


async def test_owner_lifecycle(client: httpx.AsyncClient, tenant: Tenant) -> None:
    territory = {"countries": ["france", "BE"], "postal_prefixes": ["75"], "company_size": {"min": 10}}
    owner = await add_owner(
        client,
        tenant,
        "Ada",
        email=" Ada@Sales.Acme.com ",
        capacity=5,
        weight=3,
        tags=["EMEA", "fr"],
        territories=[territory],
        out_of_office={"from": "2026-12-20T00:00:00Z", "until": "2027-01-02T00:00:00Z"},
    )
    assert owner["email"] == "ada@sales.acme.com"
    assert owner["tags"] == ["emea", "fr"]
    assert owner["territories"] == [
        {"countries": ["BE", "FR"], "postal_prefixes": ["75"], "company_size": {"min": 10}}
    ]
    assert owner["out_of_office"] == {"from": "2026-12-20T00:00:00Z", "until": "2027-01-02T00:00:00Z"}
    assert (owner["open_leads"], owner["active"], owner["capacity"], owner["weight"]) == (0, True, 5, 3)
    got = await client.get(f"/v1/owners/{owner['id']}", headers=tenant.read)
    assert got.json() == owner
    patched = await client.patch(
        f"/v1/owners/{owner['id']}", json={"capacity": None, "out_of_office": None}, headers=tenant.write
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["capacity"], patched.json()["out_of_office"]) == (None, None)
    second = await add_owner(client, tenant, "Bob")
    page = (await client.get("/v1/owners", params={"limit": 1}, headers=tenant.read)).json()
    rest = (
        await client.get("/v1/owners", params={"cursor": page["next_cursor"]}, headers=tenant.read)
    ).json()
    assert [o["id"] for o in page["data"] + rest["data"]] == [owner["id"], second["id"]]
    assert rest["next_cursor"] is None
    assert (await client.delete(f"/v1/owners/{second['id']}", headers=tenant.write)).status_code == 204
    assert (await client.get(f"/v1/owners/{second['id']}", headers=tenant.read)).status_code == 404


async def test_owner_bad_input(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await add_owner(client, tenant, "Ada")
    taken = await client.post(
        "/v1/owners", json={"name": "A2", "email": "ADA@sales.acme.com"}, headers=tenant.write
    )
    assert taken.status_code == 409, taken.text
    cases: list[tuple[dict[str, Any], str]] = [
        ({"capacity": -1}, "capacity"),
        ({"weight": 0}, "weight"),
        ({"weight": 1001}, "weight"),
        ({"email": "not-an-email"}, "email"),
        ({"territories": [{"countries": ["Atlantis"]}]}, "territories[0].countries"),
        ({"territories": [{"company_size": {"min": 50, "max": 10}}]}, "territories[0].company_size"),
        (
            {"out_of_office": {"from": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"}},
            "out_of_office",
        ),
        ({"tags": ["x" * 51]}, "tags[0]"),
        ({"name": ""}, "name"),
    ]
    for extra, field in cases:
        body = {"name": "Zed", "email": "zed@acme.com", **extra}
        response = await client.post("/v1/owners", json=body, headers=tenant.write)
        assert response.status_code == 422, (extra, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in {e["field"] for e in response.json()["errors"]}, (field, response.json())
    owners = (await client.get("/v1/owners", headers=tenant.read)).json()["data"]
    assert [o["name"] for o in owners] == ["Ada"]  # nothing half-written
    bob = await add_owner(client, tenant, "Bob")
    for patch, status in (
        ({"name": None}, 422),
        ({"weight": 0}, 422),
        ({"email": "ada@sales.acme.com"}, 409),
    ):
        response = await client.patch(f"/v1/owners/{bob['id']}", json=patch, headers=tenant.write)
        assert response.status_code == status, (patch, response.text)
    assert (await client.get(f"/v1/owners/{bob['id']}", headers=tenant.read)).json() == bob


# ---- rules and settings -------------------------------------------------------------------------


async def test_rules_are_validated_and_ordered(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    other = await make_tenant(app)
    foreign = await add_owner(client, other, "Eve")
    bad: list[tuple[dict[str, Any], int, str | None]] = [
        (
            {"name": "r", "position": 1, "strategy": "round_robin", "pool": {"owner_ids": ["ow_nope"]}},
            422,
            "pool.owner_ids[0]",
        ),
        (
            {"name": "r", "position": 1, "strategy": "round_robin", "pool": {"owner_ids": [foreign["id"]]}},
            422,
            "pool.owner_ids[0]",
        ),
        ({"name": "r", "position": 1, "strategy": "owner"}, 422, "owner_id"),
        (
            {
                "name": "r",
                "position": 1,
                "strategy": "round_robin",
                "when": {"field": "band", "op": "equals", "value": 1},
            },
            422,
            "when.op",
        ),
        (
            {
                "name": "r",
                "position": 1,
                "strategy": "round_robin",
                "when": {"any": [{"field": "nope", "op": "eq", "value": 1}]},
            },
            422,
            "when.any[0].field",
        ),
        ({"name": "r", "position": -1, "strategy": "round_robin"}, 422, "position"),
        ({"name": "r", "position": 1, "strategy": "fastest"}, 422, "strategy"),
        (
            {"name": "r", "position": 1, "strategy": "territory", "tie_breaker": "weighted"},
            422,
            "tie_breaker",
        ),
    ]
    for body, status, field in bad:
        response = await client.post("/v1/routing/rules", json=body, headers=tenant.admin)
        assert response.status_code == status, (body, response.text)
        assert field in {e["field"] for e in response.json().get("errors", [])}, (field, response.json())
    second = await add_rule(client, tenant, name="second", position=20, strategy="least_loaded")
    first = await add_rule(client, tenant, name="first", position=10, strategy="owner", owner_id=ada["id"])
    clash = await client.post(
        "/v1/routing/rules",
        json={"name": "x", "position": 10, "strategy": "round_robin"},
        headers=tenant.admin,
    )
    assert clash.status_code == 409, clash.text
    listed = (await client.get("/v1/routing/rules", headers=tenant.read)).json()["data"]
    assert [r["id"] for r in listed] == [first["id"], second["id"]]
    for patch, status in (
        ({"strategy": None}, 422),
        ({"position": 10}, 409),
        ({"when": {"field": "x"}}, 422),
    ):
        refused = await client.patch(f"/v1/routing/rules/{second['id']}", json=patch, headers=tenant.admin)
        assert refused.status_code == status, (patch, refused.text)
    moved = await client.patch(
        f"/v1/routing/rules/{second['id']}", json={"position": 5}, headers=tenant.admin
    )
    assert moved.status_code == 200, moved.text
    listed = (await client.get("/v1/routing/rules", headers=tenant.read)).json()["data"]
    assert [r["id"] for r in listed] == [second["id"], first["id"]]
    blocked = await client.delete(f"/v1/owners/{ada['id']}", headers=tenant.write)
    assert blocked.status_code == 409  # a rule assigns to her
    assert first["id"] in blocked.json()["detail"]
    assert (await client.delete(f"/v1/routing/rules/{first['id']}", headers=tenant.admin)).status_code == 204
    assert (await client.delete(f"/v1/owners/{ada['id']}", headers=tenant.write)).status_code == 204


async def test_settings(client: httpx.AsyncClient, tenant: Tenant) -> None:
    assert (await client.get("/v1/routing/settings", headers=tenant.read)).json() == {"route_on": "sql"}
    await route_on(client, tenant, "mql")
    assert (await client.get("/v1/routing/settings", headers=tenant.read)).json() == {"route_on": "mql"}
    bad = await client.put("/v1/routing/settings", json={"route_on": "never"}, headers=tenant.admin)
    assert bad.status_code == 422


# ---- assignments ---------------------------------------------------------------------------------


async def test_round_robin_on_creation_with_reasons(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    owners = [await add_owner(client, tenant, name) for name in ("Ada", "Bob", "Cy")]
    away = await add_owner(client, tenant, "Dee", out_of_office={"until": "2099-01-01T00:00:00Z"})
    rule = await add_rule(client, tenant, name="everyone", position=1, strategy="round_robin")
    await route_on(client, tenant, "created")
    leads = [await new_lead(client, tenant, f"p{i}@prospect.io") for i in range(6)]
    expected = [owners[i % 3]["id"] for i in range(6)]
    assert [lead["owner_id"] for lead in leads] == expected
    assert [await owner_of(client, tenant, lead["id"]) for lead in leads] == expected
    # Each reply is the lead as stored, its owner and version included (the one-statement
    # capture builds it from the copy in `lead.created`, made before the pick).
    for lead in leads:
        stored = (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).json()
        assert {**stored, "merged": False} == lead
    [assignment] = await assignments_of(client, tenant, leads[0]["id"])
    assert assignment["by"] == "routing"
    assert (assignment["owner_id"], assignment["rule_id"], assignment["strategy"]) == (
        owners[0]["id"],
        rule["id"],
        "round_robin",
    )
    explanation = assignment["explanation"]
    assert explanation["candidates"] == [o["id"] for o in owners]
    assert explanation["skipped"] == [{"owner_id": away["id"], "reason": "out_of_office"}]
    assigned = await events_of(app, tenant, "lead.assigned")
    assert [e["data"]["owner_id"] for e in assigned] == expected
    assert assigned[0]["data"]["skipped"] == explanation["skipped"]
    # Each pick says which of the rule's turns it was, in the assignment and its event alike
    # (on PostgreSQL the first pick is transactional, making the rule's counter; later ones are
    # one-statement captures).
    turns = [(await assignments_of(client, tenant, lead["id"]))[0]["explanation"]["turn"] for lead in leads]
    assert turns == [e["data"]["turn"] for e in assigned] == list(range(6))
    counts = {
        o["id"]: (await client.get(f"/v1/owners/{o['id']}", headers=tenant.read)).json()["open_leads"]
        for o in owners
    }
    assert counts == {o["id"]: 2 for o in owners}


async def test_sales_ready_leads_are_routed_when_their_band_reaches_sql(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    await add_rule(client, tenant, name="hot", position=1, strategy="owner", owner_id=ada["id"])
    # Default route_on: sql. A VP in the US scores 35 (not ready): marketing keeps it.
    lead = await new_lead(client, tenant, "vp@prospect.io", title="VP Sales", country="US")
    assert (lead["band"], lead["owner_id"]) == ("not_ready", None)
    pricing = await client.post(
        f"/v1/leads/{lead['id']}/events",
        json={"type": "page_view", "properties": {"path": "/pricing"}},
        headers=tenant.write,
    )
    assert pricing.status_code == 201
    assert await owner_of(client, tenant, lead["id"]) is None  # mql (50): still marketing's
    demo = await client.post(
        f"/v1/leads/{lead['id']}/events", json={"type": "demo_request"}, headers=tenant.write
    )
    assert demo.status_code == 201
    assert await owner_of(client, tenant, lead["id"]) == ada["id"]  # sql (100): sales
    [assignment] = await assignments_of(client, tenant, lead["id"])
    assert assignment["strategy"] == "owner"
    # Further events do not route it again.
    await client.post(
        f"/v1/leads/{lead['id']}/events", json={"type": "webinar_attended"}, headers=tenant.write
    )
    assert len(await assignments_of(client, tenant, lead["id"])) == 1


async def test_capacity_falls_through_to_the_next_rule_and_nobody_leaves_it_unassigned(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    small = [await add_owner(client, tenant, name, capacity=1) for name in ("Ada", "Bob")]
    overflow = await add_owner(client, tenant, "Zoe", tags=["overflow"], capacity=1)
    await add_rule(
        client,
        tenant,
        name="team",
        position=1,
        strategy="round_robin",
        pool={"owner_ids": [o["id"] for o in small]},
    )
    await add_rule(
        client, tenant, name="overflow", position=2, strategy="least_loaded", pool={"tags": ["Overflow"]}
    )
    await route_on(client, tenant, "created")
    leads = [await new_lead(client, tenant, f"c{i}@prospect.io") for i in range(4)]
    assert [lead["owner_id"] for lead in leads] == [small[0]["id"], small[1]["id"], overflow["id"], None]
    unassigned = await events_of(app, tenant, "lead.unassigned")
    assert [e["lead_id"] for e in unassigned] == [leads[3]["id"]]
    assert [r["outcome"] for r in unassigned[0]["data"]["rules_tried"]] == [
        "no_eligible_owner",
        "no_eligible_owner",
    ]
    # Each rule tried keeps whom of its pool it skipped and why; the rest is a count.
    full = [{"owner_id": o["id"], "reason": "at_capacity"} for o in small]
    assert [(r["skipped"], r["not_in_pool"]) for r in unassigned[0]["data"]["rules_tried"]] == [
        (full, 1),
        ([{"owner_id": overflow["id"], "reason": "at_capacity"}], 2),
    ]
    # The overflow pick's audit says why the first rule passed the lead on.
    [spilled] = await assignments_of(client, tenant, leads[2]["id"])
    assert spilled["explanation"]["rules_tried"][0]["skipped"] == full
    assert (spilled["explanation"]["skipped"], spilled["explanation"]["not_in_pool"]) == ([], 2)
    assert await assignments_of(client, tenant, leads[3]["id"]) == []


async def test_route_endpoint_force_and_preview(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada, bob = await add_owner(client, tenant, "Ada"), await add_owner(client, tenant, "Bob")
    await add_rule(client, tenant, name="rr", position=1, strategy="round_robin")
    lead = await new_lead(client, tenant, "r@prospect.io")
    preview = {"lead_id": lead["id"]}
    first = await client.post("/v1/routing/preview", json=preview, headers=tenant.read)
    again = await client.post("/v1/routing/preview", json=preview, headers=tenant.read)
    assert first.status_code == 200, first.text
    assert first.json()["owner_id"] == again.json()["owner_id"] == ada["id"]  # the rotation did not move
    assert first.json()["turn"] == again.json()["turn"] == 0
    inline = await client.post(
        "/v1/routing/preview", json={"lead": {"email": "x@y.io", "country": "fr"}}, headers=tenant.read
    )
    assert inline.json()["owner_id"] == ada["id"]
    assert await owner_of(client, tenant, lead["id"]) is None  # previews store nothing
    routed = await client.post(f"/v1/leads/{lead['id']}/route", headers=tenant.write)
    assert routed.status_code == 200, routed.text
    assert (routed.json()["owner_id"], routed.json()["assigned"]) == (ada["id"], True)
    owned = await client.post(f"/v1/leads/{lead['id']}/route", json={}, headers=tenant.write)
    assert owned.status_code == 409
    forced = await client.post(f"/v1/leads/{lead['id']}/route", json={"force": True}, headers=tenant.write)
    assert forced.json()["owner_id"] == bob["id"]
    assert {"owner_id": ada["id"], "reason": "excluded"} in forced.json()["decision"]["skipped"]
    history = await assignments_of(client, tenant, lead["id"])
    assert [(a["owner_id"], a["previous_owner_id"]) for a in history] == [
        (bob["id"], ada["id"]),
        (ada["id"], None),
    ]
    bad = await client.post("/v1/routing/preview", json={}, headers=tenant.read)
    assert bad.status_code == 422


async def test_manual_assignment_and_unassignment(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada = await add_owner(client, tenant, "Ada", capacity=0)  # by hand, capacity does not apply
    lead = await new_lead(client, tenant, "m@prospect.io")
    assigned = await client.patch(
        f"/v1/leads/{lead['id']}", json={"owner_id": ada["id"]}, headers=tenant.write
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["owner_id"] == ada["id"]
    assert assigned.json()["version"] == lead["version"] + 1
    [manual] = await assignments_of(client, tenant, lead["id"])
    assert manual["by"] == "manual"
    unknown = await client.patch(
        f"/v1/leads/{lead['id']}", json={"owner_id": "ow_nobody"}, headers=tenant.write
    )
    assert unknown.status_code == 422
    cleared = await client.patch(f"/v1/leads/{lead['id']}", json={"owner_id": None}, headers=tenant.write)
    assert cleared.json()["owner_id"] is None
    # Erasing the lead takes its assignments along.
    assert (await client.delete(f"/v1/leads/{lead['id']}", headers=tenant.write)).status_code == 204
    async with app.state.db.read() as conn:
        left = await conn.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.lead_id == lead["id"])
        )
    assert left == 0


async def test_deactivating_or_deleting_an_owner_with_open_leads(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    owners = [await add_owner(client, tenant, n) for n in ("Ada", "Bob", "Cy")]
    await add_rule(client, tenant, name="rr", position=1, strategy="round_robin")
    await route_on(client, tenant, "created")
    leads = [await new_lead(client, tenant, f"d{i}@prospect.io") for i in range(3)]
    leaving = owners[0]
    refused = await client.patch(f"/v1/owners/{leaving['id']}", json={"active": False}, headers=tenant.write)
    assert refused.status_code == 409
    assert refused.json()["open_leads"] == 1
    assert (await client.get(f"/v1/owners/{leaving['id']}", headers=tenant.read)).json()["active"] is True
    moved = await client.patch(
        f"/v1/owners/{leaving['id']}",
        params={"reassign": "true"},
        json={"active": False},
        headers=tenant.write,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["open_leads"] == 0
    new_owner = await owner_of(client, tenant, leads[0]["id"])
    assert new_owner in {owners[1]["id"], owners[2]["id"]}
    assert (await assignments_of(client, tenant, leads[0]["id"]))[0]["by"] == "reassign"
    gone = owners[1]
    assert (await client.delete(f"/v1/owners/{gone['id']}", headers=tenant.write)).status_code == 409
    deleted = await client.delete(
        f"/v1/owners/{gone['id']}", params={"reassign": "true"}, headers=tenant.write
    )
    assert deleted.status_code == 204
    remaining = {await owner_of(client, tenant, lead["id"]) for lead in leads}
    assert remaining == {owners[2]["id"]}


async def test_a_hand_over_gives_way_to_a_transaction_holding_one_of_the_leads(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """PostgreSQL: a hand-over holds the routing lock while it locks the owner's leads, and a
    transaction moving one of them (a forced route, say) locks the lead, then waits for the routing
    lock. The hand-over gives way (tries again, then 409 with nothing changed) instead of letting
    the deadlock check abort one of them with a 500."""
    if not app.state.db.is_postgres:
        pytest.skip("SQLite has one writer: no other transaction can hold a lead meanwhile")
    ada, bob = await add_owner(client, tenant, "Ada"), await add_owner(client, tenant, "Bob")
    await add_rule(client, tenant, name="rr", position=1, strategy="round_robin")
    await route_on(client, tenant, "created")
    lead = await new_lead(client, tenant, "held@prospect.io")
    assert lead["owner_id"] == ada["id"]

    async def leave() -> httpx.Response:
        inactive = {"active": False}
        return await client.patch(
            f"/v1/owners/{ada['id']}", params={"reassign": "true"}, json=inactive, headers=tenant.write
        )

    async with app.state.db.transaction() as conn:
        await conn.execute(select(Lead.id).where(Lead.id == lead["id"]).with_for_update())
        refused = await asyncio.wait_for(leave(), timeout=30)  # a hand-over that waited on: fails
    assert refused.status_code == 409, refused.text
    assert "Try again" in refused.json()["detail"]
    assert (await client.get(f"/v1/owners/{ada['id']}", headers=tenant.read)).json()["active"] is True
    assert await owner_of(client, tenant, lead["id"]) == ada["id"]
    moved = await leave()
    assert moved.status_code == 200, moved.text
    assert await owner_of(client, tenant, lead["id"]) == bob["id"]


async def test_territory_and_account_owner(client: httpx.AsyncClient, tenant: Tenant) -> None:
    fr = await add_owner(client, tenant, "Ada", territories=[{"countries": ["FR"]}])
    de = await add_owner(client, tenant, "Bob", territories=[{"countries": ["DE"]}])
    await add_rule(client, tenant, name="accounts", position=1, strategy="account_owner")
    await add_rule(client, tenant, name="regions", position=2, strategy="territory")
    await route_on(client, tenant, "created")
    first = await new_lead(client, tenant, "a@acme.de", country="DE")
    assert first["owner_id"] == de["id"]
    colleague = await new_lead(client, tenant, "b@acme.de", country="FR")
    assert colleague["owner_id"] == de["id"]  # the account's owner, not the territory's
    gmail = await new_lead(client, tenant, "c@gmail.com", country="FR")
    assert gmail["owner_id"] == fr["id"]  # free email: no account
    nowhere = await new_lead(client, tenant, "d@elsewhere.jp", country="JP")
    assert nowhere["owner_id"] is None


async def test_weighted_rotation(client: httpx.AsyncClient, tenant: Tenant) -> None:
    heavy = await add_owner(client, tenant, "Ada", weight=3)
    light = await add_owner(client, tenant, "Bob")
    await add_rule(client, tenant, name="w", position=1, strategy="weighted")
    await route_on(client, tenant, "created")
    owners = [(await new_lead(client, tenant, f"w{i}@prospect.io"))["owner_id"] for i in range(8)]
    assert Counter(owners) == {heavy["id"]: 6, light["id"]: 2}


async def test_a_new_pool_or_strategy_restarts_the_rotation(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada, bob, cy = [await add_owner(client, tenant, name) for name in ("Ada", "Bob", "Cy")]
    rule = await add_rule(client, tenant, name="rr", position=1, strategy="round_robin")
    await route_on(client, tenant, "created")
    picks = [(await new_lead(client, tenant, f"a{i}@prospect.io"))["owner_id"] for i in range(2)]
    assert picks == [ada["id"], bob["id"]]
    preview = await client.post(
        "/v1/routing/preview", json={"lead": {"email": "x@y.io"}}, headers=tenant.read
    )
    assert (preview.json()["owner_id"], preview.json()["turn"]) == (cy["id"], 2)
    renamed = await client.patch(
        f"/v1/routing/rules/{rule['id']}", json={"name": "same"}, headers=tenant.admin
    )
    assert renamed.status_code == 200, renamed.text
    assert (await new_lead(client, tenant, "b@prospect.io"))["owner_id"] == cy["id"]  # carries on
    pool = {"pool": {"owner_ids": [bob["id"], cy["id"]]}}
    repooled = await client.patch(f"/v1/routing/rules/{rule['id']}", json=pool, headers=tenant.admin)
    assert repooled.status_code == 200, repooled.text
    lead = await new_lead(client, tenant, "c@prospect.io")
    assert lead["owner_id"] == bob["id"]
    assert (await assignments_of(client, tenant, lead["id"]))[0]["explanation"]["turn"] == 0
    weighted = await client.patch(
        f"/v1/routing/rules/{rule['id']}", json={"strategy": "weighted"}, headers=tenant.admin
    )
    assert weighted.status_code == 200, weighted.text
    later = [(await new_lead(client, tenant, f"d{i}@prospect.io"))["owner_id"] for i in range(3)]
    assert later == [bob["id"], cy["id"], bob["id"]]


async def test_out_of_office_ends_by_the_clock(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    until = (clock() + timedelta(hours=2)).isoformat()
    ada = await add_owner(client, tenant, "Ada", out_of_office={"until": until})
    await add_rule(client, tenant, name="only", position=1, strategy="owner", owner_id=ada["id"])
    await route_on(client, tenant, "created")
    assert (await new_lead(client, tenant, "early@prospect.io"))["owner_id"] is None
    with clock.travel(hours=3):
        assert (await new_lead(client, tenant, "later@prospect.io"))["owner_id"] == ada["id"]


async def test_concurrent_routing_is_fair_and_exact(app: FastAPI, client: httpx.AsyncClient) -> None:
    """Many assigning transactions at once (PostgreSQL: across connections; SQLite: one process,
    one writer): round robin stays exact, capacity is never exceeded, and no lead gets two
    assignments."""
    tenant = await make_tenant(app)
    team = [await add_owner(client, tenant, f"T{i}") for i in range(5)]
    await add_rule(
        client,
        tenant,
        name="rr",
        position=1,
        strategy="round_robin",
        pool={"owner_ids": [o["id"] for o in team]},
    )
    await route_on(client, tenant, "created")
    leads = await asyncio.gather(*(new_lead(client, tenant, f"c{i}@prospect.io") for i in range(100)))
    assert Counter(lead["owner_id"] for lead in leads) == {o["id"]: 20 for o in team}
    async with app.state.db.read() as conn:
        per_lead = await conn.execute(
            select(Assignment.lead_id, func.count())
            .where(Assignment.workspace_id == tenant.workspace_id)
            .group_by(Assignment.lead_id)
        )
        assert {count for _, count in per_lead} == {1}

    capped_tenant = await make_tenant(app)
    capped = [await add_owner(client, capped_tenant, f"C{i}", capacity=10) for i in range(2)]
    spare = await add_owner(client, capped_tenant, "Spare", tags=["spare"])
    await add_rule(
        client,
        capped_tenant,
        name="capped",
        position=1,
        strategy="least_loaded",
        pool={"owner_ids": [o["id"] for o in capped]},
    )
    await add_rule(
        client, capped_tenant, name="spare", position=2, strategy="round_robin", pool={"tags": ["spare"]}
    )
    await route_on(client, capped_tenant, "created")
    leads = await asyncio.gather(*(new_lead(client, capped_tenant, f"k{i}@prospect.io") for i in range(40)))
    assert Counter(lead["owner_id"] for lead in leads) == {
        capped[0]["id"]: 10,
        capped[1]["id"]: 10,
        spare["id"]: 20,
    }


async def test_a_model_activation_that_makes_leads_sales_ready_routes_them(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ada = await add_owner(client, tenant, "Ada")
    await add_rule(client, tenant, name="hot", position=1, strategy="owner", owner_id=ada["id"])
    ceo = await new_lead(client, tenant, "ceo@prospect.io", title="CEO")
    intern = await new_lead(client, tenant, "intern@prospect.io", title="Intern")
    assert (ceo["band"], ceo["owner_id"]) == ("not_ready", None)
    created = await client.post("/v1/scoring/models", json=EXECUTIVES_MODEL, headers=tenant.admin)
    activated = await client.post(f"/v1/scoring/models/{created.json()['id']}/activate", headers=tenant.admin)
    assert activated.status_code == 202, activated.text
    while await run_job(app.state.db, app.state.jobs):
        pass
    assert await owner_of(client, tenant, ceo["id"]) == ada["id"]
    assert await owner_of(client, tenant, intern["id"]) is None
