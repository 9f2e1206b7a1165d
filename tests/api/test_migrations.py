"""The Alembic history, run from an empty database, builds exactly the schema the models describe."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from leadapi.cli import alembic_config
from leadapi.db import create_engine
from leadapi.leads import fts
from leadapi.schema import UNMODELLED_INDEXES, include_name, metadata
from tests.conftest import PG_TEST_DB, fresh_pg_database, require_postgres


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_models(database_url: str) -> None:
    # `database_url` was migrated from empty to head by the session fixture.
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
            assert set(metadata.tables) <= await conn.run_sync(_tables)
    finally:
        await engine.dispose()


# The definitions of the unmodelled indexes that leads/fts.py does not spell (reads.py's `@>`).
JSON_INDEXES = {
    "ix_leads_tags_gin": "CREATE INDEX ix_leads_tags_gin ON public.leads USING gin (tags jsonb_path_ops)",
    "ix_leads_attributes_gin": (
        "CREATE INDEX ix_leads_attributes_gin ON public.leads USING gin (attributes jsonb_path_ops)"
    ),
}


def _pg_indexes(connection: Connection, names: list[str]) -> dict[str, str]:
    rows = connection.execute(
        text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'leads' AND indexname = ANY(:n)"),
        {"n": names},
    )
    return {row[0]: row[1] for row in rows}


def _pg_search_objects(connection: Connection) -> tuple[dict[str, str], dict[str, str]]:
    """(the unmodelled indexes as migrated, as the live code builds them now). The search index is
    built again from fts.PG_SEARCH_EXPRESSION, what reads.py queries, in a transaction rolled
    back: PostgreSQL spells the expression its own way, the same for both."""
    try:
        migrated = _pg_indexes(connection, sorted(UNMODELLED_INDEXES))
        connection.exec_driver_sql(
            f"CREATE INDEX ix_probe_search ON leads USING gin (({fts.PG_SEARCH_EXPRESSION}) gin_trgm_ops)"
        )
        probe = _pg_indexes(connection, ["ix_probe_search"])["ix_probe_search"]
    finally:
        connection.rollback()
    live = {**JSON_INDEXES, "ix_leads_search_trgm": probe.replace("ix_probe_search", "ix_leads_search_trgm")}
    return migrated, live


def _sqlite_fts_objects(connection: Connection) -> list[tuple[str, str, str, str]]:
    rows = connection.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE 'leads_fts%' ORDER BY name"
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def _sqlite_search_objects(
    connection: Connection,
) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]:
    """(the FTS table, its shadow tables and triggers as migrated, as fts.create_sqlite_fts builds
    them now on a copy of the migrated `leads` in memory)."""
    leads = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'leads'").scalar_one()
    scratch = create_sync_engine("sqlite://")
    try:
        with scratch.begin() as fresh:
            fresh.exec_driver_sql(leads)
            fts.create_sqlite_fts(fresh)
            live = _sqlite_fts_objects(fresh)
    finally:
        scratch.dispose()
    return _sqlite_fts_objects(connection), live


async def test_the_search_objects_are_what_leads_fts_builds(database_url: str) -> None:
    """The objects the model comparison leaves out (schema.UNMODELLED_INDEXES, SQLite's
    leads_fts*) exist after migrating, as the live code builds them: 0017 froze its own copy of
    leads/fts.py, so an edit there needs a revision of its own, and fails here until it has one."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                indexes, live_indexes = await conn.run_sync(_pg_search_objects)
                assert set(indexes) == UNMODELLED_INDEXES
                assert indexes == live_indexes
            else:
                objects, live_objects = await conn.run_sync(_sqlite_search_objects)
                names = {name for _, name, _, _ in objects}
                assert {fts.FTS_TABLE, *fts.SQLITE_FTS_TRIGGERS} <= names
                assert objects == live_objects
    finally:
        await engine.dispose()


async def _schema_state(url: str) -> tuple[set[str], list[Any]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_tables), await conn.run_sync(_diff)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_revision_downgrades_and_upgrades_again(kind: str, tmp_path: Path) -> None:
    """Down to empty and back up on a database of its own: each revision's downgrade undoes it
    (a broken one fails here, or leaves a schema the models no longer match)."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'roundtrip.db'}"
    else:
        require_postgres()
        url = asyncio.run(fresh_pg_database(f"{PG_TEST_DB}_roundtrip"))
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    tables, _ = asyncio.run(_schema_state(url))
    assert tables <= {"alembic_version"}
    command.upgrade(config, "head")
    tables, diff = asyncio.run(_schema_state(url))
    assert diff == []
    assert set(metadata.tables) <= tables


async def _run(url: str, statements: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    engine = create_engine(url)
    results: list[Any] = []
    try:
        async with engine.begin() as conn:
            for sql, params in statements:
                result = await conn.execute(text(sql), params)
                results.append(result.all() if result.returns_rows else None)
    finally:
        await engine.dispose()
    return results


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_0010_fills_milestones_from_history(kind: str, tmp_path: Path) -> None:
    """Leads that existed before revision 0010 get the milestones the reports read, from their
    stage history and events: stages_mask, stage_entered_at, each move's since, and
    first_activity_at."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'fill.db'}"
    else:
        require_postgres()
        url = asyncio.run(fresh_pg_database(f"{PG_TEST_DB}_fill"))
    config = alembic_config(url)
    command.upgrade(config, "0009")
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    lead = (
        "INSERT INTO leads (id, workspace_id, tags, external_ids, attributes, unsubscribed, stage, "
        "is_free_email, seniority, created_at, updated_at, version) VALUES (:id, 'ws_1', '[]', '{}', '{}', "
        "false, :stage, false, 'unknown', :at, :at, 1)"
    )
    move = (
        "INSERT INTO stage_changes (id, workspace_id, lead_id, from_stage, to_stage, at, by_kind) "
        "VALUES (:id, 'ws_1', :lead, :from_, :to, :at, 'system')"
    )
    event = (
        "INSERT INTO events (id, workspace_id, type, lead_id, occurred_at, data) "
        "VALUES (:id, 'ws_1', :type, :lead, :at, '{}')"
    )
    asyncio.run(
        _run(
            url,
            [
                ("INSERT INTO workspaces (id, name, created_at) VALUES ('ws_1', 'w', :at)", {"at": t0}),
                (lead, {"id": "ld_a", "stage": "nurturing", "at": t0}),
                (lead, {"id": "ld_b", "stage": "new", "at": t0}),
                (lead, {"id": "ld_c", "stage": "customer", "at": t0}),
                (
                    "INSERT INTO stage_changes (id, workspace_id, lead_id, from_stage, to_stage, at, "
                    "by_kind, amount) "
                    "VALUES ('sc_3', 'ws_1', 'ld_c', 'new', 'customer', :at, 'system', 1500)",
                    {"at": t0 + timedelta(hours=2)},
                ),
                (
                    move,
                    {
                        "id": "sc_1",
                        "lead": "ld_a",
                        "from_": "new",
                        "to": "sql",
                        "at": t0 + timedelta(hours=1),
                    },
                ),
                (
                    move,
                    {
                        "id": "sc_2",
                        "lead": "ld_a",
                        "from_": "sql",
                        "to": "nurturing",
                        "at": t0 + timedelta(hours=3),
                    },
                ),
                (event, {"id": "ev_1", "type": "lead.created", "lead": "ld_a", "at": t0}),
                (
                    event,
                    {"id": "ev_2", "type": "lead.rejected", "lead": "ld_a", "at": t0 + timedelta(hours=3)},
                ),
                (event, {"id": "ev_3", "type": "page_view", "lead": "ld_a", "at": t0 + timedelta(days=2)}),
                (event, {"id": "ev_4", "type": "pricing", "lead": "ld_a", "at": t0 + timedelta(days=1)}),
                (event, {"id": "ev_5", "type": "pricing", "lead": "ld_b", "at": t0 - timedelta(days=1)}),
            ],
        )
    )
    command.upgrade(config, "head")
    leads, moves = asyncio.run(
        _run(
            url,
            [
                (
                    "SELECT id, stages_mask, stage_entered_at, first_activity_at, won_amount FROM leads "
                    "ORDER BY id",
                    {},
                ),
                ("SELECT id, since FROM stage_changes ORDER BY id", {}),
            ],
        )
    )

    def utc(value: Any) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed

    # ld_a: new, sql, nurturing (bits 0, 2, 6) and rejected (bit 62); ld_b: new only, and its one
    # event came before it was created; ld_c: new and customer (bit 5), won for 1500.
    assert [(r[0], r[1], utc(r[2]), utc(r[3]), None if r[4] is None else float(r[4])) for r in leads] == [
        ("ld_a", 1 | 4 | 64 | 1 << 62, t0 + timedelta(hours=3), t0 + timedelta(days=1), None),
        ("ld_b", 1, t0, None, None),
        ("ld_c", 1 | 32, t0 + timedelta(hours=2), None, 1500.0),
    ]
    assert [(r[0], utc(r[1])) for r in moves] == [
        ("sc_1", t0),
        ("sc_2", t0 + timedelta(hours=1)),
        ("sc_3", t0),
    ]
