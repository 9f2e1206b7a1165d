"""Rate limits per API key, per form source and per client address, with the `limits` library.

Each request is counted against one partition: its API key (the key's own `rate_limit`, else
the `rate_limit` setting), a form source for `/v1/hooks/{source_id}` (`rate_limit_sources`), or
the client's address for requests without a valid key (`rate_limit`). Counters are fixed windows
in process memory by default, or in Redis (`rate_limit_storage`) so several processes share them.

Every response carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers,
structured-field lists: `"key-1minute";q=300000;w=60` and `"key-1minute";r=299999;t=42`); a request
over any window gets a 429 problem with `Retry-After`. When the storage fails (Redis down) the
request goes through: a limiter outage must not become an API outage. One warning is logged per
outage, and the storage is not asked again for a second, so requests do not each wait on it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.storage import storage_from_string
from limits.util import SEPARATORS, SINGLE_EXPR

from leadapi.api.auth import secret_from_headers
from leadapi.api.middleware import ASGIApp, Message, Receive, Scope, Send, header, send_problem
from leadapi.errors import ProblemError
from leadapi.workspaces.service import WorkspaceService

log = logging.getLogger(__name__)

STORAGE_SCHEMES = ("memory", "redis", "rediss", "redis+unix")
MAX_LIMIT_LENGTH = 200
MAX_AMOUNT = 10**12
HOOK_PREFIX = "/v1/hooks/"
# After a storage failure, requests pass unchecked this long before the storage is tried again.
RETRY_STORAGE_AFTER = 1.0


@lru_cache(maxsize=1024)
def parse_limits(text: str) -> tuple[RateLimitItem, ...]:
    """`10/second;500/minute` (limits' notation: `,`, `;` or `|` between limits) -> its windows.

    Raises ValueError with a message fit for a 422."""
    if len(text) > MAX_LIMIT_LENGTH:
        raise ValueError(f"a rate limit is at most {MAX_LIMIT_LENGTH} characters")
    try:
        items = tuple(parse_many(text))
    except ValueError:
        raise ValueError(
            "a rate limit is one or more `<count>/<period>` separated by `;`, with the period one of "
            "second, minute, hour, day, month, year, optionally with a multiple (`100/5 minutes`)"
        ) from None
    for item in items:
        if not 1 <= item.amount <= MAX_AMOUNT:
            raise ValueError(f"a rate limit's count must be from 1 to {MAX_AMOUNT}")
    # limits reads a multiple of 0 (`1/0 seconds`) as 1; a window of no length is a mistake.
    for part in SEPARATORS.split(text):
        match = SINGLE_EXPR.match(part)
        if match and match.group(3) is not None and int(match.group(3)) < 1:
            raise ValueError("a rate limit's period multiple must be at least 1")
    return items


def check_limits(text: str) -> str:
    """For validators: the string unchanged when it parses."""
    parse_limits(text)
    return text


def check_storage(uri: str) -> str:
    scheme = uri.partition("://")[0].lower()
    if "://" not in uri or scheme not in STORAGE_SCHEMES:
        raise ValueError(f"the rate limit storage is a URI with a scheme among {', '.join(STORAGE_SCHEMES)}")
    return uri


@lru_cache(maxsize=1024)
def _policy_names(kind: str, items: tuple[RateLimitItem, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for item in items:
        name = f"{kind}-{item.multiples or 1}{item.GRANULARITY.name}"
        while name in names:  # two windows of one length: still distinct names
            name += "+"
        names.append(name)
    return tuple(names)


@dataclass(frozen=True, slots=True)
class Window:
    name: str
    quota: int
    seconds: int
    remaining: int | None  # None: not known (storage down)
    reset: int  # seconds until the window starts afresh


@dataclass(frozen=True, slots=True)
class Outcome:
    allowed: bool
    windows: tuple[Window, ...]

    def retry_after(self) -> int:
        return max([w.reset for w in self.windows if w.remaining == 0] or [1], default=1) or 1

    def headers(self) -> list[tuple[bytes, bytes]]:
        policy = ", ".join(f'"{w.name}";q={w.quota};w={w.seconds}' for w in self.windows)
        out = [(b"ratelimit-policy", policy.encode())]
        known = [w for w in self.windows if w.remaining is not None]
        if known:
            state = ", ".join(f'"{w.name}";r={w.remaining};t={w.reset}' for w in known)
            out.append((b"ratelimit", state.encode()))
        return out


class MemoryWindows:
    """Fixed windows in process memory, counted as limits' memory storage counts them (a window
    starts with its first hit and lasts its length), without the asyncio task that storage starts
    on nearly every hit to sweep expired keys: here a sweep runs inline, at most once a second."""

    SWEEP_EVERY = 1.0

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._windows: dict[str, tuple[int, float]] = {}  # key -> (hits, when the window ends)
        self._next_sweep = 0.0

    def hit(self, key: str, seconds: int) -> tuple[int, float]:
        """One more hit in the key's current window: (hits so far, when the window ends)."""
        now = self.clock()
        if now >= self._next_sweep:
            self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
            self._next_sweep = now + self.SWEEP_EVERY
        hits, ends = self._windows.get(key, (0, 0.0))
        if ends <= now:
            hits, ends = 0, now + seconds
        self._windows[key] = (hits + 1, ends)
        return hits + 1, ends


class RateLimiter:
    """Counts hits per partition in fixed windows; fails open when the storage fails."""

    def __init__(self, storage_uri: str) -> None:
        self.storage_uri = storage_uri
        self.storage = cast(Storage, storage_from_string("async+" + storage_uri))
        # In this process's memory (memory://, no options), counted here: no storage to wait on.
        self._memory = MemoryWindows() if storage_uri == "memory://" else None
        # Over the network, the windows' round trips overlap; in memory, tasks would cost more
        # than they save.
        self._overlap = not storage_uri.startswith("memory")
        self._down_until: float | None = None

    async def hit(self, kind: str, partition: str, items: tuple[RateLimitItem, ...]) -> Outcome:
        names = _policy_names(kind, items)
        if self._memory is not None:
            memory = self._memory
            return self._outcome(
                names, items, [memory.hit(item.key_for(kind, partition), item.get_expiry()) for item in items]
            )
        if self._down_until is not None and time.monotonic() < self._down_until:
            return self._unknown(names, items)
        try:
            if self._overlap:
                counted = await asyncio.gather(*(self._count(item, kind, partition) for item in items))
            else:
                counted = [await self._count(item, kind, partition) for item in items]
        except Exception as exc:  # any storage failure: the request must not fail with it
            if self._down_until is None:
                log.warning(
                    "rate limit storage %s failed (%s: %s); requests pass unlimited until it is back",
                    self.storage_uri.split("@")[-1],
                    type(exc).__name__,
                    exc,
                )
            self._down_until = time.monotonic() + RETRY_STORAGE_AFTER
            return self._unknown(names, items)
        if self._down_until is not None:
            log.info("rate limit storage is back; limits apply again")
            self._down_until = None
        return self._outcome(names, items, counted)

    @staticmethod
    def _outcome(
        names: Sequence[str], items: Sequence[RateLimitItem], counted: Sequence[tuple[int, float]]
    ) -> Outcome:
        now = time.time()
        windows = tuple(
            Window(
                name,
                item.amount,
                item.get_expiry(),
                max(0, item.amount - count),
                max(0, math.ceil(reset - now)),
            )
            for name, item, (count, reset) in zip(names, items, counted, strict=True)
        )
        return Outcome(
            all(count <= item.amount for item, (count, _) in zip(items, counted, strict=True)), windows
        )

    async def _count(self, item: RateLimitItem, kind: str, partition: str) -> tuple[int, float]:
        """One hit on a fixed window, counted as limits' FixedWindowRateLimiter counts it, with
        the count after it and when the window ends: one increment and one expiry read, where
        the strategy's hit and window stats would also read the counter again."""
        key = item.key_for(kind, partition)
        count = await self.storage.incr(key, item.get_expiry())
        return count, await self.storage.get_expiry(key)

    @staticmethod
    def _unknown(names: Sequence[str], items: Sequence[RateLimitItem]) -> Outcome:
        return Outcome(
            True,
            tuple(
                Window(n, i.amount, i.get_expiry(), None, i.get_expiry())
                for n, i in zip(names, items, strict=True)
            ),
        )


class RateLimit:
    """ASGI middleware: count the request, refuse it (429) when over, add the headers to every
    response. The key is authenticated here (through the same short cache the routes use) and
    handed on, so the route does not authenticate again."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        workspaces: WorkspaceService,
        default: str,
        sources: str,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.workspaces = workspaces
        self.default = parse_limits(default)
        self.sources = parse_limits(sources)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind, partition, items = await self._partition(scope)
        outcome = await self.limiter.hit(kind, partition, items)
        headers = outcome.headers()
        if not outcome.allowed:
            retry = outcome.retry_after()
            await send_problem(
                send,
                ProblemError(
                    429,
                    f"Too many requests for this {_WHO[kind]}; retry in {retry} s.",
                    slug="rate-limited",
                    headers={"Retry-After": str(retry)},
                ),
                scope["path"],
                extra_headers=headers,
            )
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _partition(self, scope: Scope) -> tuple[str, str, tuple[RateLimitItem, ...]]:
        path: str = scope["path"]
        if path.startswith(HOOK_PREFIX):
            return "source", path[len(HOOK_PREFIX) :].split("/", 1)[0][:100], self.sources
        secret = secret_from_headers(header(scope, b"authorization"), header(scope, b"x-api-key"))
        principal = await self.workspaces.authenticate(secret) if secret else None
        if principal is None:
            client = scope.get("client")
            return "client", str(client[0]) if client else "unknown", self.default
        scope.setdefault("state", {})["principal"] = principal
        items = self.default
        if principal.rate_limit:
            try:
                items = parse_limits(principal.rate_limit)
            except ValueError:  # checked on write; a bad stored value falls back to the setting
                items = self.default
        return "key", principal.key_id, items


_WHO = {"key": "API key", "source": "form source", "client": "client address"}
