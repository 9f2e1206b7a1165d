"""PostgreSQL's plans for what automations read: the run lists (per automation, per lead), the
limits and spikes the consumer checks per run, its queue and its lag, each read through an index
under a generic plan (asyncpg prepares every statement), never by scanning the big tables.

The statements are the ones the app sends (recorded from its engine while the requests and a
consumer round run), over a workspace seeded with many runs and events. Its own database, so the
statistics are this test's to set.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.app import create_app
from leadapi.automations.repository import behind_statement
from leadapi.config import Settings
from leadapi.metrics import lag_statements
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.factories import add_automation, consumer, new_lead, post_event
from tests.plans import (
    analysed_count,
    analysed_while_empty,
    changes_counted,
    generic_plan,
    rows_read,
    statements_sent,
)

DATABASE = f"{PG_TEST_DB}_automation_plans"
ROWS = 30_000
BIG_TABLES = {"automation_runs", "events"}


def _settings(url: str) -> Settings:
    """The app with no background loop of its own: the test drives the consumer."""
    return quiet_settings(url)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def test_automation_reads_use_their_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = _settings(url)
    async with serving(create_app(settings, clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            limits = {"once_per_lead": False, "cooldown_minutes": 5, "max_runs_per_day": 100_000}
            busy = await add_automation(client, tenant, trigger={"event": "ping"}, limits=limits,
                                        actions=[{"type": "add_tags", "tags": ["x"]}])  # fmt: skip
            await add_automation(client, tenant, trigger={"intent_spike": {"points": 5, "within_hours": 24}},
                                 actions=[{"type": "notify", "message": "spike"}])  # fmt: skip
            await add_automation(
                client,
                tenant,
                trigger={"intent_spike": {"events": 2, "types": ["ping", "pricing_*"], "within_hours": 24}},
                actions=[{"type": "notify", "message": "burst"}],
            )
            lead = await new_lead(client, tenant, "plans@acme.com")
            ws = tenant.workspace_id
            conn = await asyncpg.connect(dsn)
            try:
                # Many runs of many automations over many leads, and many events.
                await conn.execute(
                    "INSERT INTO automations (id, workspace_id, name, active, trigger, actions, limits, "
                    "from_seq, created_at, updated_at) SELECT 'aut_seed' || g, $1, 'seeded', false, "
                    "'{\"event\": \"x\"}'::jsonb, '[]'::jsonb, '{}'::jsonb, 0, now(), now() "
                    "FROM generate_series(1, 49) AS g",
                    ws,
                )
                await conn.execute(
                    "INSERT INTO automation_runs (id, workspace_id, automation_id, event_id, event_seq, "
                    "event_type, lead_id, status, actions, depth, at) "
                    "SELECT 'arun_seed' || g, $1, "
                    "CASE WHEN g % 50 = 0 THEN $2 ELSE 'aut_seed' || (g % 50) END, "
                    "'ev_seed' || g, g, "
                    "'ping', 'ld_seed' || (g % 3000), CASE WHEN g % 3 = 0 THEN 'fired' ELSE 'skipped' END, "
                    "'[]'::jsonb, 0, now() - make_interval(secs => g) FROM generate_series(1, $3) AS g",
                    ws,
                    busy["id"],
                    ROWS,
                )
                await conn.execute(
                    "INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data) "
                    "SELECT 'ev_old' || g, $1, NULL, "
                    "CASE WHEN g % 2 = 0 THEN 'lead.scored' ELSE 'page_view' END, "
                    "'ld_other' || (g % 3000), now() - make_interval(secs => g), '{}'::jsonb "
                    "FROM generate_series(1, $2) AS g",
                    ws,
                    ROWS,
                )
                await app.state.sequencer.drain()
                # History: the consumer starts after it (the spikes still read it).
                await conn.execute(
                    "UPDATE automation_cursors SET position = "
                    "(SELECT last_seq FROM event_sequences WHERE workspace_id = $1) WHERE workspace_id = $1",
                    ws,
                )
                await conn.execute("ANALYZE")
            finally:
                await conn.close()
            await post_event(client, tenant, lead["id"], "ping")
            await post_event(client, tenant, lead["id"], "email_click")
            await app.state.sequencer.drain()

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                text = statement.lstrip().upper()
                if text.startswith("SELECT") and (
                    "automation_runs" in statement or "FROM events" in statement
                ):
                    seen.append((statement, tuple(parameters)))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            try:
                await consumer(app).run_once(ws)
                for path in (f"/v1/automations/{busy['id']}/runs", f"/v1/leads/{lead['id']}/automation-runs"):
                    response = await client.get(path, headers=tenant.read)
                    assert response.status_code == 200, response.text
                    assert response.json()["data"]
            finally:
                event.remove(engine, "before_cursor_execute", record)
        assert len(seen) >= 6, seen
        for built in (behind_statement(50), *lag_statements().values()):
            compiled = built.compile(dialect=dialect())  # type: ignore[no-untyped-call]
            seen.append((str(compiled), tuple(compiled.params[k] for k in compiled.positiontup or ())))
        for statement, parameters in seen:
            plan = await generic_plan(dsn, statement, parameters)
            kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
            scanned = [table for kind, table in kinds if kind == "Seq Scan" and table in BIG_TABLES]
            assert not scanned, statement + "\n" + json.dumps(plan, indent=1)
            if "ORDER BY automation_runs.at DESC" in statement:
                assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(
                    plan, indent=1
                )


async def test_the_consumer_analyses_the_runs_once_they_have_grown() -> None:
    """The consumer fills `automation_runs` from nothing, and the pool plans each statement once
    per connection, generically: on the statistics of an empty table, the batch's read of when its
    limited pairs last fired walked every fired run of their automations, filtering by lead (190 ms
    a batch at 23,000 of them in the automations bench). Autovacuum may be off or behind, so the
    consumer analyses the runs once they have grown past what their statistics say (and a thousand
    rows), not every batch; the read then probes the pairs asked for."""
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{DATABASE}_grown")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = _settings(url)
    async with serving(create_app(settings, clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "grown")
            ws = tenant.workspace_id
            once = await add_automation(client, tenant, trigger={"event": "ping"},
                                        limits={"once_per_lead": True},
                                        actions=[{"type": "notify", "message": "first ping"}])  # fmt: skip
            lead = await new_lead(client, tenant, "grown@acme.com")
            analysed = await analysed_while_empty(dsn, "automation_runs")

            await post_event(client, tenant, lead["id"], "ping")
            await app.state.sequencer.drain()
            await consumer(app).run_once(ws)
            await changes_counted(dsn, "automation_runs", 1)
            assert (await analysed_count(dsn, "automation_runs"))[0] == analysed  # one run: not grown

            conn = await asyncpg.connect(dsn)
            try:  # the automation's fired runs over many other leads
                await conn.execute(
                    "INSERT INTO automation_runs (id, workspace_id, automation_id, event_id, event_seq, "
                    "event_type, lead_id, status, actions, depth, at) "
                    "SELECT 'arun_seed' || g, $1, $2, 'ev_seed' || g, 1000000 + g, 'ping', "
                    "'ld_seed' || g, 'fired', '[]'::jsonb, 0, now() FROM generate_series(1, $3) AS g",
                    ws,
                    once["id"],
                    ROWS,
                )
            finally:
                await conn.close()
            await changes_counted(dsn, "automation_runs", ROWS)
            await post_event(client, tenant, lead["id"], "ping")
            await app.state.sequencer.drain()
            with statements_sent(app.state.db.engine.sync_engine) as seen:
                await consumer(app).run_once(ws)
            count, rows = await analysed_count(dsn, "automation_runs")
            assert count == analysed + 1
            assert rows >= ROWS  # its statistics see the runs now

            await post_event(client, tenant, lead["id"], "ping")
            await app.state.sequencer.drain()
            await consumer(app).run_once(ws)
            assert (await analysed_count(dsn, "automation_runs"))[0] == analysed + 1  # not every batch
    [(statement, parameters)] = [(s, p) for s, p in seen if "max(automation_runs.at)" in s]
    plan = await generic_plan(dsn, statement, parameters, analyze=True)
    read = [node for node in nodes(plan) if node.get("Relation Name") == "automation_runs"]
    assert read, json.dumps(plan, indent=1)
    assert sum(rows_read(node) for node in read) == 1, json.dumps(plan, indent=1)  # the lead's one run
