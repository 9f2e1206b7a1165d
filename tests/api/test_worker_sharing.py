"""Background work shared by several processes with no leader: a piece of work another process
holds is passed over, and the rest is done, never waited for (PostgreSQL; SQLite has one writer).
The processes themselves, and one killed mid-way, are in tests/e2e/test_workers_scale_out.py."""

from __future__ import annotations

import asyncio
from typing import cast

import httpx
from fastapi import FastAPI
from sqlalchemy import Table, select

from leadapi.events.models import Event, EventSequence
from tests.conftest import Tenant

sequences = cast(Table, EventSequence.__table__)
events = cast(Table, Event.__table__)


async def _seqs(app: FastAPI, tenant: Tenant) -> list[int | None]:
    async with app.state.db.read() as conn:
        stmt = select(events.c.seq).where(events.c.workspace_id == tenant.workspace_id).order_by(events.c.id)
        return list((await conn.execute(stmt)).scalars())


async def test_a_workspace_another_sequencer_holds_does_not_hold_up_the_others(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    for i in range(3):
        for t in (tenant, other_tenant):
            response = await client.post("/v1/leads", json={"email": f"share{i}@acme.com"}, headers=t.write)
            assert response.status_code == 201, response.text
    async with app.state.db.transaction() as held:
        # Another process's round, numbering `tenant`: it holds the workspace's counter.
        await held.execute(
            select(sequences.c.last_seq)
            .where(sequences.c.workspace_id == tenant.workspace_id)
            .with_for_update()
        )
        # This round takes the other workspace, and neither waits for the holder nor numbers
        # what the holder is numbering (one global lock would leave it nothing, or make it wait).
        numbered = await asyncio.wait_for(app.state.sequencer.run_once(), timeout=10)
        assert numbered >= 6
        assert await _seqs(app, other_tenant) == [1, 2, 3, 4, 5, 6]
        assert await _seqs(app, tenant) == [None] * 6
    await app.state.sequencer.drain()
    assert await _seqs(app, tenant) == [1, 2, 3, 4, 5, 6]


async def test_sequencers_in_parallel_number_every_workspace_once(
    postgres_only: None, app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    # Rounds of several processes overlap, each taking the workspaces the others do not hold.
    for batch in range(8):
        await asyncio.gather(
            *(
                client.post("/v1/leads", json={"email": f"p{batch}-{i}@acme.com"}, headers=t.write)
                for i in range(3)
                for t in (tenant, other_tenant)
            )
        )
        await asyncio.gather(*(app.state.sequencer.run_once() for _ in range(4)))
    await app.state.sequencer.drain()
    for t in (tenant, other_tenant):
        assert sorted(cast(list[int], await _seqs(app, t))) == list(range(1, 49))
