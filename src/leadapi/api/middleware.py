"""ASGI middleware helpers and the request guard: NUL in URLs (400), body size (413), JSON only (415)."""

from __future__ import annotations

import asyncio
import json
import mmap
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from leadapi.errors import PROBLEM_JSON, ProblemError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def send_problem(
    send: Send, problem: ProblemError, path: str, extra_headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps(problem.body(path)).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in (problem.headers or {}).items()]
    headers += extra_headers
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def is_json_media_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class BodyBuffer:
    """A request body as it arrives. Small bodies stay in a bytearray; past SMALL bytes the body
    moves to an anonymous memory map of its own, unmapped (given back to the system) when the
    request is done with it. Chunks kept on the heap instead left the process's memory high after
    clients abandoned large bodies: the allocator could not return the scattered space."""

    SMALL = 64 * 1024

    def __init__(self) -> None:
        self.size = 0
        self.small = bytearray()
        self.mapped: mmap.mmap | None = None

    def add(self, chunk: bytes) -> None:
        end = self.size + len(chunk)
        if self.mapped is None and end <= self.SMALL:
            self.small += chunk
        else:
            if self.mapped is None or end > len(self.mapped):
                self._grow(end)
            assert self.mapped is not None
            self.mapped[self.size : end] = chunk
        self.size = end

    def _grow(self, needed: int) -> None:
        # Doubling keeps the copies few; a map is whole pages, so its size is rounded up anyway.
        capacity = max(needed, 2 * (len(self.mapped) if self.mapped is not None else self.SMALL))
        grown = mmap.mmap(-1, capacity)
        if self.mapped is not None:
            grown[: self.size] = self.mapped[: self.size]
            self.mapped.close()
        else:
            grown[: self.size] = self.small
            self.small = bytearray()
        self.mapped = grown

    def value(self) -> bytes:
        if self.mapped is None:
            return bytes(self.small)
        return self.mapped[: self.size]

    def __enter__(self) -> BodyBuffer:
        return self

    def __exit__(self, *_: object) -> None:
        if self.mapped is not None:
            self.mapped.close()
            self.mapped = None
        self.small = bytearray()


class _TooLargeError(Exception):
    pass


class RequestGuard:
    """Refuses what no route should see: a NUL in the URL (400), and for write requests a body
    that is too large (413) or not JSON (415).

    The body is read once and replayed to the app, so downstream code (and the idempotency layer,
    which hashes it) sees the same bytes.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        body_timeout: float = 30.0,
        non_json_prefixes: tuple[str, ...] = (),
        streamed_paths: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.non_json_prefixes = non_json_prefixes
        self.streamed_paths = streamed_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if "\x00" in path or b"%00" in scope.get("query_string", b""):
            # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
            await send_problem(send, ProblemError(400, "The URL contains a NUL character (%00)."), path)
            return
        if scope["method"] not in BODY_METHODS or path in self.streamed_paths:
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await send_problem(send, self._too_large(), path)
            return
        try:
            async with asyncio.timeout(self.body_timeout):
                body = await self._read_body(receive)
        except TimeoutError:
            # Closing the connection: what is left of the body is never read.
            problem = ProblemError(
                408,
                f"The request body did not arrive within {self.body_timeout:g} seconds.",
                headers={"Connection": "close"},
            )
            await send_problem(send, problem, path)
            return
        except _TooLargeError:
            await send_problem(send, self._too_large(), path)
            return
        if body is None:  # the client went away
            return
        if (
            body
            and path.startswith("/v1/")
            and not path.startswith(self.non_json_prefixes)
            and not is_json_media_type(header(scope, b"content-type"))
        ):
            await send_problem(
                send,
                ProblemError(415, "Send the body as JSON, with `Content-Type: application/json`."),
                path,
            )
            return
        scope.setdefault("state", {})["body"] = body
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for disconnect, as a real server would

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None if the client disconnected; _TooLargeError as soon as it is over
        the limit (the rest is not read: the 413 closes the connection)."""
        with BodyBuffer() as buffer:
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunk = message.get("body", b"")
                if buffer.size + len(chunk) > self.max_body_bytes:
                    raise _TooLargeError
                buffer.add(chunk)
                more = message.get("more_body", False)
            return buffer.value()

    def _too_large(self) -> ProblemError:
        # Connection: close, so the server does not read (and the client need not send) the rest.
        return ProblemError(
            413,
            f"The request body is over the limit of {self.max_body_bytes} bytes.",
            headers={"Connection": "close"},
        )
