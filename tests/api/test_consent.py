"""Consent per channel, suppression of erased people and the data-subject access export, over
HTTP (and the MCP tool) on SQLite and PostgreSQL.

Consent records are appended and the latest per channel is the status; an erasure with
`suppress=true` keeps only keyed hashes, and every capture path then refuses the person with a
409 `suppressed` problem; the export holds everything about the lead."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from mcp import Client
from sqlalchemy import select

from leadapi.consent.models import LeadConsent, Suppression
from leadapi.jobs.loop import run_job
from leadapi.mcp.server import build_server, key_authenticator
from tests.conftest import Clock, Tenant
from tests.factories import (
    add_source,
    add_task,
    add_track,
    enroll,
    events_of,
    new_lead,
    post_generic,
    sales_ready_lead,
    services,
    sweep_steps,
    two_owners,
)

Json = dict[str, Any]


async def consent(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/v1/leads/{lead_id}/consents", json=body, headers=tenant.write)


async def consents_of(client: httpx.AsyncClient, tenant: Tenant, lead_id: str, **params: Any) -> Json:
    response = await client.get(f"/v1/leads/{lead_id}/consents", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    listing: Json = response.json()
    return listing


# ---- consents ------------------------------------------------------------------------------------


async def test_consents_are_recorded_per_channel_with_their_history(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    lead = await new_lead(client, tenant, "consent@acme.com")
    proof = {"ip": "2001:db8::1", "form": "newsletter", "text": "Send me the newsletter"}
    first = await consent(
        client, tenant, lead["id"], channel="email", status="granted", source="form:web", proof=proof,
        at="2026-01-01T10:00:00+01:00",
    )  # fmt: skip
    assert first.status_code == 201, first.text
    granted = first.json()
    assert granted["id"].startswith("cns_")
    assert (granted["channel"], granted["status"], granted["source"], granted["proof"]) == (
        "email", "granted", "form:web", proof,
    )  # fmt: skip
    assert granted["at"].startswith("2026-01-01T09:00:00")
    assert granted["actor"] is not None
    sms = (await consent(client, tenant, lead["id"], channel="sms", status="pending")).json()
    denied = (
        await consent(client, tenant, lead["id"], channel="email", status="denied", source="unsubscribe")
    ).json()
    whatsapp = (await consent(client, tenant, lead["id"], channel="whatsapp", status="granted")).json()
    listing = await consents_of(client, tenant, lead["id"])
    # The latest record per channel is its status; the history keeps every statement.
    assert {c["channel"]: c["status"] for c in listing["current"]} == {
        "email": "denied", "sms": "pending", "whatsapp": "granted",
    }  # fmt: skip
    assert [c["id"] for c in listing["data"]] == [whatsapp["id"], denied["id"], sms["id"], granted["id"]]
    assert listing["next_cursor"] is None
    page = await consents_of(client, tenant, lead["id"], limit=3)
    assert [c["id"] for c in page["data"]] == [whatsapp["id"], denied["id"], sms["id"]]
    rest = await consents_of(client, tenant, lead["id"], limit=3, cursor=page["next_cursor"])
    assert [c["id"] for c in rest["data"]] == [granted["id"]]
    assert rest["next_cursor"] is None
    recorded = await events_of(app, tenant, "consent.recorded")
    assert [e["data"]["consent"]["id"] for e in recorded] == [
        granted["id"],
        sms["id"],
        denied["id"],
        whatsapp["id"],
    ]
    assert {e["lead_id"] for e in recorded} == {lead["id"]}


async def test_consent_bad_input(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "bad-consent@acme.com")
    url = f"/v1/leads/{lead['id']}/consents"
    cases: list[tuple[Any, str]] = [
        ({"channel": "email", "status": "maybe"}, "status"),
        ({"channel": "E Mail", "status": "granted"}, "channel"),
        ({"channel": "x" * 41, "status": "granted"}, "channel"),
        ({"status": "granted"}, "channel"),
        ({"channel": "email", "status": "granted", "proof": {"ip": "999.1.1.1"}}, "proof.ip"),
        ({"channel": "email", "status": "granted", "proof": {"text": "t" * 2001}}, "proof.text"),
        ({"channel": "email", "status": "granted", "at": "2999-01-01T00:00:00Z"}, "at"),
        ({"channel": "email", "status": "granted", "extra": 1}, "extra"),
        ({"channel": 5, "status": "granted"}, "channel"),
    ]
    for body, field in cases:
        response = await client.post(url, json=body, headers=tenant.write)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]], (body, response.json())
    malformed = await client.post(
        url, content=b'{"channel": ', headers={**tenant.write, "Content-Type": "application/json"}
    )
    assert malformed.status_code in (400, 422)
    assert (
        await client.post(url, json={"channel": "email", "status": "granted"}, headers=tenant.read)
    ).status_code == 403
    body = {"channel": "email", "status": "granted"}
    assert (await client.post(url, json=body, headers=other_tenant.write)).status_code == 404
    assert (await client.get(url, headers=other_tenant.read)).status_code == 404
    assert (await client.get(f"/v1/leads/{lead['id']}/export", headers=other_tenant.read)).status_code == 404
    # Nothing was written by any refusal.
    assert (await consents_of(client, tenant, lead["id"]))["data"] == []
    assert await events_of(app, tenant, "consent.recorded") == []


async def test_a_merge_keeps_the_duplicates_consents_and_an_erasure_drops_them(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "keep@acme.com")
    duplicate = await new_lead(client, tenant, "dup@acme.com")
    theirs = (await consent(client, tenant, duplicate["id"], channel="sms", status="granted")).json()
    merged = await client.post(
        f"/v1/leads/{lead['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=tenant.write
    )
    assert merged.status_code == 200, merged.text
    listing = await consents_of(client, tenant, lead["id"])
    assert [c["id"] for c in listing["data"]] == [theirs["id"]]
    assert listing["data"][0]["lead_id"] == lead["id"]
    assert (await client.delete(f"/v1/leads/{lead['id']}", headers=tenant.write)).status_code == 204
    async with app.state.db.read() as conn:
        left = (
            await conn.execute(select(LeadConsent.id).where(LeadConsent.workspace_id == tenant.workspace_id))
        ).all()
    assert left == []


# ---- suppression -----------------------------------------------------------------------------------


async def test_a_suppressed_person_is_refused_on_every_capture_path(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, clock: Clock
) -> None:
    # Another capture first: on PostgreSQL the workspace's settings are then cached, and a new
    # person takes the one-statement path (leads/fast.py), which must refuse too.
    await new_lead(client, tenant, "warm@acme.com", phone="+1 415 555 0100")
    lead = await new_lead(client, tenant, "Erase.Me@Acme.com", phone="+1 (415) 555-0199")
    erased = await client.delete(f"/v1/leads/{lead['id']}", params={"suppress": "true"}, headers=tenant.write)
    assert erased.status_code == 204, erased.text
    [deleted] = await events_of(app, tenant, "lead.deleted")
    assert deleted["data"] == {"lead_id": lead["id"], "suppressed": ["email", "phone"]}
    # Only keyed hashes are kept: no trace of the address or the number.
    async with app.state.db.read() as conn:
        kept = [
            dict(r)
            for r in (
                await conn.execute(
                    select(Suppression.__table__).where(Suppression.workspace_id == tenant.workspace_id)
                )
            ).mappings()
        ]
    assert sorted(r["kind"] for r in kept) == ["email", "phone"]
    for row in kept:
        assert len(row["digest"]) == 64
        assert "erase" not in row["digest"]
        assert "0199" not in row["digest"]

    def refused(response: httpx.Response, field: str) -> None:
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["type"].endswith("/suppressed")
        assert problem["errors"] == [{"field": field, "message": "erased and suppressed: not captured again"}]

    # REST, by email in another case, and by phone in another format.
    refused(
        await client.post("/v1/leads", json={"email": "erase.me@ACME.com"}, headers=tenant.write), "email"
    )
    refused(
        await client.post(
            "/v1/leads", json={"phone": "+14155550199", "first_name": "X"}, headers=tenant.write
        ),
        "phone",
    )
    # Batch: that item fails, the others are stored.
    batch = await client.post(
        "/v1/leads/batch",
        json={"leads": [{"email": "erase.me@acme.com"}, {"email": "fresh@acme.com"}]},
        headers=tenant.write,
    )
    assert batch.status_code in (200, 207), batch.text
    results = batch.json()["results"]
    assert results[0]["status"] == "error"
    assert results[0]["errors"][0]["field"] == "email"
    assert results[1]["status"] == "created"
    # An event naming the email with create_lead.
    event = await client.post(
        "/v1/events",
        json={"type": "page_view", "email": "erase.me@acme.com", "create_lead": True},
        headers=tenant.write,
    )
    assert event.status_code == 409, event.text
    # A form.
    source = await add_source(client, tenant, name="web", mapping={"mail": "email"})
    form = await post_generic(client, source, {"mail": "erase.me@acme.com"}, int(clock().timestamp()))
    refused(form, "email")
    # An import job (POST /v1/imports, the path `leadapi import` takes too): that row is refused.
    upload = await client.post(
        "/v1/imports",
        content=b"email,company\nerase.me@acme.com,X\nnew.person@acme.com,Y\n",
        headers={**tenant.write, "Content-Type": "text/csv"},
    )
    assert upload.status_code == 202, upload.text
    while await run_job(app.state.db, services(app).jobs):
        pass
    job = (await client.get(f"/v1/imports/{upload.json()['id']}", headers=tenant.read)).json()
    assert (job["rows_created"], job["rows_refused"]) == (1, 1)
    errors = await client.get(f"/v1/imports/{upload.json()['id']}/errors", headers=tenant.read)
    assert [json.loads(line)["field"] for line in errors.text.splitlines()] == ["email"]
    # MCP.
    app_services = services(app)
    secret = tenant.write["Authorization"].removeprefix("Bearer ")
    async with Client(build_server(app_services, key_authenticator(app_services, secret))) as mcp:
        result = await mcp.call_tool("create_lead", {"lead": {"email": "erase.me@acme.com"}})
        assert result.is_error
        assert result.structured_content is not None
        assert result.structured_content["status"] == 409
    # No lead came back; another workspace is not affected; a plain erasure suppresses nothing.
    search = await client.get("/v1/leads", params={"email[eq]": "erase.me@acme.com"}, headers=tenant.read)
    assert search.json()["data"] == []
    await new_lead(client, other_tenant, "erase.me@acme.com")
    plain = await new_lead(client, tenant, "plain@acme.com")
    assert (await client.delete(f"/v1/leads/{plain['id']}", headers=tenant.write)).status_code == 204
    await new_lead(client, tenant, "plain@acme.com")


async def test_suppress_takes_a_boolean(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "flag@acme.com")
    bad = await client.delete(f"/v1/leads/{lead['id']}", params={"suppress": "perhaps"}, headers=tenant.write)
    assert bad.status_code == 422
    theirs = await client.delete(
        f"/v1/leads/{lead['id']}", params={"suppress": "true"}, headers=other_tenant.write
    )
    assert theirs.status_code == 404
    again = await client.post("/v1/leads", json={"email": "flag@acme.com"}, headers=tenant.write)
    assert again.status_code == 200, again.text  # still there: a merge
    assert again.json()["id"] == lead["id"]


# ---- export --------------------------------------------------------------------------------------


async def test_the_export_holds_everything_about_the_person(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await two_owners(client, tenant)
    lead = await sales_ready_lead(client, tenant, "dsar@prospect.io")
    task = await add_task(client, tenant, lead["id"])
    granted = (await consent(client, tenant, lead["id"], channel="email", status="granted")).json()
    event = await client.post(
        "/v1/events", json={"type": "page_view", "lead_id": lead["id"]}, headers=tenant.write
    )
    assert event.status_code in (200, 201, 202), event.text
    response = await client.get(f"/v1/leads/{lead['id']}/export", headers=tenant.read)
    assert response.status_code == 200, response.text
    document = response.json()
    shown = (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).json()
    assert document["lead"] == shown
    assert "email" in document["provenance"]
    types = [e["type"] for e in document["events"]]
    assert types[0] == "lead.created"
    assert {"consent.recorded", "page_view", "task.created"} <= set(types)
    assert [a["owner_id"] for a in document["assignments"]] == [lead["owner_id"]]
    assert [t["id"] for t in document["tasks"]] == [task["id"]]
    assert [c["id"] for c in document["consents"]] == [granted["id"]]
    assert document["enrollments"] == []
    assert all("workspace_id" not in row for row in document["events"] + document["tasks"])
    # The MCP tool returns the same document.
    app_services = services(app)
    secret = tenant.read["Authorization"].removeprefix("Bearer ")
    async with Client(build_server(app_services, key_authenticator(app_services, secret))) as mcp:
        result = await mcp.call_tool("export_lead", {"lead_id": lead["id"]})
        assert not result.is_error
        data = result.structured_content
        assert data is not None
        assert {k: v for k, v in data.items() if k != "exported_at"} == {
            k: v for k, v in document.items() if k != "exported_at"
        }
        missing = await mcp.call_tool("export_lead", {"lead_id": "ld_nope"})
        assert missing.is_error


@pytest.mark.parametrize("path", ["consents", "export"])
async def test_unknown_lead_is_404(client: httpx.AsyncClient, tenant: Tenant, path: str) -> None:
    response = await client.get(f"/v1/leads/ld_nope/{path}", headers=tenant.read)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


# ---- double opt-in ---------------------------------------------------------------------------------


async def test_a_double_opt_in_source_makes_email_pending_until_confirmed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, clock: Clock
) -> None:
    newsletter = await add_source(client, tenant, name="newsletter", mapping={"mail": "email"})
    plain = await add_source(client, tenant, name="contact", mapping={"mail": "email"})
    assert (await client.get("/v1/consent/settings", headers=tenant.read)).json() == {
        "double_opt_in_sources": [], "require_email_consent": False, "suppressed_capture": "refuse",
        "updated_at": None,
    }  # fmt: skip
    saved = await client.put(
        "/v1/consent/settings", json={"double_opt_in_sources": [newsletter["id"]]}, headers=tenant.admin
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["double_opt_in_sources"] == [newsletter["id"]]
    stamp = int(clock().timestamp())
    # The other source's captures are not asked to confirm.
    other = await post_generic(client, plain, {"mail": "contact@acme.com"}, stamp)
    assert other.status_code == 200, other.text
    assert (await consents_of(client, tenant, other.json()["lead_id"]))["data"] == []
    response = await post_generic(client, newsletter, {"mail": "optin@acme.com"}, stamp)
    assert response.status_code == 200, response.text
    lead_id = response.json()["lead_id"]
    [pending] = (await consents_of(client, tenant, lead_id))["current"]
    assert (pending["channel"], pending["status"], pending["source"]) == (
        "email",
        "pending",
        "form:newsletter",
    )
    [requested] = await events_of(app, tenant, "consent.requested")
    token = requested["data"]["token"]
    assert requested["lead_id"] == lead_id
    assert requested["data"]["consent"]["id"] == pending["id"]
    assert requested["data"]["confirm_url"] == f"/v1/leads/{lead_id}/consents/confirm"
    url = f"/v1/leads/{lead_id}/consents/confirm"
    wrong = await client.post(url, json={"token": "guessed"}, headers=tenant.write)
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "token"
    assert (await client.post(url, json={"token": token}, headers=other_tenant.write)).status_code == 404
    confirmed = await client.post(url, json={"token": token}, headers=tenant.write)
    assert confirmed.status_code == 201, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["source"]) == ("granted", "double_opt_in")
    listing = await consents_of(client, tenant, lead_id)
    assert [(c["channel"], c["status"]) for c in listing["current"]] == [("email", "granted")]
    assert [c["status"] for c in listing["data"]] == ["granted", "pending"]
    # A token is spent once.
    again = await client.post(url, json={"token": token}, headers=tenant.write)
    assert again.status_code == 422


async def test_consent_settings_bad_input(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await add_source(client, other_tenant, name="theirs", mapping={"mail": "email"})
    for body, field in (
        ({"double_opt_in_sources": [theirs["id"]]}, "double_opt_in_sources[0]"),
        ({"double_opt_in_sources": "src_1"}, "double_opt_in_sources"),
        ({"double_opt_in_sources": ["x" * 33]}, "double_opt_in_sources[0]"),
        ({"double_opt_in_sources": ["s"] * 101}, "double_opt_in_sources"),
        ({}, "double_opt_in_sources"),
        ({"double_opt_in_sources": [], "suppressed_capture": "ignore"}, "suppressed_capture"),
    ):
        response = await client.put("/v1/consent/settings", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    body = {"double_opt_in_sources": []}
    assert (await client.put("/v1/consent/settings", json=body, headers=tenant.write)).status_code == 403
    assert (await client.get("/v1/consent/settings", headers=tenant.read)).json()["updated_at"] is None


async def test_required_email_consent_skips_tracks_email_steps(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    steps = [{"channel": "email", "ref": "e1"}, {"channel": "linkedin", "ref": "l2"}]
    track = await add_track(client, tenant, steps=steps)
    required = await client.put(
        "/v1/consent/settings",
        json={"double_opt_in_sources": [], "require_email_consent": True},
        headers=tenant.admin,
    )
    assert required.status_code == 200, required.text
    assert required.json()["require_email_consent"] is True
    granted = await new_lead(client, tenant, "granted@acme.com")
    denied = await new_lead(client, tenant, "denied@acme.com")
    unknown = await new_lead(client, tenant, "unknown@acme.com")
    await consent(client, tenant, granted["id"], channel="email", status="granted")
    await consent(client, tenant, denied["id"], channel="email", status="granted", at="2026-01-01T00:00:00Z")
    await consent(client, tenant, denied["id"], channel="email", status="denied")  # the latest wins
    await consent(client, tenant, unknown["id"], channel="sms", status="granted")  # not email
    for lead in (granted, denied, unknown):
        assert (await enroll(client, tenant, lead["id"], track["id"])).status_code == 201
    await sweep_steps(app)
    first = {
        e["lead_id"]: (e["type"], e["data"].get("reason"))
        for e in await events_of(app, tenant, "track.step_due", "track.step_skipped")
        if e["data"]["step"] == 0
    }
    assert first == {
        granted["id"]: ("track.step_due", None),
        denied["id"]: ("track.step_skipped", "no_email_consent"),
        unknown["id"]: ("track.step_skipped", "no_email_consent"),
    }


# ---- data quality --------------------------------------------------------------------------------


async def test_the_data_quality_report_shows_which_source_sends_bad_data(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    empty = await client.get("/v1/reports/data-quality", headers=tenant.read)
    assert empty.status_code == 200, empty.text
    assert empty.json()["overall"]["leads"] == 0
    assert empty.json()["by_source"] == []
    good = await new_lead(
        client, tenant, "good@acme.com", source="webinar", first_name="A", phone="+14155550111"
    )
    await new_lead(client, tenant, "poor1@acme.com", source="list")
    await new_lead(client, tenant, "poor2@acme.com", source="list", consent=True)
    await new_lead(client, other_tenant, "theirs@acme.com", source="list")
    await consent(client, tenant, good["id"], channel="email", status="granted")
    report = (await client.get("/v1/reports/data-quality", headers=tenant.read)).json()
    by_source = {row["source"]: row for row in report["by_source"]}
    assert set(by_source) == {"webinar", "list"}
    assert by_source["webinar"]["leads"] == 1
    assert by_source["webinar"]["completeness"]["phone"] == 1.0
    assert by_source["webinar"]["completeness"]["first_name"] == 1.0
    assert by_source["webinar"]["unconsented_share"] == 0.0
    assert by_source["list"]["leads"] == 2
    assert by_source["list"]["completeness"]["phone"] == 0.0
    assert by_source["list"]["completeness"]["email"] == 1.0
    assert by_source["list"]["unconsented_share"] == 0.5  # one has the consent field set
    assert report["overall"]["leads"] == 3
    assert report["overall"]["completeness"]["phone"] == round(1 / 3, 4)
    assert report["overall"]["disposable_email_share"] == 0.0
    assert report["overall"]["role_email_share"] == 0.0
    assert report["pending_duplicates"] == 0
    # A later denial takes the grant back.
    await consent(client, tenant, good["id"], channel="email", status="denied")
    again = (await client.get("/v1/reports/data-quality", headers=tenant.read)).json()
    assert {r["source"]: r["unconsented_share"] for r in again["by_source"]}["webinar"] == 1.0


async def test_a_workspace_may_flag_suppressed_captures_instead(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "flagged@acme.com", tags=["vip"])
    erased = await client.delete(f"/v1/leads/{lead['id']}", params={"suppress": "true"}, headers=tenant.write)
    assert erased.status_code == 204
    body = {"double_opt_in_sources": [], "suppressed_capture": "flag"}
    saved = await client.put("/v1/consent/settings", json=body, headers=tenant.admin)
    assert saved.status_code == 200, saved.text
    assert saved.json()["suppressed_capture"] == "flag"
    back = await new_lead(client, tenant, "flagged@acme.com", tags=["webinar"])
    assert back["tags"] == ["webinar", "suppressed"]
    # Refusing again: the person (now captured again) is still suppressed, so merges refuse too.
    body = {"double_opt_in_sources": [], "suppressed_capture": "refuse"}
    assert (await client.put("/v1/consent/settings", json=body, headers=tenant.admin)).status_code == 200
    refused = await client.post("/v1/leads", json={"email": "flagged@acme.com"}, headers=tenant.write)
    assert refused.status_code == 409
