"""Sending one webhook: vet the target, POST the signed body, read a bounded answer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from leadapi.outbound.rules import url_problem
from leadapi.outbound.transport import ForbiddenTarget, checked_addresses

MAX_RESPONSE_BYTES = 4096  # enough for an error message; an endpoint cannot make us read more


class TargetError(ValueError):
    """A URL webhooks may not target."""


async def vet_target(url: str, allow_private: bool) -> None:
    """Refuse malformed URLs, and (unless private targets are allowed) hosts that resolve to an
    address leadapi must not reach: the early answer on writing a subscription. The check that
    holds is the client's, on the address it connects to (leadapi.outbound.transport)."""
    problem = url_problem(url)
    if problem is not None:
        raise TargetError(problem)
    if allow_private:
        return
    parts = urlsplit(url)
    assert parts.hostname is not None  # url_problem insists on one
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        await checked_addresses(parts.hostname, port)
    except ForbiddenTarget as exc:
        raise TargetError(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None  # None: no answer (timeout, refused, blocked)
    latency_ms: int
    error: str | None


async def send(client: httpx.AsyncClient, url: str, headers: dict[str, str], body: bytes) -> Outcome:
    """POST once with a guarded client (it checks the address it connects to); redirects are not
    followed (a 3xx is a failure), the answer is read up to a small limit."""
    started = time.monotonic()
    try:
        problem = url_problem(url)  # stored before URLs were checked strictly
        if problem is not None:
            return Outcome(None, _elapsed(started), f"refused: the URL is not {problem}")
        async with client.stream("POST", url, headers=headers, content=body) as response:
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received >= MAX_RESPONSE_BYTES:
                    break
        return Outcome(response.status_code, _elapsed(started), None)
    except ForbiddenTarget as exc:
        return Outcome(None, _elapsed(started), f"refused: {exc}"[:500])
    except httpx.TimeoutException:
        return Outcome(None, _elapsed(started), "timed out")
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return Outcome(None, _elapsed(started), f"{type(exc).__name__}: {exc}"[:500])


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
