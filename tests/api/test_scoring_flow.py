"""Stored scores: kept true on every change, every event, every model activation and as time
passes. Expected figures come from the default model's published point table (scoring issue):
C-level +20, target geography +15, pricing page +15, demo request +50, careers page -15,
unsubscribed -15, 90 days without engagement -20, email clicks +10 each with a 30-day half-life."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from leadapi.app import create_app
from leadapi.jobs.loop import run_job
from leadapi.jobs.repository import JobRepository
from leadapi.scoring.service import RESCORE_BATCH
from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import events_of, get_lead, new_lead, post_event

CEO_IN_US = {"title": "CEO", "country": "US"}  # executive +20, target geography +15


async def sweep_all(app: FastAPI) -> None:
    """Run the time-based sweep until nothing is due (other tests' leads may be due too)."""
    while await app.state.scoring.rescore_due() == RESCORE_BATCH:
        pass


async def run_jobs(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, job_id: str) -> dict[str, Any]:
    """Run queued jobs (others' too: the queue is shared) until this one has finished."""
    for _ in range(100):
        job: dict[str, Any] = (await client.get(f"/v1/jobs/{job_id}", headers=tenant.read)).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert await run_job(app.state.db, app.state.jobs), "a queued job was not claimed"
    raise AssertionError("the job never finished")


async def test_a_new_lead_is_scored_from_who_it_is(client: httpx.AsyncClient, tenant: Tenant) -> None:
    active = (await client.get("/v1/scoring/active", headers=tenant.read)).json()
    lead = await new_lead(client, tenant, "ceo@acme.com", **CEO_IN_US)
    assert (lead["score"], lead["fit_score"], lead["behavior_score"]) == (35, 35, 0)
    assert lead["band"] == "not_ready"
    assert lead["score_model_id"] == active["id"]
    assert lead["scored_at"] is not None
    assert lead["last_activity_at"] is None
    assert (await get_lead(client, tenant, lead["id"]))["score"] == 35
    free_mail = await new_lead(client, tenant, "someone@gmail.com", country="FR")  # +15 -10
    assert (free_mail["score"], free_mail["band"]) == (5, "not_ready")


async def test_events_move_the_score_and_the_band(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "buyer@acme.com", **CEO_IN_US)
    pricing = await post_event(client, tenant, lead["id"], "page_view", properties={"path": "/pricing/teams"})
    assert (await get_lead(client, tenant, lead["id"]))[("band")] == "mql"  # 35 + 15 = 50
    await post_event(client, tenant, lead["id"], "demo_request")
    after_demo = await get_lead(client, tenant, lead["id"])
    assert (after_demo["score"], after_demo["band"]) == (100, "sql")  # 35 + 15 + 50
    assert after_demo["last_activity_at"] is not None
    await post_event(client, tenant, lead["id"], "page_view", properties={"path": "/careers"})
    final = await get_lead(client, tenant, lead["id"])
    assert (final["score"], final["fit_score"], final["behavior_score"], final["band"]) == (85, 35, 50, "sql")

    bands = [e["data"] for e in await events_of(app, tenant, "lead.band_changed")]
    assert [(b["from"], b["to"]) for b in bands] == [("not_ready", "mql"), ("mql", "sql")]
    scored = [e["data"] for e in await events_of(app, tenant, "lead.scored")]
    assert [(s["old"], s["new"], s["reason"]) for s in scored] == [
        (None, 35, "lead_created"),
        (35, 50, "event"),
        (50, 100, "event"),
        (100, 85, "event"),
    ]
    assert {s["model_version"] for s in scored} == {1}

    explained = (await client.get(f"/v1/leads/{lead['id']}/score", headers=tenant.read)).json()
    assert (explained["score"], explained["band"]) == (85, "sql")
    hits = {hit["rule_id"]: hit for hit in explained["breakdown"]}
    assert set(hits) == {"executive", "target_geography", "pricing_page", "demo_request", "careers_page"}
    assert sum(hit["points"] for hit in hits.values()) == explained["fit_score"] + explained["behavior_score"]
    assert hits["pricing_page"]["evidence"] == {"count": 1, "event_ids": [pricing]}
    assert hits["executive"]["evidence"] == {"fields": {"seniority": "c_level"}}
    assert explained["bands"] == [
        {"name": "sql", "min": 75},
        {"name": "mql", "min": 40},
        {"name": "not_ready", "min": None},
    ]
    assert explained["model"]["version"] == 1


async def test_score_history_is_newest_first_and_paginated(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "history@acme.com", **CEO_IN_US)
    await post_event(client, tenant, lead["id"], "page_view", properties={"path": "/pricing"})
    await post_event(client, tenant, lead["id"], "webinar_attended")
    url = f"/v1/leads/{lead['id']}/score/history"
    first = (await client.get(url, params={"limit": 2}, headers=tenant.read)).json()
    second = (
        await client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=tenant.read)
    ).json()
    changes = first["data"] + second["data"]
    assert [(c["old_score"], c["score"], c["reason"]) for c in changes] == [
        (50, 80, "event"),
        (35, 50, "event"),
        (None, 35, "lead_created"),
    ]
    assert [c["band"] for c in changes] == ["sql", "mql", "not_ready"]
    assert [c["old_band"] for c in changes] == ["mql", "not_ready", None]
    assert second["next_cursor"] is None
    bad = await client.get(url, params={"cursor": "nope"}, headers=tenant.read)
    assert bad.status_code == 400


async def test_changing_merging_and_unsubscribing_rescore(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "change@acme.com", **CEO_IN_US)
    patched = await client.patch(f"/v1/leads/{lead['id']}", json={"title": "Engineer"}, headers=tenant.write)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["score"], patched.json()["fit_score"]) == (15, 15)  # no longer an executive
    assert patched.json()["version"] == 2

    other = await new_lead(client, tenant, "other@acme.com")
    await post_event(client, tenant, other["id"], "demo_request", occurred_at="2026-10-01T09:00:00Z")
    merged = await client.post(
        f"/v1/leads/{lead['id']}/merge", json={"duplicate_id": other["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["score"] == 65  # 15 + the duplicate's demo request
    assert merged.json()["band"] == "mql"
    assert merged.json()["last_activity_at"] == "2026-10-01T09:00:00Z"

    await post_event(client, tenant, lead["id"], "unsubscribe")
    after = await get_lead(client, tenant, lead["id"])
    assert (after["unsubscribed"], after["score"]) == (True, 50)
    reasons = [e["data"]["reason"] for e in await events_of(app, tenant, "lead.scored")]
    assert reasons.count("lead_changed") == 2  # the patch and the merge
    assert reasons[-1] == "event"


async def test_one_by_one_or_in_a_batch_gives_the_same_score(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    events: list[dict[str, Any]] = [
        {"type": "email_open", "occurred_at": "2026-11-01T10:00:00Z"},
        {"type": "email_open", "occurred_at": "2026-11-02T10:00:00Z"},
        {"type": "email_open", "occurred_at": "2026-11-03T10:00:00Z"},
        {"type": "content_download", "occurred_at": "2026-10-20T10:00:00Z"},
        {"type": "page_view", "occurred_at": "2026-11-04T10:00:00Z", "properties": {"path": "/pricing"}},
    ]
    single = await new_lead(client, tenant, "single@acme.com")
    for event in reversed(events):
        await post_event(
            client, tenant, single["id"], event["type"], **{k: v for k, v in event.items() if k != "type"}
        )
    batched = await new_lead(client, tenant, "batched@acme.com")
    response = await client.post(
        "/v1/events/batch",
        json={"events": [{**e, "lead_id": batched["id"]} for e in events]},
        headers=tenant.write,
    )
    assert response.status_code == 200, response.text
    one, other = await get_lead(client, tenant, single["id"]), await get_lead(client, tenant, batched["id"])
    assert one["score"] == other["score"] == 33  # 3 opens +8, download +10, pricing +15
    assert one["last_activity_at"] == other["last_activity_at"] == "2026-11-04T10:00:00Z"


async def test_lead_filters_and_sorting_on_scores(client: httpx.AsyncClient, tenant: Tenant) -> None:
    hot = await new_lead(client, tenant, "hot@acme.com", **CEO_IN_US)
    await post_event(client, tenant, hot["id"], "demo_request")
    warm = await new_lead(client, tenant, "warm@acme.com", **CEO_IN_US)
    cold = await new_lead(client, tenant, "cold@acme.com")

    async def ids(**params: str) -> list[str]:
        response = await client.get("/v1/leads", params=params, headers=tenant.read)
        assert response.status_code == 200, response.text
        return [lead["id"] for lead in response.json()["data"]]

    assert await ids(band="sql") == [hot["id"]]
    assert await ids(sort="-score") == [hot["id"], warm["id"], cold["id"]]
    assert await ids(**{"score[gte]": "35", "sort": "score"}) == [warm["id"], hot["id"]]
    assert await ids(**{"fit_score[gt]": "34.5", "behavior_score[lt]": "1"}) == [warm["id"]]
    assert set(await ids(**{"scored_at[exists]": "true"})) == {hot["id"], warm["id"], cold["id"]}
    assert await ids(**{"last_activity_at[exists]": "true"}) == [hot["id"]]
    page = (
        await client.get("/v1/leads", params={"sort": "-fit_score", "limit": 1}, headers=tenant.read)
    ).json()
    rest = await ids(sort="-fit_score", limit="5", cursor=page["next_cursor"])
    assert len(rest) == 2
    assert page["data"][0]["fit_score"] == 35
    for bad in ({"fit_score[gt]": "abc"}, {"fit_score[gt]": "nan"}, {"fit_score[contains]": "1"}):
        response = await client.get("/v1/leads", params=bad, headers=tenant.read)
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_time_decays_windows_and_inactivity(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    clicker = await new_lead(client, tenant, "clicker@acme.com")
    await post_event(client, tenant, clicker["id"], "email_click", occurred_at=clock().isoformat())
    assert (await get_lead(client, tenant, clicker["id"]))["score"] == 10
    quiet = await new_lead(client, tenant, "quiet@acme.com", **CEO_IN_US)

    with clock.travel(days=31):
        await sweep_all(app)
        decayed = await get_lead(client, tenant, clicker["id"])
        assert decayed["score"] == round(10 * 0.5 ** (31 / 30))  # one half-life and a day: 5
        assert (await get_lead(client, tenant, quiet["id"]))["score"] == 35  # 31 days quiet is fine
    with clock.travel(days=91):
        await sweep_all(app)
        # The click left the 90-day window; both leads are now 90 days without engagement.
        assert (await get_lead(client, tenant, clicker["id"]))["score"] == 0
        went_quiet = await get_lead(client, tenant, quiet["id"])
        assert (went_quiet["score"], went_quiet["band"]) == (15, "not_ready")
        explained = (await client.get(f"/v1/leads/{quiet['id']}/score", headers=tenant.read)).json()
        assert "inactive_90d" in {hit["rule_id"] for hit in explained["breakdown"]}
    time_scored = [e for e in await events_of(app, tenant, "lead.scored") if e["data"]["reason"] == "time"]
    assert [(e["lead_id"], e["data"]["new"]) for e in time_scored] == [
        (clicker["id"], 5),
        (clicker["id"], 0),
        (quiet["id"], 15),
    ]


async def test_activating_a_model_rescores_every_lead_in_a_job(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    executives = [await new_lead(client, tenant, f"exec{i}@acme.com", title="CEO") for i in range(3)]
    engineer = await new_lead(client, tenant, "eng@acme.com", title="Engineer")
    untouched = await new_lead(client, other_tenant, "exec@acme.com", title="CEO")
    document = {
        "name": "Executives only",
        "bands": [{"name": "hot", "min": 50}, {"name": "cold", "min": None}],
        "rules": [
            {
                "id": "exec",
                "kind": "fit",
                "points": 60,
                "when": {"field": "seniority", "op": "eq", "value": "c_level"},
            }
        ],
    }
    model = (await client.post("/v1/scoring/models", json=document, headers=tenant.admin)).json()
    response = await client.post(f"/v1/scoring/models/{model['id']}/activate", headers=tenant.admin)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/v1/jobs/{job['id']}"
    assert (job["kind"], job["status"], job["params"]) == (
        "scoring.rescore",
        "queued",
        {"model_id": model["id"]},
    )
    assert (await client.get("/v1/scoring/active", headers=tenant.read)).json()["id"] == model["id"]

    # A lead created now is scored by the new model at once; the job does the others.
    newcomer = await new_lead(client, tenant, "new@acme.com", title="CEO")
    assert (newcomer["score"], newcomer["band"], newcomer["score_model_id"]) == (60, "hot", model["id"])
    assert (await get_lead(client, tenant, engineer["id"]))["band"] == "not_ready"

    done = await run_jobs(app, client, tenant, job["id"])
    assert done["status"] == "succeeded", done
    # The engineer scored 0 before and after; every band changed (new band names).
    assert done["result"] == {"rescored": 4, "changed": 3, "band_changes": 4}
    assert done["progress"] == {"total": 5, "done": 5}
    assert done["started_at"] is not None
    assert done["finished_at"] is not None
    for lead in executives:
        rescored = await get_lead(client, tenant, lead["id"])
        assert (rescored["score"], rescored["band"], rescored["score_model_id"]) == (60, "hot", model["id"])
    assert (await get_lead(client, tenant, engineer["id"]))[("score")] == 0
    assert (await get_lead(client, other_tenant, untouched["id"]))["band"] == "not_ready"
    changed = await events_of(app, tenant, "lead.band_changed")
    assert sorted(e["data"]["to"] for e in changed if e["data"]["reason"] == "model_activated") == [
        "cold",
        "hot",
        "hot",
        "hot",
    ]
    explained = (await client.get(f"/v1/leads/{engineer['id']}/score", headers=tenant.read)).json()
    assert explained["model"] == {"id": model["id"], "version": model["version"], "name": "Executives only"}
    assert explained["bands"] == [{"name": "hot", "min": 50}, {"name": "cold", "min": None}]
    foreign = await client.get(f"/v1/jobs/{job['id']}", headers=other_tenant.read)
    assert foreign.status_code == 404


async def test_a_process_with_a_stale_model_still_scores_under_the_active_one(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Another process activates a model; this one has the old model cached."""
    await new_lead(client, tenant, "warmup@acme.com")  # this process caches the default model
    document = {
        "name": "Flat",
        "bands": [{"name": "all", "min": None}],
        "rules": [{"id": "anyone", "kind": "fit", "points": 7, "when": {"field": "email", "op": "exists"}}],
    }
    other_process = create_app(app.state.settings, clock=app.state.clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=other_process), base_url="http://o"
    ) as other:
        model = (await other.post("/v1/scoring/models", json=document, headers=tenant.admin)).json()
        activated = await other.post(f"/v1/scoring/models/{model['id']}/activate", headers=tenant.admin)
        assert activated.status_code == 202
    await other_process.state.db.dispose()
    lead = await new_lead(client, tenant, "after@acme.com")
    assert (lead["score"], lead["band"], lead["score_model_id"]) == (7, "all", model["id"])
    stored = await get_lead(client, tenant, lead["id"])
    assert stored["score_model_id"] == model["id"]
    await run_jobs(app, client, tenant, activated.json()["id"])


async def test_a_job_whose_worker_died_is_run_again_after_its_lease(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await new_lead(client, tenant, "lease@acme.com", title="CEO")
    active = (await client.get("/v1/scoring/active", headers=tenant.read)).json()
    job = (await client.post(f"/v1/scoring/models/{active['id']}/activate", headers=tenant.admin)).json()
    # Let any older queued job (from other tests) run first, then have a worker claim ours and die.
    while True:
        async with app.state.db.transaction() as conn:
            claimed = await JobRepository(conn).claim(clock(), clock())
        assert claimed is not None
        if claimed["id"] == job["id"]:
            break
        async with app.state.db.transaction() as conn:
            await JobRepository(conn).finish(
                claimed["id"], {"status": "failed", "error": "skipped by a test"}
            )
    running = (await client.get(f"/v1/jobs/{job['id']}", headers=tenant.read)).json()
    assert (running["status"], running["attempts"]) == ("running", 1)
    with clock.travel(minutes=1):
        done = await run_jobs(app, client, tenant, job["id"])
    assert (done["status"], done["attempts"]) == ("succeeded", 2)


async def test_several_sweepers_rescore_each_lead_once(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient, clock: Clock
) -> None:
    tenant = await make_tenant(app)
    leads = await asyncio.gather(
        *(new_lead(client, tenant, f"s{i}@acme.com", **CEO_IN_US) for i in range(40))
    )
    with clock.travel(days=91):
        while sum(await asyncio.gather(*(app.state.scoring.rescore_due(limit=7) for _ in range(4)))):
            pass
    swept = [e for e in await events_of(app, tenant, "lead.scored") if e["data"]["reason"] == "time"]
    assert sorted(e["lead_id"] for e in swept) == sorted(lead["id"] for lead in leads)


async def test_concurrent_events_for_one_lead_all_count(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Each event's rescoring reads the lead's events after taking its lock, so events that
    commit while a request waits for that lock are in its score: 30 concurrent clicks (fast
    path) and 5 concurrent opens with external ids (general path) score as if sent in turn."""
    tenant = await make_tenant(app)
    lead = await new_lead(client, tenant, "busy@acme.com")
    await asyncio.gather(
        *(
            post_event(client, tenant, lead["id"], "page_view", properties={"path": f"/pricing/{i}"})
            for i in range(30)
        ),
        *(post_event(client, tenant, lead["id"], "email_open", external_id=f"open-{i}") for i in range(5)),
    )
    scored = [e["data"] for e in await events_of(app, tenant, "lead.scored")]
    # Created at 0; the pricing page (+15) and the third open (+8) in either order; each change
    # starts from the one before (no update lost).
    assert [change["new"] for change in scored] in ([0, 15, 23], [0, 8, 23])
    assert [change["old"] for change in scored[1:]] == [change["new"] for change in scored[:-1]]
    assert (await get_lead(client, tenant, lead["id"]))["score"] == 23
    history = await events_of(app, tenant, "page_view", "email_open")
    assert len(history) == 35
