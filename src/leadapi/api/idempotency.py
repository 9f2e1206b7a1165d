"""Idempotency-Key on POST: the first response is stored and replayed to retries.

A retry with the same key and the same request gets the stored response (header
`Idempotent-Replayed: true`); the same key with a different request is a 422; a retry that arrives
while the first is still running gets 409 and should try again shortly. Responses of 5xx are not
stored, so the client's retry runs the request again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from leadapi.api.auth import secret_from_headers
from leadapi.api.middleware import ASGIApp, Message, Receive, Scope, Send, header, send_problem
from leadapi.api.models import IdempotencyRecord
from leadapi.db import Database
from leadapi.errors import ProblemError
from leadapi.workspaces.service import WorkspaceService

records = cast(Table, IdempotencyRecord.__table__)
MAX_KEY_LENGTH = 255
# A first request still "running" after this long crashed; its key may be used again.
ABANDONED_AFTER = timedelta(minutes=2)
REPLAYED_HEADERS = ("content-type", "location", "etag")


def request_fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def purge_expired(db: Database, now: datetime, ttl: timedelta, batch: int = 5000) -> int:
    """Delete stored responses older than the TTL (they would no longer be replayed anyway), a
    bounded batch per call so one sweep never holds locks for long."""
    oldest = (
        select(records.c.workspace_id, records.c.key).where(records.c.created_at < now - ttl).limit(batch)
    )
    async with db.transaction() as conn:
        result = await conn.execute(
            delete(records).where(tuple_(records.c.workspace_id, records.c.key).in_(oldest))
        )
        return int(result.rowcount or 0)


class Idempotency:
    def __init__(
        self,
        app: ASGIApp,
        *,
        db: Database,
        workspaces: WorkspaceService,
        clock: Callable[[], datetime],
        ttl: timedelta,
    ) -> None:
        self.app = app
        self.db = db
        self.workspaces = workspaces
        self.clock = clock
        self.ttl = ttl

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not key or len(key) > MAX_KEY_LENGTH:
            await send_problem(
                send, ProblemError(400, f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters."), path
            )
            return
        secret = secret_from_headers(header(scope, b"authorization"), header(scope, b"x-api-key"))
        principal = await self.workspaces.authenticate(secret) if secret else None
        if principal is None:
            await self.app(scope, receive, send)  # the route answers 401 itself
            return
        scope.setdefault("state", {})["principal"] = principal
        body: bytes = scope["state"].get("body", b"")
        fingerprint = request_fingerprint("POST", path, scope.get("query_string", b""), body)
        ws = principal.workspace_id

        stored = await self._claim(ws, key, path, fingerprint)
        if stored is not None:
            if stored["request_hash"] != fingerprint:
                await send_problem(
                    send,
                    ProblemError(
                        422,
                        "This Idempotency-Key was used with another request; a new request needs a new key.",
                        slug="idempotency-key-reused",
                    ),
                    path,
                )
            elif stored["status_code"] is None:
                await send_problem(
                    send,
                    ProblemError(
                        409,
                        "A request with this Idempotency-Key is still being processed; retry shortly.",
                        slug="idempotency-in-progress",
                        headers={"Retry-After": "1"},
                    ),
                    path,
                )
            else:
                await self._replay(send, stored)
            return

        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            await self._finish(ws, key, status, headers, b"".join(chunks))

    async def _claim(self, ws: str, key: str, path: str, fingerprint: str) -> dict[str, Any] | None:
        """Insert an in-progress record; if the key exists, return its record instead."""
        now = self.clock()
        for _ in range(2):
            try:
                async with self.db.transaction() as conn:
                    await conn.execute(
                        insert(records).values(
                            workspace_id=ws,
                            key=key,
                            method="POST",
                            path=path,
                            request_hash=fingerprint,
                            status_code=None,
                            created_at=now,
                        )
                    )
                return None
            except IntegrityError:
                pass
            async with self.db.transaction() as conn:
                row = (
                    (
                        await conn.execute(
                            select(records).where(records.c.workspace_id == ws, records.c.key == key)
                        )
                    )
                    .mappings()
                    .first()
                )
                if row is None:
                    continue  # expired and removed meanwhile: claim again
                expired = row["created_at"] < now - self.ttl
                abandoned = row["status_code"] is None and row["created_at"] < now - ABANDONED_AFTER
                if not (expired or abandoned):
                    return dict(row)
                await conn.execute(
                    delete(records).where(
                        records.c.workspace_id == ws,
                        records.c.key == key,
                        records.c.created_at == row["created_at"],
                    )
                )
        raise ProblemError(
            409, "This Idempotency-Key is contended; retry shortly.", headers={"Retry-After": "1"}
        )

    async def _finish(
        self, ws: str, key: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        where = (records.c.workspace_id == ws, records.c.key == key)
        async with self.db.transaction() as conn:
            if status >= 500:
                await conn.execute(delete(records).where(*where))
                return
            kept = {
                k.decode("latin-1"): v.decode("latin-1")
                for k, v in headers
                if k.decode("latin-1").lower() in REPLAYED_HEADERS
            }
            await conn.execute(
                update(records)
                .where(*where)
                .values(status_code=status, response_headers=kept, response_body=body)
            )

    @staticmethod
    async def _replay(send: Send, stored: dict[str, Any]) -> None:
        body: bytes = stored["response_body"] or b""
        headers = [(k.encode(), v.encode()) for k, v in (stored["response_headers"] or {}).items()]
        headers += [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
        await send({"type": "http.response.start", "status": stored["status_code"], "headers": headers})
        await send({"type": "http.response.body", "body": body})
