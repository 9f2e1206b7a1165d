"""A real HTTP endpoint on loopback for webhook tests: it records every request and answers as
each path says: `/ok` 200, `/redirect` 307 to /ok, `/gone` 410, `/fail` 500, `/slow` after the
sender's timeout, `/busy` 200 after a fifth of a second (within it), `/flaky/<n>` 500 for its
first n requests, then 200."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    base: str = ""
    requests: list[Received] = field(default_factory=list)
    _seen: Counter[str] = field(default_factory=Counter)

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"]
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append(Received(path, headers, body))
        self._seen[path] += 1
        status = 200
        extra: list[tuple[bytes, bytes]] = []
        if path == "/redirect":
            status, extra = 307, [(b"location", b"/ok")]
        elif path == "/gone":
            status = 410
        elif path == "/fail":
            status = 500
        elif path == "/slow":
            await asyncio.sleep(3)  # the endpoint being slow, beyond the sender's 1 s timeout
        elif path == "/busy":
            await asyncio.sleep(0.2)  # a busy endpoint: slower than a round, within the timeout
        elif path.startswith("/flaky/"):
            status = 500 if self._seen[path] <= int(path.rsplit("/", 1)[1]) else 200
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": b"x" * 100_000})  # more than the sender reads


async def start_receiver() -> tuple[Receiver, uvicorn.Server, asyncio.Task[None]]:
    # Bound and listening before the server runs: connections wait in the backlog until it does.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    receiver = Receiver(base=f"http://127.0.0.1:{sock.getsockname()[1]}")
    server = uvicorn.Server(uvicorn.Config(receiver, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    return receiver, server, task
