"""A repository's statements cannot reach another workspace's rows, on a real database.

Two workspaces each capture a lead and add an owner over HTTP; then repositories of the first are
pointed at the second's ids, inside a transaction that is rolled back at the end (the shared
database keeps both workspaces as they were, whatever a broken scope did).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import httpx
from fastapi import FastAPI
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.events.repository import EventRepository
from leadapi.leads.models import Lead
from leadapi.leads.repository import LeadRepository
from leadapi.owners.models import Owner
from leadapi.owners.repository import OwnerRepository
from leadapi.stages.repository import StageRepository
from tests.conftest import Tenant

leads = cast(Table, Lead.__table__)
owners = cast(Table, Owner.__table__)


@asynccontextmanager
async def rolled_back(app: FastAPI) -> AsyncIterator[AsyncConnection]:
    async with app.state.db.engine.connect() as conn:
        tx = await conn.begin()
        try:
            yield conn
        finally:
            await tx.rollback()


async def _lead(client: httpx.AsyncClient, tenant: Tenant, email: str) -> dict[str, Any]:
    response = await client.post("/v1/leads", json={"email": email, "company": "Acme"}, headers=tenant.write)
    assert response.status_code == 201, response.text
    return cast(dict[str, Any], response.json())


async def _owner(client: httpx.AsyncClient, tenant: Tenant, email: str) -> str:
    response = await client.post("/v1/owners", json={"name": "Rep", "email": email}, headers=tenant.write)
    assert response.status_code == 201, response.text
    return cast(str, response.json()["id"])


async def test_a_workspace_repository_cannot_reach_another_workspaces_rows(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = await _lead(client, tenant, "mine@acme.com")
    theirs = await _lead(client, other_tenant, "theirs@acme.com")
    their_owner = await _owner(client, other_tenant, "rep@acme.com")
    async with rolled_back(app) as conn:
        ws, other = tenant.workspace_id, other_tenant.workspace_id
        lead_repo, their_leads = LeadRepository(conn, ws), LeadRepository(conn, other)
        their_row = await their_leads.get(theirs["id"])
        assert their_row is not None

        # Reads see nothing of the other workspace.
        assert await lead_repo.get(theirs["id"]) is None
        assert await lead_repo.get(mine["id"]) is not None
        assert await lead_repo.email_owner("theirs@acme.com") is None
        assert await lead_repo.count() == 1
        assert [m["id"] for m in await lead_repo.find_matches("theirs@acme.com", None, {})] == []
        assert await EventRepository(conn, ws).all_for_lead(theirs["id"]) == []
        assert await OwnerRepository(conn, ws).get(their_owner) is None
        assert await OwnerRepository(conn, ws).existing_ids([their_owner]) == set()

        # Writes change nothing there.
        await lead_repo.update(theirs["id"], {"company": "Hijacked", "version": 99})
        await OwnerRepository(conn, ws).update(their_owner, {"name": "Hijacked"})
        await EventRepository(conn, ws).move_to_lead(theirs["id"], mine["id"])
        await StageRepository(conn, ws).erase_lead(theirs["id"])
        await EventRepository(conn, ws).erase_lead(theirs["id"])
        await lead_repo.delete(theirs["id"])
        assert await their_leads.get(theirs["id"]) == their_row
        assert len(await EventRepository(conn, other).all_for_lead(theirs["id"])) >= 1
        their_owner_row = await OwnerRepository(conn, other).get(their_owner)
        assert their_owner_row is not None
        assert their_owner_row["name"] == "Rep"

        # An insert lands in the repository's workspace, whatever the row says.
        row = {**their_row, "id": "ld_scope_test", "email": "stamped@acme.com", "workspace_id": other}
        await lead_repo.insert(row)
        stored = (
            await conn.execute(select(leads.c.workspace_id).where(leads.c.id == "ld_scope_test"))
        ).scalar_one()
        assert stored == ws
        assert await their_leads.get("ld_scope_test") is None
