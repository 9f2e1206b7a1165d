"""The delivery pipeline of one process: which transactions a round opens, and the sends it has in
flight.

A round is several units of work on purpose: the fan-out commits on its own; the claim commits
its leases before anything is sent (another worker must not take them, and no transaction stays
open while an endpoint answers); each send's outcome commits when it comes. WebhookService does
each unit in the transaction this opens.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from leadapi.db import Database
from leadapi.webhooks.service import DELIVERY_PER_SUBSCRIPTION, DELIVERY_SUBSCRIPTIONS, WebhookService

log = logging.getLogger("leadapi.webhooks")

# Sends in flight per process (a slow endpoint holds a slot up to the timeout): a round claims
# no more than the free slots, and no more for a subscription that has its share in flight.
MAX_IN_FLIGHT = DELIVERY_PER_SUBSCRIPTION * DELIVERY_SUBSCRIPTIONS
# How long a round with nothing to claim waits for a send under way to free its slot.
SLOT_WAIT_SECONDS = 1.0


class WebhookSender:
    """Fans out and delivers for this process; any number of processes cooperate (leases, SKIP
    LOCKED). Closing it waits for its sends under way; the service's HTTP client outlives it."""

    def __init__(self, db: Database, webhooks: WebhookService) -> None:
        self.db = db
        self.webhooks = webhooks
        self._in_flight: Counter[str] = Counter()  # sends under way, per subscription
        self._tasks: set[asyncio.Task[None]] = set()
        self._after: str | None = None  # where the last round stopped going round subscriptions

    async def fan_out_once(self) -> int:
        """One fan-out batch, committed; returns how many subscriptions moved on."""
        async with self.db.transaction() as conn:
            return await self.webhooks.fan_out(conn)

    async def deliver_once(self, *, wait: bool = True) -> int:
        """Lease due deliveries fairly (a share per subscription, going round them) and send
        them concurrently; returns how many were taken. With `wait`, returns once they are
        recorded; without (the background loop), the sends run on while later rounds claim
        more, within MAX_IN_FLIGHT, so a slow endpoint does not hold up the next round."""
        free = MAX_IN_FLIGHT - len(self._tasks)
        if free <= 0:
            return 0
        async with self.db.transaction() as conn:
            claimed = await self.webhooks.claim(conn, after=self._after, in_flight=self._in_flight, free=free)
        if claimed.subscription_ids:
            self._after = claimed.subscription_ids[-1]
        tasks = [self._start(row, sub) for row, sub in claimed.due]
        if wait and tasks:
            await asyncio.gather(*tasks)
        return len(tasks)

    @property
    def in_flight(self) -> int:
        """Sends under way in this process."""
        return len(self._tasks)

    async def settle(self) -> None:
        """Wait for the sends under way to be recorded."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Sends under way end within the timeout: let them, and record them. One stuck
        recording is cancelled: its lease expires, and it goes out again."""
        timeout = self.webhooks.timeout
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout + 1)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

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

    async def _attempt(self, row: dict[str, Any], sub: dict[str, Any]) -> None:
        outcome, done = await self.webhooks.send(row, sub)
        async with self.db.transaction() as conn:
            await self.webhooks.record(conn, row, sub, outcome, done)

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
