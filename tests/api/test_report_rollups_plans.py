"""PostgreSQL's plans for what the rollups read: the consumer's batch (its events, the leads they
are about with their assignments, moves and rejections, their snapshots), the reports' rollup rows
(the primary key: workspace, dimension, facet, period range) and partial days' leads, assignments
and moves (by their time), and the consumer's queue and lag, each through an index under a generic
plan, never by scanning a big table.

The statements are the ones the app sends (recorded from its engine while a consumer round and
the reports run), over a workspace, and a neighbour, seeded with many leads and their rollups."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg
import httpx
from bench.reads import seed_leads
from sqlalchemy import Table, event
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.flows.rollups import RollupConsumer, behind_statement
from leadapi.metrics import lag_statements
from leadapi.reports.models import RollupCursor
from leadapi.reports.rollup_repository import RollupRepository
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.factories import new_lead, post_event
from tests.plans import (
    analysed_count,
    analysed_while_empty,
    changes_counted,
    generic_plan,
    rows_read,
    statements_sent,
)

DATABASE = f"{PG_TEST_DB}_rollup_plans"
LEADS = 5_000
BIG_TABLES = {"leads", "events", "report_rollups", "rollup_leads", "assignments", "stage_changes"}
WATCHED = (
    "report_rollups",
    "rollup_leads",
    "FROM leads",
    "FROM events",
    "FROM assignments",
    "FROM stage_changes",
)
# Each seeded lead assigned an hour after its creation, and moved from new to mql a day after.
HISTORY = (
    """
    INSERT INTO owners (id, workspace_id, name, email, active, capacity, weight, tags, territories,
                        created_at, updated_at)
    VALUES ('ow_' || right($1, 20), $1, 'Ada', 'ada@sales.acme.com', true, NULL, 1, '[]', '[]', now(), now())
    """,
    """
    INSERT INTO assignments (id, workspace_id, lead_id, owner_id, previous_owner_id, by, rule_id, strategy,
                             explanation, created_at, actor, sla_policy_id, due_at, touched_at, sla_state)
    SELECT 'as_' || id, workspace_id, id, 'ow_' || right($1, 20), NULL, 'routing', NULL, 'round_robin', '{}',
           created_at + interval '1 hour', NULL, NULL, NULL, NULL, NULL
    FROM leads WHERE workspace_id = $1
    """,
    """
    INSERT INTO stage_changes (id, workspace_id, lead_id, from_stage, to_stage, at, since, by_kind, by_id,
                               reason, note, amount)
    SELECT 'sc_' || id, workspace_id, id, 'new', 'mql', created_at + interval '1 day', created_at, 'system',
           NULL, NULL, NULL, NULL
    FROM leads WHERE workspace_id = $1
    """,
)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def _settings(url: str) -> Settings:
    """The app on `url` with no background loop: the tests run the consumer's rounds themselves."""
    return quiet_settings(url)


async def _snapshots(conn: asyncpg.Connection, workspace_id: str, count: int) -> None:
    """`count` snapshots in the workspace, of leads ld_000000001 on (none exists: only the rows)."""
    await conn.execute(
        "INSERT INTO rollup_leads (workspace_id, lead_id, hour, source, owner, utm_campaign, "
        "utm_source, utm_medium, mask, amount, score, touch, active, extra) "
        "SELECT $1, 'ld_' || lpad(g::text, 9, '0'), '2026-05-04T10', '', '', '', '', '', '', 0, "
        "'', '', '', '[]' FROM generate_series(1, $2) AS g",
        workspace_id,
        count,
    )


async def test_rollup_reads_use_their_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(_settings(url), clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            neighbour = await make_tenant(app, "neighbour")
            ws = tenant.workspace_id
            conn = await asyncpg.connect(dsn)
            try:
                await seed_leads(conn, ws, LEADS, "ld_s")
                await seed_leads(conn, neighbour.workspace_id, LEADS, "ld_n")
                for workspace in (ws, neighbour.workspace_id):
                    for statement in HISTORY:
                        await conn.execute(statement, workspace)
            finally:
                await conn.close()
            now = datetime.now(UTC)
            for workspace in (ws, neighbour.workspace_id):
                async with app.state.db.transaction() as tx:
                    await app.state.services.rollup_flow.rebuild(
                        tx, workspace, (now - timedelta(days=800)).date(), (now + timedelta(days=1)).date()
                    )
            conn = await asyncpg.connect(dsn)
            try:
                for workspace, prefix in ((ws, "ld_s"), (neighbour.workspace_id, "ld_n")):
                    await conn.execute(
                        "INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data) "
                        "SELECT 'ev_' || $3 || g, $1, NULL, 'page_view', $3 || lpad(g::text, 9, '0'), "
                        "now() - make_interval(secs => g), '{}'::jsonb FROM generate_series(1, $2) AS g",
                        workspace,
                        LEADS,
                        prefix,
                    )
                await app.state.sequencer.drain()
                # History: the rollups were rebuilt over it, the consumer starts after it.
                await conn.execute(
                    "UPDATE rollup_cursors SET position = s.last_seq FROM event_sequences AS s "
                    "WHERE s.workspace_id = rollup_cursors.workspace_id"
                )
                await conn.execute("ANALYZE")
            finally:
                await conn.close()
            lead = await new_lead(client, tenant, "plans@acme.com")
            await post_event(client, tenant, lead["id"], "call")
            await app.state.sequencer.drain()

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                # WITH: a partial hour's leads, moves, assignments counted per value in the database.
                reads = statement.lstrip().upper().startswith(("SELECT", "WITH"))
                if reads and any(w in statement for w in WATCHED):
                    seen.append((statement, tuple(parameters)))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            try:
                await RollupConsumer(app.state.db, app.state.services.rollup_flow).run_once(ws)
                year = {"from": (now - timedelta(days=365)).isoformat(), "to": now.isoformat()}
                for report, params in (
                    ("funnel", year),
                    ("speed-to-lead", year),
                    ("scores", {**year, "group_by": "owner"}),
                    ("activation", {**year, "group_by": "day"}),
                    ("sla", {**year, "group_by": "owner"}),
                    ("stage-velocity", {**year, "group_by": "week"}),
                    ("owners", year),
                ):
                    response = await client.get(f"/v1/reports/{report}", params=params, headers=tenant.read)
                    assert response.status_code == 200, response.text
            finally:
                event.remove(engine, "before_cursor_execute", record)
        sent = "\n".join(statement for statement, _ in seen)
        assert "FROM report_rollups" in sent, sent
        assert "FROM rollup_leads" in sent, sent
        assert "FROM assignments" in sent, sent
        assert "FROM stage_changes" in sent, sent
        tallies = [statement for statement, _ in seen if statement.lstrip().upper().startswith("WITH")]
        assert any("FROM leads" in t for t in tallies), sent
        assert any("FROM stage_changes" in t for t in tallies), sent
        lag = lag_statements(cast(Table, RollupCursor.__table__))
        for built in (behind_statement(50), *lag.values()):
            compiled = built.compile(dialect=dialect())  # type: ignore[no-untyped-call]
            seen.append((str(compiled), tuple(compiled.params[k] for k in compiled.positiontup or ())))
        for statement, parameters in seen:
            plan = await generic_plan(dsn, statement, parameters)
            kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
            scanned = [table for kind, table in kinds if kind == "Seq Scan" and table in BIG_TABLES]
            assert not scanned, statement + "\n" + json.dumps(plan, indent=1)


async def test_a_batch_read_by_ids_probes_each_id_whatever_the_statistics() -> None:
    """The consumer's reads by a batch's lead ids, planned with statistics from before the table
    grew (a new table, or autovacuum behind): `lead_id = ANY($2)` was then applied as a filter to
    every row of the workspace, each compared with the whole array (700 ms for 900 ids among
    53,000 rows in the rollup lag bench); taken as a set, the ids were hashed against every row of
    the workspace (33 ms, growing with the workspace). Each id is one probe of the primary key: the
    rows read are the rows asked for."""
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{DATABASE}_stale")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(_settings(url), clock=Clock())) as app:
        tenant = await make_tenant(app, "stale")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("ANALYZE rollup_leads")  # empty: what the statistics will say
            await _snapshots(conn, tenant.workspace_id, LEADS)
        finally:
            await conn.close()
        ids = [f"ld_{n:09d}" for n in range(1, LEADS, 5)]
        with statements_sent(app.state.db.engine.sync_engine) as seen:
            async with app.state.db.transaction() as tx:
                found = await RollupRepository(tx, tenant.workspace_id).snapshots_of(ids)
    assert len(found) == len(ids)
    [(statement, parameters)] = [(s, p) for s, p in seen if "FROM rollup_leads" in s]
    plan = await generic_plan(dsn, statement, parameters, analyze=True)
    filters = [node.get("Filter", "") for node in nodes(plan)]
    assert not any("ANY" in f for f in filters), json.dumps(plan, indent=1)
    read = [node for node in nodes(plan) if node.get("Relation Name") == "rollup_leads"]
    assert read, json.dumps(plan, indent=1)
    # The workspace holds five times as many.
    assert sum(rows_read(n) for n in read) == len(ids), json.dumps(plan, indent=1)


async def test_the_consumer_analyses_its_tables_once_they_have_doubled() -> None:
    """The pool's generic plans are made once per connection: one made while `rollup_leads` was
    empty reads it whole per lead of a batch (6-11 s a round in the rollup lag bench) until the
    table's statistics change. Autovacuum may be off or behind, so the consumer analyses its tables
    when they have grown past what their statistics say (and a thousand rows), not every round."""
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{DATABASE}_grown")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(_settings(url), clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "grown")
            consumer = RollupConsumer(app.state.db, app.state.services.rollup_flow)
            analysed = await analysed_while_empty(dsn, "rollup_leads")

            await new_lead(client, tenant, "first@acme.com")
            await app.state.sequencer.drain()
            await consumer.run_once(tenant.workspace_id)
            await changes_counted(dsn, "rollup_leads", 1)
            assert (await analysed_count(dsn, "rollup_leads"))[0] == analysed  # one row: not grown

            conn = await asyncpg.connect(dsn)
            try:  # snapshots of leads a rebuild counted, say (the consumer's own, in bulk)
                await _snapshots(conn, tenant.workspace_id, LEADS)
            finally:
                await conn.close()
            await changes_counted(dsn, "rollup_leads", LEADS)
            await new_lead(client, tenant, "second@acme.com")
            await app.state.sequencer.drain()
            await consumer.run_once(tenant.workspace_id)
            count, rows = await analysed_count(dsn, "rollup_leads")
            assert count == analysed + 1
            assert rows >= LEADS  # its statistics see the rows now

            await new_lead(client, tenant, "third@acme.com")
            await app.state.sequencer.drain()
            await consumer.run_once(tenant.workspace_id)
            assert (await analysed_count(dsn, "rollup_leads"))[0] == analysed + 1  # not every round
