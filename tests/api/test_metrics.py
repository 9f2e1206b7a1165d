"""GET /metrics, read with prometheus_client's own parser: counts move with what happens.

The app (and so its registry) lives for the whole session, so every check is a difference
between a scrape before and a scrape after."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from tests.api.webhook_receiver import Receiver
from tests.conftest import Clock, Tenant
from tests.factories import post_event, pump, sales_ready_lead, subscribe, sweep, two_owners

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_leads_events_and_requests_are_counted(client: httpx.AsyncClient, tenant: Tenant) -> None:
    before = await scrape(client)
    created = await client.post("/v1/leads", json={"email": "m1@acme.com"}, headers=tenant.write)
    lead_id = created.json()["id"]
    merged = await client.post("/v1/leads", json={"email": "m1@acme.com"}, headers=tenant.write)
    assert (created.status_code, merged.status_code) == (201, 200)
    await post_event(client, tenant, lead_id, "page_view", external_id="pv-1")
    replay = await client.post(
        f"/v1/leads/{lead_id}/events", json={"type": "page_view", "external_id": "pv-1"}, headers=tenant.write
    )
    assert (replay.status_code, replay.json()["replayed"]) == (200, True)  # a replay: not counted
    assert (await client.get(f"/v1/leads/{lead_id}", headers=tenant.read)).status_code == 200
    assert (await client.get("/v1/leads/ld_nope", headers=tenant.read)).status_code == 404
    after = await scrape(client)

    assert value(after, "leadapi_leads_created_total") - value(before, "leadapi_leads_created_total") == 1
    assert value(after, "leadapi_events_ingested_total") - value(before, "leadapi_events_ingested_total") == 1
    # By route template, not by id: one series for every lead.
    route = {"method": "GET", "route": "/v1/leads/{lead_id}"}
    ok = value(after, "leadapi_http_requests_total", **route, status="200")
    missing = value(after, "leadapi_http_requests_total", **route, status="404")
    assert ok - value(before, "leadapi_http_requests_total", **route, status="200") == 1
    assert missing - value(before, "leadapi_http_requests_total", **route, status="404") == 1
    assert not any(lead_id in str(labels) for _, labels in after)
    timed = value(after, "leadapi_http_request_duration_seconds_count", method="POST", route="/v1/leads")
    assert (
        timed - value(before, "leadapi_http_request_duration_seconds_count", method="POST", route="/v1/leads")
        == 2
    )
    # The sequencer is off in tests: the new events wait to be numbered.
    queued = value(after, "leadapi_queue_depth", queue="unsequenced_events")
    assert queued >= value(before, "leadapi_queue_depth", queue="unsequenced_events") + 2
    assert {labels for name, labels in after if name == "leadapi_queue_depth"} == {
        (("queue", q),)
        for q in ("enrichment_runs", "jobs", "sla_overdue", "unsequenced_events", "webhook_deliveries")
    }


async def test_breaches_and_webhook_outcomes_are_counted(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: Tenant,
    clock: Clock,
    receiver: Receiver,
) -> None:
    await two_owners(client, tenant)
    await app.state.sequencer.drain()
    await subscribe(client, tenant, f"{receiver.base}/ok", ["sla.breached"])
    await subscribe(client, tenant, f"{receiver.base}/fail", ["sla.breached"])
    before = await scrape(client)
    lead = await sales_ready_lead(client, tenant, "late@acme.com")
    with clock.travel(minutes=6):
        assert value(await scrape(client), "leadapi_queue_depth", queue="sla_overdue") >= 1
        await sweep(app)
        await pump(app)
        # The reassigned owner calls: no clock of this test is left running for later sweeps.
        await post_event(client, tenant, lead["id"], "call")
    after = await scrape(client)
    assert value(after, "leadapi_sla_breaches_total") - value(before, "leadapi_sla_breaches_total") >= 1
    for outcome in ("succeeded", "retrying"):
        moved = value(after, "leadapi_webhook_deliveries_total", outcome=outcome) - value(
            before, "leadapi_webhook_deliveries_total", outcome=outcome
        )
        assert moved >= 1, outcome


async def test_metrics_can_be_turned_off(tenant: Tenant) -> None:
    from leadapi.app import create_app
    from leadapi.config import Settings

    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", metrics_enabled=False, _env_file=None)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        assert (await http.get("/metrics")).status_code == 404
