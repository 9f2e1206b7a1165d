"""Idempotency-Key on /v1 POSTs: the first response is stored and replayed to retries.

A retry with the same key and the same request gets the stored response (header
`Idempotent-Replayed: true`); the same key with a different request is a 422; a retry that arrives
while the first is still running gets 409 and should try again shortly.

A streamed upload (`POST /v1/imports`, whose body the request guard does not hold in memory) is
fingerprinted by a digest of its body taken as the route reads it: the record is stored only
when the route has read the body to its end (otherwise a retry runs again), and a retry with a
stored key has its body read and digested before it is compared, so the same key with another
file is a 422 as for any other request.

The request runs in one database transaction (Database.shared_transaction: every unit of work of
the request joins it as a savepoint), and its response is stored in that same transaction, then
sent only after the commit. So the stored response commits with the effect it describes or not at
all: a process killed at any moment leaves either both (a retry replays the response) or neither
(a retry runs the request). A 5xx is rolled back and not stored, so the client's retry runs the
request again. For a retry arriving while the first runs, on PostgreSQL the first holds a
transaction-scoped advisory lock on the key: a retry that cannot take it answers 409 at once, and
the lock dies with the first's connection, so a crash leaves no key "in progress". On SQLite the
first's transaction holds the single write lock, so the retry waits for it and replays it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.auth import secret_from_headers
from leadapi.api.middleware import ASGIApp, Message, Receive, Scope, Send, header, send_problem
from leadapi.api.models import IdempotencyRecord
from leadapi.db import Database
from leadapi.errors import ProblemError
from leadapi.workspaces.service import WorkspaceService

records = cast(Table, IdempotencyRecord.__table__)
MAX_KEY_LENGTH = 255
# A record without a response (left by an earlier version) this old is from a crash: the key is free.
ABANDONED_AFTER = timedelta(minutes=2)
REPLAYED_HEADERS = ("content-type", "location", "etag")


class _BodyDigest:
    """The `receive` of a streamed request, digesting the body as it is read."""

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.digest = hashlib.sha256()
        self.complete = False

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request" and not self.complete:
            self.digest.update(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        return message

    async def drain(self) -> bool:
        """Read (and digest) the rest of the body; False when the client went away first."""
        while not self.complete:
            if (await self())["type"] == "http.disconnect":
                return False
        return True

    def fingerprint(self, path: str, query: bytes) -> str:
        return request_fingerprint("POST", path, query, b"sha256:" + self.digest.digest())


def request_fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def purge_expired(db: Database, now: datetime, ttl: timedelta, batch: int = 5000) -> int:
    """Delete stored responses older than the TTL (they would no longer be replayed anyway), a
    bounded batch per call so one sweep never holds locks for long."""
    # Rows another process's purge holds are passed over (PostgreSQL; SQLite renders no lock), so
    # purges in several workers split the rows instead of queueing behind each other.
    oldest = (
        select(records.c.workspace_id, records.c.key)
        .where(records.c.created_at < now - ttl)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    async with db.transaction() as conn:
        result = await conn.execute(
            delete(records).where(tuple_(records.c.workspace_id, records.c.key).in_(oldest))
        )
        return int(result.rowcount or 0)


class _RolledBackError(Exception):
    """A 5xx answer: its transaction is rolled back and nothing is stored."""


def key_lock_id(workspace_id: str, key: str) -> int:
    """The key's advisory lock: 64 bits of a hash, signed as PostgreSQL's bigint is."""
    digest = hashlib.sha256(b"idempotency\0" + workspace_id.encode() + b"\0" + key.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


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
        # The REST API's writes only: /mcp speaks JSON-RPC, whose requests carry their own ids.
        if key is None or scope["method"] != "POST" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not key or len(key) > MAX_KEY_LENGTH:
            await send_problem(
                send, ProblemError(400, f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters."), path
            )
            return
        # The rate limiter (outside) has authenticated the key already and handed it on.
        principal = scope.get("state", {}).get("principal")
        if principal is None:
            secret = secret_from_headers(header(scope, b"authorization"), header(scope, b"x-api-key"))
            principal = await self.workspaces.authenticate(secret) if secret else None
        if principal is None:
            await self.app(scope, receive, send)  # the route answers 401 itself
            return
        scope.setdefault("state", {})["principal"] = principal
        query = scope.get("query_string", b"")
        streamed: _BodyDigest | None = None
        fingerprint: str | None = None
        if "body" in scope["state"]:
            fingerprint = request_fingerprint("POST", path, query, scope["state"]["body"])
        else:  # a streamed upload: its digest, once read
            streamed = _BodyDigest(receive)
            receive = streamed
        ws = principal.workspace_id

        # The response waits here until its transaction has committed.
        messages: list[Message] = []
        status = 500
        headers: list[tuple[bytes, bytes]] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            messages.append(message)

        verdict: ProblemError | dict[str, Any] | None = None
        try:
            async with self.db.shared_transaction() as conn:
                verdict = await self._lookup(conn, ws, key, fingerprint, streamed, path, query)
                if verdict is None:
                    await self.app(scope, receive, capture)
                    if status >= 500:
                        raise _RolledBackError
                    if streamed is not None:
                        # Only a body read to its end names the request (a 413 stops early).
                        fingerprint = streamed.fingerprint(path, query) if streamed.complete else None
                    if fingerprint is not None:
                        await self._store(conn, ws, key, path, fingerprint, status, headers, messages)
        except _RolledBackError:
            pass
        if isinstance(verdict, ProblemError):
            await send_problem(send, verdict, path)
        elif verdict is not None:
            await self._replay(send, verdict)
        for message in messages:
            await send(message)

    async def _lookup(
        self,
        conn: AsyncConnection,
        ws: str,
        key: str,
        fingerprint: str | None,
        streamed: _BodyDigest | None,
        path: str,
        query: bytes,
    ) -> ProblemError | dict[str, Any] | None:
        """What to answer instead of running the request (a problem, or the stored record to
        replay), or None: run it. A streamed body (`fingerprint` None) is read to be compared."""
        if self.db.is_postgres:
            locked = await conn.scalar(select(func.pg_try_advisory_xact_lock(key_lock_id(ws, key))))
            if not locked:
                return _in_progress()
        where = (records.c.workspace_id == ws, records.c.key == key)
        row = (await conn.execute(select(records).where(*where))).mappings().first()
        if row is None:
            return None
        now = self.clock()
        expired = row["created_at"] < now - self.ttl
        # (Only a version that claimed keys apart from the response left a record without one.)
        abandoned = row["status_code"] is None and row["created_at"] < now - ABANDONED_AFTER
        if expired or abandoned:
            await conn.execute(delete(records).where(*where))
            return None
        if streamed is not None:
            if not await streamed.drain():
                return ProblemError(400, "The request body ended before it was complete.")
            fingerprint = streamed.fingerprint(path, query)
        if row["request_hash"] != fingerprint:
            return ProblemError(
                422,
                "This Idempotency-Key was used with another request; a new request needs a new key.",
                slug="idempotency-key-reused",
            )
        if row["status_code"] is None:
            return _in_progress()
        return dict(row)

    async def _store(
        self,
        conn: AsyncConnection,
        ws: str,
        key: str,
        path: str,
        fingerprint: str,
        status: int,
        headers: list[tuple[bytes, bytes]],
        messages: list[Message],
    ) -> None:
        kept = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in headers
            if k.decode("latin-1").lower() in REPLAYED_HEADERS
        }
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        await conn.execute(
            insert(records).values(
                workspace_id=ws,
                key=key,
                method="POST",
                path=path,
                request_hash=fingerprint,
                status_code=status,
                response_headers=kept,
                response_body=body,
                created_at=self.clock(),
            )
        )

    @staticmethod
    async def _replay(send: Send, stored: dict[str, Any]) -> None:
        body: bytes = stored["response_body"] or b""
        headers = [(k.encode(), v.encode()) for k, v in (stored["response_headers"] or {}).items()]
        headers += [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
        await send({"type": "http.response.start", "status": stored["status_code"], "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _in_progress() -> ProblemError:
    return ProblemError(
        409,
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        slug="idempotency-in-progress",
        headers={"Retry-After": "1"},
    )
