"""PostgreSQL's plans for what duplicates read and delete: the review queue (by score, in pages, with
score filters), the consumer's reads per batch (the leads of its events, the leads under their
blocking keys, their pending pairs), the sweep's next batch of leads, the batch match, and the
consumer's queue, each through an index under a generic plan, never by scanning the leads, the
keys or the pairs; what a sweep does once over the whole workspace reads it however the planner
likes.

The statements are the ones the app sends (recorded from its engine while the requests and
consumer rounds run), over a workspace, and a neighbour, seeded with many leads, keys and pairs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
from bench.reads import seed_leads
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.app import create_app
from leadapi.duplicates.repository import DuplicateRepository, behind_statement
from leadapi.flows.duplicates import DuplicateConsumer
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.factories import new_lead
from tests.plans import analysed_count, changes_counted, generic_plan, rows_read, statements_sent

DATABASE = f"{PG_TEST_DB}_duplicate_plans"
LEADS = 20_000
BIG_TABLES = {"leads", "duplicate_keys", "duplicate_filings", "duplicate_pairs", "events"}


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def test_duplicate_reads_use_their_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = quiet_settings(url)
    async with serving(create_app(settings, clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            neighbour = await make_tenant(app, "neighbour")
            ws = tenant.workspace_id
            conn = await asyncpg.connect(dsn)
            try:
                await seed_leads(conn, ws, LEADS, "ld_s")
                await seed_leads(conn, neighbour.workspace_id, LEADS, "ld_n")
            finally:
                await conn.close()
            consumer = DuplicateConsumer(app.state.db, app.state.services.duplicate_flow)
            for workspace in (ws, neighbour.workspace_id):  # the first look sweeps every lead
                while await consumer.run_once(workspace):
                    pass
            conn = await asyncpg.connect(dsn)
            try:
                # The sweeps analysed the keys they filed from nothing (so their statements are
                # planned on the keys' real size), each time the keys had about doubled, not
                # every batch: 40 batches of 1,000 leads, 4 keys a lead.
                analysed = await conn.fetchval(
                    "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'duplicate_keys'"
                )
                assert 1 <= analysed <= 10, analysed
                # A queue of many pairs in both workspaces, a fifth of them dismissed, queued by
                # a flag_only policy (so the sweep below, which does not find them, keeps them).
                for workspace, prefix in ((ws, "ld_s"), (neighbour.workspace_id, "ld_n")):
                    await conn.execute(
                        "INSERT INTO duplicate_pairs (id, workspace_id, lead_id, other_lead_id, score, "
                        "reasons, status, created_at, updated_at, flagged_on) SELECT $2 || '_dup' || g, "
                        "$1, $2 || lpad(g::text, 9, '0'), $2 || lpad((g + 1)::text, 9, '0'), 60 + g % 41, "
                        "'[\"phone\"]'::jsonb, CASE WHEN g % 5 = 0 THEN 'dismissed' ELSE 'pending' END, "
                        "now(), now(), 'phone' FROM generate_series(1, $3, 2) AS g",
                        workspace,
                        prefix,
                        LEADS - 1,
                    )
                await conn.execute("ANALYZE")
            finally:
                await conn.close()
            ada = await new_lead(client, tenant, "plans@acme.com", first_name="Ada", last_name="Plans")
            await app.state.sequencer.drain()
            # A sweep under way, half-way through: its next batch is planned too.
            await client.post("/v1/duplicates/sweep", headers=tenant.admin)

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                text = statement.lstrip().upper()
                if text.startswith(("SELECT", "DELETE")) and (
                    "duplicate_" in statement or "FROM leads" in statement
                ):
                    seen.append((statement, tuple(parameters)))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            try:
                while await consumer.run_once(ws):  # the capture, then the sweep to its end
                    pass
                # A lead moving city: its old keys deleted, each by the keys' primary key.
                moved = await client.patch(
                    f"/v1/leads/{ada['id']}", json={"city": "Oslo"}, headers=tenant.write
                )
                assert moved.status_code == 200, moved.text
                await app.state.sequencer.drain()
                while await consumer.run_once(ws):
                    pass
                first = await client.get("/v1/duplicates", params={"limit": 5}, headers=tenant.read)
                assert first.status_code == 200, first.text
                assert first.json()["next_cursor"]
                pages: list[dict[str, str | int]] = [
                    {"cursor": first.json()["next_cursor"]},
                    {"min_score": 70},
                    {"max_score": 80, "status": "dismissed"},
                ]
                for params in pages:
                    response = await client.get("/v1/duplicates", params=params, headers=tenant.read)
                    assert response.status_code == 200, response.text
                match = {"leads": [{"email": "u7@acme.com", "first_name": "Ada", "last_name": "Plans"}]}
                response = await client.post("/v1/leads/match", json=match, headers=tenant.read)
                assert response.status_code == 200, response.text
            finally:
                event.remove(engine, "before_cursor_execute", record)
        sent = "\n".join(statement for statement, _ in seen)
        assert "FROM duplicate_keys" in sent, sent  # the leads under a lead's keys
        # ...read and filtered in one statement, a range of the keys' primary key per key.
        assert "CROSS JOIN LATERAL" in sent, sent
        assert "ORDER BY duplicate_pairs.score DESC" in sent, sent  # the queue
        assert "ORDER BY leads.created_at" in sent, sent  # the sweep's batch
        assert "DELETE FROM duplicate_pairs" in sent, sent  # pairs no longer alike
        assert "DELETE FROM duplicate_keys WHERE workspace_id" in sent, sent  # a lead's old keys
        # Once a sweep, statements over the whole workspace: the keys of filings that differ from
        # the staged ones deleted as they load, every key grouped to pair them, and the pending
        # pairs not found again dropped. Each reads the workspace's share of its tables, which
        # here is half of them: a scan is the planner's to choose.
        pairing = [
            statement
            for statement, _ in seen
            if "GROUP BY duplicate_keys.key" in statement
            or "duplicate_pairs.updated_at <" in statement
            or statement.startswith("DELETE FROM duplicate_keys AS k USING duplicate_sweep_filings")
        ]
        assert len(pairing) == 3, pairing
        compiled = behind_statement(50).compile(dialect=dialect())  # type: ignore[no-untyped-call]
        seen.append((str(compiled), tuple(compiled.params[k] for k in compiled.positiontup or ())))
        for statement, parameters in seen:
            plan = await generic_plan(dsn, statement, parameters)
            kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
            scanned = [table for kind, table in kinds if kind == "Seq Scan" and table in BIG_TABLES]
            if statement in pairing:
                whole = ("duplicate_keys", "duplicate_filings", "duplicate_pairs", "leads")
                scanned = [t for t in scanned if t not in whole]
            assert not scanned, statement + "\n" + json.dumps(plan, indent=1)
            if "FROM duplicate_pairs AS p" in statement:  # a lead's pending pairs, by side
                probed = {node.get("Index Name") for node in nodes(plan) if node.get("Relation Name")}
                assert probed == {
                    "uq_duplicate_pairs_workspace_id_lead_id_other_lead_id",
                    "ix_duplicate_pairs_workspace_id_other_lead_id",
                }, statement + "\n" + json.dumps(plan, indent=1)
            if "ORDER BY duplicate_pairs.score" in statement or "ORDER BY leads.created_at" in statement:
                assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), (
                    statement + "\n" + json.dumps(plan, indent=1)
                )


async def test_a_batch_reads_its_pending_pairs_by_probes_on_statistics_of_an_empty_table() -> None:
    """The consumer fills `duplicate_pairs` as fast as a sweep does (each capture of a common name at
    a company pairs it with up to MAX_BLOCK leads), on statistics taken while the table was empty.
    On those, every index of the table looks the same size; the pending pairs of a batch's leads,
    from their own side, were read through the other side's partial index (the smallest) by
    workspace alone and filtered by lead: every pending pair of the workspace once per id, 10 s a
    batch in the rollup lag bench. Each id is one probe of its side's index: the rows read are the
    batch's pairs."""
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{DATABASE}_stale")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = quiet_settings(url)
    pending = 20_000
    async with serving(create_app(settings, clock=Clock())) as app:
        tenant = await make_tenant(app, "stale")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("ANALYZE duplicate_pairs")  # empty: what the statistics will say
            # Lead n paired with lead n + 1: a batch's id is on each side of one pair.
            await conn.execute(
                "INSERT INTO duplicate_pairs (id, workspace_id, lead_id, other_lead_id, score, reasons, "
                "status, created_at, updated_at) SELECT 'dp_' || g, $1, 'ld_' || lpad(g::text, 9, '0'), "
                "'ld_' || lpad((g + 1)::text, 9, '0'), 85, '[\"name_and_company_domain\"]'::jsonb, "
                "'pending', now(), now() FROM generate_series(1, $2) AS g",
                tenant.workspace_id,
                pending,
            )
        finally:
            await conn.close()
        ids = [f"ld_{n:09d}" for n in range(2, 1000, 2)]
        with statements_sent(app.state.db.engine.sync_engine) as seen:
            async with app.state.db.engine.connect() as tx:  # recorded, then rolled back
                await DuplicateRepository(tx, tenant.workspace_id).drop_pending(ids)
                await tx.rollback()
        [(statement, parameters)] = [(s, p) for s, p in seen if "FROM duplicate_pairs AS p" in s]
        plan = await generic_plan(dsn, statement, parameters, analyze=True)
        # The consumer's detection analyses the pairs it finds grown past their statistics, as
        # the sweep does: here the ids are of no lead, so their pairs are dropped as gone.
        analysed, _ = await analysed_count(dsn, "duplicate_pairs")
        await changes_counted(dsn, "duplicate_pairs", pending)
        async with app.state.db.transaction() as tx:
            await app.state.services.duplicates.detect(tx, tenant.workspace_id, ids)
        count, rows = await analysed_count(dsn, "duplicate_pairs")
        assert count == analysed + 1
        assert rows >= pending - 2 * len(ids)
        conn = await asyncpg.connect(dsn)
        try:
            left = await conn.fetchval("SELECT count(*) FROM duplicate_pairs")
        finally:
            await conn.close()
    assert left == pending - 2 * len(ids)  # each id's pair from either side, dropped
    read = [node for node in nodes(plan) if node.get("Relation Name") == "duplicate_pairs"]
    assert len(read) == 2, json.dumps(plan, indent=1)  # one probe per side
    # The workspace holds twenty times as many.
    assert sum(rows_read(n) for n in read) == 2 * len(ids), json.dumps(plan, indent=1)
