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
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from leadapi.cli import alembic_config
from leadapi.db import create_engine
from leadapi.schema import include_name, metadata
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
