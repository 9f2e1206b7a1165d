"""On PostgreSQL: a lead's consent history, each page of it, and the capture's suppression check
read their indexes (generic plans), no scan, no sort, over a seeded workspace."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from bench.reads import seed_leads
from sqlalchemy import event

from leadapi.api.pagination import encode_cursor
from leadapi.app import create_app
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    Tenant,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.plans import generic_plan

SEEDED_LEADS = 2_000
SEEDED_CONSENTS = 40_000
SEEDED_SUPPRESSIONS = 20_000


class Plans:
    def __init__(self, client: httpx.AsyncClient, tenant: Tenant, app: Any, dsn: str) -> None:
        self.client, self.tenant, self.app, self.dsn = client, tenant, app, dsn

    async def statements(
        self, table: str, method: str, url: str, **kwargs: Any
    ) -> tuple[httpx.Response, list[tuple[str, tuple[Any, ...]]]]:
        seen: list[tuple[str, tuple[Any, ...]]] = []

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if f"FROM {table}" in statement and statement.lstrip().upper().startswith("SELECT"):
                seen.append((statement, tuple(parameters)))

        engine = self.app.state.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = await self.client.request(method, url, **kwargs)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert seen, url
        return response, seen


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


@pytest.fixture(scope="module")
async def plans() -> AsyncIterator[Plans]:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{PG_TEST_DB}_consent_plans")
    settings = quiet_settings(url)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(settings, clock=Clock())) as app:
        tenant = await make_tenant(app, "seeded")
        conn = await asyncpg.connect(dsn)
        try:
            await seed_leads(conn, tenant.workspace_id, SEEDED_LEADS, "ld_c")
            await conn.execute(
                "INSERT INTO lead_consents (id, workspace_id, lead_id, channel, status, at, created_at) "
                "SELECT 'cns_' || lpad(g::text, 9, '0'), $1, 'ld_c' || lpad(((g % $3) + 1)::text, 9, '0'), "
                "(ARRAY['email','sms','phone','linkedin'])[g % 4 + 1], "
                "(ARRAY['granted','denied','pending'])[g % 3 + 1], "
                "timestamptz '2025-01-01' + make_interval(mins => g), now() "
                "FROM generate_series(1, $2) AS g",
                tenant.workspace_id,
                SEEDED_CONSENTS,
                SEEDED_LEADS,
            )
            await conn.execute(
                "INSERT INTO suppressions (id, workspace_id, kind, digest, created_at) "
                "SELECT 'sup_' || g, $1, 'email', md5(g::text) || md5((g + 1)::text), now() "
                "FROM generate_series(1, $2) AS g",
                tenant.workspace_id,
                SEEDED_SUPPRESSIONS,
            )
            await conn.execute("ANALYZE lead_consents")
            await conn.execute("ANALYZE suppressions")
        finally:
            await conn.close()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            yield Plans(client, tenant, app, dsn)


def assert_index_read(plan: dict[str, Any], table: str, index: str) -> None:
    kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
    assert ("Seq Scan", table) not in kinds, json.dumps(plan, indent=1)
    assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(plan, indent=1)
    assert index in {node.get("Index Name") for node in nodes(plan)}, json.dumps(plan, indent=1)


@pytest.mark.parametrize(
    "params",
    [{}, {"cursor": encode_cursor([datetime(2025, 1, 10, tzinfo=UTC), "cns_000010000"])}],
    ids=["first page", "after a cursor"],
)
async def test_the_consent_history_reads_its_index(
    postgres_only: None, plans: Plans, params: dict[str, str]
) -> None:
    response, seen = await plans.statements(
        "lead_consents", "GET", "/v1/leads/ld_c000000007/consents",
        params={**params, "limit": "20"}, headers=plans.tenant.read,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["data"]
    for statement, parameters in seen:
        plan = await generic_plan(plans.dsn, statement, parameters)
        assert_index_read(plan, "lead_consents", "ix_lead_consents_lead_id_at_id")


async def test_the_suppression_check_reads_its_index(postgres_only: None, plans: Plans) -> None:
    response, seen = await plans.statements(
        "suppressions", "POST", "/v1/leads",
        json={"email": "someone@acme.com", "phone": "+14155550123"}, headers=plans.tenant.write,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    for statement, parameters in seen:
        plan = await generic_plan(plans.dsn, statement, parameters)
        assert_index_read(plan, "suppressions", "ux_suppressions_workspace_id_digest")
