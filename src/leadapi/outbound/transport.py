"""An httpx transport that checks where it connects, as it connects.

Checking a URL's host when it is written is not enough: DNS can answer differently a moment later
(rebinding), so the check that counts is made on the address the socket goes to. The transport is
httpcore's connection pool over a network backend (httpcore's public extension point) that
resolves the host itself, refuses the connection if any address is forbidden, and connects to the
checked address. TLS still verifies and sends SNI for the host name (httpcore passes the URL's
host to the TLS layer, not the address), and the Host header is the URL's, so nothing else changes.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpcore
import httpx

from leadapi.outbound.rules import forbidden_address


class ForbiddenTarget(httpx.TransportError):
    """A host that resolves to an address leadapi must not reach (or does not resolve)."""


async def resolve(host: str, port: int) -> list[str]:
    """Every address of `host` (DNS may answer several), as the socket would use them."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ForbiddenTarget(f"the host {host!r} does not resolve") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses of `host`, if none is forbidden: one bad answer refuses the host, so a name
    cannot mix a public address with an internal one and win on a retry."""
    addresses = await resolve(host, port)
    for address in addresses:
        reason = forbidden_address(address)
        if reason is not None:
            raise ForbiddenTarget(f"the host {host!r} resolves to {reason}")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses that pass the outbound rules (all of them when `allow_private`)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self.allow_private:
            addresses = await resolve(host, port)
        else:
            addresses = await checked_addresses(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._backend.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # resolve() answers at least one address or raises
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise ForbiddenTarget("unix sockets are not an outbound target")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


# httpcore's exceptions as httpx's, most specific first, so callers catch httpx's as usual.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


def _as_httpx(exc: Exception) -> Exception:
    for theirs, ours in _EXCEPTIONS:
        if isinstance(exc, theirs):
            return ours(str(exc))
    return exc


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterator[bytes] | Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except Exception as exc:
            mapped = _as_httpx(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx's transport role over a connection pool whose every connection is checked."""

    def __init__(self, *, allow_private: bool, verify: ssl.SSLContext | None = None) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify or httpx.create_ssl_context(),  # certifi's roots, as httpx's own
            network_backend=GuardedBackend(allow_private),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ("http", "https"):
            raise ForbiddenTarget(f"{request.url.scheme!r} is not an outbound scheme")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core_request)
        except Exception as exc:
            mapped = _as_httpx(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def guarded_client(
    *, timeout: float, allow_private: bool, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """The client for every outbound call: no redirects (a 3xx could point anywhere), no proxies
    from the environment (the target is what was checked), connections checked as they open."""
    return httpx.AsyncClient(
        transport=GuardedTransport(allow_private=allow_private),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers=headers,
    )
