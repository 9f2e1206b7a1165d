"""The outermost middleware: a request id for every request, one log record for every request,
and the one place an unexpected exception becomes a 500 problem.

An exception that escaped to Starlette's error middleware was answered and then raised again to
the server, which logged it a second time and closed the connection. Here it is logged once (one
ERROR record, traceback included), answered with a problem document, and not raised, so the
connection stays open for the client's next request.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from sqlalchemy.exc import TimeoutError as PoolTimeout

from leadapi.api.middleware import ASGIApp, Message, Receive, Scope, Send, header, send_problem
from leadapi.errors import ProblemError
from leadapi.logs import RequestInfo, current_request

log = logging.getLogger("leadapi.request")

REQUEST_ID_HEADER = b"x-request-id"
MAX_REQUEST_ID_LENGTH = 128


def valid_request_id(value: str | None) -> bool:
    """A caller's id is kept when it is short and visible ASCII (no spaces or control
    characters, which would break log lines and header values)."""
    return (
        value is not None
        and 0 < len(value) <= MAX_REQUEST_ID_LENGTH
        and all("\x21" <= char <= "\x7e" for char in value)
    )


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestLog:
    """Takes the caller's `X-Request-Id` (or makes one), echoes it on the response, and logs one
    record when the request ends: INFO with method, route, status, duration, key and workspace,
    or ERROR with the traceback when the app raised."""

    def __init__(self, app: ASGIApp, clock: Callable[[], float] = time.perf_counter) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = self.clock()
        given = header(scope, REQUEST_ID_HEADER)
        request_id = given if given is not None and valid_request_id(given) else new_request_id()
        info = RequestInfo(request_id=request_id, method=scope["method"], path=scope["path"])
        token = current_request.set(info)
        id_header = (REQUEST_ID_HEADER, request_id.encode())
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                info.status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            self._finish(scope, info, started)
            if response_started:
                # Half an answer is out: nothing to do but let the server drop the connection.
                log.error("unhandled error after the response started", exc_info=exc)
                raise
            if isinstance(exc, PoolTimeout):
                # Every connection of this process is busy: overload, which a client retries,
                # not a fault of ours or of the request.
                info.status = 503
                log.warning("no database connection free on %s %s", info.method, info.route)
                problem = ProblemError(
                    503,
                    "The server is at capacity: no database connection came free in time. Retry shortly.",
                    headers={"Retry-After": "1"},
                )
            else:
                info.status = 500
                log.error("unhandled error on %s %s", info.method, info.route, exc_info=exc)
                problem = ProblemError(500, "Something went wrong on our side; it has been logged.")
            await send_problem(send_with_id, problem, scope["path"])
        else:
            self._finish(scope, info, started)
            log.info(
                "%s %s %s %.1fms key=%s workspace=%s",
                info.method,
                info.route,
                info.status,
                info.duration_ms,
                info.key_id or "-",
                info.workspace or "-",
            )
        finally:
            current_request.reset(token)

    def _finish(self, scope: Scope, info: RequestInfo, started: float) -> None:
        info.duration_ms = round((self.clock() - started) * 1000, 3)
        route = scope.get("route")
        info.route = getattr(route, "path", None) or "unmatched"
        principal = scope.get("state", {}).get("principal")
        if principal is not None:
            info.key_id = principal.key_id
            info.workspace = principal.workspace_id
