"""Lifecycle stages over HTTP, on SQLite and PostgreSQL: the pipeline, moves, promotion on band
changes, sales acceptance and rejection.

Scores follow the default model by hand: a VP in the US is 35 (not ready), a /pricing view adds 15
(50: mql), a demo request 50 (sql)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import Clock, Tenant
from tests.factories import (
    CUSTOM,
    add_owner,
    add_rule,
    events_of,
    get_lead,
    move,
    new_lead,
    post_event,
    route_on,
)


async def moves_of(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> list[tuple[str | None, str]]:
    """(from, to), oldest first."""
    response = await client.get(f"/v1/leads/{lead_id}/stages", headers=tenant.read)
    assert response.status_code == 200, response.text
    return [(m["from_stage"], m["to_stage"]) for m in reversed(response.json()["data"])]


async def test_default_pipeline(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.get("/v1/stages", headers=tenant.read)
    assert response.status_code == 200
    body = response.json()
    assert [(s["key"], s["category"]) for s in body["stages"]] == [
        ("new", "open"), ("mql", "open"), ("sql", "open"), ("accepted", "open"), ("opportunity", "open"),
        ("customer", "won"), ("nurturing", "open"), ("disqualified", "lost"),
    ]  # fmt: skip
    assert body["disqualification_reasons"] == [
        "no_budget", "no_authority", "no_need", "bad_timing", "competitor", "bad_data", "duplicate", "spam",
    ]  # fmt: skip
    assert body["touch_types"] == ["call", "email_sent", "meeting"]
    assert (body["accepted_stage"], body["recycle_stage"], body["version"]) == ("accepted", "nurturing", 0)


async def test_a_custom_pipeline_governs_new_leads_moves_and_touches(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    put = await client.put("/v1/stages", json=CUSTOM, headers=tenant.admin)
    assert put.status_code == 200, put.text
    assert put.json()["version"] == 1
    assert (await client.get("/v1/stages", headers=tenant.read)).json() == put.json()
    lead = await new_lead(client, tenant, "first@prospect.io")
    assert lead["stage"] == "inbound"
    # A demo request makes it sql: this pipeline has an sql stage, so it is promoted.
    await post_event(client, tenant, lead["id"], "demo_request")
    await post_event(client, tenant, lead["id"], "page_view", properties={"path": "/pricing"})
    moved = await get_lead(client, tenant, lead["id"])
    assert (moved["band"], moved["stage"]) == ("mql", "inbound")  # no mql stage here: it stays
    bad = await move(client, tenant, lead["id"], to="lost", reason="no_budget")  # not this pipeline's
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "reason"
    # The workspace's own touch type sets the first touch.
    await post_event(client, tenant, lead["id"], "linkedin.message")
    assert (await get_lead(client, tenant, lead["id"]))["first_touch_at"] is not None
    # Removing a stage leads are in answers 409 with the counts; nothing changes.
    without_inbound = {**CUSTOM, "stages": CUSTOM["stages"][1:]}  # type: ignore[index]
    refused = await client.put("/v1/stages", json=without_inbound, headers=tenant.admin)
    assert refused.status_code == 409, refused.text
    assert refused.json()["leads_in_removed_stages"] == {"inbound": 1}
    assert (await client.get("/v1/stages", headers=tenant.read)).json()["version"] == 1


async def test_pipeline_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    cases: list[tuple[Any, str]] = [
        ({**CUSTOM, "stages": CUSTOM["stages"] + [CUSTOM["stages"][0]]}, "stages[6].key"),  # type: ignore[operator,index]
        ({**CUSTOM, "accepted_stage": "won"}, "accepted_stage"),
        ({**CUSTOM, "recycle_stage": "nowhere"}, "recycle_stage"),
        ({**CUSTOM, "stages": [s for s in CUSTOM["stages"] if s["category"] != "lost"]}, "stages"),  # type: ignore[attr-defined]
        ({**CUSTOM, "touch_types": ["lead.created"]}, "touch_types"),
        ({**CUSTOM, "stages": [{"key": "Bad Key", "name": "x", "category": "open"}] * 3}, "stages[0].key"),
        ({**CUSTOM, "stages": [{**CUSTOM["stages"][0], "category": "closed"}] * 3}, "stages[0].category"),  # type: ignore[index]
        ({**CUSTOM, "surprise": 1}, "surprise"),
        ({"stages": "new"}, "stages"),
    ]
    for body, field in cases:
        response = await client.put("/v1/stages", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        fields = [e["field"] for e in response.json()["errors"]]
        assert any(f == field or f.startswith(field) for f in fields), (field, fields)
    malformed = await client.put(
        "/v1/stages", content=b"{", headers={**tenant.admin, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert (await client.put("/v1/stages", json=CUSTOM, headers=tenant.write)).status_code == 403
    # Nothing was stored, and another workspace is untouched by ours.
    assert (await client.get("/v1/stages", headers=tenant.read)).json()["version"] == 0
    assert (await client.put("/v1/stages", json=CUSTOM, headers=tenant.admin)).status_code == 200
    assert (await client.get("/v1/stages", headers=other_tenant.read)).json()["stages"][0]["key"] == "new"


async def test_band_changes_promote_only_forward(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "vp@prospect.io", title="VP Sales", country="US")
    assert (lead["band"], lead["stage"]) == ("not_ready", "new")
    await post_event(client, tenant, lead["id"], "page_view", properties={"path": "/pricing"})
    assert (await get_lead(client, tenant, lead["id"]))["stage"] == "mql"
    await post_event(client, tenant, lead["id"], "demo_request")
    assert (await get_lead(client, tenant, lead["id"]))["stage"] == "sql"
    assert await moves_of(client, tenant, lead["id"]) == [("new", "mql"), ("mql", "sql")]
    history = (await client.get(f"/v1/leads/{lead['id']}/stages", headers=tenant.read)).json()["data"]
    assert history[0]["by"] == {"kind": "system", "id": "scoring"}
    assert history[0]["reason"] == "band_changed"
    changed = [e["data"] for e in await events_of(app, tenant, "lead.stage_changed")]
    assert [(d["from"], d["to"]) for d in changed] == [("new", "mql"), ("mql", "sql")]
    # An unsubscribe costs points (the band drops): the stage does not go back.
    await post_event(client, tenant, lead["id"], "unsubscribe")
    after = await get_lead(client, tenant, lead["id"])
    assert after["stage"] == "sql"
    assert len(await moves_of(client, tenant, lead["id"])) == 2


async def test_moves_follow_the_pipeline(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "mover@prospect.io")
    skipped = await move(client, tenant, lead["id"], to="opportunity", note="met at the fair")
    assert skipped.status_code == 200, skipped.text
    body = skipped.json()
    assert body["lead"]["stage"] == "opportunity"
    assert skipped.headers["etag"] == f'"{body["lead"]["version"]}"'
    assert body["change"]["by"]["kind"] == "api_key"
    assert body["change"]["note"] == "met at the fair"
    back = await move(client, tenant, lead["id"], to="mql")
    assert back.status_code == 409
    assert back.json()["allowed"] == ["customer", "nurturing", "disqualified"]
    no_reason = await move(client, tenant, lead["id"], to="disqualified")
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    unknown_reason = await move(client, tenant, lead["id"], to="disqualified", reason="too_tall")
    assert unknown_reason.status_code == 422
    amount_elsewhere = await move(client, tenant, lead["id"], to="nurturing", amount=10)
    assert amount_elsewhere.status_code == 422
    won = await move(client, tenant, lead["id"], to="customer", amount=12500.5)
    assert won.status_code == 200, won.text
    assert won.json()["change"]["amount"] == 12500.5
    final = await move(client, tenant, lead["id"], to="nurturing")
    assert final.status_code == 409
    assert final.json()["allowed"] == []
    assert await moves_of(client, tenant, lead["id"]) == [("new", "opportunity"), ("opportunity", "customer")]
    # A lost lead may only be recycled.
    lost = await new_lead(client, tenant, "spam@prospect.io")
    assert (await move(client, tenant, lost["id"], to="disqualified", reason="spam")).status_code == 200
    assert (await move(client, tenant, lost["id"], to="sql")).status_code == 409
    assert (await move(client, tenant, lost["id"], to="nurturing")).status_code == 200


async def test_move_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "bad@prospect.io")
    url = f"/v1/leads/{lead['id']}/stage"
    cases: list[tuple[Any, str]] = [
        ({}, "to"),
        ({"to": "nowhere"}, "to"),
        ({"to": 5}, "to"),
        ({"to": "customer", "amount": -1}, "amount"),
        ({"to": "customer", "amount": 1e13}, "amount"),
        ({"to": "customer", "amount": "lots"}, "amount"),
        ({"to": "disqualified", "reason": "x" * 51}, "reason"),
        ({"to": "mql", "note": "x" * 2001}, "note"),
        ({"to": "mql", "by": "me"}, "by"),
    ]
    for body, field in cases:
        response = await client.post(url, json=body, headers=tenant.write)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field, response.text
    malformed = await client.post(
        url, content=b"{to:", headers={**tenant.write, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert (await client.post(url, json={"to": "mql"}, headers=tenant.read)).status_code == 403
    assert (await client.post(url, json={"to": "mql"}, headers=other_tenant.write)).status_code == 404
    missing = await client.post("/v1/leads/ld_nope/stage", json={"to": "mql"}, headers=tenant.write)
    assert missing.status_code == 404
    for path, body in (("accept", {}), ("reject", {"reason": "not_ready"})):
        other = await client.post(f"/v1/leads/{lead['id']}/{path}", json=body, headers=other_tenant.write)
        assert other.status_code == 404
    assert (await client.get(f"/v1/leads/{lead['id']}/stages", headers=other_tenant.read)).status_code == 404
    # Nothing moved.
    assert (await get_lead(client, tenant, lead["id"]))["stage"] == "new"
    assert await moves_of(client, tenant, lead["id"]) == []


async def test_accept_and_reject(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    ada = await add_owner(client, tenant, "Ada")
    await add_rule(client, tenant, name="all", position=1, strategy="owner", owner_id=ada["id"])
    await route_on(client, tenant, "created")
    lead = await new_lead(client, tenant, "taken@prospect.io")
    assert lead["owner_id"] == ada["id"]
    unowned = await new_lead(client, tenant, "plain@prospect.io")
    await client.patch(f"/v1/leads/{unowned['id']}", json={"owner_id": None}, headers=tenant.write)
    refused = await client.post(f"/v1/leads/{unowned['id']}/accept", headers=tenant.write)
    assert refused.status_code == 409
    assert "no owner" in refused.json()["detail"]

    accepted = await client.post(
        f"/v1/leads/{lead['id']}/accept", json={"note": "on it"}, headers=tenant.write
    )
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["lead"]["stage"] == "accepted"
    assert body["lead"]["first_touch_at"] is not None  # acceptance is a touch
    assert body["change"]["by"] == {"kind": "owner", "id": ada["id"]}
    # Accepted leads are no longer sales' to reject, nor to accept twice.
    assert (await client.post(f"/v1/leads/{lead['id']}/accept", headers=tenant.write)).status_code == 409
    late = await client.post(
        f"/v1/leads/{lead['id']}/reject", json={"reason": "no_fit"}, headers=tenant.write
    )
    assert late.status_code == 409

    other = await new_lead(client, tenant, "given-back@prospect.io")
    assert other["owner_id"] == ada["id"]
    missing_reason = await client.post(f"/v1/leads/{other['id']}/reject", json={}, headers=tenant.write)
    assert missing_reason.status_code == 422
    rejected = await client.post(
        f"/v1/leads/{other['id']}/reject",
        json={"reason": "not_ready", "note": "call in Q3"},
        headers=tenant.write,
    )
    assert rejected.status_code == 200, rejected.text
    lead_after = rejected.json()["lead"]
    assert (lead_after["stage"], lead_after["owner_id"]) == ("nurturing", None)
    [event] = [e for e in await events_of(app, tenant, "lead.rejected") if e["lead_id"] == other["id"]]
    assert event["data"]["reason"] == "not_ready"
    assert event["data"]["owner_id"] == ada["id"]
    owner = (await client.get(f"/v1/owners/{ada['id']}", headers=tenant.read)).json()
    assert owner["open_leads"] == 1  # the accepted lead; the rejected one left with its owner
    # Winning takes a lead out of the owner's open leads.
    await move(client, tenant, lead["id"], to="customer")
    owner = (await client.get(f"/v1/owners/{ada['id']}", headers=tenant.read)).json()
    assert owner["open_leads"] == 0


async def test_a_merge_keeps_the_duplicates_touch_and_moves(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    survivor = await new_lead(client, tenant, "keep@prospect.io")
    duplicate = await new_lead(client, tenant, "dup@prospect.io")
    await post_event(client, tenant, duplicate["id"], "call")
    assert (await move(client, tenant, duplicate["id"], to="sql")).status_code == 200
    touched_at = (await get_lead(client, tenant, duplicate["id"]))["first_touch_at"]
    merged = await client.post(
        f"/v1/leads/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["first_touch_at"] == touched_at
    assert await moves_of(client, tenant, survivor["id"]) == [("new", "sql")]


async def test_stage_history_pages(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "pages@prospect.io")
    for stage in ("mql", "sql", "accepted", "opportunity"):
        assert (await move(client, tenant, lead["id"], to=stage)).status_code == 200
    url = f"/v1/leads/{lead['id']}/stages"
    first = (await client.get(url, params={"limit": 3}, headers=tenant.read)).json()
    assert first["next_cursor"] is not None
    rest = (
        await client.get(url, params={"limit": 3, "cursor": first["next_cursor"]}, headers=tenant.read)
    ).json()
    assert rest["next_cursor"] is None
    assert [m["to_stage"] for m in first["data"] + rest["data"]] == ["opportunity", "accepted", "sql", "mql"]
    bad = await client.get(url, params={"cursor": "not-a-cursor"}, headers=tenant.read)
    assert bad.status_code == 400


async def test_a_lead_says_since_when_it_is_in_its_stage_and_when_it_first_acted(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    """`stage_entered_at` moves with the stage (a refused move leaves it); `first_activity_at` is
    the first behaviour event's time and stays. Both filter and sort the list, as the lead's
    other times do: "in this stage for more than two days" is one query."""
    stays = await new_lead(client, tenant, "stays@since.io")
    lead = await new_lead(client, tenant, "moves@since.io")
    assert (lead["stage_entered_at"], lead["first_activity_at"]) == (lead["created_at"], None)
    with clock.travel(hours=2):
        first = await client.post(
            f"/v1/leads/{lead['id']}/events", json={"type": "page_view"}, headers=tenant.write
        )
        assert first.status_code == 201, first.text
    with clock.travel(hours=5):
        await post_event(client, tenant, lead["id"], "page_view")
    with clock.travel(days=3):
        moved = await move(client, tenant, lead["id"], to="opportunity")
        assert moved.status_code == 200, moved.text
        refused = await move(client, tenant, lead["id"], to="mql")
        assert refused.status_code == 409
    read = await get_lead(client, tenant, lead["id"])
    assert when(read["stage_entered_at"]) == when(moved.json()["change"]["at"]) > when(lead["created_at"])
    assert when(read["first_activity_at"]) == when(first.json()["occurred_at"])
    assert when(read["last_activity_at"]) > when(read["first_activity_at"])
    assert (await get_lead(client, tenant, stays["id"]))["stage_entered_at"] == stays["created_at"]

    two_days_after = (when(lead["created_at"]) + timedelta(days=2)).isoformat()
    listed = await client.get(
        "/v1/leads",
        params={"email[in]": "stays@since.io,moves@since.io", "stage_entered_at[lt]": two_days_after},
        headers=tenant.read,
    )
    assert listed.status_code == 200, listed.text
    assert [found["id"] for found in listed.json()["data"]] == [stays["id"]]
    active = await client.get("/v1/leads", params={"first_activity_at[exists]": "true"}, headers=tenant.read)
    assert [found["id"] for found in active.json()["data"]] == [lead["id"]]
    newest_stay_first = await client.get(
        "/v1/leads",
        params={"email[in]": "stays@since.io,moves@since.io", "sort": "-stage_entered_at"},
        headers=tenant.read,
    )
    assert [found["id"] for found in newest_stay_first.json()["data"]] == [lead["id"], stays["id"]]


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)
