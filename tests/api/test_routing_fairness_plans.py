"""PostgreSQL's plans for what the routing fairness report reads: each batch of the range's
assignments and of its `lead.unassigned` events comes from an index on (workspace, time, id) in
order (no sort, no scan of the table), under a generic plan, the plan a pooled connection settles
on. The statements are the ones the app sends (recorded from its engine while the report runs),
over a workspace and a neighbour seeded with a year of assignments and events each.

Its own database, so that the statistics are this test's to set."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
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
from tests.factories import services
from tests.plans import generic_plan

DATABASE = f"{PG_TEST_DB}_fairness_plans"
ROWS = 40_000  # assignments and events per workspace, over a year
BIG_TABLES = {"assignments", "events"}

SEED_ASSIGNMENTS = """
INSERT INTO assignments (id, workspace_id, lead_id, owner_id, by, rule_id, strategy, explanation,
                         created_at)
SELECT $2 || lpad(g::text, 9, '0'), $1, 'ld_' || g, 'ow_' || (g % 5), 'routing', 'rr_1',
       'round_robin',
       jsonb_build_object('turn', g, 'candidates', jsonb_build_array('ow_0', 'ow_1', 'ow_2', 'ow_3', 'ow_4'),
                          'skipped', '[]'::jsonb, 'rules_tried', '[]'::jsonb),
       timestamptz '2026-01-01' + make_interval(mins => g * 13)
FROM generate_series(1, $3) AS g
"""

# Mostly behaviour; one in fifty a lead nobody could take.
SEED_EVENTS = """
INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data)
SELECT $2 || lpad(g::text, 9, '0'), $1, NULL,
       CASE WHEN g % 50 = 0 THEN 'lead.unassigned' ELSE 'page_view' END, 'ld_' || g,
       timestamptz '2026-01-01' + make_interval(mins => g * 13),
       '{"reason": "no_eligible_owner", "rules_tried": []}'::jsonb
FROM generate_series(1, $3) AS g
"""


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def test_the_routing_report_reads_its_indexes_in_order() -> None:
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
                for workspace, prefix in ((tenant.workspace_id, "as_t"), (neighbour.workspace_id, "as_n")):
                    await conn.execute(SEED_ASSIGNMENTS, workspace, prefix, ROWS)
                    await conn.execute(SEED_EVENTS, workspace, "ev" + prefix, ROWS)
                await conn.execute("ANALYZE assignments")
                await conn.execute("ANALYZE events")
            finally:
                await conn.close()

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                if statement.lstrip().upper().startswith("SELECT") and (
                    "FROM assignments" in statement or "FROM events" in statement
                ):
                    seen.append((statement, tuple(parameters)))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            fairness = services(app).fairness
            fairness.batch = 500  # a month holds ~3,300 assignments: the keyset's later batches too
            try:
                params = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}
                response = await client.get("/v1/reports/routing", params=params, headers=tenant.read)
                assert response.status_code == 200, response.text
                [rule] = response.json()["rules"]
                assert rule["assignments"] > 3_000
            finally:
                event.remove(engine, "before_cursor_execute", record)
    keyset = [s for s, _ in seen if "> (" in s]
    assert keyset, seen  # later batches start after the last row read
    assert any("FROM events" in s for s, _ in seen), seen
    for statement, parameters in seen:
        plan = await generic_plan(dsn, statement, parameters)
        kinds = [
            (node["Node Type"], node.get("Relation Name"), node.get("Index Name")) for node in nodes(plan)
        ]
        described = statement + "\n" + json.dumps(plan, indent=1)
        assert not [t for kind, t, _ in kinds if kind == "Seq Scan" and t in BIG_TABLES], described
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _, _ in kinds), described
        index = (
            "ix_events_unassigned"
            if "FROM events" in statement
            else "ix_assignments_workspace_id_created_at_id"
        )
        assert index in [name for _, _, name in kinds], described
