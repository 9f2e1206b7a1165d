"""PostgreSQL's plans for what segments read: the members list (keyset by lead id, no sort), the
member count, the consumer's reads per batch (the leads of its events, their memberships), the
backfill's next batch of leads, and the consumer's queue, each through an index under a generic
plan, never by scanning the leads or the memberships.

The statements are the ones the app sends (recorded from its engine while the requests and a
consumer round run), over a workspace, and a neighbour, seeded with many leads and members."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any, cast

import asyncpg
import httpx
from bench.reads import seed_leads
from sqlalchemy import Table, event
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.api.pagination import encode_cursor
from leadapi.app import create_app
from leadapi.flows.segments import SegmentConsumer
from leadapi.metrics import lag_statements
from leadapi.segments.models import SegmentCursor
from leadapi.segments.repository import behind_statement
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.factories import add_segment, new_lead, post_event
from tests.plans import generic_plan

DATABASE = f"{PG_TEST_DB}_segment_plans"
LEADS = 20_000
BIG_TABLES = {"leads", "segment_members", "events"}
HOT = {"all": [{"field": "tags", "op": "contains", "value": "hot"}]}


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def test_segment_reads_use_their_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = quiet_settings(url)
    async with serving(create_app(settings, clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            neighbour = await make_tenant(app, "neighbour")
            everyone = await add_segment(client, tenant, name="everyone", when=HOT)
            other = await add_segment(client, tenant, name="other", when=HOT)
            theirs = await add_segment(client, neighbour, name="theirs", when=HOT)
            ws = tenant.workspace_id
            conn = await asyncpg.connect(dsn)
            try:
                await seed_leads(conn, tenant.workspace_id, LEADS, "ld_s")
                await seed_leads(conn, neighbour.workspace_id, LEADS, "ld_n")
                insert = (
                    "INSERT INTO segment_members (workspace_id, segment_id, lead_id, entered_at) "
                    "SELECT workspace_id, $1, id, now() FROM leads WHERE workspace_id = $2"
                )
                await conn.execute(insert, everyone["id"], ws)
                await conn.execute(insert + " AND id LIKE '%3'", other["id"], ws)
                await conn.execute(insert, theirs["id"], neighbour.workspace_id)
                # Filled already, but for one: the backfill's batch is planned too.
                await conn.execute("UPDATE segments SET filling = false WHERE id <> $1", other["id"])
                await conn.execute(
                    "UPDATE segments SET fill_after_at = l.created_at, fill_after = l.id FROM "
                    "(SELECT created_at, id FROM leads WHERE workspace_id = $1 ORDER BY created_at, id "
                    "OFFSET 1000 LIMIT 1) AS l WHERE segments.id = $2",
                    ws,
                    other["id"],
                )
                await conn.execute(
                    "INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data) "
                    "SELECT 'ev_old' || g, $1, NULL, 'page_view', 'ld_s' || lpad(g::text, 9, '0'), "
                    "now() - make_interval(secs => g), '{}'::jsonb FROM generate_series(1, $2) AS g",
                    ws,
                    LEADS,
                )
                await app.state.sequencer.drain()
                # History: the consumer starts after it.
                await conn.execute(
                    "UPDATE segment_cursors SET position = "
                    "(SELECT last_seq FROM event_sequences WHERE workspace_id = $1) WHERE workspace_id = $1",
                    ws,
                )
                await conn.execute("ANALYZE")
            finally:
                await conn.close()
            lead = await new_lead(client, tenant, "plans@acme.com", tags=["hot"])
            await post_event(client, tenant, lead["id"], "page_view")
            await app.state.sequencer.drain()

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                text = statement.lstrip().upper()
                if text.startswith("SELECT") and (
                    "segment_members" in statement or "FROM leads" in statement
                ):
                    seen.append((statement, tuple(parameters)))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            try:
                await SegmentConsumer(app.state.db, app.state.services.segment_flow, batch=500).run_once(ws)
                middle = encode_cursor(["ld_s000010000"])
                for path, params in (
                    ("/v1/segments", {}),
                    (f"/v1/segments/{everyone['id']}", {}),
                    (f"/v1/segments/{everyone['id']}/leads", {}),
                    (f"/v1/segments/{everyone['id']}/leads", {"cursor": middle}),
                ):
                    response = await client.get(path, params=params, headers=tenant.read)
                    assert response.status_code == 200, response.text
            finally:
                event.remove(engine, "before_cursor_execute", record)
        assert len(seen) >= 6, seen
        sent = "\n".join(statement for statement, _ in seen)
        assert "ORDER BY segment_members.lead_id" in sent, sent  # the members list
        assert "ORDER BY leads.created_at" in sent, sent  # the backfill's batch
        lag = lag_statements(cast(Table, SegmentCursor.__table__))
        for built in (behind_statement(50), *lag.values()):
            compiled = built.compile(dialect=dialect())  # type: ignore[no-untyped-call]
            seen.append((str(compiled), tuple(compiled.params[k] for k in compiled.positiontup or ())))
        for statement, parameters in seen:
            plan = await generic_plan(dsn, statement, parameters)
            kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
            scanned = [table for kind, table in kinds if kind == "Seq Scan" and table in BIG_TABLES]
            assert not scanned, statement + "\n" + json.dumps(plan, indent=1)
            if "ORDER BY segment_members.lead_id" in statement or "ORDER BY leads.created_at" in statement:
                assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), (
                    statement + "\n" + json.dumps(plan, indent=1)
                )
