"""Duplicates beyond exact keys: candidates found after capture by the consumer of the event log
and by the sweep, the review queue (filters, order, pages), merging a pair (history kept,
`lead.merged` naming both), dismissing one (never back), the batch match (stores nothing), and
bad input.

The consumer is driven here directly (its run-once), as the background loop runs it."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, insert, select, update

from leadapi.duplicates import engine
from leadapi.duplicates.engine import MAX_BLOCK
from leadapi.duplicates.models import DuplicateFiling, DuplicateKey, DuplicatePair, DuplicateSweepFiling
from leadapi.duplicates.repository import DuplicateRepository
from leadapi.leads.models import Lead
from tests.conftest import Clock, Tenant
from tests.factories import add_track, enroll, events_of, new_lead, post_event, run_duplicates, services
from tests.plans import statements_sent


async def queue(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/v1/duplicates", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def capture(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/leads", json=body, headers=tenant.write)
    assert response.status_code == 201, response.text
    lead: dict[str, Any] = response.json()
    return lead


async def count(app: FastAPI, table: Any, tenant: Tenant) -> int:
    async with app.state.db.read() as conn:
        stmt = select(func.count()).select_from(table).where(table.c.workspace_id == tenant.workspace_id)
        return int((await conn.execute(stmt)).scalar_one())


async def keys_of(app: FastAPI, lead_id: str) -> int:
    """How many keys the lead is filed under; and they are those its filing lists (none: no
    filing)."""
    async with app.state.db.read() as conn:
        keys = set(
            (await conn.execute(select(DuplicateKey.key).where(DuplicateKey.lead_id == lead_id))).scalars()
        )
        filed = select(DuplicateFiling.keys).where(DuplicateFiling.lead_id == lead_id)
        listed = (await conn.execute(filed)).scalar_one_or_none()
    assert sorted(keys) == (listed or []), (keys, listed)
    assert (listed is None) == (not keys)
    return len(keys)


async def test_candidates_are_found_after_capture_with_score_and_reasons(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await run_duplicates(app, tenant)  # the workspace is met (and swept, empty) first
    ada = await new_lead(client, tenant, "ada.lovelace@gmail.com")
    ada_again = await new_lead(client, tenant, "AdaLovelace+webinar@googlemail.com")
    grace = await capture(
        client, tenant, first_name="Grace", last_name="Hopper", website="navy.mil", city="Arlington"
    )
    grace_typo = await capture(
        client, tenant, first_name="Grace", last_name="Hoper", website="https://www.navy.mil", city="Boston"
    )
    await capture(client, tenant, first_name="Alan", last_name="Turing", website="navy.mil")
    assert await queue(client, tenant) == []  # nothing until the consumer has looked
    await run_duplicates(app, tenant)
    pairs = await queue(client, tenant)
    assert [(p["lead_id"], p["other_lead_id"], p["score"], p["reasons"]) for p in pairs] == [
        (ada["id"], ada_again["id"], 95, ["email_variant"]),
        (grace["id"], grace_typo["id"], 70, ["similar_name_and_company_domain"]),
    ]
    assert all(p["status"] == "pending" and p["id"].startswith("dup_") for p in pairs)
    # Filters by score, and pages highest score first.
    assert [p["score"] for p in await queue(client, tenant, min_score=80)] == [95]
    assert [p["score"] for p in await queue(client, tenant, max_score=80)] == [70]
    first = (await client.get("/v1/duplicates", params={"limit": 1}, headers=tenant.read)).json()
    assert [p["id"] for p in first["data"]] == [pairs[0]["id"]]
    rest = (
        await client.get(
            "/v1/duplicates", params={"limit": 1, "cursor": first["next_cursor"]}, headers=tenant.read
        )
    ).json()
    assert [p["id"] for p in rest["data"]] == [pairs[1]["id"]]
    assert rest["next_cursor"] is None
    one = await client.get(f"/v1/duplicates/{pairs[0]['id']}", headers=tenant.read)
    assert one.status_code == 200
    assert one.json() == pairs[0]
    # Running again finds nothing new: a pair is stored once.
    await run_duplicates(app, tenant)
    assert await queue(client, tenant) == pairs


async def test_a_pair_that_is_no_longer_alike_leaves_the_queue(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await run_duplicates(app, tenant)
    a = await capture(
        client, tenant, first_name="Ada", last_name="King", city="London", phone="+44 20 7946 0958"
    )
    b = await capture(client, tenant, first_name="Ada", last_name="King", city="London", email="ada@king.org")
    await run_duplicates(app, tenant)
    [pair] = await queue(client, tenant)
    assert pair["reasons"] == ["name_and_city"]
    # The newer one moves city: no longer alike, gone from the queue.
    assert (
        await client.patch(f"/v1/leads/{b['id']}", json={"city": "Paris"}, headers=tenant.write)
    ).status_code == 200
    await run_duplicates(app, tenant)
    assert await queue(client, tenant) == []
    # Back again: queued again (it was never dismissed), with the phone as a further reason.
    await client.patch(
        f"/v1/leads/{b['id']}", json={"city": "London", "phone": "+442079460958"}, headers=tenant.write
    )
    await run_duplicates(app, tenant)
    [again] = await queue(client, tenant)
    assert again["reasons"] == ["name_and_city", "phone"]
    assert again["score"] == 80
    # Erasing a lead takes its keys with it at once (hashes of its e-mail and name), and its
    # pending pairs once the consumer looks.
    assert await keys_of(app, a["id"]) > 0
    assert (await client.delete(f"/v1/leads/{a['id']}", headers=tenant.admin)).status_code == 204
    assert await keys_of(app, a["id"]) == 0
    await run_duplicates(app, tenant)
    assert await queue(client, tenant) == []


async def test_a_change_that_keeps_a_leads_keys_writes_none(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A lead is filed again only when its keys or its signature change, and only then are its
    pairs decided again: a new title or tags (most of the changes the consumer sees) leave its
    keys and its pairs as they are, unread and unwritten."""
    await run_duplicates(app, tenant)
    lead = await new_lead(client, tenant, "ann@acme.io", first_name="Ann", last_name="Lee", city="Oslo")
    twin = await new_lead(client, tenant, "ann.lee@lee.org", first_name="Ann", last_name="Lee", city="Oslo")
    await run_duplicates(app, tenant)
    before = await key_set(app, lead["id"])
    assert before
    [pair] = await queue(client, tenant)
    assert {pair["lead_id"], pair["other_lead_id"]} == {lead["id"], twin["id"]}

    async def duplicates_work_after(change: dict[str, Any]) -> list[str]:
        patched = await client.patch(f"/v1/leads/{lead['id']}", json=change, headers=tenant.write)
        assert patched.status_code == 200, patched.text
        with statements_sent(app.state.db.engine.sync_engine) as seen:
            await run_duplicates(app, tenant)
        return [
            statement
            for statement, _ in seen
            if "duplicate_keys" in statement or "duplicate_pairs" in statement
        ]

    assert await duplicates_work_after({"title": "CTO", "tags": ["vip"]}) == []
    assert await key_set(app, lead["id"]) == before
    assert await queue(client, tenant) == [pair]
    assert await duplicates_work_after({"city": "Bergen"}) != []
    assert await queue(client, tenant) == []  # no longer alike: Oslo and Bergen
    now = (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).json()
    assert await key_set(app, lead["id"]) == set(engine.blocking_keys(now)) != before
    assert await keys_of(app, lead["id"]) == len(engine.blocking_keys(now))


async def test_dismissed_pairs_never_come_back(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await run_duplicates(app, tenant)
    await new_lead(client, tenant, "j.doe@gmail.com", first_name="Jane")
    b = await new_lead(client, tenant, "jdoe@gmail.com", first_name="John")
    await run_duplicates(app, tenant)
    [pair] = await queue(client, tenant)
    dismissed = await client.post(f"/v1/duplicates/{pair['id']}/dismiss", headers=tenant.write)
    assert dismissed.status_code == 200, dismissed.text
    body = dismissed.json()
    assert body["status"] == "dismissed"
    assert body["resolved_by"]
    assert body["resolved_at"]
    assert await queue(client, tenant) == []
    # The leads change and are looked at again, and the sweep goes over everything: still dismissed.
    await client.patch(f"/v1/leads/{b['id']}", json={"last_name": "Doe"}, headers=tenant.write)
    assert (await client.post("/v1/duplicates/sweep", headers=tenant.admin)).status_code == 202
    await run_duplicates(app, tenant)
    assert await queue(client, tenant) == []
    assert [p["id"] for p in await queue(client, tenant, status="dismissed")] == [pair["id"]]
    # Dismissing again is a no-op; merging a dismissed pair is refused.
    assert (await client.post(f"/v1/duplicates/{pair['id']}/dismiss", headers=tenant.write)).json() == body
    assert (await client.post(f"/v1/duplicates/{pair['id']}/merge", headers=tenant.write)).status_code == 409


async def test_merging_a_pair_keeps_both_histories(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await run_duplicates(app, tenant)
    older = await new_lead(client, tenant, "mary.smith@gmail.com", first_name="Mary")
    newer = await new_lead(client, tenant, "marysmith+promo@gmail.com", last_name="Smith", title="CTO")
    await post_event(client, tenant, newer["id"], "page_view")
    await run_duplicates(app, tenant)
    [pair] = await queue(client, tenant)
    response = await client.post(f"/v1/duplicates/{pair['id']}/merge", headers=tenant.write)
    assert response.status_code == 200, response.text
    merged = response.json()
    assert merged["pair"]["status"] == "merged"
    assert merged["pair"]["merged_into"] == older["id"]
    assert merged["lead"]["id"] == older["id"]
    assert (merged["lead"]["first_name"], merged["lead"]["last_name"], merged["lead"]["title"]) == (
        "Mary",
        "Smith",
        "CTO",
    )
    assert (await client.get(f"/v1/leads/{newer['id']}", headers=tenant.read)).status_code == 404
    assert await keys_of(app, newer["id"]) == 0  # the merged-away lead's keys went with it
    assert await keys_of(app, older["id"]) > 0
    # lead.merged names both; the newer lead's events read under the survivor now.
    [event] = [e for e in await events_of(app, tenant, "lead.merged") if e["data"].get("via") == "merge"]
    assert (event["lead_id"], event["data"]["merged_lead_id"]) == (older["id"], newer["id"])
    timeline = (await client.get(f"/v1/leads/{older['id']}/timeline", headers=tenant.read)).json()["data"]
    assert {"page_view", "lead.created", "lead.merged"} <= {e["type"] for e in timeline}
    assert [e["type"] for e in timeline].count("lead.created") == 2
    assert (await client.post(f"/v1/duplicates/{pair['id']}/merge", headers=tenant.write)).status_code == 409
    await run_duplicates(app, tenant)
    assert await queue(client, tenant) == []
    assert [p["status"] for p in await queue(client, tenant, status="merged")] == ["merged"]


async def test_a_merge_outside_the_queue_settles_its_pair(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await run_duplicates(app, tenant)
    a = await new_lead(client, tenant, "x.y@gmail.com")
    b = await new_lead(client, tenant, "xy@gmail.com")
    await run_duplicates(app, tenant)
    assert len(await queue(client, tenant)) == 1
    response = await client.post(
        f"/v1/leads/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=tenant.write
    )
    assert response.status_code == 200, response.text
    await run_duplicates(app, tenant)
    assert await queue(client, tenant) == []
    [pair] = await queue(client, tenant, status="merged")
    assert pair["merged_into"] == a["id"]


async def test_the_first_look_sweeps_the_leads_from_before(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    a = await new_lead(client, tenant, "old.timer@gmail.com")
    b = await new_lead(client, tenant, "oldtimer@gmail.com")
    await run_duplicates(app, tenant)
    [pair] = await queue(client, tenant)
    assert (pair["lead_id"], pair["other_lead_id"]) == (a["id"], b["id"])
    assert await count(app, DuplicateKey.__table__, tenant) == 2


async def test_match_stores_nothing(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    await run_duplicates(app, tenant)
    exact = await new_lead(client, tenant, "kim@acme.io", first_name="Kim", last_name="Lee")
    gmail = await new_lead(client, tenant, "sam.park@gmail.com")
    await run_duplicates(app, tenant)
    before = (await count(app, Lead.__table__, tenant), await count(app, DuplicateKey.__table__, tenant))
    body = {
        "leads": [
            {"email": "KIM@acme.io"},
            {"email": "sampark+x@gmail.com"},
            {"first_name": "Kim", "last_name": "Lee", "website": "acme.io"},
            {"email": "not an email"},
            {"email": "nobody@nowhere.org"},
            "not an object",
        ]
    }
    response = await client.post("/v1/leads/match", json=body, headers=tenant.read)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["ok", "ok", "ok", "error", "ok", "error"]
    assert results[0]["merges_into"] == {"lead_id": exact["id"], "matched_on": "email"}
    assert results[0]["candidates"] == []
    assert results[1]["merges_into"] is None
    assert results[1]["candidates"] == [{"lead_id": gmail["id"], "score": 95, "reasons": ["email_variant"]}]
    assert results[2]["candidates"] == [
        {"lead_id": exact["id"], "score": 85, "reasons": ["name_and_company_domain"]}
    ]
    assert results[3]["errors"][0]["field"] == "email"
    assert results[4] == {"index": 4, "status": "ok", "merges_into": None, "candidates": [], "errors": None}
    after = (await count(app, Lead.__table__, tenant), await count(app, DuplicateKey.__table__, tenant))
    assert after == before
    assert await count(app, DuplicatePair.__table__, tenant) == 0


async def test_bad_input(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await run_duplicates(app, tenant)
    await new_lead(client, tenant, "p.q@gmail.com")
    await new_lead(client, tenant, "pq@gmail.com")
    await run_duplicates(app, tenant)
    [pair] = await queue(client, tenant)
    for method, path in (
        ("GET", f"/v1/duplicates/{pair['id']}"),
        ("POST", f"/v1/duplicates/{pair['id']}/merge"),
        ("POST", f"/v1/duplicates/{pair['id']}/dismiss"),
    ):
        response = await client.request(method, path, headers=other_tenant.write)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    for path in (f"/v1/duplicates/{pair['id']}/merge", f"/v1/duplicates/{pair['id']}/dismiss"):
        assert (await client.post(path, headers=tenant.read)).status_code == 403
    assert (await client.post("/v1/duplicates/sweep", headers=tenant.write)).status_code == 403
    for params in (
        {"status": "maybe"},
        {"min_score": 101},
        {"max_score": -1},
        {"limit": 0},
        {"min_score": "x"},
    ):
        response = await client.get("/v1/duplicates", params=params, headers=tenant.read)
        assert response.status_code == 422, (params, response.text)
    assert (
        await client.get("/v1/duplicates", params={"cursor": "nope"}, headers=tenant.read)
    ).status_code == 400
    bodies: list[dict[str, Any]] = [
        {"leads": []},
        {"leads": [{}] * 1001},
        {},
        {"leads": "x"},
        {"leads": [{}], "extra": 1},
    ]
    for body in bodies:
        response = await client.post("/v1/leads/match", json=body, headers=tenant.read)
        assert response.status_code == 422, (str(body)[:80], response.text)
    malformed = await client.post(
        "/v1/leads/match", content=b"{", headers={**tenant.read, "content-type": "application/json"}
    )
    assert malformed.status_code in (400, 422)
    # Nothing of it changed the pair.
    assert await queue(client, tenant) == [pair]


async def test_a_merge_keeps_the_duplicates_track_enrolments(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """The merged-away lead's enrolments are the survivor's history: a live one ends (`exited`,
    reason `merged`) with its `track.exited` event, as every end of an enrolment has, instead of
    vanishing with the lead."""
    await run_duplicates(app, tenant)
    older = await new_lead(client, tenant, "nur.ture@gmail.com")
    newer = await new_lead(client, tenant, "nurture@gmail.com")
    kept = await add_track(client, tenant, name="kept")
    other = await add_track(client, tenant, name="other")
    assert (await enroll(client, tenant, older["id"], kept["id"])).status_code == 201
    theirs = (await enroll(client, tenant, newer["id"], other["id"])).json()
    await run_duplicates(app, tenant)
    [pair] = await queue(client, tenant)
    assert (await client.post(f"/v1/duplicates/{pair['id']}/merge", headers=tenant.write)).status_code == 200
    enrolments = (await client.get(f"/v1/leads/{older['id']}/enrollments", headers=tenant.read)).json()[
        "data"
    ]
    by_track = {e["track_id"]: e for e in enrolments}
    assert set(by_track) == {kept["id"], other["id"]}
    assert by_track[kept["id"]]["status"] == "active"
    moved = by_track[other["id"]]
    assert (moved["id"], moved["lead_id"], moved["status"], moved["reason"]) == (
        theirs["id"],
        older["id"],
        "exited",
        "merged",
    )
    [exited] = await events_of(app, tenant, "track.exited")
    assert exited["lead_id"] == older["id"]
    assert exited["data"]["reason"] == "merged"
    assert exited["data"]["merged_lead_id"] == newer["id"]
    assert exited["data"]["enrollment"]["id"] == theirs["id"]


async def _lag(client: httpx.AsyncClient) -> dict[str, float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith("leadapi_duplicate_lag")
    }


async def test_the_consumers_lag_is_in_metrics(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await run_duplicates(app, tenant)  # the workspace is followed from here on
    before = await _lag(client)
    await new_lead(client, tenant, "lag@acme.com")
    await app.state.sequencer.drain()
    with clock.travel(seconds=90):
        behind = await _lag(client)
        assert behind["leadapi_duplicate_lag_events"] >= before["leadapi_duplicate_lag_events"] + 1
        assert behind["leadapi_duplicate_lag_seconds"] >= 90
        await run_duplicates(app, tenant)
        after = await _lag(client)
    assert after["leadapi_duplicate_lag_events"] <= before["leadapi_duplicate_lag_events"]


async def test_a_sweep_judges_each_key_by_its_final_block_in_batches_of_any_size(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A key shared by more than MAX_BLOCK leads tells nothing, however few it had when a batch
    of them was filed: the sweep pairs once every lead is filed, so its batch size changes
    nothing, and the pairs the consumer queued while the crowd was small are dropped."""
    await run_duplicates(app, tenant)  # met and swept empty
    pats = [
        {"email": f"p{i}@acme.io", "first_name": "Pat", "last_name": "Smith", "website": "acme.io"}
        for i in range(MAX_BLOCK + 40)
    ]
    # The consumer meets the first thirty Pat Smiths alone: a block of thirty, every two a pair.
    first = await client.post("/v1/leads/batch", json={"leads": pats[:30]}, headers=tenant.write)
    assert first.status_code == 200, first.text
    await run_duplicates(app, tenant)
    assert await count(app, DuplicatePair.__table__, tenant) == 30 * 29 // 2
    # Gmail twins, each pair on a key of its two leads, each second lead filed after the crowd:
    # more than a step of 10 leads holds, so the pairing streams its blocks and stores in rounds.
    twins = 12
    body = [
        *({"email": f"ann.lee{i}@gmail.com"} for i in range(twins)),
        *pats[30:],
        *({"email": f"annlee{i}+list@gmail.com"} for i in range(twins)),
    ]
    response = await client.post("/v1/leads/batch", json={"leads": body}, headers=tenant.write)
    assert response.status_code == 200, response.text
    await app.state.sequencer.drain()
    duplicates = services(app).duplicates

    async def sweep(limit: int) -> set[tuple[str, str, int]]:
        async with app.state.db.transaction() as conn:
            await DuplicateRepository(conn, tenant.workspace_id).set_sweep(True, None, app.state.clock())
        more = True
        while more:
            async with app.state.db.transaction() as conn:
                more = await duplicates.sweep_step(conn, tenant.workspace_id, limit)
        found = await queue(client, tenant)
        assert await count(app, DuplicatePair.__table__, tenant) == len(found)
        return {(p["lead_id"], p["other_lead_id"], p["score"]) for p in found}

    in_small_batches = await sweep(10)
    assert len(in_small_batches) == twins, in_small_batches
    assert {score for *_, score in in_small_batches} == {95}  # the Gmail twins alone
    assert await sweep(1000) == in_small_batches


async def key_set(app: FastAPI, lead_id: str) -> set[int]:
    async with app.state.db.read() as conn:
        return set(
            (await conn.execute(select(DuplicateKey.key).where(DuplicateKey.lead_id == lead_id))).scalars()
        )


async def test_a_sweep_loads_its_keys_as_the_leads_are_when_it_loads_them(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """The sweep makes every lead's filing first and loads them all at once after: a lead changed
    in between is filed as it is now, an erased one not at all, and a lead filed differently
    before (by older rules, say) loses the keys it no longer has; keys its filing did not list
    do not stop the load."""
    await run_duplicates(app, tenant)
    moved = await new_lead(client, tenant, "ann.lee@gmail.com", first_name="Ann", last_name="Lee")
    erased = await new_lead(client, tenant, "carl@acme.io", first_name="Carl", last_name="Ash")
    kept = await new_lead(client, tenant, "bo@acme.io", first_name="Bo", last_name="Ek")
    await run_duplicates(app, tenant)
    kept_keys = await key_set(app, kept["id"])
    assert kept_keys
    stale = 12345
    async with app.state.db.transaction() as conn:
        # `kept` filed under a key no lead has any more, its filing listing that key alone (so
        # the keys it does have are keys its filing does not list).
        await conn.execute(
            insert(DuplicateKey).values(
                workspace_id=tenant.workspace_id, key=stale, lead_id=kept["id"], name_mask=0, name_len=0
            )
        )
        await conn.execute(
            update(DuplicateFiling)
            .where(DuplicateFiling.workspace_id == tenant.workspace_id, DuplicateFiling.lead_id == kept["id"])
            .values(keys=[stale])
        )
        await DuplicateRepository(conn, tenant.workspace_id).set_sweep(True, None, app.state.clock())
    duplicates = services(app).duplicates
    async with app.state.db.transaction() as conn:
        assert await duplicates.sweep_step(conn, tenant.workspace_id)  # every lead's keys made
    # Meanwhile (before the sweep loads them, and before the consumer looks): one lead moves,
    # one is erased.
    patched = await client.patch(
        f"/v1/leads/{moved['id']}", json={"email": "ann@lee.org", "city": "Oslo"}, headers=tenant.write
    )
    assert patched.status_code == 200, patched.text
    assert (await client.delete(f"/v1/leads/{erased['id']}", headers=tenant.admin)).status_code == 204
    async with app.state.db.read() as conn:  # the erased lead's staged keys went with it
        staged = select(DuplicateSweepFiling.lead_id).where(
            DuplicateSweepFiling.workspace_id == tenant.workspace_id
        )
        assert set((await conn.execute(staged)).scalars()) == {moved["id"], kept["id"]}
    more = True
    while more:
        async with app.state.db.transaction() as conn:
            more = await duplicates.sweep_step(conn, tenant.workspace_id)
    now = (await client.get(f"/v1/leads/{moved['id']}", headers=tenant.read)).json()
    assert (now["email"], now["city"]) == ("ann@lee.org", "Oslo")
    assert await key_set(app, moved["id"]) == set(engine.blocking_keys(now))
    assert await key_set(app, erased["id"]) == set()
    assert await key_set(app, kept["id"]) == kept_keys
    async with app.state.db.read() as conn:
        filed = select(DuplicateFiling.keys).where(DuplicateFiling.lead_id.in_([kept["id"], erased["id"]]))
        assert list((await conn.execute(filed)).scalars()) == [sorted(kept_keys)]
    assert await count(app, DuplicateSweepFiling.__table__, tenant) == 0  # the staged filings went
