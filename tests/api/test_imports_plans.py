"""PostgreSQL's plans for what imports read: the list (newest first, keyset over created_at and
id), one import, its report (the outcomes in row order, a page after a (row, ordinal) keyset),
and the job's reads of the spooled parts, each through an index under a generic plan, with no
sort for the ordered reads, never by scanning the imports or their outcomes.

The statements are the ones the app sends (recorded from its engine while the requests and an
import job run), over a workspace, and a neighbour, seeded with many imports and outcomes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from leadapi.app import create_app
from leadapi.jobs.loop import run_job
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

DATABASE = f"{PG_TEST_DB}_import_plans"
IMPORTS = 20_000
OUTCOMES = 50_000
BIG_TABLES = {"imports", "import_outcomes", "import_parts"}


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def test_import_reads_use_their_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = quiet_settings(url, import_chunk_rows=2)
    async with serving(create_app(settings, clock=Clock())) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            tenant = await make_tenant(app, "plans")
            neighbour = await make_tenant(app, "neighbour")
            body = b"email\nbad\nalso bad\n" + b"".join(b"p%d@plans.com\n" % i for i in range(5))
            upload = await client.post(
                "/v1/imports", content=body, headers={**tenant.write, "Content-Type": "text/csv"}
            )
            assert upload.status_code == 202, upload.text
            import_id = upload.json()["id"]
            conn = await asyncpg.connect(dsn)
            try:
                for ws, prefix in ((tenant.workspace_id, "imp_s"), (neighbour.workspace_id, "imp_n")):
                    await conn.execute(
                        "INSERT INTO imports SELECT $2 || lpad(g::text, 9, '0'), $1, 'job', 'succeeded', "
                        "'csv', '{}'::jsonb, 10, 0, 1, 1, 1, 0, 0, 0, false, NULL, "
                        "now() - make_interval(secs => g), 'key', NULL, now(), NULL "
                        "FROM generate_series(1, $3) AS g",
                        ws,
                        prefix,
                        IMPORTS,
                    )
                    await conn.execute(
                        "INSERT INTO import_parts (workspace_id, import_id, seq, data) "
                        "SELECT workspace_id, id, 0, 'x'::bytea FROM imports "
                        "WHERE workspace_id = $1 AND starts_with(id, $2)",
                        ws,
                        prefix,
                    )
                    await conn.execute(
                        "INSERT INTO import_outcomes (workspace_id, import_id, row, ordinal, outcome, "
                        "lead_id, field, message) SELECT $3, $1 || '000000001', g, 0, 'refused', NULL, "
                        "'email', 'bad' FROM generate_series(1, $2) AS g",
                        prefix,
                        OUTCOMES,
                        ws,
                    )
                await conn.execute("ANALYZE")
            finally:
                await conn.close()

            seen: list[tuple[str, tuple[Any, ...]]] = []

            def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
                if statement.lstrip().upper().startswith("SELECT") and any(
                    f"FROM {table}" in statement for table in BIG_TABLES
                ):
                    seen.append((statement, tuple(parameters)))

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", record)
            try:
                while await run_job(app.state.db, app.state.jobs):
                    pass
                first = await client.get("/v1/imports", params={"limit": 5}, headers=tenant.read)
                assert first.status_code == 200, first.text
                for path, params in (
                    ("/v1/imports", {"cursor": first.json()["next_cursor"]}),
                    (f"/v1/imports/{import_id}", {}),
                    (f"/v1/imports/{import_id}/errors", {}),
                    ("/v1/imports/imp_s000000001/errors", {}),  # a page after a page
                ):
                    response = await client.get(path, params=params, headers=tenant.read)
                    assert response.status_code == 200, response.text
            finally:
                event.remove(engine, "before_cursor_execute", record)
            done = await client.get(f"/v1/imports/{import_id}", headers=tenant.read)
            assert (done.json()["rows_created"], done.json()["rows_refused"]) == (5, 2)
    sent = "\n".join(statement for statement, _ in seen)
    assert "ORDER BY imports.created_at DESC" in sent, sent
    assert "ORDER BY import_outcomes.row" in sent, sent
    assert "FROM import_parts" in sent, sent
    for statement, parameters in seen:
        plan = await generic_plan(dsn, statement, parameters)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        scanned = [table for kind, table in kinds if kind == "Seq Scan" and table in BIG_TABLES]
        assert not scanned, statement + "\n" + json.dumps(plan, indent=1)
        if "ORDER BY" in statement:
            assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), (
                statement + "\n" + json.dumps(plan, indent=1)
            )
