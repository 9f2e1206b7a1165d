"""Inbound form sources over HTTP, on SQLite and PostgreSQL: each provider's signature scheme
(computed here from its published definition), JSON and form-encoded bodies, mapping failures kept
and replayed, duplicates, and bad input."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI

from tests.conftest import Clock, Tenant
from tests.factories import add_source, events_of, generic_headers, post_generic

SECRET = "s3cret-s3cret-s3cret-s3cret"
TYPEFORM_PAYLOAD = {
    "event_id": "01HTF",
    "event_type": "form_response",
    "form_response": {
        "token": "tok_123",
        "hidden": {"utm_campaign": "spring"},
        "answers": [
            {"type": "email", "email": "Typed@Acme.com", "field": {"id": "f1", "ref": "work_email"}},
            {"type": "text", "text": "Acme", "field": {"id": "f2", "ref": "company"}},
            {"type": "choice", "choice": {"label": "50-200"}, "field": {"id": "f3", "ref": "size"}},
        ],
    },
}


async def leads_of(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = (await client.get("/v1/leads", headers=tenant.read)).json()["data"]
    return data


async def test_generic_submissions_upsert_a_lead_and_its_form_submit(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    source = await add_source(
        client,
        tenant,
        name="Website",
        mapping={
            "contact.email": "email",
            "contact.names[0]": "first_name",
            "answers.0.value": "attributes.budget",
            "page": "properties.page",
        },
        defaults={"source": "website", "tags": ["inbound"]},
    )
    assert source["hook_url"] == f"/v1/hooks/{source['id']}"
    payload = {
        "contact": {"email": "Form@Acme.com", "names": ["Ada"]},
        "answers": [{"value": 5000}],
        "page": "/demo",
    }
    stamp = int(clock().timestamp())
    response = await post_generic(client, source, payload, stamp)
    assert response.status_code == 200, response.text
    reply = response.json()
    assert (reply["status"], reply["replayed"]) == ("accepted", False)
    lead = (await client.get(f"/v1/leads/{reply['lead_id']}", headers=tenant.read)).json()
    assert (lead["email"], lead["first_name"], lead["source"]) == ("form@acme.com", "Ada", "website")
    assert lead["tags"] == ["inbound"]
    assert lead["attributes"] == {"budget": 5000}
    [event] = await events_of(app, tenant, "form_submit")
    assert (event["lead_id"], event["data"]) == (lead["id"], {"page": "/demo"})
    # The provider retries: acknowledged, not counted twice.
    again = await post_generic(client, source, payload, stamp)
    assert again.status_code == 200
    assert again.json() == {**reply, "replayed": True}
    assert len(await events_of(app, tenant, "form_submit")) == 1
    # Another submission by the same person merges into the lead.
    later = await post_generic(client, source, {**payload, "contact": {"email": "form@acme.com"}}, stamp + 1)
    assert later.json()["lead_id"] == lead["id"]
    assert len(await leads_of(client, tenant)) == 1
    assert len(await events_of(app, tenant, "form_submit")) == 2
    submissions = (await client.get(f"/v1/sources/{source['id']}/submissions", headers=tenant.read)).json()[
        "data"
    ]
    assert [s["status"] for s in submissions] == ["accepted", "accepted"]
    assert json.loads(submissions[1]["body"]) == payload


async def test_form_encoded_bodies(client: httpx.AsyncClient, tenant: Tenant, clock: Clock) -> None:
    source = await add_source(
        client, tenant, name="Legacy form", mapping={"email": "email", "interest": "tags"}
    )
    body = urlencode([("email", "legacy@acme.com"), ("interest", "crm"), ("interest", "api")]).encode()
    headers = generic_headers(
        source["secret"], body, int(clock().timestamp()), "application/x-www-form-urlencoded"
    )
    response = await client.post(source["hook_url"], content=body, headers=headers)
    assert response.status_code == 200, response.text
    lead = (await client.get(f"/v1/leads/{response.json()['lead_id']}", headers=tenant.read)).json()
    assert (lead["email"], lead["tags"]) == ("legacy@acme.com", ["crm", "api"])


async def test_signatures_are_checked(client: httpx.AsyncClient, tenant: Tenant, clock: Clock) -> None:
    source = await add_source(client, tenant, name="Website", mapping={"email": "email"})
    payload = {"email": "sig@acme.com"}
    body = json.dumps(payload).encode()
    now = int(clock().timestamp())
    cases = [
        generic_headers("wrong-secret-wrong-secret", body, now),
        generic_headers(source["secret"], body + b" ", now),  # signed another body
        generic_headers(source["secret"], body, now - 600),  # too old
        {"Content-Type": "application/json"},
        {"Content-Type": "application/json", "X-Leadapi-Signature": "garbage"},
    ]
    for headers in cases:
        response = await client.post(source["hook_url"], content=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert await leads_of(client, tenant) == []
    unknown = await client.post(
        "/v1/hooks/src_nope", content=body, headers=generic_headers(source["secret"], body, now)
    )
    assert unknown.status_code == 404
    wrong_type = await client.post(
        source["hook_url"], content=body, headers=generic_headers(source["secret"], body, now, "text/plain")
    )
    assert wrong_type.status_code == 415
    huge = b'{"email": "' + b"x" * (300 * 1024) + b'"}'
    too_large = await client.post(
        source["hook_url"], content=huge, headers=generic_headers(source["secret"], huge, now)
    )
    assert too_large.status_code == 413
    assert await leads_of(client, tenant) == []


async def test_mapping_failures_are_kept_and_replayed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    source = await add_source(client, tenant, name="Website", mapping={"mail": "email"})
    stamp = int(clock().timestamp())
    response = await post_generic(client, source, {"email_address": "late@acme.com"}, stamp)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert "no email, phone or external id" in problem["detail"]
    assert "mail" in problem["detail"]
    bad_email = await post_generic(client, source, {"mail": "not-an-email"}, stamp)
    assert bad_email.status_code == 422
    assert "email" in bad_email.json()["detail"]
    not_json = await client.post(
        source["hook_url"], content=b"{oops", headers=generic_headers(source["secret"], b"{oops", stamp)
    )
    assert not_json.status_code == 422
    assert await leads_of(client, tenant) == []
    failed = (
        await client.get(
            f"/v1/sources/{source['id']}/submissions", params={"status": "failed"}, headers=tenant.read
        )
    ).json()["data"]
    assert len(failed) == 3
    first = next(s for s in failed if s["id"] == problem["submission_id"])
    assert first["error"].startswith("the mapping gives no email")
    url = f"/v1/sources/{source['id']}/submissions/{first['id']}/replay"
    still = await client.post(url, headers=tenant.write)
    assert still.status_code == 422
    fixed = await client.patch(
        f"/v1/sources/{source['id']}", json={"mapping": {"email_address": "email"}}, headers=tenant.admin
    )
    assert fixed.status_code == 200, fixed.text
    replayed = await client.post(url, headers=tenant.write)
    assert replayed.status_code == 200, replayed.text
    [lead] = await leads_of(client, tenant)
    assert (lead["email"], replayed.json()["lead_id"]) == ("late@acme.com", lead["id"])
    assert (await client.post(url, headers=tenant.write)).status_code == 409
    assert len(await events_of(app, tenant, "form_submit")) == 1


async def test_typeform(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    source = await add_source(
        client,
        tenant,
        name="Typeform demo form",
        kind="typeform",
        secret=SECRET,
        mapping={
            "work_email": "email",
            "company": "company",
            "size": "attributes.size",
            "utm_campaign": "utm_campaign",
        },
    )
    body = json.dumps(TYPEFORM_PAYLOAD).encode()
    signature = (
        "sha256=" + base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    )
    headers = {"Content-Type": "application/json", "Typeform-Signature": signature}
    response = await client.post(source["hook_url"], content=body, headers=headers)
    assert response.status_code == 200, response.text
    lead = (await client.get(f"/v1/leads/{response.json()['lead_id']}", headers=tenant.read)).json()
    assert (lead["email"], lead["company"], lead["utm_campaign"]) == ("typed@acme.com", "Acme", "spring")
    assert lead["attributes"] == {"size": "50-200"}
    # Typeform retries with the same token: one submission.
    assert (await client.post(source["hook_url"], content=body, headers=headers)).json()["replayed"] is True
    tampered = await client.post(source["hook_url"], content=body.replace(b"Acme", b"Evil"), headers=headers)
    assert tampered.status_code == 401
    assert len(await events_of(app, tenant, "form_submit")) == 1


async def test_hubspot(client: httpx.AsyncClient, tenant: Tenant, clock: Clock) -> None:
    source = await add_source(
        client,
        tenant,
        name="HubSpot forms",
        kind="hubspot",
        secret=SECRET,
        mapping={"email": "email", "firstname": "first_name"},
    )
    payload = {
        "submissionId": 42,
        "fields": [{"name": "email", "value": "hub@acme.com"}, {"name": "firstname", "value": "Hub"}],
    }
    body = json.dumps(payload).encode()
    url = f"http://leadapi.test{source['hook_url']}"

    def signed(stamp_ms: int, content: bytes) -> dict[str, str]:
        message = b"POST" + url.encode() + content + str(stamp_ms).encode()
        signature = base64.b64encode(hmac.new(SECRET.encode(), message, hashlib.sha256).digest()).decode()
        return {
            "Content-Type": "application/json",
            "X-HubSpot-Signature-v3": signature,
            "X-HubSpot-Request-Timestamp": str(stamp_ms),
        }

    now_ms = int(clock().timestamp() * 1000)
    response = await client.post(source["hook_url"], content=body, headers=signed(now_ms, body))
    assert response.status_code == 200, response.text
    lead = (await client.get(f"/v1/leads/{response.json()['lead_id']}", headers=tenant.read)).json()
    assert (lead["email"], lead["first_name"]) == ("hub@acme.com", "Hub")
    stale = await client.post(source["hook_url"], content=body, headers=signed(now_ms - 10 * 60 * 1000, body))
    assert stale.status_code == 401
    replay = await client.post(source["hook_url"], content=body, headers=signed(now_ms + 1000, body))
    assert replay.json()["replayed"] is True  # the same submissionId


async def test_source_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    cases: list[tuple[Any, str]] = [
        ({"name": "x", "mapping": {"email": "shoe_size"}}, "mapping"),
        ({"name": "x", "mapping": {"": "email"}}, "mapping"),
        ({"name": "x", "mapping": {"email": "email"}, "kind": "typeform"}, "secret"),
        ({"name": "x", "mapping": {"email": "email"}, "kind": "marketo", "secret": SECRET}, "kind"),
        ({"name": "x", "mapping": {"email": "email"}, "secret": "short"}, "secret"),
        ({"name": "", "mapping": {"email": "email"}}, "name"),
        ({"mapping": {"email": "email"}}, "name"),
        ({"name": "x", "mapping": "email"}, "mapping"),
    ]
    for body, field in cases:
        response = await client.post("/v1/sources", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"].startswith(field), response.text
    assert (
        await client.post("/v1/sources", json={"name": "x", "mapping": {}}, headers=tenant.write)
    ).status_code == 403
    source = await add_source(client, tenant, name="Mine", mapping={"email": "email"})
    assert "secret" not in (await client.get(f"/v1/sources/{source['id']}", headers=tenant.read)).json()
    for method, path in (
        ("GET", f"/v1/sources/{source['id']}"),
        ("PATCH", f"/v1/sources/{source['id']}"),
        ("DELETE", f"/v1/sources/{source['id']}"),
        ("GET", f"/v1/sources/{source['id']}/submissions"),
        ("POST", f"/v1/sources/{source['id']}/submissions/sub_nope/replay"),
    ):
        response = await client.request(
            method, path, json={} if method == "PATCH" else None, headers=other_tenant.admin
        )
        assert response.status_code == 404, (method, path, response.text)
    assert (
        await client.patch(f"/v1/sources/{source['id']}", json={"mapping": None}, headers=tenant.admin)
    ).status_code == 422
    assert (await client.delete(f"/v1/sources/{source['id']}", headers=tenant.admin)).status_code == 204


async def test_concurrent_replays_accept_once(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    source = await add_source(client, tenant, name="Website", mapping={"mail": "email"})
    failed = await post_generic(client, source, {"email_address": "twice@acme.com"}, int(clock().timestamp()))
    assert failed.status_code == 422
    await client.patch(
        f"/v1/sources/{source['id']}", json={"mapping": {"email_address": "email"}}, headers=tenant.admin
    )
    url = f"/v1/sources/{source['id']}/submissions/{failed.json()['submission_id']}/replay"
    answers = await asyncio.gather(*(client.post(url, headers=tenant.write) for _ in range(4)))
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409]
    assert len(await events_of(app, tenant, "form_submit")) == 1


def _signed(secret: str, body: bytes, stamp: int) -> str:
    return hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()


async def test_a_submission_is_the_same_however_it_is_signed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    """Replay detection keys on the submission (the provider's id, else its payload in a
    canonical form), never on the signature header: a sender re-signs every retry."""
    source = await add_source(
        client, tenant, name="Website", mapping={"email": "email", "plan": "attributes.plan"}
    )
    payload = {"email": "resigned@acme.com", "plan": "pro"}
    stamp = int(clock().timestamp())
    first = await post_generic(client, source, payload, stamp)
    assert first.status_code == 200, first.text
    assert first.json()["replayed"] is False
    secret = source["secret"]

    def header(body: bytes, at: int, template: str) -> dict[str, str]:
        signature = template.format(
            t=at, v1=_signed(secret, body, at), other=_signed("another-secret", body, at)
        )
        return {"Content-Type": "application/json", "X-Leadapi-Signature": signature}

    compact = json.dumps(payload, separators=(",", ":")).encode()
    reordered = json.dumps(dict(reversed(payload.items())), indent=2).encode()
    retries = [  # (body, seconds later, header template)
        (json.dumps(payload).encode(), 1, "t={t},v1={v1}"),
        (json.dumps(payload).encode(), 60, "t={t},v1={v1}"),
        (json.dumps(payload).encode(), 0, "t={t},v1={v1},v0=deadbeef"),
        (json.dumps(payload).encode(), 0, "t={t}, v1={v1}, scheme=hmac-sha256, kid=2"),
        (json.dumps(payload).encode(), 0, "v1={other},v1={v1},t={t}"),  # a rotated secret: any v1 may match
        (json.dumps(payload).encode(), 0, "t={t},v1={v1},t={t},novalue,=x,v1"),
        (compact, 2, "t={t},v1={v1}"),
        (reordered, 3, "t={t},v1={v1},extra=1"),
    ]
    for body, later, template in retries:
        with clock.travel(seconds=later):
            at = int(clock().timestamp())
            again = await client.post(source["hook_url"], content=body, headers=header(body, at, template))
        assert again.status_code == 200, (template, again.text)
        assert again.json() == {**first.json(), "replayed": True}, template
    assert len(await events_of(app, tenant, "form_submit")) == 1
    submissions = (await client.get(f"/v1/sources/{source['id']}/submissions", headers=tenant.read)).json()
    assert len(submissions["data"]) == 1

    # A new submission with unknown parameters in its header is accepted, once.
    other = json.dumps({"email": "extra@acme.com"}).encode()
    extra = header(other, stamp, "t={t},v1={v1},v0=abc,future=1")
    accepted = await client.post(source["hook_url"], content=other, headers=extra)
    assert (accepted.status_code, accepted.json()["replayed"]) == (200, False)
    twice = await client.post(
        source["hook_url"], content=other, headers=header(other, stamp, "t={t},v1={v1}")
    )
    assert twice.json() == {**accepted.json(), "replayed": True}
    assert len(await events_of(app, tenant, "form_submit")) == 2


async def test_signature_headers_are_read_within_bounds(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    source = await add_source(client, tenant, name="Website", mapping={"email": "email"})
    body = json.dumps({"email": "bounds@acme.com"}).encode()
    stamp = int(clock().timestamp())
    good = _signed(source["secret"], body, stamp)
    refused = [
        f"t={stamp}," + ",".join(["v1=00"] * 8) + f",v1={good}",  # more than 8 signatures
        f"t={stamp},t={stamp + 1},v1={good}",  # two timestamps: which was signed?
        f"t={stamp},v1={good}," + "x" * 5000,  # longer than any real header
        f"t=+{stamp},v1={good}",
        f"t={'9' * 40},v1={good}",
        f"t={stamp}",
        f"v1={good}",
    ]
    for signature in refused:
        headers = {"Content-Type": "application/json", "X-Leadapi-Signature": signature}
        response = await client.post(source["hook_url"], content=body, headers=headers)
        assert response.status_code == 401, (signature[:80], response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert await leads_of(client, tenant) == []
    eight = f"t={stamp}," + ",".join(["v1=00"] * 7) + f",v1={good}"
    headers = {"Content-Type": "application/json", "X-Leadapi-Signature": eight}
    assert (await client.post(source["hook_url"], content=body, headers=headers)).status_code == 200


async def test_hubspot_without_an_id_is_the_same_when_re_signed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    source = await add_source(
        client, tenant, name="HubSpot", kind="hubspot", secret=SECRET, mapping={"email": "email"}
    )
    body = json.dumps({"fields": [{"name": "email", "value": "noid@acme.com"}]}).encode()
    url = f"http://leadapi.test{source['hook_url']}"
    replies = []
    for later_ms in (0, 1000, 90_000):
        stamp_ms = int(clock().timestamp() * 1000) + later_ms
        message = b"POST" + url.encode() + body + str(stamp_ms).encode()
        signature = base64.b64encode(hmac.new(SECRET.encode(), message, hashlib.sha256).digest()).decode()
        headers = {
            "Content-Type": "application/json",
            "X-HubSpot-Signature-v3": signature,
            "X-HubSpot-Request-Timestamp": str(stamp_ms),
        }
        response = await client.post(source["hook_url"], content=body, headers=headers)
        assert response.status_code == 200, response.text
        replies.append(response.json())
    assert [reply["replayed"] for reply in replies] == [False, True, True]
    assert len({reply["submission_id"] for reply in replies}) == 1
    assert len(await events_of(app, tenant, "form_submit")) == 1
