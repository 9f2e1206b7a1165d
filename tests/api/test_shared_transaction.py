"""Database.shared_transaction: what an idempotent request's units of work rely on, on the real
databases. Rows go in idempotency_keys of the test's own workspace (any table would do)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest
from fastapi import FastAPI
from sqlalchemy import func, insert, select

from leadapi.api.idempotency import records
from leadapi.db import Database
from tests.conftest import Tenant


class _AbortError(Exception):
    pass


def _row(workspace_id: str, key: str) -> dict[str, object]:
    return {
        "workspace_id": workspace_id,
        "key": key,
        "method": "POST",
        "path": "/v1/x",
        "request_hash": "h",
        "status_code": 201,
        "created_at": datetime.now(UTC),
    }


async def _keys(db: Database, workspace_id: str) -> list[str]:
    async with db.read() as conn:
        query = select(records.c.key).where(records.c.workspace_id == workspace_id).order_by(records.c.key)
        return list((await conn.execute(query)).scalars())


async def _unit_that_fails(db: Database, ws: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(insert(records).values(_row(ws, "undone alone")))
        raise _AbortError


async def _request_that_fails(db: Database, ws: str) -> None:
    async with db.shared_transaction() as outer:
        async with db.transaction() as conn:
            assert conn is outer
            await conn.execute(insert(records).values(_row(ws, "kept")))
        with pytest.raises(_AbortError):
            await _unit_that_fails(db, ws)
        assert await _keys(db, ws) == ["kept"]  # read() joins too: the request sees its writes
        raise _AbortError  # the whole request fails: nothing of it stays


async def test_nested_units_are_savepoints_of_one_transaction(app: FastAPI, tenant: Tenant) -> None:
    db: Database = app.state.db
    ws = tenant.workspace_id
    with pytest.raises(_AbortError):
        await _request_that_fails(db, ws)
    assert await _keys(db, ws) == []

    async with db.shared_transaction(), db.transaction() as conn:
        await conn.execute(insert(records).values(_row(ws, "committed")))
    assert await _keys(db, ws) == ["committed"]


async def test_another_task_does_not_join(app: FastAPI, tenant: Tenant, postgres_only: None) -> None:
    """A task started inside runs concurrently, so it gets a connection of its own (and does not
    see the request's uncommitted writes)."""
    db: Database = app.state.db
    ws = tenant.workspace_id
    async with db.shared_transaction() as outer:
        await outer.execute(insert(records).values(_row(ws, "uncommitted")))
        assert await asyncio.create_task(_keys(db, ws)) == []
        assert await _keys(db, ws) == ["uncommitted"]


async def test_raw_statements_are_atomic_alone_inside(
    app: FastAPI, tenant: Tenant, postgres_only: None
) -> None:
    """asyncpg_connection() inside: a statement that fails (a unique violation the fast paths
    expect and handle) undoes only itself; the rest commits with the request."""
    db: Database = app.state.db
    ws = tenant.workspace_id
    statement = (
        "INSERT INTO idempotency_keys (workspace_id, key, method, path, request_hash, created_at)"
        " VALUES ($1, $2, 'POST', '/v1/x', 'h', now())"
    )
    async with db.shared_transaction() as outer:
        async with db.asyncpg_connection() as raw:
            await raw.execute(statement, ws, "raw")
            with pytest.raises(asyncpg.UniqueViolationError):
                await raw.execute(statement, ws, "raw")
            assert (
                await raw.fetchval("SELECT count(*) FROM idempotency_keys WHERE workspace_id = $1", ws) == 1
            )
        count = select(func.count()).select_from(records).where(records.c.workspace_id == ws)
        assert await outer.scalar(count) == 1
    assert await _keys(db, ws) == ["raw"]
