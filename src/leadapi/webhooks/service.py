"""Outbound webhooks: subscriptions, the fan-out of the event log into deliveries, and sending.

The event log is the outbox: every change is an event, written in the transaction of the change,
and numbered by the sequencer once committed. A fan-out round turns the numbered events after a
subscription's cursor into deliveries and moves the cursor, in one transaction, so no event is
skipped or fanned out twice, whatever crashes. Delivery rounds lease due deliveries (claimed
with SKIP LOCKED on PostgreSQL, so any number of workers cooperate), send them signed per the
Standard Webhooks specification, and record the outcome; a worker that dies mid-flight leaves
its leases to expire, and the deliveries go out again: at least once, deduplicable by webhook-id.
Each of those steps runs in the transaction its caller opens (webhooks/loop.py for the rounds).
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection
from standardwebhooks.webhooks import Webhook

from leadapi.audit.service import record_for
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id
from leadapi.metrics import Metrics
from leadapi.outbound.transport import guarded_client
from leadapi.principal import Principal
from leadapi.sealing import Sealer
from leadapi.webhooks import engine
from leadapi.webhooks.repository import (
    WebhookRepository,
    claim_due,
    due_subscriptions,
    set_delivery,
    subscriptions_behind,
)
from leadapi.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from leadapi.webhooks.transport import Outcome, TargetError, send, vet_target

MAX_SUBSCRIPTIONS = 50
FANOUT_SUBSCRIPTIONS = 50
FANOUT_EVENTS = 1000
# Each delivery round takes up to this many due deliveries from each of up to this many
# subscriptions, so an endpoint with a backlog (a dead one retrying thousands) costs only itself.
DELIVERY_PER_SUBSCRIPTION = 10
DELIVERY_SUBSCRIPTIONS = 50
ROTATED_SECRET_VALID = timedelta(hours=24)
LEASE_MARGIN = timedelta(seconds=10)  # beyond the request timeout, before a lease expires


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32).replace("-", "+").replace("_", "/") + "="


@dataclass(frozen=True)
class Claimed:
    """What one delivery round leased: the subscriptions it went round, and each due delivery
    with its subscription."""

    subscription_ids: list[str]
    due: list[tuple[dict[str, Any], dict[str, Any]]]


class WebhookService:
    """Subscriptions, and each unit of work of the delivery pipeline, in the caller's transaction.
    The pipeline itself (which transactions, sends in flight) is webhooks/loop.py's."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        timeout: float,
        allow_private: bool,
        sealer: Sealer,
        disable_after_failures: int = 5,
        disable_after: timedelta = timedelta(hours=120),
        draw: Callable[[], float] = random.random,
        metrics: Metrics | None = None,
    ) -> None:
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.timeout = timeout
        self.allow_private = allow_private
        self.sealer = sealer
        self.draw = draw
        self.disable_after_failures = disable_after_failures
        self.disable_after = disable_after
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # Checked at connect time (DNS may change after a subscription is written).
            self._client = guarded_client(
                timeout=self.timeout,
                allow_private=self.allow_private,
                headers={"User-Agent": "leadapi-webhooks/1"},
            )
        return self._client

    async def close(self) -> None:
        """Close the HTTP client; the senders using it have closed first (WebhookSender.close)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # ---- subscriptions ---------------------------------------------------------------------------

    async def vet(self, url: str) -> None:
        """A target this deployment may send to (422 otherwise). It may look the name up: call it
        before the transaction opens, not while it holds locks."""
        try:
            await vet_target(url, self.allow_private)
        except TargetError as exc:
            raise validation_problem([{"field": "url", "message": f"webhooks need {exc}"}]) from exc

    async def create(
        self, conn: AsyncConnection, principal: Principal, data: SubscriptionCreate
    ) -> dict[str, Any]:
        """`data.url` has been vetted (vet) by the caller."""
        now = self.clock()
        repo = WebhookRepository(conn, principal.workspace_id)
        if len(await repo.page(MAX_SUBSCRIPTIONS, None)) >= MAX_SUBSCRIPTIONS:
            raise ProblemError(409, f"A workspace has at most {MAX_SUBSCRIPTIONS} webhook subscriptions.")
        secret = new_secret()
        row: dict[str, Any] = {
            "id": new_id("webhook"),
            "url": data.url,
            "events": data.events,
            "active": True if data.active is None else data.active,
            "description": data.description,
            "secret": self.sealer.seal(secret),
            "previous_secret": None,
            "previous_secret_until": None,
            "cursor": await repo.last_seq(),  # from now on: history is in the change feed
            "failing_since": None,
            "failure_streak": 0,
            "disabled_at": None,
            "disabled_reason": None,
            "created_at": now,
            "updated_at": now,
        }
        await repo.add(row)
        await record_for(conn, principal, now, "created", "webhook", row["id"], None, row)
        return {**row, "secret": secret}  # the caller shows it this once

    async def get(self, conn: AsyncConnection, principal: Principal, subscription_id: str) -> dict[str, Any]:
        row = await WebhookRepository(conn, principal.workspace_id).get(subscription_id)
        if row is None:
            raise not_found("Webhook", subscription_id)
        return row

    async def page(
        self, conn: AsyncConnection, principal: Principal, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        return await WebhookRepository(conn, principal.workspace_id).page(limit, after_id)

    @staticmethod
    def changes(data: SubscriptionUpdate) -> dict[str, Any]:
        """The fields a change sets (422 for a null where one is needed)."""
        changes = data.model_dump(exclude_unset=True)
        for name in ("url", "events", "active"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        return changes

    async def update(
        self, conn: AsyncConnection, principal: Principal, subscription_id: str, data: SubscriptionUpdate
    ) -> dict[str, Any]:
        """A new `data.url` has been vetted (vet) by the caller."""
        changes = self.changes(data)
        repo = WebhookRepository(conn, principal.workspace_id)
        row = await repo.get(subscription_id, lock=True)
        if row is None:
            raise not_found("Webhook", subscription_id)
        if changes.get("active") and not row["active"]:
            # Back on: from now on, and with a clean record.
            changes.update(
                disabled_reason=None,
                disabled_at=None,
                failing_since=None,
                failure_streak=0,
                cursor=await repo.last_seq(),
            )
        changes["updated_at"] = self.clock()
        await repo.update(subscription_id, changes)
        await record_for(
            conn,
            principal,
            changes["updated_at"],
            "updated",
            "webhook",
            subscription_id,
            row,
            {**row, **changes},
        )
        return {**row, **changes}

    async def delete(self, conn: AsyncConnection, principal: Principal, subscription_id: str) -> None:
        repo = WebhookRepository(conn, principal.workspace_id)
        before = await repo.get(subscription_id, lock=True)
        if before is None:
            raise not_found("Webhook", subscription_id)
        await repo.delete(subscription_id)
        await record_for(conn, principal, self.clock(), "deleted", "webhook", subscription_id, before, None)

    async def rotate_secret(
        self, conn: AsyncConnection, principal: Principal, subscription_id: str
    ) -> dict[str, Any]:
        """A new secret; the old one still signs (alongside) for a day, while receivers switch."""
        now = self.clock()
        repo = WebhookRepository(conn, principal.workspace_id)
        row = await repo.get(subscription_id, lock=True)
        if row is None:
            raise not_found("Webhook", subscription_id)
        secret = new_secret()
        values = {
            "secret": self.sealer.seal(secret),
            "previous_secret": row["secret"],
            "previous_secret_until": now + ROTATED_SECRET_VALID,
            "updated_at": now,
        }
        await repo.update(subscription_id, values)
        await record_for(conn, principal, now, "rotated", "webhook", subscription_id, row, {**row, **values})
        return {**row, **values, "secret": secret}  # the caller shows it this once

    # ---- deliveries, as the API shows them ---------------------------------------------------------

    async def deliveries(
        self,
        conn: AsyncConnection,
        principal: Principal,
        subscription_id: str,
        status: str | None,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        repo = WebhookRepository(conn, principal.workspace_id)
        if await repo.get(subscription_id) is None:
            raise not_found("Webhook", subscription_id)
        return await repo.deliveries_of(subscription_id, status, limit, before)

    async def redeliver(
        self, conn: AsyncConnection, principal: Principal, subscription_id: str, delivery_id: str
    ) -> dict[str, Any]:
        """Send a delivery again now (same webhook-id), whatever became of it."""
        now = self.clock()
        repo = WebhookRepository(conn, principal.workspace_id)
        row = await repo.delivery(subscription_id, delivery_id)
        if row is None:
            raise not_found("Delivery", delivery_id)
        values = {"status": "pending", "next_attempt_at": now, "attempts": 0, "delivered_at": None}
        await set_delivery(conn, delivery_id, values)
        return {**row, **values}

    async def test(self, conn: AsyncConnection, principal: Principal, subscription_id: str) -> dict[str, Any]:
        """Queue a `webhook.test` message to the subscription, due now."""
        now = self.clock()
        repo = WebhookRepository(conn, principal.workspace_id)
        if await repo.get(subscription_id) is None:
            raise not_found("Webhook", subscription_id)
        data = {"subscription_id": subscription_id, "message": "A test from leadapi."}
        row = self._delivery(subscription_id, None, None, "webhook.test", None, now)
        row["payload"] = {"type": "webhook.test", "timestamp": now.isoformat(), "data": data}
        await repo.add_deliveries([row])
        return {**row, "subscription_id": subscription_id}

    @staticmethod
    def _delivery(
        subscription_id: str,
        event_id: str | None,
        event_seq: int | None,
        event_type: str,
        lead_id: str | None,
        now: datetime,
    ) -> dict[str, Any]:
        return {
            "id": new_id("delivery"),
            "subscription_id": subscription_id,
            "event_id": event_id,
            "event_seq": event_seq,
            "event_type": event_type,
            "lead_id": lead_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_status_code": None,
            "last_latency_ms": None,
            "last_error": None,
            "created_at": now,
            "delivered_at": None,
        }

    # ---- the delivery pipeline's units of work (webhooks/loop.py opens their transactions) -----

    async def fan_out(self, conn: AsyncConnection) -> int:
        """Turn numbered events into deliveries for (a batch of) the subscriptions behind, and move
        their cursors, in one transaction; returns how many subscriptions moved on."""
        now = self.clock()
        moved = 0
        for sub in await subscriptions_behind(conn, FANOUT_SUBSCRIPTIONS):
            events = EventRepository(conn, sub["workspace_id"])
            batch = await events.feed(sub["cursor"], None, FANOUT_EVENTS)
            if not batch:
                continue
            rows = []
            for event in batch:
                if engine.takes(sub["events"], event["type"]):
                    row = self._delivery(
                        sub["id"], event["id"], event["seq"], event["type"], event["lead_id"], now
                    )
                    row["payload"] = engine.payload(event)
                    rows.append(row)
            repo = WebhookRepository(conn, sub["workspace_id"])
            await repo.add_deliveries(rows)
            await repo.update(sub["id"], {"cursor": batch[-1]["seq"]})
            moved += 1
        return moved

    async def claim(
        self, conn: AsyncConnection, *, after: str | None, in_flight: Mapping[str, int], free: int
    ) -> Claimed:
        """Lease due deliveries fairly: a share per subscription (less what it has in flight),
        going round the subscriptions after `after`, at most `free` in all, the first ones' whole
        shares first. The lease outlives the send's timeout, so a worker that dies leaves them to
        go out again. Two statements whatever the number of subscriptions (three on SQLite): the
        subscriptions with deliveries due, then the claim across them; the deliveries go out
        with the subscription rows the first one read."""
        now = self.clock()
        lease = now + timedelta(seconds=self.timeout) + LEASE_MARGIN
        busy = [sid for sid, n in in_flight.items() if n >= DELIVERY_PER_SUBSCRIPTION]
        subs = await due_subscriptions(conn, now, after, busy, DELIVERY_SUBSCRIPTIONS)
        shares = [(sub["id"], DELIVERY_PER_SUBSCRIPTION - in_flight.get(sub["id"], 0)) for sub in subs]
        due = await claim_due(conn, shares, now, free, lease)
        by_id = {sub["id"]: sub for sub in subs}
        return Claimed([sub["id"] for sub in subs], [(row, by_id[row["subscription_id"]]) for row in due])

    def _headers(self, sub: dict[str, Any], delivery_id: str, body: str, now: datetime) -> dict[str, str]:
        unseal = self.sealer.unseal
        signatures = [Webhook(unseal(sub["secret"])).sign(delivery_id, now, body)]
        if sub["previous_secret"] and sub["previous_secret_until"] and sub["previous_secret_until"] > now:
            signatures.append(Webhook(unseal(sub["previous_secret"])).sign(delivery_id, now, body))
        return {
            "Content-Type": "application/json",
            "webhook-id": delivery_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": " ".join(signatures),
        }

    async def send(self, row: dict[str, Any], sub: dict[str, Any]) -> tuple[Outcome, datetime]:
        """Send one leased delivery, signed (no database: the caller holds no transaction while
        it waits on the network); returns the outcome and when it came."""
        body = json.dumps(row["payload"], separators=(",", ":"))
        headers = self._headers(sub, row["id"], body, self.clock())
        outcome = await send(self._http(), sub["url"], headers, body.encode())
        return outcome, self.clock()

    async def record(
        self,
        conn: AsyncConnection,
        row: dict[str, Any],
        sub: dict[str, Any],
        outcome: Outcome,
        done: datetime,
    ) -> None:
        """Store a send's outcome: the delivery succeeded, is due again, or failed for good; and
        the subscription's failure streak, which disables it past the limits."""
        attempts = row["attempts"] + 1
        values: dict[str, Any] = {
            "last_status_code": outcome.status_code,
            "last_latency_ms": outcome.latency_ms,
            "last_error": outcome.error,
        }
        code = outcome.status_code
        succeeded = code is not None and 200 <= code < 300
        if succeeded:
            self.metrics.webhook_deliveries.labels("succeeded").inc()
            values.update(status="succeeded", delivered_at=done, next_attempt_at=None)
        elif code == 410:
            self.metrics.webhook_deliveries.labels("gone").inc()
            values.update(status="failed", next_attempt_at=None)
        else:
            if code is not None and values["last_error"] is None:
                values["last_error"] = f"HTTP {code}"
            retry = engine.next_attempt(attempts, done, self.draw)
            values.update(status="pending" if retry else "failed", next_attempt_at=retry)
            self.metrics.webhook_deliveries.labels("retrying" if retry else "failed").inc()
        await set_delivery(conn, row["id"], values)
        repo = WebhookRepository(conn, sub["workspace_id"])
        if succeeded:
            await repo.clear_failures(sub["id"])
            return
        # Counted on the locked row: sends of one subscription finish concurrently.
        current = await repo.get(sub["id"], lock=True)
        if current is None:
            return  # deleted meanwhile
        streak = current["failure_streak"] + 1
        failing_since = current["failing_since"] or done
        sub_values: dict[str, Any] = {"failure_streak": streak, "failing_since": failing_since}
        if code == 410:
            reason: str | None = "The endpoint answered 410 Gone."
        else:
            reason = engine.disable_reason(
                streak, failing_since, done, self.disable_after_failures, self.disable_after
            )
        if reason is not None and current["active"]:  # not when another worker disabled it first
            sub_values.update(active=False, disabled_reason=reason, disabled_at=done, updated_at=done)
            await self._disabled(conn, current, reason, done)
        await repo.update(sub["id"], sub_values)

    @staticmethod
    async def _disabled(conn: AsyncConnection, sub: dict[str, Any], reason: str, now: datetime) -> None:
        data = {
            "webhook_id": sub["id"],
            "url": sub["url"],
            "reason": reason,
            "failure_streak": sub["failure_streak"] + 1,
        }
        await EventRepository(conn, sub["workspace_id"]).append(
            [NewEvent("webhook.disabled", None, now, data)]
        )
