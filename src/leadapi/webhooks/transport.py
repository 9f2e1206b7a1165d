"""Sending one webhook: resolve and vet the target, POST the signed body, read a bounded answer."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from leadapi.webhooks.engine import forbidden_address

MAX_RESPONSE_BYTES = 4096  # enough for an error message; an endpoint cannot make us read more


class TargetError(ValueError):
    """A URL webhooks may not target."""


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None  # None: no answer (timeout, refused, blocked)
    latency_ms: int
    error: str | None


async def vet_target(url: str, allow_private: bool) -> None:
    """Refuse URLs that are not http(s), or whose host resolves to an address webhooks must not
    reach (every address of it: DNS may answer several)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError("an http or https URL with a host")
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetError(f"the host {parts.hostname!r} does not resolve") from exc
    for info in infos:
        reason = forbidden_address(str(info[4][0]))
        if reason is not None:
            raise TargetError(f"the host {parts.hostname!r} resolves to {reason}")


async def send(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], body: bytes, allow_private: bool
) -> Outcome:
    """POST once; redirects are not followed (a 3xx is a failure), the answer is read up to a
    small limit. The target is vetted again at sending time, as DNS can change after writing."""
    started = time.monotonic()
    try:
        await vet_target(url, allow_private)
        async with client.stream("POST", url, headers=headers, content=body) as response:
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received >= MAX_RESPONSE_BYTES:
                    break
        return Outcome(response.status_code, _elapsed(started), None)
    except TargetError as exc:
        return Outcome(None, _elapsed(started), f"refused: {exc}")
    except httpx.TimeoutException:
        return Outcome(None, _elapsed(started), "timed out")
    except httpx.HTTPError as exc:
        return Outcome(None, _elapsed(started), f"{type(exc).__name__}: {exc}"[:500])


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
