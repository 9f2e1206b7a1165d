"""A real HTTP enrichment provider on loopback for the enrichment tests: it records every request
and answers as each path says: `/person` a person and their company as JSON, `/slow` after the
caller's timeout, `/flaky/<n>` 500 for its first n requests then as `/person`, `/garbage` text that
is not JSON, `/odd` JSON of the wrong shapes, `/forbidden` 403."""

from __future__ import annotations

import asyncio
import json
import socket
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import uvicorn

PERSON = {
    "person": {"title": "Head of Growth", "city": "Oslo"},
    "company": {"name": "Initech AS", "employees": 250, "country": "Norway", "tags": ["saas", "b2b"]},
    "meta": {"linkedin": "https://www.linkedin.com/company/initech"},
}


@dataclass
class Provider:
    base: str = ""
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # path, query, headers
    _seen: Counter[str] = field(default_factory=Counter)

    def at(self, path: str) -> list[tuple[str, str, dict[str, str]]]:
        return [r for r in self.requests if r[0] == path]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append((path, scope["query_string"].decode(), headers))
        self._seen[path] += 1
        status, body, kind = 200, json.dumps(PERSON).encode(), b"application/json"
        if path == "/slow":
            await asyncio.sleep(3)  # beyond the provider's timeout
        elif path.startswith("/flaky/"):
            if self._seen[path] <= int(path.rsplit("/", 1)[1]):
                status, body = 500, b'{"error": "try later"}'
        elif path == "/garbage":
            body, kind = b"<html>not json{", b"text/html"
        elif path == "/odd":
            body = json.dumps({"person": {"title": ["a", "list"]}, "company": {"employees": "many"}}).encode()
        elif path == "/forbidden":
            status, body = 403, b'{"error": "bad key"}'
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": body})


async def start_provider() -> tuple[Provider, uvicorn.Server, asyncio.Task[None]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    provider = Provider(base=f"http://127.0.0.1:{sock.getsockname()[1]}")
    server = uvicorn.Server(uvicorn.Config(provider, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    return provider, server, task
