"""Queries on workspaces and keys. Key queries are scoped to a workspace, except the lookup by
secret hash that authentication uses (the hash is what tells us the workspace)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.repository import WorkspaceRepository
from leadapi.workspaces.models import ApiKey, Workspace

workspaces = cast(Table, Workspace.__table__)
api_keys = cast(Table, ApiKey.__table__)


async def insert_workspace(conn: AsyncConnection, workspace_id: str, name: str, now: datetime) -> None:
    await conn.execute(insert(workspaces).values(id=workspace_id, name=name, created_at=now))


async def first_workspace_id(conn: AsyncConnection) -> str | None:
    return (
        await conn.execute(
            select(workspaces.c.id).order_by(workspaces.c.created_at, workspaces.c.id).limit(1)
        )
    ).scalar_one_or_none()


async def workspace_exists(conn: AsyncConnection, workspace_id: str) -> bool:
    return (
        await conn.execute(select(workspaces.c.id).where(workspaces.c.id == workspace_id))
    ).first() is not None


async def count_active_keys(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(api_keys))).scalar_one())


async def find_key_by_hash(conn: AsyncConnection, secret_hash: str) -> ApiKeyRow | None:
    row = (
        (await conn.execute(select(api_keys).where(api_keys.c.secret_hash == secret_hash))).mappings().first()
    )
    return ApiKeyRow(**row) if row else None


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    id: str
    workspace_id: str
    name: str
    prefix: str
    secret_hash: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None
    rate_limit: str | None = None


class ApiKeyRepository(WorkspaceRepository):
    """API keys of one workspace."""

    async def add(self, row: dict[str, object]) -> None:
        await self.insert_row(api_keys, row)

    async def get(self, key_id: str) -> ApiKeyRow | None:
        row = (
            (await self.conn.execute(self.scoped_select(api_keys).where(api_keys.c.id == key_id)))
            .mappings()
            .first()
        )
        return ApiKeyRow(**row) if row else None

    async def page(self, limit: int, after: tuple[datetime, str] | None) -> list[ApiKeyRow]:
        stmt = self.scoped_select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id).limit(limit)
        if after is not None:
            stmt = stmt.where(
                (api_keys.c.created_at > after[0])
                | ((api_keys.c.created_at == after[0]) & (api_keys.c.id > after[1]))
            )
        return [ApiKeyRow(**row) for row in (await self.conn.execute(stmt)).mappings()]

    async def update(self, key_id: str, changes: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(api_keys).where(api_keys.c.id == key_id).values(**changes))

    async def revoke(self, key_id: str, now: datetime) -> None:
        await self.conn.execute(
            self.scoped_update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=now)
        )
