"""PostgreSQL's plans for what enrichment reads: the sweep's queue of runs due (across workspaces,
by due time), a workspace's providers page, and a cached answer, each through an index under a
generic plan, never by scanning the runs, the providers or the cache."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
from bench.reads import seed_leads
from sqlalchemy import Select
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.enrichment.repository import EnrichmentRepository, cache, due_runs, providers
from tests.conftest import PG_TEST_DB, migrated_pg_database, require_postgres
from tests.plans import generic_plan

DATABASE = f"{PG_TEST_DB}_enrichment_plans"
LEADS = 20_000
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def compiled(stmt: Select[Any], values: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The statement as the app's asyncpg connections send it, with its parameters in order."""
    done = stmt.compile(dialect=dialect())  # type: ignore[no-untyped-call]
    return str(done), tuple(values.get(name, done.binds[name].value) for name in done.positiontup or ())


def scans(plan: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(n["Node Type"], n.get("Index Name")) for n in nodes(plan) if "Scan" in n["Node Type"]]


async def test_enrichment_reads_use_their_indexes() -> None:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(DATABASE)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    try:
        for ws in ("ws_plans", "ws_neighbour"):
            await conn.execute("INSERT INTO workspaces (id, name, created_at) VALUES ($1, $1, now())", ws)
            await seed_leads(conn, ws, LEADS, f"ld_{ws[3:6]}")
            await conn.execute(
                "INSERT INTO enrichment_providers (id, workspace_id, name, kind, url_template, headers, "
                "mapping, overwrite, timeout_seconds, cache_ttl_seconds, active, created_at, updated_at) "
                "SELECT 'enp_' || $1 || g, $1, 'p' || g, 'http', 'https://x.test/{email}', '{}', "
                '\'{"$.a": "title"}\', false, 5, 60, true, now(), now() FROM generate_series(1, 20) g',
                ws,
            )
            # Runs: most due later (the queue's tail), a few due now.
            await conn.execute(
                "INSERT INTO enrichment_runs (workspace_id, lead_id, provider_id, due_at, attempts) "
                "SELECT workspace_id, id, 'enp_' || workspace_id || '1', "
                "$2::timestamptz + (row_number() OVER (ORDER BY id) - 50) * interval '1 minute', 0 "
                "FROM leads WHERE workspace_id = $1",
                ws,
                NOW,
            )
            await conn.execute(
                "INSERT INTO enrichment_cache (workspace_id, provider_id, key, response, expires_at) "
                "SELECT workspace_id, 'enp_' || workspace_id || '1', md5(id) || md5(id), '{}', "
                "$2::timestamptz + interval '1 day' FROM leads WHERE workspace_id = $1",
                ws,
                NOW,
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()

    # The sweep's queue: the earliest runs due, read off ix_enrichment_runs_due_at.
    sql, params = compiled(due_runs(True), {"now": NOW, "limit": 50})
    plan = await generic_plan(dsn, sql, params)
    assert ("Index Scan", "ix_enrichment_runs_due_at") in scans(plan), plan
    assert not any(kind == "Seq Scan" for kind, _ in scans(plan)), plan

    # A workspace's providers, by id.
    repo = EnrichmentRepository(None, "ws_plans")  # type: ignore[arg-type]  # builds statements only
    page = repo.scoped_select(providers).order_by(providers.c.id).limit(51)
    sql, params = compiled(page, {})
    plan = await generic_plan(dsn, sql, params)
    assert all(kind != "Seq Scan" for kind, _ in scans(plan)), plan

    # A cached answer, by its key (the primary key).
    lookup = repo.scoped_select(cache, cache.c.response).where(
        cache.c.provider_id == "enp_ws_plans1", cache.c.key == "k" * 64, cache.c.expires_at > NOW
    )
    sql, params = compiled(lookup, {})
    plan = await generic_plan(dsn, sql, params)
    assert [kind for kind, _ in scans(plan)] == ["Index Scan"], plan
