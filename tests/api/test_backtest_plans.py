"""PostgreSQL's plans for what a backtest reads: a workspace's leads by creation in keyset pages
(no sort), each page's events and moves into the outcome stages, the leads' first moves into the
MQL stages and the leads they name, each through an index under a generic plan, never by scanning
the leads, events or stage moves of the whole database.

The statements are the ones the app sends during backtests (recorded from its engine), over a
workspace and a neighbour seeded with many leads, events and moves."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from bench.reads import seed_leads
from sqlalchemy import event

from leadapi.app import create_app
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.plans import generic_plan

DATABASE = f"{PG_TEST_DB}_backtest_plans"
LEADS = 20_000
BIG_TABLES = {"leads", "events", "stage_changes"}
SEED_EVENTS = (
    "INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data) "
    "SELECT 'ev_' || $2 || g || '_' || k, $1, NULL, (ARRAY['page_view','demo_request','email_open'])[k], "
    "$2 || lpad(g::text, 9, '0'), now() - interval '401 days', '{\"path\": \"/pricing\"}'::jsonb "
    "FROM generate_series(1, $3) AS g, generate_series(1, 3) AS k"
)
SEED_MOVES = (
    "INSERT INTO stage_changes (id, workspace_id, lead_id, from_stage, to_stage, at, by_kind) "
    "SELECT 'sc_' || $2 || g || '_' || $4, $1, $2 || lpad(g::text, 9, '0'), 'new', $4, "
    "now() - interval '390 days', 'system' FROM generate_series(1, $3, $5) AS g"
)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def test_backtest_reads_use_their_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = quiet_settings(url)
    async with serving(create_app(settings, clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            neighbour = await make_tenant(app, "neighbour")
            conn = await asyncpg.connect(dsn)
            try:
                for workspace, prefix in ((tenant.workspace_id, "ld_s"), (neighbour.workspace_id, "ld_n")):
                    await seed_leads(conn, workspace, LEADS, prefix)
                    await conn.execute(
                        "UPDATE leads SET created_at = now() - interval '400 days' WHERE workspace_id = $1",
                        workspace,
                    )
                    await conn.execute(SEED_EVENTS, workspace, prefix, LEADS)
                    await conn.execute(SEED_MOVES, workspace, prefix, LEADS, "mql", 3)
                    await conn.execute(SEED_MOVES, workspace, prefix, LEADS, "customer", 7)
                await conn.execute("VACUUM ANALYZE")
            finally:
                await conn.close()

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                text = statement.lstrip().upper()
                if text.startswith("SELECT") and any(f"FROM {table}" in statement for table in BIG_TABLES):
                    seen.append((statement, tuple(parameters)))

            class Sent(logging.Handler):  # what goes straight to asyncpg, with a DEBUG record
                def emit(self, entry: logging.LogRecord) -> None:
                    seen.append((entry.__dict__["statement"], tuple(entry.__dict__["parameters"])))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            logger, handler = logging.getLogger("leadapi.scoring.repository"), Sent()
            level = logger.level
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
            start = datetime(2020, 1, 1, tzinfo=UTC).isoformat()
            try:
                for as_of in ("created", "mql"):
                    body = {"as_of": as_of, "from": start, "outcome": {"within_days": 30}}
                    response = await client.post("/v1/scoring/backtest", json=body, headers=tenant.read)
                    assert response.status_code == 200, response.text
                    [result] = response.json()["results"]
                    assert result["leads"] > 0
                    fired = {rule["rule_id"]: rule["fired"] for rule in result["rules"]}
                    assert fired["demo_request"] == result["leads"]
            finally:
                event.remove(engine, "before_cursor_execute", record)
                logger.removeHandler(handler)
                logger.setLevel(level)
        sent = "\n".join(statement for statement, _ in seen)
        assert "ORDER BY created_at, id LIMIT" in sent, sent  # the pages of leads
        assert "JOIN events AS e" in sent, sent  # each batch's counts per lead
        assert "JOIN stage_changes AS s" in sent, sent  # each batch's conversions
        assert "GROUP BY stage_changes.lead_id" in sent, sent  # the first moves into MQL stages
        checked = dict(seen)  # each statement once
        for statement, parameters in checked.items():
            plan = await generic_plan(dsn, statement, parameters)
            kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
            scanned = [table for kind, table in kinds if kind == "Seq Scan" and table in BIG_TABLES]
            assert not scanned, statement + "\n" + json.dumps(plan, indent=1)
            if "ORDER BY created_at, id" in statement or "ORDER BY leads.created_at" in statement:
                assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), (
                    statement + "\n" + json.dumps(plan, indent=1)
                )
