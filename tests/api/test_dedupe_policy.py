"""The dedupe policy: `auto_merge` on exact keys (the default, today's behaviour) or `flag_only`
(the new lead is created beside the one it matches and the pair queued for review), which exact
keys count (email, phone, external ids, a chosen attribute), for the workspace and per form
source; and bad input."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import Clock, Tenant
from tests.factories import add_source, events_of, get_lead, post_generic, run_duplicates


async def set_policy(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = await client.put("/v1/duplicates/policy", json=body, headers=tenant.admin)
    assert response.status_code == 200, response.text
    policy: dict[str, Any] = response.json()
    return policy


async def capture(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> tuple[int, dict[str, Any]]:
    response = await client.post("/v1/leads", json=body, headers=tenant.write)
    assert response.status_code in (200, 201), response.text
    lead: dict[str, Any] = response.json()
    return response.status_code, lead


async def pending(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    response = await client.get("/v1/duplicates", headers=tenant.read)
    assert response.status_code == 200, response.text
    pairs: list[dict[str, Any]] = response.json()["data"]
    return pairs


async def test_the_default_merges_on_exact_keys(client: httpx.AsyncClient, tenant: Tenant) -> None:
    policy = (await client.get("/v1/duplicates/policy", headers=tenant.read)).json()
    assert policy == {
        "mode": "auto_merge", "keys": ["email", "external_ids", "phone"], "attribute": None,
        "sources": {}, "updated_at": None,
    }  # fmt: skip
    status, first = await capture(client, tenant, email="same@acme.com")
    assert status == 201
    status, again = await capture(client, tenant, email="same@acme.com", first_name="Ada")
    assert (status, again["id"], again["first_name"]) == (200, first["id"], "Ada")


async def test_flag_only_creates_the_lead_and_queues_the_pair(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await run_duplicates(app, tenant)  # the workspace is followed (and swept, empty) first
    await set_policy(client, tenant, mode="flag_only")
    status, first = await capture(client, tenant, email="twice@acme.com", first_name="Ada")
    assert status == 201
    status, second = await capture(client, tenant, email="twice@acme.com", first_name="Grace")
    assert (status, second["id"] != first["id"]) == (201, True)
    assert (second["email"], second["first_name"]) == ("twice@acme.com", "Grace")
    # Queued in the capture's own transaction, before any consumer looked.
    [pair] = await pending(client, tenant)
    assert (pair["lead_id"], pair["other_lead_id"], pair["score"], pair["reasons"], pair["flagged_on"]) == (
        first["id"], second["id"], 100, ["same_email"], "email",
    )  # fmt: skip
    [created] = [e for e in await events_of(app, tenant, "lead.created") if e["lead_id"] == second["id"]]
    assert created["data"]["dedupe"]["flagged"] == {"lead_id": first["id"], "matched_on": "email"}
    # The detection rules find the pair too (an email variant); it keeps its exact key, and it stays
    # queued when either lead changes.
    await run_duplicates(app, tenant)
    patched = await client.patch(f"/v1/leads/{second['id']}", json={"title": "CTO"}, headers=tenant.write)
    assert patched.status_code == 200, patched.text
    await run_duplicates(app, tenant)
    [pair] = await pending(client, tenant)
    assert (pair["reasons"], pair["flagged_on"]) == (["same_email"], "email")
    # A third capture is flagged beside the lead holding the email, not merged.
    status, third = await capture(client, tenant, email="twice@acme.com")
    assert status == 201
    assert {(p["lead_id"], p["other_lead_id"]) for p in await pending(client, tenant)} == {
        (first["id"], second["id"]), (first["id"], third["id"]),
    }  # fmt: skip
    # Merging the pair keeps one lead with the email; an event naming the email finds the lead
    # that holds it.
    merged = await client.post(f"/v1/duplicates/{pair['id']}/merge", headers=tenant.write)
    assert merged.status_code == 200, merged.text
    assert merged.json()["lead"]["id"] == first["id"]
    assert merged.json()["lead"]["title"] == "CTO"
    event = await client.post(
        "/v1/events", json={"type": "page_view", "email": "twice@acme.com"}, headers=tenant.write
    )
    assert event.status_code in (200, 201), event.text
    assert event.json()["lead_id"] == first["id"]


async def test_merging_away_the_lead_holding_the_email_hands_its_slot_over(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await set_policy(client, tenant, mode="flag_only")
    _, first = await capture(client, tenant, email="slot@acme.com")
    _, second = await capture(client, tenant, email="slot@acme.com")
    merged = await client.post(
        f"/v1/leads/{second['id']}/merge", json={"duplicate_id": first["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    # The survivor now holds the email: auto_merge captures merge into it again.
    await set_policy(client, tenant, mode="auto_merge")
    status, again = await capture(client, tenant, email="slot@acme.com")
    assert (status, again["id"]) == (200, second["id"])


async def test_which_keys_count(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await set_policy(client, tenant, keys=["email"])
    _, by_phone = await capture(client, tenant, phone="+4722334455", first_name="A")
    status, other = await capture(client, tenant, phone="+4722334455", first_name="B")
    assert (status, other["id"] != by_phone["id"]) == (201, True)  # the phone does not count
    await set_policy(client, tenant, keys=["attribute"], attribute="crm_id")
    _, crm = await capture(client, tenant, email="crm.one@acme.com", attributes={"crm_id": "C-7"})
    status, same = await capture(client, tenant, email="crm.two@acme.com", attributes={"crm_id": "C-7"})
    assert (status, same["id"]) == (200, crm["id"])  # the attribute counts
    status, again = await capture(client, tenant, email="crm.one@acme.com")
    assert (status, again["id"] != crm["id"]) == (201, True)  # the email does not
    assert again["email"] == "crm.one@acme.com"
    status, numeric = await capture(client, tenant, attributes={"crm_id": 7})
    assert status == 201  # 7 is not "C-7"
    status, seven = await capture(client, tenant, attributes={"crm_id": 7}, first_name="Seven")
    assert (status, seven["id"]) == (200, numeric["id"])


async def test_external_ids_another_lead_owns_stay_with_it_under_flag_only(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await set_policy(client, tenant, mode="flag_only", keys=["external_ids"])
    _, first = await capture(client, tenant, email="ext.one@acme.com", external_ids={"crm": "9"})
    status, second = await capture(client, tenant, email="ext.two@acme.com", external_ids={"crm": "9"})
    assert status == 201
    assert second["external_ids"] == {}
    assert (await get_lead(client, tenant, first["id"]))["external_ids"] == {"crm": "9"}
    [pair] = await pending(client, tenant)
    assert (pair["reasons"], pair["flagged_on"]) == (["same_external_id"], "external_id")
    [created] = [e for e in await events_of(app, tenant, "lead.created") if e["lead_id"] == second["id"]]
    assert created["data"]["dedupe"]["external_id_conflicts"] == {"crm": "9"}


async def test_a_form_source_has_its_own_policy(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    webinar = await add_source(client, tenant, name="webinar", mapping={"mail": "email"})
    policy = await set_policy(client, tenant, sources={webinar["id"]: {"mode": "flag_only"}})
    assert policy["mode"] == "auto_merge"
    assert policy["sources"] == {
        webinar["id"]: {"mode": "flag_only", "keys": ["email", "phone", "external_ids"], "attribute": None}
    }
    assert (await client.get("/v1/duplicates/policy", headers=tenant.read)).json() == policy
    _, lead = await capture(client, tenant, email="form@acme.com")
    stamp = int(clock().timestamp())
    submitted = await post_generic(client, webinar, {"mail": "form@acme.com"}, stamp)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["lead_id"] != lead["id"]  # flagged, not merged
    status, again = await capture(client, tenant, email="form@acme.com")
    assert (status, again["id"]) == (200, lead["id"])  # the API's captures still merge
    [pair] = await pending(client, tenant)
    assert (pair["lead_id"], pair["other_lead_id"]) == (lead["id"], submitted.json()["lead_id"])


async def test_flag_only_pairs_dismissed_stay_dismissed(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await set_policy(client, tenant, mode="flag_only", keys=["phone"])
    _, first = await capture(client, tenant, phone="+4799887766")
    _, second = await capture(client, tenant, phone="+4799887766")
    [pair] = await pending(client, tenant)
    assert (pair["lead_id"], pair["other_lead_id"]) == (first["id"], second["id"])
    assert pair["reasons"] == ["same_phone"]
    dismissed = await client.post(f"/v1/duplicates/{pair['id']}/dismiss", headers=tenant.write)
    assert dismissed.status_code == 200, dismissed.text
    assert await pending(client, tenant) == []


async def test_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    theirs = await add_source(client, other_tenant, name="theirs", mapping={"mail": "email"})

    async def put(body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        return await client.put("/v1/duplicates/policy", json=body, headers=headers or tenant.admin)

    cases: list[tuple[Any, str]] = [
        ({"mode": "merge"}, "mode"),
        ({"mode": 1}, "mode"),
        ({"keys": []}, "keys"),
        ({"keys": ["email", "name"]}, "keys[1]"),
        ({"keys": "email"}, "keys"),
        ({"keys": ["attribute"]}, ""),  # no attribute named
        ({"attribute": "crm_id"}, ""),  # an attribute without the key
        ({"keys": ["email", "email"]}, ""),
        ({"keys": ["attribute"], "attribute": "a b"}, "attribute"),
        ({"keys": ["attribute"], "attribute": "x" * 101}, "attribute"),
        ({"sources": {theirs["id"]: {"mode": "flag_only"}}}, f"sources.{theirs['id']}"),
        ({"sources": {"src_nope": {"mode": "nope"}}}, "mode"),
        ({"sources": {"x" * 33: {}}}, "sources"),
        ({"unknown": 1}, "unknown"),
        ([], ""),
    ]
    for body, field in cases:
        response = await put(body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        fields = [e["field"] for e in response.json().get("errors", [])]
        assert any(field in f for f in fields), (body, fields)
    malformed = await client.put(
        "/v1/duplicates/policy",
        content=b'{"mode": ',
        headers={**tenant.admin, "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.headers["content-type"].startswith("application/problem+json")
    assert (await put({"mode": "flag_only"}, tenant.write)).status_code == 403
    assert (await client.get("/v1/duplicates/policy")).status_code == 401
    # Nothing was stored; the other workspace's policy is its own.
    assert (await client.get("/v1/duplicates/policy", headers=tenant.read)).json()["updated_at"] is None
    await set_policy(client, other_tenant, mode="flag_only")
    assert (await client.get("/v1/duplicates/policy", headers=tenant.read)).json()["mode"] == "auto_merge"


async def test_the_batch_match_follows_the_policy(client: httpx.AsyncClient, tenant: Tenant) -> None:
    _, lead = await capture(client, tenant, email="match.policy@acme.com", attributes={"crm_id": "M-1"})

    async def match(**body: Any) -> dict[str, Any]:
        response = await client.post("/v1/leads/match", json={"leads": [body]}, headers=tenant.read)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["results"][0]
        return result

    assert (await match(email="match.policy@acme.com"))["merges_into"] == {
        "lead_id": lead["id"], "matched_on": "email",
    }  # fmt: skip
    await set_policy(client, tenant, keys=["attribute"], attribute="crm_id")
    assert (await match(email="other@acme.com", attributes={"crm_id": "M-1"}))["merges_into"] == {
        "lead_id": lead["id"], "matched_on": "attribute",
    }  # fmt: skip
    await set_policy(client, tenant, mode="flag_only")
    flagged = await match(email="match.policy@acme.com")
    assert flagged["merges_into"] is None
    assert flagged["candidates"][0] == {"lead_id": lead["id"], "score": 100, "reasons": ["same_email"]}
    assert [c["lead_id"] for c in flagged["candidates"]].count(lead["id"]) == 1
