"""Enrichment and provenance: the email flags set at capture (filterable, usable in conditions),
where each field's value came from (`?include=provenance`), the providers API, and enrichment run
in the background and on request against a real HTTP provider on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from leadapi.enrichment import engine
from leadapi.enrichment.models import EnrichmentProvider
from leadapi.enrichment.repository import EnrichmentRepository
from leadapi.enrichment.service import EnrichmentService
from leadapi.errors import ProblemError
from leadapi.flows.enrichment import EnrichmentConsumer
from tests.api.enrichment_provider import Provider, start_provider
from tests.conftest import Clock, Tenant
from tests.factories import (
    add_automation,
    add_source,
    events_of,
    get_lead,
    new_lead,
    post_generic,
    run_automations,
    services,
)


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


async def test_forms_and_automations_are_named_as_sources(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    source = await add_source(client, tenant, name="Website", mapping={"mail": "email", "role": "title"})
    response = await post_generic(
        client, source, {"mail": "ola@acme.com", "role": "CTO"}, int(clock().timestamp())
    )
    assert response.status_code in (200, 201), response.text
    lead_id = response.json()["lead_id"]
    await add_automation(
        client,
        tenant,
        trigger={"event": "lead.created"},
        actions=[{"type": "set_fields", "fields": {"industry": "Software"}}],
    )
    lead = await new_lead(client, tenant, "per@acme.com")
    await run_automations(app, tenant)
    form = (await lead_with_provenance(client, tenant, lead_id))["provenance"]
    assert (form["email"]["source"], form["title"]["source"]) == ("form:Website", "form:Website")
    automated = (await lead_with_provenance(client, tenant, lead["id"]))["provenance"]
    assert (automated["email"]["source"], automated["industry"]["source"]) == ("api", "automation")


async def test_include_takes_only_provenance(client: httpx.AsyncClient, tenant: Tenant) -> None:
    lead = await new_lead(client, tenant, "eve@acme.com")
    response = await client.get(f"/v1/leads/{lead['id']}", params={"include": "secrets"}, headers=tenant.read)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


# ---- providers: the API ------------------------------------------------------------------------------


@pytest.fixture
async def provider_server(app: FastAPI) -> AsyncIterator[Provider]:
    endpoint, server, task = await start_provider()
    yield endpoint
    server.should_exit = True
    await task
    # The database is shared by the session: a test's providers must not keep later rounds calling
    # a server that is gone.
    async with app.state.db.transaction() as conn:
        await conn.execute(update(EnrichmentProvider).values(active=False))


MAPPING = {
    "$.person.title": "title",
    "$.company.name": "company",
    "$.company.employees": "company_size",
    "$.company.country": "country",
    "$.person.city": "city",
    "$.company.tags[*]": "tags",
    "$.meta.linkedin": "attributes.linkedin",
}


async def add_provider(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "people")
    body.setdefault("kind", "http")
    response = await client.post("/v1/enrichment/providers", json=body, headers=tenant.admin)
    assert response.status_code == 201, response.text
    provider: dict[str, Any] = response.json()
    return provider


async def http_provider(
    client: httpx.AsyncClient, tenant: Tenant, server: Provider, path: str = "/person", **body: Any
) -> dict[str, Any]:
    body.setdefault("url_template", f"{server.base}{path}?email={{email}}")
    body.setdefault("mapping", MAPPING)
    # The provider answers within milliseconds, from this test's own event loop; a loaded CI machine
    # once took over half a second (a timed-out call, retried later, failed a cache test). Only the
    # timeout test asks for a short one.
    body.setdefault("timeout_seconds", 5)
    return await add_provider(client, tenant, **body)


async def run_enrichment(app: FastAPI, tenant: Tenant, rounds: int = 20) -> None:
    """Number events, queue and call what is due, until nothing is left to do now."""
    consumer = EnrichmentConsumer(app.state.db, services(app).enrichment_flow)
    await app.state.sequencer.drain()
    for _ in range(rounds):
        more = await consumer.run_once(tenant.workspace_id)
        appended = await app.state.sequencer.drain()
        if not more and not appended:
            return
    raise AssertionError(f"enrichment still had work after {rounds} rounds")


async def runs_of(app: FastAPI, tenant: Tenant, lead_id: str) -> list[dict[str, Any]]:
    async with app.state.db.read() as conn:
        return await EnrichmentRepository(conn, tenant.workspace_id).runs_of(lead_id)


async def test_provider_crud_never_shows_the_secret(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, provider_server: Provider
) -> None:
    created = await http_provider(
        client, tenant, provider_server, secret_header="Authorization", secret="Bearer sk_live_123456"
    )
    assert created["id"].startswith("enp_")
    assert (created["has_secret"], created["calls_this_month"], created["overwrite"]) == (True, 0, False)
    assert "secret" not in created
    path = f"/v1/enrichment/providers/{created['id']}"
    assert (await client.get(path, headers=tenant.admin)).json() == created
    listed = (await client.get("/v1/enrichment/providers", headers=tenant.admin)).json()
    assert [p["id"] for p in listed["data"]] == [created["id"]]
    changed = await client.patch(
        path, json={"overwrite": True, "secret": None, "secret_header": None}, headers=tenant.admin
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["overwrite"], changed.json()["has_secret"]) == (True, False)
    # Another workspace's provider is not found; a write key is not an admin's.
    assert (await client.get(path, headers=other_tenant.admin)).status_code == 404
    assert (await client.patch(path, json={"active": False}, headers=other_tenant.admin)).status_code == 404
    assert (await client.get(path, headers=tenant.write)).status_code == 403
    assert (await client.delete(path, headers=tenant.admin)).status_code == 204
    assert (await client.get(path, headers=tenant.admin)).status_code == 404


async def test_bad_providers_are_refused_naming_the_field(
    client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    base = {
        "name": "p",
        "kind": "http",
        "url_template": f"{provider_server.base}/person?e={{email}}",
        "mapping": MAPPING,
    }
    cases = [
        ({**base, "mapping": {"$..[": "title"}}, "mapping.$..["),
        ({**base, "mapping": {"$.a": "email"}}, "mapping.$.a"),
        ({**base, "url_template": "ftp://example.com/{email}"}, "url_template"),
        ({**base, "url_template": "https://example.com/{password}"}, "url_template"),
        ({**base, "url_template": "https://example.com/{email"}, "url_template"),
        ({**base, "url_template": None}, "url_template"),
        ({**base, "secret": "abc"}, "secret"),
        ({**base, "when": {"field": "nope", "op": "eq", "value": 1}}, "when.field"),
        ({"name": "p", "kind": "phone_location", "mapping": MAPPING}, "mapping"),
        ({**base, "kind": "crystal_ball"}, "kind"),
        ({**base, "timeout_seconds": 31}, "timeout_seconds"),
        ({**base, "name": "x" * 101}, "name"),
    ]
    for body, field in cases:
        response = await client.post("/v1/enrichment/providers", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert any(e["field"].startswith(field) for e in response.json()["errors"]), (field, response.json())
    listed = (await client.get("/v1/enrichment/providers", headers=tenant.admin)).json()
    assert listed["data"] == []  # nothing half-written


async def test_provider_urls_pass_the_webhooks_guard(app: FastAPI) -> None:
    """Where private targets are not allowed (the default), a provider at a metadata, loopback or
    private address is refused on write, as a webhook is."""
    guarded = EnrichmentService(services(app).clock, services(app).sealer, allow_private=False)
    for url in (
        "http://169.254.169.254/latest/{email}",
        "http://127.0.0.1:8080/?e={email}",
        "http://10.0.0.7/{domain}",
    ):
        with pytest.raises(ProblemError) as refused:
            await guarded.vet(url)
        assert refused.value.status == 422
    # A host from the lead is checked when the call connects (leadapi.outbound.transport).
    await guarded.vet("https://{domain}/.well-known/company.json")


# ---- enrichment after capture ---------------------------------------------------------------------


async def test_a_new_lead_is_enriched_in_the_background(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    provider = await http_provider(
        client, tenant, provider_server, name="people", secret_header="X-Api-Key", secret="sk_test_42"
    )
    lead = await new_lead(client, tenant, "ada@initech.no", company="Initech")
    assert lead["title"] is None  # never in the capture's request
    await run_enrichment(app, tenant)
    [(_, query, headers)] = provider_server.at("/person")
    assert query == "email=ada@initech.no"
    assert headers["x-api-key"] == "sk_test_42"
    after = await lead_with_provenance(client, tenant, lead["id"])
    assert (after["title"], after["company"], after["company_size"], after["country"], after["city"]) == (
        "Head of Growth",
        "Initech",  # set at capture: kept (no overwrite)
        250,
        "NO",
        "Oslo",
    )
    assert after["tags"] == ["saas", "b2b"]
    assert after["attributes"]["linkedin"] == "https://www.linkedin.com/company/initech"
    assert after["provenance"]["title"]["source"] == "enrichment:people"
    assert after["provenance"]["attributes.linkedin"]["source"] == "enrichment:people"
    assert after["provenance"]["company"]["source"] == "api"
    [enriched] = await events_of(app, tenant, "lead.enriched")
    assert enriched["lead_id"] == lead["id"]
    assert enriched["data"]["provider_id"] == provider["id"]
    assert enriched["data"]["changes"]["title"] == [None, "Head of Growth"]
    assert "company" not in enriched["data"]["changes"]
    # Rescored through the lead-change flow: a lead.scored after the enrichment.
    types = [e["type"] for e in await events_of(app, tenant, "lead.enriched", "lead.scored")]
    assert types[-1] == "lead.scored"
    assert "lead.enriched" in types
    assert await runs_of(app, tenant, lead["id"]) == []
    assert (await client.get(f"/v1/enrichment/providers/{provider['id']}", headers=tenant.admin)).json()[
        "calls_this_month"
    ] == 1


async def test_overwrite_replaces_values(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    await http_provider(client, tenant, provider_server, overwrite=True)
    lead = await new_lead(client, tenant, "bo@initech.no", company="Initech")
    await run_enrichment(app, tenant)
    assert (await get_lead(client, tenant, lead["id"]))["company"] == "Initech AS"


async def test_cache_hit_calls_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    """Two leads of one company domain: the provider keyed on `{domain}` is called once."""
    await http_provider(
        client, tenant, provider_server, url_template=f"{provider_server.base}/person?d={{domain}}"
    )
    first = await new_lead(client, tenant, "ann@initech.no")
    second = await new_lead(client, tenant, "bob@initech.no")
    await run_enrichment(app, tenant)
    assert len(provider_server.at("/person")) == 1
    for lead in (first, second):
        assert (await get_lead(client, tenant, lead["id"]))["title"] == "Head of Growth"
    cached = [e["data"]["cached"] for e in await events_of(app, tenant, "lead.enriched")]
    assert sorted(cached) == [False, True]


async def test_timeouts_and_5xx_are_retried_with_backoff(
    app: FastAPI, clock: Clock, client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    await http_provider(client, tenant, provider_server, "/flaky/2", name="flaky")
    await http_provider(
        client,
        tenant,
        provider_server,
        "/slow",
        name="slow",
        mapping={"$.x": "industry"},
        timeout_seconds=0.5,
    )
    lead = await new_lead(client, tenant, "cy@initech.no")
    await run_enrichment(app, tenant)
    runs = {r["last_error"]: r["attempts"] for r in await runs_of(app, tenant, lead["id"])}
    assert runs == {"answered 500": 1, "no answer within 0.5 s": 1}
    # Not due before its backoff: nothing is called.
    await run_enrichment(app, tenant)
    assert len(provider_server.at("/flaky/2")) == 1
    with clock.travel(seconds=31):
        await run_enrichment(app, tenant)
        assert len(provider_server.at("/flaky/2")) == 2
        with clock.travel(seconds=61):
            await run_enrichment(app, tenant)
            assert len(provider_server.at("/flaky/2")) == 3
            assert (await get_lead(client, tenant, lead["id"]))["title"] == "Head of Growth"
            [slow] = await runs_of(app, tenant, lead["id"])
            assert (slow["attempts"], slow["last_error"]) == (3, "no answer within 0.5 s")
    # Out of attempts, a run ends.
    for hours in range(1, 6):
        with clock.travel(hours=hours):
            await run_enrichment(app, tenant)
    assert await runs_of(app, tenant, lead["id"]) == []
    assert len(provider_server.at("/slow")) == engine.MAX_ATTEMPTS


async def test_garbage_never_blocks_a_capture_nor_changes_a_lead(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    await http_provider(client, tenant, provider_server, "/garbage", name="garbage")
    await http_provider(client, tenant, provider_server, "/odd", name="odd")
    await http_provider(client, tenant, provider_server, "/forbidden", name="forbidden")
    lead = await new_lead(client, tenant, "di@initech.no")
    await run_enrichment(app, tenant)
    assert len(provider_server.requests) == 3  # each called once: none of these is tried again
    assert await runs_of(app, tenant, lead["id"]) == []
    after = await get_lead(client, tenant, lead["id"])
    assert {k: after[k] for k in ("title", "company_size", "version")} == {
        "title": None,
        "company_size": None,
        "version": lead["version"],
    }
    assert await events_of(app, tenant, "lead.enriched") == []
    result = (await client.post(f"/v1/leads/{lead['id']}/enrich", headers=tenant.write)).json()
    outcomes = {r["name"]: (r["outcome"], r["error"]) for r in result["results"]}
    assert outcomes == {
        "garbage": ("failed", "the answer is not JSON"),
        "odd": ("unchanged", None),
        "forbidden": ("failed", "answered 403"),
    }


async def test_budget_exhausted(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    await http_provider(client, tenant, provider_server, monthly_budget=1)
    first = await new_lead(client, tenant, "ed@initech.no")
    second = await new_lead(client, tenant, "fi@initech.no")
    await run_enrichment(app, tenant)
    assert len(provider_server.at("/person")) == 1
    titles = {(await get_lead(client, tenant, x["id"]))["title"] for x in (first, second)}
    assert titles == {"Head of Growth", None}
    third = await new_lead(client, tenant, "gu@initech.no")
    result = (await client.post(f"/v1/leads/{third['id']}/enrich", headers=tenant.write)).json()
    assert [r["outcome"] for r in result["results"]] == ["budget_exhausted"]
    assert len(provider_server.at("/person")) == 1


async def test_built_in_providers(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    await add_provider(client, tenant, name="phone", kind="phone_location")
    await add_provider(client, tenant, name="company", kind="company_from_domain")
    lead = await new_lead(client, tenant, "kari@acme-labs.co.uk", phone="+47 22 12 34 56")
    await run_enrichment(app, tenant)
    after = await lead_with_provenance(client, tenant, lead["id"])
    assert (after["country"], after["attributes"].get("timezone"), after["company"]) == (
        "NO",
        "Europe/Oslo",
        "Acme Labs",
    )
    assert after["provenance"]["country"]["source"] == "enrichment:phone"
    assert after["provenance"]["company"]["source"] == "enrichment:company"
    # A free email's domain names no company.
    free = await new_lead(client, tenant, "kari@gmail.com")
    await run_enrichment(app, tenant)
    assert (await get_lead(client, tenant, free["id"]))["company"] is None


async def test_when_limits_which_leads_are_enriched(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, provider_server: Provider
) -> None:
    await http_provider(
        client, tenant, provider_server, when={"field": "is_free_email", "op": "eq", "value": False}
    )
    await new_lead(client, tenant, "hal@gmail.com")
    work = await new_lead(client, tenant, "hal@initech.no")
    await run_enrichment(app, tenant)
    [(_, query, _)] = provider_server.at("/person")
    assert query == "email=hal@initech.no"
    assert (await get_lead(client, tenant, work["id"]))["title"] == "Head of Growth"


# ---- now, on request ---------------------------------------------------------------------------------


async def test_enrich_now(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, provider_server: Provider
) -> None:
    provider = await http_provider(client, tenant, provider_server)
    await add_provider(client, tenant, name="company", kind="company_from_domain")
    lead = await new_lead(client, tenant, "ida@initech.no")
    response = await client.post(f"/v1/leads/{lead['id']}/enrich", headers=tenant.write)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["lead"]["title"] == "Head of Growth"
    assert result["lead"]["company"] == "Initech"  # the built-in ran first; the provider's kept it
    by_name = {r["name"]: r for r in result["results"]}
    assert by_name["people"]["provider_id"] == provider["id"]
    assert by_name["people"]["outcome"] == "applied"
    assert by_name["people"]["changes"]["title"] == [None, "Head of Growth"]
    assert by_name["company"]["changes"] == {"company": [None, "Initech"]}
    again = (await client.post(f"/v1/leads/{lead['id']}/enrich", headers=tenant.write)).json()
    assert {r["outcome"] for r in again["results"]} == {"unchanged"}
    assert [r["cached"] for r in again["results"] if r["name"] == "people"] == [True]
    assert (
        await client.post(f"/v1/leads/{lead['id']}/enrich", headers=other_tenant.write)
    ).status_code == 404
    assert (await client.post(f"/v1/leads/{lead['id']}/enrich", headers=tenant.read)).status_code == 403
    assert (await client.post("/v1/leads/ld_nope/enrich", headers=tenant.write)).status_code == 404


async def _gauges(client: httpx.AsyncClient) -> dict[str, float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        sample.name if not sample.labels else f"{sample.name}:{sample.labels.get('queue')}": sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith(("leadapi_enrichment_lag", "leadapi_queue_depth"))
    }


async def test_lag_and_runs_due_are_in_metrics(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await add_provider(client, tenant, name="company", kind="company_from_domain")
    await run_enrichment(app, tenant)
    before = await _gauges(client)
    assert "leadapi_queue_depth:enrichment_runs" in before
    await new_lead(client, tenant, "lag@initech.no")
    await app.state.sequencer.drain()
    with clock.travel(seconds=120):
        behind = await _gauges(client)
        assert behind["leadapi_enrichment_lag_events"] >= before["leadapi_enrichment_lag_events"] + 1
        assert behind["leadapi_enrichment_lag_seconds"] >= 120
        await run_enrichment(app, tenant)
        after = await _gauges(client)
    assert after["leadapi_enrichment_lag_events"] <= before["leadapi_enrichment_lag_events"]
