"""The dedupe lookups on a PostgreSQL whose statistics are older than a workspace's leads.

Statistics come from the last ANALYZE, so a workspace that grew since (a new customer's import)
is unknown to them. Planned with that workspace's id in sight, it looked empty: every index that
starts with workspace_id tied at one row, the smallest won, and each capture walked the whole
workspace, filtering for the email (2.6 ms per capture at 11k leads in `make bench`). Its own
database, so that what the statistics saw is this test's to set.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.app import create_app
from leadapi.leads.repository import EMAIL_MATCH_IDS, _match_statement
from tests.conftest import (
    PG_TEST_DB,
    Tenant,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)

DATABASE = f"{PG_TEST_DB}_dedupe_plans"
COPIES = 2000


def test_dedupe_goes_to_the_key_in_a_workspace_newer_than_the_statistics() -> None:
    require_postgres()
    url = asyncio.run(migrated_pg_database(DATABASE))
    walked = asyncio.run(_walked_by_dedupe(url))
    # Each lookup reads the rows of its key (none here), not the workspace's 2,001 leads.
    assert walked == {"capture": 0, "merge": 0}


async def _walked_by_dedupe(url: str) -> dict[str, int]:
    settings = quiet_settings(url)
    async with serving(create_app(settings)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            known, grown = await make_tenant(app, "known"), await make_tenant(app, "grown")

            async def leads(tenant: Tenant, email: str) -> None:
                """A lead, then COPIES more, each with an email of its own."""
                body = {"email": email, "phone": "+1 415 555 2671", "company": "Acme"}
                response = await client.post("/v1/leads", json=body, headers=tenant.write)
                assert response.status_code == 201, response.text
                async with app.state.db.asyncpg_connection() as conn:
                    await conn.execute(
                        "INSERT INTO leads SELECT (jsonb_populate_record(NULL::leads, to_jsonb(l) || "
                        "jsonb_build_object('id', left(l.id, 27) || lpad(g::text, 5, '0'), "
                        "'email', g || l.email))).* "
                        "FROM leads l, generate_series(1, $2) AS g WHERE l.id = $1",
                        response.json()["id"],
                        COPIES,
                    )

            await leads(known, "known@acme.com")
            async with app.state.db.asyncpg_connection() as conn:
                await conn.execute("ANALYZE leads")
            await leads(grown, "grown@acme.com")  # after the statistics were read
            walked: dict[str, int] = {}
            values = {"_ws": grown.workspace_id, "_email": "new@acme.com", "_phone": "+14155550000"}
            statements = {
                # The one-statement capture's email key (its phone key is looked up inside
                # leadapi_phone_matches, migration 0014); the general path's both keys.
                "capture": EMAIL_MATCH_IDS,
                "merge": _match_statement(True, True, False),
            }
            async with app.state.db.asyncpg_connection() as conn:
                for name, statement in statements.items():
                    compiled = statement.compile(dialect=dialect())  # type: ignore[no-untyped-call]
                    args = [{**compiled.params, **values}[key] for key in compiled.positiontup or ()]
                    [plan] = await conn.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}", *args)
                    walked[name] = _rows_filtered(plan["Plan"])
            return walked


def _rows_filtered(node: dict[str, Any]) -> int:
    own = int(node.get("Rows Removed by Filter", 0))
    return own + sum(_rows_filtered(child) for child in node.get("Plans", []))
