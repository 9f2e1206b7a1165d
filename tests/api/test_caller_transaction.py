"""The request's unit of work (api/deps.py Tx) as the owners, API-key and webhook endpoints use it:
their write is committed before the response starts, and a failure after the write leaves
nothing behind (no row, no audit entry). On SQLite and PostgreSQL, through the real app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Table, func, select
from starlette.types import Message, Receive, Scope, Send

from leadapi.audit.models import AuditEntry
from leadapi.owners.models import Owner
from leadapi.workspaces.models import ApiKey
from tests.conftest import Tenant

audit_log = cast(Table, AuditEntry.__table__)
owners = cast(Table, Owner.__table__)
api_keys = cast(Table, ApiKey.__table__)


async def _seen_elsewhere(app: FastAPI, table: Table, row_id: str) -> tuple[bool, list[str]]:
    """On a connection of its own (it sees only what has committed): is the row there, and
    which audit entries name it."""
    async with app.state.db.engine.connect() as conn:
        found = (await conn.execute(select(table.c.id).where(table.c.id == row_id))).first() is not None
        actions = (
            await conn.execute(
                select(audit_log.c.action).where(audit_log.c.resource_id == row_id).order_by(audit_log.c.at)
            )
        ).scalars()
        return found, list(actions)


@asynccontextmanager
async def observed(app: FastAPI, table: Table) -> AsyncIterator[tuple[httpx.AsyncClient, list[Any]]]:
    """A client whose every response, at the moment it starts (status and headers, before any
    of the body), records what another connection sees of the resource in its Location header
    (a creation) or in the request's path (a deletion)."""
    seen: list[Any] = []

    async def watching(scope: Scope, receive: Receive, send: Send) -> None:
        async def watched_send(message: Message) -> None:
            if message["type"] == "http.response.start" and scope["type"] == "http":
                headers = dict(message.get("headers", []))
                location = headers.get(b"location", b"").decode() or scope["path"]
                seen.append(await _seen_elsewhere(app, table, location.rsplit("/", 1)[-1]))
            await send(message)

        await app(scope, receive, watched_send)

    transport = httpx.ASGITransport(app=watching, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
        yield client, seen


async def test_a_created_owner_and_its_audit_entry_are_committed_before_the_response_starts(
    app: FastAPI, tenant: Tenant
) -> None:
    async with observed(app, owners) as (client, seen):
        created = await client.post(
            "/v1/owners", json={"name": "Ada", "email": "ada-tx@acme.com"}, headers=tenant.write
        )
    assert created.status_code == 201, created.text
    assert seen == [(True, ["created"])]


async def test_a_created_api_key_is_committed_before_the_response_starts(
    app: FastAPI, tenant: Tenant
) -> None:
    async with observed(app, api_keys) as (client, seen):
        created = await client.post(
            "/v1/api-keys", json={"name": "ci", "scopes": ["read"]}, headers=tenant.admin
        )
    assert created.status_code == 201, created.text
    assert seen == [(True, ["created"])]


async def test_a_deleted_owner_is_gone_before_the_response_starts(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    owner = (
        await client.post("/v1/owners", json={"name": "Bo", "email": "bo-tx@acme.com"}, headers=tenant.write)
    ).json()
    async with observed(app, owners) as (watching, seen):
        deleted = await watching.delete(f"/v1/owners/{owner['id']}", headers=tenant.write)
    assert deleted.status_code == 204, deleted.text
    assert seen == [(False, ["created", "deleted"])]


@asynccontextmanager
async def refused_audit_entries(app: FastAPI, workspace_id: str, dialect: str) -> AsyncIterator[None]:
    """A real database fault after the change itself is written: a trigger refuses this
    workspace's audit entries, which every admin change writes last, in its transaction."""
    condition = f"NEW.workspace_id = '{workspace_id}'"
    if dialect == "sqlite":
        create = [
            f"CREATE TRIGGER tx_audit_fault BEFORE INSERT ON audit_log WHEN {condition} "
            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        ]
        drop = ["DROP TRIGGER tx_audit_fault"]
    else:
        create = [
            "CREATE FUNCTION tx_audit_fault() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$",
            f"CREATE TRIGGER tx_audit_fault BEFORE INSERT ON audit_log FOR EACH ROW WHEN ({condition}) "
            "EXECUTE FUNCTION tx_audit_fault()",
        ]
        drop = ["DROP TRIGGER tx_audit_fault ON audit_log", "DROP FUNCTION tx_audit_fault()"]
    async with app.state.db.transaction() as conn:
        for statement in create:
            await conn.exec_driver_sql(statement)
    try:
        yield
    finally:
        async with app.state.db.transaction() as conn:
            for statement in drop:
                await conn.exec_driver_sql(statement)


async def _count(app: FastAPI, table: Table, workspace_id: str) -> int:
    async with app.state.db.engine.connect() as conn:
        count = await conn.scalar(select(func.count()).where(table.c.workspace_id == workspace_id))
        return int(count or 0)


@pytest.mark.parametrize(
    ("path", "body", "table"),
    [
        ("/v1/owners", {"name": "Cy", "email": "cy-tx@acme.com"}, owners),
        ("/v1/api-keys", {"name": "ci", "scopes": ["read"]}, api_keys),
    ],
)
async def test_a_write_that_fails_after_writing_leaves_no_row_and_no_audit_entry(
    app: FastAPI, tenant: Tenant, dialect: str, path: str, body: dict[str, Any], table: Table
) -> None:
    rows_before = await _count(app, table, tenant.workspace_id)
    entries_before = await _count(app, audit_log, tenant.workspace_id)  # the tenant's own keys
    async with observed(app, table) as (client, _):
        async with refused_audit_entries(app, tenant.workspace_id, dialect):
            failed = await client.post(path, json=body, headers=tenant.admin)
        assert failed.status_code == 500, failed.text
        assert failed.headers["content-type"].startswith("application/problem+json")
        assert await _count(app, table, tenant.workspace_id) == rows_before
        assert await _count(app, audit_log, tenant.workspace_id) == entries_before
        # The same request once the fault is gone: the failed one left nothing in its way.
        again = await client.post(path, json=body, headers=tenant.admin)
    assert again.status_code == 201, again.text
    assert await _count(app, table, tenant.workspace_id) == rows_before + 1
    assert await _count(app, audit_log, tenant.workspace_id) == entries_before + 1


@pytest.mark.usefixtures("postgres_only")  # SQLite has no trigger that waits for COMMIT
async def test_a_write_whose_commit_fails_is_answered_with_an_error_not_a_201(
    app: FastAPI, tenant: Tenant
) -> None:
    """The commit is part of the request: a deferred constraint trigger refuses this workspace's
    audit entries only at COMMIT, after the endpoint has returned its result. The client must
    get an error, not the 201 of a change that was never stored."""
    condition = f"NEW.workspace_id = '{tenant.workspace_id}'"
    create = [
        "CREATE FUNCTION tx_commit_fault() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'injected fault at commit'; END $$",
        "CREATE CONSTRAINT TRIGGER tx_commit_fault AFTER INSERT ON audit_log "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION tx_commit_fault()",
    ]
    drop = ["DROP TRIGGER tx_commit_fault ON audit_log", "DROP FUNCTION tx_commit_fault()"]
    rows_before = await _count(app, owners, tenant.workspace_id)
    async with app.state.db.transaction() as conn:
        for statement in create:
            await conn.exec_driver_sql(statement)
    try:
        async with observed(app, owners) as (client, _):
            failed = await client.post(
                "/v1/owners", json={"name": "Di", "email": "di-tx@acme.com"}, headers=tenant.write
            )
    finally:
        async with app.state.db.transaction() as conn:
            for statement in drop:
                await conn.exec_driver_sql(statement)
    assert failed.status_code == 500, failed.text
    assert await _count(app, owners, tenant.workspace_id) == rows_before
