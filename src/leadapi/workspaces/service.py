"""Workspaces and API keys: creation, authentication (with a short in-process cache), revocation."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import Action, record_for
from leadapi.db import Database, as_utc
from leadapi.errors import ProblemError, not_found
from leadapi.events.repository import EventRepository
from leadapi.ids import new_id
from leadapi.principal import SCOPE_IMPLIES, SCOPE_ORDER, Principal, effective_scopes
from leadapi.sla.repository import SlaRepository
from leadapi.workspaces import repository as repo
from leadapi.workspaces.repository import ApiKeyRepository, ApiKeyRow

KEY_PREFIX = "lk_"
# What a new workspace is given beyond its own rows (the activation defaults: flows/activation.py),
# in the transaction that makes it, as its operator.
Seed = Callable[[AsyncConnection, Principal], Awaitable[object]]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _as_read(key: ApiKeyRow | None) -> dict[str, Any] | None:
    """The key's row as reading it back would give it (times in UTC, as the column returns
    them); the audit entry masks and omits what it always does."""
    if key is None:
        return None
    row = asdict(key)
    row["created_at"] = as_utc(key.created_at)
    row["revoked_at"] = as_utc(key.revoked_at)
    return row


def operator(workspace_id: str) -> Principal:
    """Whoever runs the command line (or sets a test up): every scope, and no key of their own,
    so the audit log names none."""
    return Principal(workspace_id, "", effective_scopes(["admin"]))


class WorkspaceService:
    """Workspaces and keys. Every method but `authenticate` works in the caller's transaction;
    `authenticate` runs before any unit of work exists (the auth dependency, the rate limiter and
    the idempotency middleware call it with only the secret), so it reads on its own."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        auth_cache_seconds: float,
        seed: Seed | None = None,
    ) -> None:
        self.db = db  # for `authenticate` alone
        self.clock = clock
        self.seed = seed
        self.cache_ttl = auth_cache_seconds
        # secret hash -> (principal or None for unknown/revoked, monotonic expiry)
        self._auth_cache: dict[str, tuple[Principal | None, float]] = {}

    async def create_workspace(self, conn: AsyncConnection, name: str, *, seeded: bool = True) -> str:
        """A new workspace with its defaults: SLA policies, and (`seeded`) the activation
        defaults. Tests make bare ones (`seeded=False`) so each sees only what it makes."""
        workspace_id = new_id("workspace")
        now = self.clock()
        await repo.insert_workspace(conn, workspace_id, name, now)
        await EventRepository(conn, workspace_id).start_sequence()
        await SlaRepository(conn, workspace_id).seed_defaults(now)
        if seeded and self.seed is not None:
            await self.seed(conn, operator(workspace_id))
        return workspace_id

    async def ensure_workspace(
        self, conn: AsyncConnection, workspace_id: str | None = None, name: str = "Default"
    ) -> str:
        """The given workspace (checked), else the first one, else a new one."""
        if workspace_id is not None:
            if not await repo.workspace_exists(conn, workspace_id):
                raise not_found("Workspace", workspace_id)
            return workspace_id
        existing = await repo.first_workspace_id(conn)
        if existing is not None:
            return existing
        return await self.create_workspace(conn, name)

    async def create_key(
        self,
        conn: AsyncConnection,
        principal: Principal,
        name: str,
        scopes: Iterable[str],
        rate_limit: str | None = None,
    ) -> tuple[ApiKeyRow, str]:
        """Returns the stored key and its secret, which exists only in this return value."""
        wanted = sorted(set(scopes), key=SCOPE_ORDER.index)
        if not wanted or any(s not in SCOPE_IMPLIES for s in wanted):
            raise ProblemError(422, f"Scopes must be among {', '.join(SCOPE_ORDER)}.")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        row = ApiKeyRow(
            id=new_id("api_key"),
            workspace_id=principal.workspace_id,
            name=name,
            prefix=secret[:10],
            secret_hash=hash_secret(secret),
            scopes=wanted,
            created_at=self.clock(),
            revoked_at=None,
            rate_limit=rate_limit,
        )
        await ApiKeyRepository(conn, principal.workspace_id).add(
            {
                "id": row.id,
                "name": row.name,
                "prefix": row.prefix,
                "secret_hash": row.secret_hash,
                "scopes": row.scopes,
                "created_at": row.created_at,
                "rate_limit": row.rate_limit,
            }
        )
        await self._audit(conn, principal, "created", None, row)
        return row, secret

    async def _audit(
        self,
        conn: AsyncConnection,
        principal: Principal,
        action: Action,
        before: ApiKeyRow | None,
        after: ApiKeyRow,
    ) -> None:
        """Writes the entry in `conn`'s transaction, from the rows in hand: the key is not read
        back, since what was written is known."""
        await record_for(
            conn, principal, self.clock(), action, "api_key", after.id, _as_read(before), _as_read(after)
        )

    async def update_key(
        self, conn: AsyncConnection, principal: Principal, key_id: str, changes: dict[str, Any]
    ) -> ApiKeyRow:
        """Changes `name` and/or `rate_limit` (None: back to the default). This process applies a
        new limit at once; others within `auth_cache_seconds`."""
        keys = ApiKeyRepository(conn, principal.workspace_id)
        key = await keys.get(key_id)
        if key is None:
            raise not_found("API key", key_id)
        if changes:
            before, key = key, replace(key, **changes)
            await keys.update(key_id, changes)
            await self._audit(conn, principal, "updated", before, key)
        self._auth_cache.pop(key.secret_hash, None)
        return key

    async def list_keys(
        self, conn: AsyncConnection, principal: Principal, limit: int, after: tuple[datetime, str] | None
    ) -> list[ApiKeyRow]:
        return await ApiKeyRepository(conn, principal.workspace_id).page(limit, after)

    async def revoke_key(self, conn: AsyncConnection, principal: Principal, key_id: str) -> None:
        keys = ApiKeyRepository(conn, principal.workspace_id)
        key = await keys.get(key_id)
        if key is None:
            raise not_found("API key", key_id)
        if key.revoked_at is None:
            now = self.clock()
            await keys.revoke(key_id, now)
            await self._audit(conn, principal, "revoked", key, replace(key, revoked_at=now))
        self._auth_cache.pop(key.secret_hash, None)

    @staticmethod
    async def has_any_key(conn: AsyncConnection) -> bool:
        return await repo.count_active_keys(conn) > 0

    async def authenticate(self, secret: str) -> Principal | None:
        """The key's principal, or None for an unknown or revoked key.

        Verified keys are trusted for `auth_cache_seconds`, which takes a database round trip off
        every request; the process that revokes a key forgets it at once.
        """
        if not secret.startswith(KEY_PREFIX) or len(secret) > 100:
            return None
        digest = hash_secret(secret)
        now = time.monotonic()
        cached = self._auth_cache.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        async with self.db.read() as conn:
            key = await repo.find_key_by_hash(conn, digest)
        principal = None
        if key is not None and key.revoked_at is None:
            principal = Principal(key.workspace_id, key.id, effective_scopes(key.scopes), key.rate_limit)
        if self.cache_ttl > 0:
            if len(self._auth_cache) > 10_000:  # bounded: garbage keys must not grow memory forever
                self._auth_cache.clear()
            self._auth_cache[digest] = (principal, now + self.cache_ttl)
        return principal
