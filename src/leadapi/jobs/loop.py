"""A periodic loop that survives its own failures and stops promptly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("leadapi.jobs")


async def every(interval: float, work: Callable[[], Awaitable[bool]], stop: asyncio.Event, name: str) -> None:
    """Run `work` every `interval` seconds until `stop` is set; `work` returning True (more to do)
    runs it again at once. A failed round is logged and retried next round: never kill the loop."""
    while not stop.is_set():
        try:
            more = await work()
        except Exception:
            log.exception("%s round failed", name)
            more = False
        if not more:
            with contextlib.suppress(TimeoutError):  # the normal way to wait out the interval
                await asyncio.wait_for(stop.wait(), timeout=interval)
