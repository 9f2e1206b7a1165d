"""The background loops' hot queries keep to their indexes under a generic plan, on PostgreSQL.

asyncpg prepares every statement, and after five runs PostgreSQL may switch a prepared statement
to a generic plan, planned without its parameters' values. A status passed as a parameter then
cannot be matched against a partial index's `WHERE status = 'pending'`, nor judged rare, and the
due-deliveries query scanned the whole table (seconds per round with a backlog). Each statement
here is prepared and explained with `plan_cache_mode = force_generic_plan` over tables where the
work waiting is a small part of the rows, and must not scan a big table.

Its own database, so that the statistics are this test's to set.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import Select, Update
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.app import create_app
from leadapi.jobs.repository import claim_statement
from leadapi.metrics import queue_depth_statements
from leadapi.sla.repository import due_clocks_statement
from leadapi.webhooks.repository import claim_due_statement, due_subscriptions_statement
from tests.conftest import (
    PG_TEST_DB,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)

DATABASE = f"{PG_TEST_DB}_background_plans"
ROWS = 30_000  # per big table; one in a hundred is waiting work
# The tables filled here (the sequencer's and the unsequenced count's `seq IS NULL` has no
# parameter to lose, and its events table stays small).
BIG_TABLES = {"webhook_deliveries", "jobs", "assignments"}


def test_background_queries_use_their_indexes_under_a_generic_plan() -> None:
    require_postgres()
    url = asyncio.run(migrated_pg_database(DATABASE))
    scans = asyncio.run(_sequential_scans(url))
    assert scans == {}, json.dumps(scans, indent=1)


def _literal(value: Any) -> str:
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return f"ARRAY[{', '.join(map(_literal, value))}]"
    raise TypeError(value)


def _seq_scans(node: dict[str, Any]) -> list[str]:
    found = []
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
        found.append(str(node["Relation Name"]))
    for child in node.get("Plans", []):
        found += _seq_scans(child)
    return found


async def _sequential_scans(url: str) -> dict[str, list[str]]:
    settings = quiet_settings(url, webhooks_allow_private=True)
    async with serving(create_app(settings)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            body = {"url": "https://hooks.example.com/in", "events": ["lead.*"]}
            response = await client.post("/v1/webhooks", json=body, headers=tenant.admin)
            assert response.status_code == 201, response.text
            sub_id = response.json()["id"]
            response = await client.post("/v1/webhooks", json=body, headers=tenant.admin)
            assert response.status_code == 201, response.text
            other_id = response.json()["id"]
        ws = tenant.workspace_id
        async with app.state.db.asyncpg_connection() as conn:
            await conn.execute(
                "INSERT INTO webhook_deliveries (id, workspace_id, subscription_id, event_type, payload, "
                "status, attempts, next_attempt_at, created_at) "
                "SELECT 'msg_plan' || g, $1, $2, 'lead.created', '{}'::jsonb, "
                "CASE WHEN g % 100 = 0 THEN 'pending' ELSE 'succeeded' END, 1, "
                "now() - make_interval(secs => g), now() FROM generate_series(1, $3) AS g",
                ws,
                sub_id,
                ROWS,
            )
            await conn.execute(
                "INSERT INTO jobs (id, workspace_id, kind, status, params, progress, attempts, created_at) "
                "SELECT 'job_plan' || g, $1, 'rescore', "
                "CASE WHEN g % 100 = 0 THEN 'queued' WHEN g % 100 = 1 THEN 'running' ELSE 'succeeded' END, "
                "'{}'::jsonb, '{}'::jsonb, 1, now() - make_interval(secs => g) "
                "FROM generate_series(1, $2) AS g",
                ws,
                ROWS,
            )
            await conn.execute(
                "INSERT INTO assignments (id, workspace_id, lead_id, owner_id, by, explanation, created_at, "
                "due_at, sla_state) "
                "SELECT 'asg_plan' || g, $1, 'lead_' || g, 'own_x', 'routing', '{}'::jsonb, now(), "
                "now() - make_interval(secs => g), "
                "CASE WHEN g % 100 = 0 THEN 'running' ELSE 'met' END FROM generate_series(1, $2) AS g",
                ws,
                ROWS,
            )
            await conn.execute("ANALYZE")
        now = datetime.now(UTC)
        statements: dict[str, Select[Any] | Update] = {
            "webhook due subscriptions": due_subscriptions_statement(now, None, [], 50),
            "webhook due subscriptions, going round": due_subscriptions_statement(now, sub_id, [], 50),
            "webhook claim": claim_due_statement([(sub_id, 10)], now, 10, now),
            # A round's claim across subscriptions (the other one has no deliveries at all).
            "webhook claim, going round": claim_due_statement([(sub_id, 10), (other_id, 10)], now, 15, now),
            "job claim": claim_statement(now),
            "SLA due clocks": due_clocks_statement(now, 100),
            **{f"queue depth {name}": stmt for name, stmt in queue_depth_statements(now).items()},
        }
        scans: dict[str, list[str]] = {}
        async with app.state.db.asyncpg_connection() as conn:
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            try:
                for n, (name, statement) in enumerate(statements.items()):
                    compiled = statement.compile(dialect=dialect())  # type: ignore[no-untyped-call]
                    args = [compiled.params[key] for key in compiled.positiontup or ()]
                    await conn.execute(f"PREPARE background_{n} AS {compiled}")
                    execute = f"EXECUTE background_{n}" + (
                        f"({', '.join(map(_literal, args))})" if args else ""
                    )
                    explained = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {execute}")
                    [plan] = json.loads(explained) if isinstance(explained, str) else explained
                    assert "Plan" in plan, plan
                    found = _seq_scans(plan["Plan"])
                    if found:
                        scans[name] = found
            finally:
                await conn.execute("DEALLOCATE ALL")
                await conn.execute("RESET plan_cache_mode")
        return scans
