"""Outbound webhooks: subscriptions, the fan-out of the event log into deliveries, and sending.

The event log is the outbox: every change is an event, written in the transaction of the change,
and numbered by the sequencer once committed. A fan-out round turns the numbered events after a
subscription's cursor into deliveries and moves the cursor, in one transaction, so no event is
skipped or fanned out twice, whatever crashes. Delivery rounds lease due deliveries (claimed
with SKIP LOCKED on PostgreSQL, so any number of workers cooperate), send them signed per the
Standard Webhooks specification, and record the outcome; a worker that dies mid-flight leaves
its leases to expire, and the deliveries go out again: at least once, deduplicable by webhook-id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection
from standardwebhooks.webhooks import Webhook

from leadapi.audit.service import record_for
from leadapi.db import Database
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id
from leadapi.metrics import Metrics
from leadapi.sealing import Sealer
from leadapi.webhooks import engine
from leadapi.webhooks.repository import (
    WebhookRepository,
    claim_due,
    set_delivery,
    subscriptions_behind,
    subscriptions_by_id,
)
from leadapi.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from leadapi.webhooks.transport import TargetError, send, vet_target
from leadapi.workspaces.service import Principal

log = logging.getLogger("leadapi.webhooks")

MAX_SUBSCRIPTIONS = 50
FANOUT_SUBSCRIPTIONS = 50
FANOUT_EVENTS = 1000
DELIVERY_BATCH = 20
ROTATED_SECRET_VALID = timedelta(hours=24)
LEASE_MARGIN = timedelta(seconds=10)  # beyond the request timeout, before a lease expires


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32).replace("-", "+").replace("_", "/") + "="


class WebhookService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        *,
        timeout: float,
        allow_private: bool,
        sealer: Sealer,
        draw: Callable[[], float] = random.random,
        metrics: Metrics | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.timeout = timeout
        self.allow_private = allow_private
        self.sealer = sealer
        self.draw = draw
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.timeout,
                follow_redirects=False,
                trust_env=False,  # no proxies from the environment: the target is what was vetted
                headers={"User-Agent": "leadapi-webhooks/1"},
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # ---- subscriptions ---------------------------------------------------------------------------

    async def _vet(self, url: str) -> None:
        try:
            await vet_target(url, self.allow_private)
        except TargetError as exc:
            raise validation_problem([{"field": "url", "message": f"webhooks need {exc}"}]) from exc

    async def create(self, principal: Principal, data: SubscriptionCreate) -> dict[str, Any]:
        await self._vet(data.url)
        now = self.clock()
        async with self.db.transaction() as conn:
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
                "disabled_reason": None,
                "created_at": now,
                "updated_at": now,
            }
            await repo.add(row)
            await record_for(conn, principal, now, "created", "webhook", row["id"], None, row)
        return {**row, "secret": secret}  # the caller shows it this once

    async def get(self, principal: Principal, subscription_id: str) -> dict[str, Any]:
        async with self.db.read() as conn:
            row = await WebhookRepository(conn, principal.workspace_id).get(subscription_id)
        if row is None:
            raise not_found("Webhook", subscription_id)
        return row

    async def page(self, principal: Principal, limit: int, after_id: str | None) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            return await WebhookRepository(conn, principal.workspace_id).page(limit, after_id)

    async def update(
        self, principal: Principal, subscription_id: str, data: SubscriptionUpdate
    ) -> dict[str, Any]:
        changes = data.model_dump(exclude_unset=True)
        for name in ("url", "events", "active"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        if "url" in changes:
            await self._vet(changes["url"])
        async with self.db.transaction() as conn:
            repo = WebhookRepository(conn, principal.workspace_id)
            row = await repo.get(subscription_id, lock=True)
            if row is None:
                raise not_found("Webhook", subscription_id)
            if changes.get("active") and not row["active"]:
                # Back on: from now on, and with a clean record.
                changes.update(disabled_reason=None, failing_since=None, cursor=await repo.last_seq())
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

    async def delete(self, principal: Principal, subscription_id: str) -> None:
        async with self.db.transaction() as conn:
            repo = WebhookRepository(conn, principal.workspace_id)
            before = await repo.get(subscription_id, lock=True)
            if before is None:
                raise not_found("Webhook", subscription_id)
            await repo.delete(subscription_id)
            await record_for(
                conn, principal, self.clock(), "deleted", "webhook", subscription_id, before, None
            )

    async def rotate_secret(self, principal: Principal, subscription_id: str) -> dict[str, Any]:
        """A new secret; the old one still signs (alongside) for a day, while receivers switch."""
        now = self.clock()
        async with self.db.transaction() as conn:
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
            await record_for(
                conn, principal, now, "rotated", "webhook", subscription_id, row, {**row, **values}
            )
        return {**row, **values, "secret": secret}  # the caller shows it this once

    # ---- deliveries, as the API shows them ---------------------------------------------------------

    async def deliveries(
        self,
        principal: Principal,
        subscription_id: str,
        status: str | None,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            repo = WebhookRepository(conn, principal.workspace_id)
            if await repo.get(subscription_id) is None:
                raise not_found("Webhook", subscription_id)
            return await repo.deliveries_of(subscription_id, status, limit, before)

    async def redeliver(self, principal: Principal, subscription_id: str, delivery_id: str) -> dict[str, Any]:
        """Send a delivery again now (same webhook-id), whatever became of it."""
        now = self.clock()
        async with self.db.transaction() as conn:
            repo = WebhookRepository(conn, principal.workspace_id)
            row = await repo.delivery(subscription_id, delivery_id)
            if row is None:
                raise not_found("Delivery", delivery_id)
            values = {"status": "pending", "next_attempt_at": now, "attempts": 0, "delivered_at": None}
            await set_delivery(conn, delivery_id, values)
        return {**row, **values}

    async def test(self, principal: Principal, subscription_id: str) -> dict[str, Any]:
        """Queue a `webhook.test` message to the subscription, due now."""
        now = self.clock()
        async with self.db.transaction() as conn:
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

    # ---- background rounds -------------------------------------------------------------------------

    async def fan_out_once(self) -> int:
        """Turn numbered events into deliveries for (a batch of) the subscriptions behind; returns
        how many subscriptions moved on."""
        now = self.clock()
        moved = 0
        async with self.db.transaction() as conn:
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

    async def deliver_once(self) -> int:
        """Lease the due deliveries (a batch), send them concurrently, record each outcome;
        returns how many were sent."""
        now = self.clock()
        lease = now + timedelta(seconds=self.timeout) + LEASE_MARGIN
        async with self.db.transaction() as conn:
            due = await claim_due(conn, now, DELIVERY_BATCH)
            for row in due:
                await set_delivery(
                    conn, row["id"], {"next_attempt_at": lease, "attempts": row["attempts"] + 1}
                )
            subs = await subscriptions_by_id(conn, [row["subscription_id"] for row in due])
        await asyncio.gather(*(self._attempt(row, subs[row["subscription_id"]]) for row in due))
        return len(due)

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

    async def _attempt(self, row: dict[str, Any], sub: dict[str, Any]) -> None:
        now = self.clock()
        body = json.dumps(row["payload"], separators=(",", ":"))
        outcome = await send(
            self._http(),
            sub["url"],
            self._headers(sub, row["id"], body, now),
            body.encode(),
            self.allow_private,
        )
        done = self.clock()
        attempts = row["attempts"] + 1
        values: dict[str, Any] = {
            "last_status_code": outcome.status_code,
            "last_latency_ms": outcome.latency_ms,
            "last_error": outcome.error,
        }
        sub_values: dict[str, Any] = {}
        disable: str | None = None
        code = outcome.status_code
        if code is not None and 200 <= code < 300:
            self.metrics.webhook_deliveries.labels("succeeded").inc()
            values.update(status="succeeded", delivered_at=done, next_attempt_at=None)
            if sub["failing_since"] is not None:
                sub_values["failing_since"] = None
        elif code == 410:
            self.metrics.webhook_deliveries.labels("gone").inc()
            values.update(status="failed", next_attempt_at=None)
            disable = "The endpoint answered 410 Gone."
        else:
            if code is not None and values["last_error"] is None:
                values["last_error"] = f"HTTP {code}"
            retry = engine.next_attempt(attempts, done, self.draw)
            values.update(status="pending" if retry else "failed", next_attempt_at=retry)
            self.metrics.webhook_deliveries.labels("retrying" if retry else "failed").inc()
            failing_since = sub["failing_since"] or done
            if sub["failing_since"] is None:
                sub_values["failing_since"] = done
            if done - failing_since >= engine.DISABLE_AFTER:
                disable = f"Every delivery failed since {failing_since.isoformat()}."
        async with self.db.transaction() as conn:
            await set_delivery(conn, row["id"], values)
            if disable is not None:
                sub_values.update(active=False, disabled_reason=disable)
            if sub_values:
                repo = WebhookRepository(conn, sub["workspace_id"])
                current = await repo.get(sub["id"], lock=True)
                if current is None:
                    return  # deleted meanwhile
                if disable is not None and not current["active"]:
                    disable = None  # another worker disabled it first
                await repo.update(sub["id"], {**sub_values, "updated_at": done})
                if disable is not None:
                    await self._disabled(conn, sub, disable, done)

    @staticmethod
    async def _disabled(conn: AsyncConnection, sub: dict[str, Any], reason: str, now: datetime) -> None:
        data = {"webhook_id": sub["id"], "url": sub["url"], "reason": reason}
        await EventRepository(conn, sub["workspace_id"]).append(
            [NewEvent("webhook.disabled", None, now, data)]
        )

    async def run_once(self) -> bool:
        """One background round: fan out, then deliver; True when there may be more to do."""
        moved = await self.fan_out_once()
        sent = await self.deliver_once()
        return moved > 0 or sent == DELIVERY_BATCH
