"""Outbound webhooks over HTTP, on SQLite and PostgreSQL, delivered to a real endpoint on
loopback and verified with the `standardwebhooks` package (a verifier nobody here wrote).

Background loops are off: tests number events, fan out and deliver by calling the rounds; time
moves by the injected clock (retries are due by it)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.webhooks.loop import WebhookSender
from leadapi.webhooks.models import WebhookDelivery
from leadapi.webhooks.service import DELIVERY_PER_SUBSCRIPTION, WebhookService
from leadapi.webhooks.transport import TargetError, vet_target
from tests.api.webhook_receiver import Receiver
from tests.conftest import Clock, Tenant, serving
from tests.factories import deliveries, events_of, fan_out, new_lead, pump, sender, services, subscribe


async def test_deliveries_are_signed_per_standard_webhooks(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    await new_lead(client, tenant, "before@acme.com")  # numbered before the subscription: not sent
    await app.state.sequencer.drain()
    sub = await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created", "lead.scored"])
    assert sub["secret"].startswith("whsec_")
    assert "secret" not in (await client.get(f"/v1/webhooks/{sub['id']}", headers=tenant.read)).json()
    lead = await new_lead(client, tenant, "hook@acme.com")
    await client.post(f"/v1/leads/{lead['id']}/events", json={"type": "page_view"}, headers=tenant.write)
    await pump(app)

    got = receiver.at("/ok")
    assert len(got) == 2
    verifier = Webhook(sub["secret"])
    bodies = [verifier.verify(r.body, r.headers) for r in got]
    assert [b["type"] for b in bodies] == ["lead.created", "lead.scored"]
    assert bodies[0]["data"]["lead_id"] == lead["id"]
    assert bodies[0]["data"]["data"]["lead"]["email"] == "hook@acme.com"
    with pytest.raises(WebhookVerificationError):
        Webhook(sub["secret"]).verify(got[0].body.replace(b"hook@", b"evil@"), got[0].headers)
    listed = await deliveries(client, tenant, sub["id"])
    assert {(d["status"], d["attempts"], d["last_status_code"]) for d in listed} == {("succeeded", 1, 200)}
    assert {d["id"] for d in listed} == {r.headers["webhook-id"] for r in got}
    # Nothing is sent twice.
    await pump(app)
    assert len(receiver.at("/ok")) == 2


async def test_failures_are_retried_with_backoff_then_succeed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    sub = await subscribe(client, tenant, f"{receiver.base}/flaky/1", ["lead.created"])
    await new_lead(client, tenant, "retry@acme.com")
    await pump(app)
    [pending] = await deliveries(client, tenant, sub["id"])
    assert (pending["status"], pending["attempts"], pending["last_status_code"]) == ("pending", 1, 500)
    assert pending["last_error"] == "HTTP 500"
    wait = datetime.fromisoformat(pending["next_attempt_at"]) - clock()
    assert timedelta(seconds=3) < wait <= timedelta(seconds=6)  # about 5 s, with jitter
    await pump(app)
    assert len(receiver.at("/flaky/1")) == 1  # not due yet
    with clock.travel(seconds=7):
        await pump(app)
    [done] = await deliveries(client, tenant, sub["id"])
    assert (done["status"], done["attempts"]) == ("succeeded", 2)
    ids = {r.headers["webhook-id"] for r in receiver.at("/flaky/1")}
    assert ids == {done["id"]}  # the same webhook-id on every attempt


async def test_a_delivery_fails_after_its_schedule_and_days_of_failures_disable(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    sub = await subscribe(client, tenant, f"{receiver.base}/fail", ["lead.created"])
    await new_lead(client, tenant, "doomed@acme.com")
    hours = 0.0
    for _ in range(12):
        with clock.travel(hours=hours):
            await pump(app)
        hours += 11  # past the longest wait (10 h, +20%)
    [failed] = await deliveries(client, tenant, sub["id"])
    assert (failed["status"], failed["attempts"], failed["next_attempt_at"]) == ("failed", 8, None)
    assert len(receiver.at("/fail")) == 8
    current = (await client.get(f"/v1/webhooks/{sub['id']}", headers=tenant.read)).json()
    assert current["active"] is True  # a bit over a day of failures: not yet
    with clock.travel(days=6):
        await new_lead(client, tenant, "later@acme.com")
        await pump(app)
    current = (await client.get(f"/v1/webhooks/{sub['id']}", headers=tenant.read)).json()
    assert current["active"] is False
    assert current["disabled_reason"].startswith("Every delivery failed since")
    [disabled] = await events_of(app, tenant, "webhook.disabled")
    assert disabled["data"]["webhook_id"] == sub["id"]


async def test_410_gone_disables_at_once_and_reenabling_starts_afresh(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    sub = await subscribe(client, tenant, f"{receiver.base}/gone", ["lead.created"])
    await new_lead(client, tenant, "gone@acme.com")
    await pump(app)
    current = (await client.get(f"/v1/webhooks/{sub['id']}", headers=tenant.read)).json()
    assert (current["active"], current["disabled_reason"]) == (False, "The endpoint answered 410 Gone.")
    [failed] = await deliveries(client, tenant, sub["id"])
    assert (failed["status"], failed["last_status_code"]) == ("failed", 410)
    assert len(await events_of(app, tenant, "webhook.disabled")) == 1
    await new_lead(client, tenant, "unheard@acme.com")
    await pump(app)
    assert len(receiver.at("/gone")) == 1  # disabled: nothing more
    again = await client.patch(
        f"/v1/webhooks/{sub['id']}", json={"active": True, "url": f"{receiver.base}/ok"}, headers=tenant.admin
    )
    assert again.status_code == 200, again.text
    assert again.json()["disabled_reason"] is None
    await new_lead(client, tenant, "heard@acme.com")
    await pump(app)
    assert [json.loads(r.body)["data"]["data"]["lead"]["email"] for r in receiver.at("/ok")] == [
        "heard@acme.com"
    ]


async def test_timeouts_redirects_and_big_answers(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    slow = await subscribe(client, tenant, f"{receiver.base}/slow", ["lead.created"])
    await new_lead(client, tenant, "slow@acme.com")
    await pump(app)
    [pending] = await deliveries(client, tenant, slow["id"])
    assert (pending["status"], pending["last_error"], pending["last_status_code"]) == (
        "pending",
        "timed out",
        None,
    )
    # A redirect is not followed: it is a failed attempt, and /ok never hears of it.
    moved = await subscribe(client, tenant, f"{receiver.base}/redirect", ["lead.created"])
    await new_lead(client, tenant, "moved@acme.com")
    await pump(app)
    [redirected] = await deliveries(client, tenant, moved["id"])
    assert (redirected["status"], redirected["last_status_code"]) == ("pending", 307)
    assert receiver.at("/ok") == []
    # An endpoint that answers 100 kB is read up to a small limit, and its 200 counts.
    big = await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created"])
    await new_lead(client, tenant, "big@acme.com")
    await pump(app)
    [answered] = await deliveries(client, tenant, big["id"])
    assert (answered["status"], answered["last_status_code"]) == ("succeeded", 200)


async def test_in_order_per_lead(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    sub = await subscribe(client, tenant, f"{receiver.base}/flaky/1", ["lead.*"])
    await new_lead(client, tenant, "ordered@acme.com")
    await pump(app)
    # lead.created failed; lead.scored (same lead, later) waits behind it.
    assert [json.loads(r.body)["type"] for r in receiver.at("/flaky/1")] == ["lead.created"]
    with clock.travel(seconds=7):
        await pump(app)
    assert [json.loads(r.body)["type"] for r in receiver.at("/flaky/1")] == [
        "lead.created", "lead.created", "lead.scored",
    ]  # fmt: skip
    statuses = {d["event_type"]: d["status"] for d in await deliveries(client, tenant, sub["id"])}
    assert statuses == {"lead.created": "succeeded", "lead.scored": "succeeded"}


async def test_rotation_signs_with_both_secrets_for_a_day(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    sub = await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created"])
    rotated = await client.post(f"/v1/webhooks/{sub['id']}/rotate-secret", headers=tenant.admin)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != sub["secret"]
    await new_lead(client, tenant, "rotated@acme.com")
    await pump(app)
    [got] = receiver.at("/ok")
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(new_secret).verify(got.body, got.headers)
    Webhook(sub["secret"]).verify(got.body, got.headers)


async def test_test_messages_and_redelivery(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    sub = await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created"])
    queued = await client.post(f"/v1/webhooks/{sub['id']}/test", headers=tenant.admin)
    assert queued.status_code == 202, queued.text
    await pump(app)
    [test_message] = receiver.at("/ok")
    assert Webhook(sub["secret"]).verify(test_message.body, test_message.headers)["type"] == "webhook.test"
    again = await client.post(
        f"/v1/webhooks/{sub['id']}/deliveries/{queued.json()['id']}/redeliver", headers=tenant.admin
    )
    assert again.status_code == 202
    await pump(app)
    assert [r.headers["webhook-id"] for r in receiver.at("/ok")] == [queued.json()["id"]] * 2


async def test_webhook_bad_input(client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant) -> None:
    cases: list[tuple[Any, str]] = [
        ({"url": "ftp://example.com/x", "events": ["lead.*"]}, "url"),
        ({"url": "not a url", "events": ["lead.*"]}, "url"),
        ({"url": "https://example.com", "events": []}, "events"),
        ({"url": "https://example.com", "events": ["Lead created"]}, "events"),
        ({"url": "https://example.com", "events": "lead.*"}, "events"),
        ({"url": "https://example.com/" + "x" * 2000, "events": ["lead.*"]}, "url"),
        ({"events": ["lead.*"]}, "url"),
        ({"url": "https://example.com", "events": ["lead.*"], "secret": "mine"}, "secret"),
    ]
    for body, field in cases:
        response = await client.post("/v1/webhooks", json=body, headers=tenant.admin)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"].startswith(field), response.text
    assert (await client.post("/v1/webhooks", json=cases[0][0], headers=tenant.write)).status_code == 403
    assert (await client.get("/v1/webhooks", headers=tenant.read)).json()["data"] == []  # nothing stored
    sub = await subscribe(client, tenant, "http://127.0.0.1:9/x")
    for method, path in (
        ("GET", f"/v1/webhooks/{sub['id']}"),
        ("PATCH", f"/v1/webhooks/{sub['id']}"),
        ("DELETE", f"/v1/webhooks/{sub['id']}"),
        ("POST", f"/v1/webhooks/{sub['id']}/rotate-secret"),
        ("POST", f"/v1/webhooks/{sub['id']}/test"),
        ("GET", f"/v1/webhooks/{sub['id']}/deliveries"),
        ("POST", f"/v1/webhooks/{sub['id']}/deliveries/msg_nope/redeliver"),
    ):
        response = await client.request(
            method, path, json={} if method == "PATCH" else None, headers=other_tenant.admin
        )
        assert response.status_code == 404, (method, path, response.text)
    null_url = await client.patch(f"/v1/webhooks/{sub['id']}", json={"url": None}, headers=tenant.admin)
    assert null_url.status_code == 422
    assert (await client.delete(f"/v1/webhooks/{sub['id']}", headers=tenant.admin)).status_code == 204
    assert (await client.get(f"/v1/webhooks/{sub['id']}", headers=tenant.read)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
async def test_private_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetError):
        await vet_target(url, allow_private=False)
    await vet_target(url, allow_private=True)


async def test_public_targets_pass() -> None:
    await vet_target("https://93.184.215.14/hook", allow_private=False)


async def test_concurrent_workers_send_each_delivery_once_per_attempt(
    postgres_only: None,
    app: FastAPI,
    client: httpx.AsyncClient,
    clock: Clock,
    tenant: Tenant,
    receiver: Receiver,
) -> None:
    await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created"])
    batch = [{"email": f"many{i}@acme.com"} for i in range(60)]
    assert (
        await client.post("/v1/leads/batch", json={"leads": batch}, headers=tenant.write)
    ).status_code == 200
    await fan_out(app)
    # Three senders, as three worker processes have, each with a timeout no slow machine reaches:
    # the receiver runs on this test's event loop, and a send timed out by a busy loop would be
    # a failed attempt, not the double send this test is about.
    senders = [
        WebhookSender(
            app.state.db,
            WebhookService(clock, timeout=60, allow_private=True, sealer=services(app).sealer),
        )
        for _ in range(3)
    ]

    async def worker(webhooks: WebhookSender) -> None:
        while await webhooks.deliver_once():
            pass

    try:
        await asyncio.gather(*map(worker, senders))
    finally:
        for one in senders:
            await one.close()
            await one.webhooks.close()
    counts = Counter(r.headers["webhook-id"] for r in receiver.at("/ok"))
    assert len(counts) == 60
    assert set(counts.values()) == {1}


async def test_a_backlog_on_dead_endpoints_does_not_hold_up_a_healthy_one(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    """Two endpoints gone dead with thousands of deliveries due between them, all older than
    anything a new, healthy endpoint has: a delivery round takes a share from each subscription,
    so the healthy one is served in the first round and each dead one costs only its share."""
    dead = [await subscribe(client, tenant, "http://127.0.0.1:9/dead", ["lead.created"]) for _ in range(2)]
    backlog = 2500
    long_ago = clock() - timedelta(hours=1)
    rows = [
        {
            "id": f"msg_backlog{n:05d}{i}{tenant.workspace_id[-12:]}",
            "workspace_id": tenant.workspace_id,
            "subscription_id": sub["id"],
            "event_id": None,
            "event_seq": None,
            "event_type": "webhook.test",
            "lead_id": None,
            "payload": {"type": "webhook.test", "timestamp": long_ago.isoformat(), "data": {}},
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": long_ago,
            "created_at": long_ago,
        }
        for i, sub in enumerate(dead)
        for n in range(backlog)
    ]
    async with app.state.db.transaction() as conn:
        for start in range(0, len(rows), 1000):
            await conn.execute(insert(WebhookDelivery), rows[start : start + 1000])
    healthy = await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created"])
    try:
        await new_lead(client, tenant, "healthy@acme.com")
        await fan_out(app)
        taken = await sender(app).deliver_once()
        assert len(receiver.at("/ok")) == 1
        [delivered] = await deliveries(client, tenant, healthy["id"])
        assert delivered["status"] == "succeeded"
        for sub in dead:
            tried = await deliveries(client, tenant, sub["id"], limit=200, status="pending")
            assert sum(1 for d in tried if d["attempts"]) <= DELIVERY_PER_SUBSCRIPTION
        assert taken == 2 * DELIVERY_PER_SUBSCRIPTION + 1
    finally:
        for sub in dead:  # their backlog goes with them
            await client.delete(f"/v1/webhooks/{sub['id']}", headers=tenant.admin)


async def test_disabled_after_both_failures_in_a_row_and_hours_without_success(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    webhooks = services(app).webhooks
    assert (webhooks.disable_after_failures, webhooks.disable_after) == (5, timedelta(hours=120))

    async def current(sub_id: str) -> dict[str, Any]:
        got: dict[str, Any] = (await client.get(f"/v1/webhooks/{sub_id}", headers=tenant.read)).json()
        return got

    # One failure, then quiet for longer than the hours: one attempt is not enough.
    quiet = await subscribe(client, tenant, f"{receiver.base}/fail", ["lead.created"])
    await new_lead(client, tenant, "quiet@acme.com")
    await pump(app)
    with clock.travel(hours=130):
        await client.patch(
            f"/v1/webhooks/{quiet['id']}", json={"events": ["lead.updated"]}, headers=tenant.admin
        )
        await pump(app)  # its second attempt, long after the first
        state = await current(quiet["id"])
        assert (state["active"], state["failure_streak"], state["disabled_at"]) == (True, 2, None)
    await client.delete(f"/v1/webhooks/{quiet['id']}", headers=tenant.admin)

    # Many failures in a short outage: not enough either, until the hours have passed too.
    sub = await subscribe(client, tenant, f"{receiver.base}/fail", ["lead.created"])
    for n in range(6):
        await new_lead(client, tenant, f"outage{n}@acme.com")
    await pump(app)
    state = await current(sub["id"])
    assert (state["active"], state["failure_streak"], state["disabled_at"]) == (True, 6, None)
    assert state["failing_since"] is not None
    with clock.travel(hours=121):
        await pump(app)  # the retries come due, and fail again
        state = await current(sub["id"])
        assert state["active"] is False
        assert state["failure_streak"] >= 7
        assert state["disabled_reason"].startswith("Every delivery failed since")
        assert datetime.fromisoformat(state["disabled_at"]) >= datetime.fromisoformat(state["failing_since"])
        [event] = await events_of(app, tenant, "webhook.disabled")
        assert event["data"]["webhook_id"] == sub["id"]
        assert 7 <= event["data"]["failure_streak"] <= state["failure_streak"]  # sends in flight go on
        # Re-enabled, it starts with a clean record.
        again = await client.patch(f"/v1/webhooks/{sub['id']}", json={"active": True}, headers=tenant.admin)
        assert again.status_code == 200, again.text
        fresh = again.json()
        assert (fresh["active"], fresh["failure_streak"], fresh["failing_since"]) == (True, 0, None)
        assert (fresh["disabled_at"], fresh["disabled_reason"]) == (None, None)


# As an operator would set them, in the environment: three failed attempts in a row, one hour.
QUICK_TO_DISABLE = {"LEADAPI_WEBHOOK_DISABLE_AFTER_FAILURES": "3", "LEADAPI_WEBHOOK_DISABLE_AFTER_HOURS": "1"}


@pytest.fixture(scope="module")
async def quick_to_disable(
    settings: Settings, clock: Clock
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app on the session's database whose two disabling settings come from the environment."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in QUICK_TO_DISABLE.items():
            env.setenv(name, value)
        others = settings.model_dump(
            exclude={"webhook_disable_after_failures", "webhook_disable_after_hours"}
        )
        configured = Settings(**others, _env_file=None)
    async with serving(create_app(configured, clock=clock)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as http:
            yield app, http


async def _state(client: httpx.AsyncClient, tenant: Tenant, sub_id: str) -> tuple[bool, int]:
    response = await client.get(f"/v1/webhooks/{sub_id}", headers=tenant.read)
    assert response.status_code == 200, response.text
    return response.json()["active"], response.json()["failure_streak"]


async def test_the_failure_count_set_in_the_environment_is_the_one_that_disables(
    quick_to_disable: tuple[FastAPI, httpx.AsyncClient], tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    """Past the hour, two failures do not disable and the third does: neither the default (5)
    nor any count but 3."""
    app, client = quick_to_disable
    webhooks = services(app).webhooks
    assert (webhooks.disable_after_failures, webhooks.disable_after) == (3, timedelta(hours=1))
    sub = await subscribe(client, tenant, f"{receiver.base}/fail", ["lead.created"])
    await new_lead(client, tenant, "count@acme.com")
    await pump(app)
    assert await _state(client, tenant, sub["id"]) == (True, 1)
    with clock.travel(hours=2):  # past the hour; the retry (about 5 s on) is due
        await pump(app)
        assert await _state(client, tenant, sub["id"]) == (True, 2)
    with clock.travel(hours=3):  # the next retry (about 5 min on) is due
        await pump(app)
        assert await _state(client, tenant, sub["id"]) == (False, 3)
        [event] = await events_of(app, tenant, "webhook.disabled")
        assert (event["data"]["webhook_id"], event["data"]["failure_streak"]) == (sub["id"], 3)


async def test_the_hours_set_in_the_environment_are_the_ones_that_disable(
    quick_to_disable: tuple[FastAPI, httpx.AsyncClient], tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    """Past three failures, 40 minutes do not disable and 80 do: neither the default (120 hours)
    nor anything but about an hour."""
    app, client = quick_to_disable
    sub = await subscribe(client, tenant, f"{receiver.base}/fail", ["lead.created"])
    for n in range(3):
        await new_lead(client, tenant, f"hours{n}@acme.com")
    await pump(app)
    assert await _state(client, tenant, sub["id"]) == (True, 3)
    with clock.travel(minutes=40):  # the three retries (about 5 s on) fail too
        await pump(app)
        assert await _state(client, tenant, sub["id"]) == (True, 6)
    with clock.travel(minutes=80):  # the next retries (about 5 min after those) are due
        await pump(app)
        active, streak = await _state(client, tenant, sub["id"])
        assert active is False
        assert streak >= 7  # the sends in flight when it was disabled are counted too
        [event] = await events_of(app, tenant, "webhook.disabled")
        assert event["data"]["webhook_id"] == sub["id"]


async def test_a_success_ends_the_failure_streak(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    sub = await subscribe(client, tenant, f"{receiver.base}/flaky/2", ["lead.created"])
    await new_lead(client, tenant, "streak@acme.com")
    await pump(app)
    with clock.travel(seconds=7):
        await pump(app)
    state = (await client.get(f"/v1/webhooks/{sub['id']}", headers=tenant.read)).json()
    assert (state["failure_streak"], state["failing_since"] is not None) == (2, True)
    with clock.travel(minutes=7):
        await pump(app)
    state = (await client.get(f"/v1/webhooks/{sub['id']}", headers=tenant.read)).json()
    assert (state["failure_streak"], state["failing_since"], state["active"]) == (0, None, True)


async def test_rounds_do_not_wait_for_slow_sends_and_each_subscription_has_its_share_in_flight(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    """The background loop's rounds start sends and go on: a slow endpoint holds its own share
    of sends in flight (and gets no more until they end), not the next round."""
    webhooks = sender(app)
    slow = await subscribe(client, tenant, f"{receiver.base}/slow", ["lead.created"])
    for n in range(DELIVERY_PER_SUBSCRIPTION + 2):
        await new_lead(client, tenant, f"slow{n}@acme.com")
    await fan_out(app)
    try:
        assert await webhooks.deliver_once(wait=False) == DELIVERY_PER_SUBSCRIPTION
        assert webhooks.in_flight == DELIVERY_PER_SUBSCRIPTION  # the round returned with them under way
        healthy = await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created"])
        await new_lead(client, tenant, "quick@acme.com")
        await fan_out(app)
        # The slow one has its share in flight: the next round takes only the healthy one's.
        assert await webhooks.deliver_once(wait=False) == 1
    finally:
        await webhooks.settle()
    [done] = await deliveries(client, tenant, healthy["id"])
    assert done["status"] == "succeeded"
    attempts = sorted(d["attempts"] for d in await deliveries(client, tenant, slow["id"]))
    assert attempts == [0, 0, 0] + [1] * DELIVERY_PER_SUBSCRIPTION  # two left, and quick@ to it too
    assert webhooks.in_flight == 0


async def test_a_busy_endpoint_gets_its_next_share_as_soon_as_a_send_ends(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    """The background loop runs rounds while they return True and only then waits its interval.
    With an endpoint's whole share in flight, a round goes again once one of its sends is
    recorded: an endpoint with more due than its share is not held to one share per interval."""
    webhooks = sender(app)
    sub = await subscribe(client, tenant, f"{receiver.base}/busy", ["lead.created"])
    total = 2 * DELIVERY_PER_SUBSCRIPTION + 5
    for n in range(total):
        await new_lead(client, tenant, f"busy{n}@acme.com")
    await app.state.sequencer.drain()
    try:
        while await webhooks.run_once():
            pass
    finally:
        await webhooks.settle()
    statuses = [d["status"] for d in await deliveries(client, tenant, sub["id"])]
    assert statuses == ["succeeded"] * total
    assert len(receiver.at("/busy")) == total


async def test_closing_lets_sends_under_way_finish_and_records_them(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, clock: Clock
) -> None:
    """A process shutting down gracefully does not drop its sends in flight (they would go out
    again after their lease, a duplicate for the receiver): it waits, within the timeout."""
    sub = await subscribe(client, tenant, f"{receiver.base}/ok", ["lead.created"])
    await new_lead(client, tenant, "closing@acme.com")
    await fan_out(app)
    closing = WebhookSender(
        app.state.db,
        WebhookService(clock, timeout=5, allow_private=True, sealer=services(app).sealer),
    )
    assert await closing.deliver_once(wait=False) == 1
    await closing.close()
    await closing.webhooks.close()
    assert closing.in_flight == 0
    [done] = await deliveries(client, tenant, sub["id"])
    assert (done["status"], done["attempts"]) == ("succeeded", 1)
    assert len(receiver.at("/ok")) == 1
