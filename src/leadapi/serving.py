"""uvicorn's HTTP protocol with a deadline for a request's headers.

uvicorn times out only idle kept-alive connections: a client that connects and sends nothing, or
sends its headers a byte at a time, holds a connection (and a file descriptor) for as long as it
likes. Here the headers must be complete within `LEADAPI_HEADER_TIMEOUT` seconds of connecting,
or of the first byte of the next request on a kept-alive connection; then the client gets a 408
and the connection is closed. (The body's deadline is the request guard's: see
`leadapi.api.middleware.RequestGuard`.)
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from leadapi.config import Settings
from leadapi.errors import PROBLEM_JSON, ProblemError

PROTOCOL = "leadapi.serving:HeaderTimeoutProtocol"


@cache
def header_timeout() -> float:
    # Read once per process: uvicorn builds a protocol per connection, from an import path.
    return Settings().header_timeout


def timeout_response() -> bytes:
    problem = ProblemError(408, "The request's headers did not arrive in time.")
    body = json.dumps(problem.body()).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        f"content-type: {PROBLEM_JSON}\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + body


class HeaderTimeoutProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout()
        self.header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.header_deadline is None:  # a kept-alive connection's next request
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def _arm(self) -> None:
        self.header_deadline = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _expired(self) -> None:
        self.header_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # A response is still being made for the request before: let it finish first.
            self._arm()
            return
        self.transport.write(timeout_response())
        self.transport.close()
