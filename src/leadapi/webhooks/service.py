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
from collections import Counter
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
    subscriptions_by_id,
)
from leadapi.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from leadapi.webhooks.transport import TargetError, send, vet_target

log = logging.getLogger("leadapi.webhooks")

MAX_SUBSCRIPTIONS = 50
FANOUT_SUBSCRIPTIONS = 50
FANOUT_EVENTS = 1000
# Each delivery round takes up to this many due deliveries from each of up to this many
# subscriptions, so an endpoint with a backlog (a dead one retrying thousands) costs only itself.
DELIVERY_PER_SUBSCRIPTION = 10
DELIVERY_SUBSCRIPTIONS = 50
# Sends in flight per process (a slow endpoint holds a slot up to the timeout): a round claims
# no more than the free slots, and no more for a subscription that has its share in flight.
MAX_IN_FLIGHT = DELIVERY_PER_SUBSCRIPTION * DELIVERY_SUBSCRIPTIONS
# How long a round with nothing to claim waits for a send under way to free its slot.
SLOT_WAIT_SECONDS = 1.0
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
        disable_after_failures: int = 5,
        disable_after: timedelta = timedelta(hours=120),
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
        self.disable_after_failures = disable_after_failures
        self.disable_after = disable_after
        self._client: httpx.AsyncClient | None = None
        self._in_flight: Counter[str] = Counter()  # sends under way, per subscription
        self._tasks: set[asyncio.Task[None]] = set()
        self._after: str | None = None  # where the last round stopped going round subscriptions

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
        if self._tasks:  # sends under way end within the timeout: let them, and record them
            await asyncio.wait(set(self._tasks), timeout=self.timeout + 1)
        for task in list(self._tasks):  # stuck recording: the lease expires, and it goes out again
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
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
                "failure_streak": 0,
                "disabled_at": None,
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

    async def deliver_once(self, *, wait: bool = True) -> int:
        """Lease due deliveries fairly (a share per subscription, going round them) and send
        them concurrently; returns how many were taken. With `wait`, returns once they are
        recorded; without (the background loop), the sends run on while later rounds claim
        more, within MAX_IN_FLIGHT, so a slow endpoint does not hold up the next round."""
        free = MAX_IN_FLIGHT - len(self._tasks)
        if free <= 0:
            return 0
        now = self.clock()
        lease = now + timedelta(seconds=self.timeout) + LEASE_MARGIN
        busy = [sid for sid, n in self._in_flight.items() if n >= DELIVERY_PER_SUBSCRIPTION]
        due: list[dict[str, Any]] = []
        async with self.db.transaction() as conn:
            ids = await due_subscriptions(conn, now, self._after, busy, DELIVERY_SUBSCRIPTIONS)
            for sid in ids:
                share = min(DELIVERY_PER_SUBSCRIPTION - self._in_flight[sid], free - len(due))
                if share <= 0:
                    break
                due += await claim_due(conn, sid, now, share, lease)
            subs = await subscriptions_by_id(conn, [row["subscription_id"] for row in due])
        if ids:
            self._after = ids[-1]
        tasks = [self._start(row, subs[row["subscription_id"]]) for row in due]
        if wait and tasks:
            await asyncio.gather(*tasks)
        return len(due)

    @property
    def in_flight(self) -> int:
        """Sends under way in this process."""
        return len(self._tasks)

    async def settle(self) -> None:
        """Wait for the sends under way to be recorded."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _start(self, row: dict[str, Any], sub: dict[str, Any]) -> asyncio.Task[None]:
        sid = sub["id"]
        self._in_flight[sid] += 1
        task = asyncio.create_task(self._attempt(row, sub))
        self._tasks.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._tasks.discard(done)
            self._in_flight[sid] -= 1
            if self._in_flight[sid] <= 0:
                del self._in_flight[sid]
            if not done.cancelled() and done.exception() is not None:
                log.error("recording webhook delivery %s failed", row["id"], exc_info=done.exception())

        task.add_done_callback(finished)
        return task

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
        headers = self._headers(sub, row["id"], body, now)
        outcome = await send(self._http(), sub["url"], headers, body.encode())
        done = self.clock()
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
        async with self.db.transaction() as conn:
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

    async def run_once(self) -> bool:
        """One background round: fan out, then deliver; True when there may be more to do."""
        moved = await self.fan_out_once()
        sent = await self.deliver_once(wait=False)
        if moved > 0 or sent > 0:
            return True
        if not self._tasks:
            return False
        # Nothing could be claimed, but sends are under way: every subscription with deliveries
        # due may have its share in flight. Go again as soon as one is recorded (its slot is free)
        # rather than after the loop's interval, or a busy endpoint would get one share a round.
        done, _ = await asyncio.wait(
            set(self._tasks), timeout=SLOT_WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED
        )
        return bool(done)
