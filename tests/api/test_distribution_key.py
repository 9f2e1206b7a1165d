"""The distribution key (issue 24, docs/scaling.md): in the migrated schema, every table carries
`workspace_id`, and every primary key, unique constraint (or unique index) and foreign key
includes it, unless the table is one of schema.REFERENCE_TABLES. And revision 0039, which made it
so, keeps the rows of a database it upgrades."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from leadapi.cli import alembic_config
from leadapi.db import create_engine
from leadapi.schema import REFERENCE_TABLES, metadata
from tests.conftest import PG_TEST_DB, fresh_pg_database, require_postgres

KEY = "workspace_id"


def _not_ours(name: str) -> bool:
    # Alembic's bookkeeping, and SQLite's FTS5 table and its shadow tables (leads/fts.py).
    return name == "alembic_version" or name.startswith("leads_fts")


def distribution_key_violations(connection: Connection) -> list[str]:
    """Every way a table of the connected schema breaks the rule, as readable lines."""
    found = inspect(connection)
    problems: list[str] = []
    tables = [t for t in found.get_table_names() if not _not_ours(t)]
    for table in tables:
        if table in REFERENCE_TABLES:
            continue
        columns = {c["name"] for c in found.get_columns(table)}
        if KEY not in columns:
            problems.append(f"{table}: no {KEY} column")
            continue
        primary = found.get_pk_constraint(table)["constrained_columns"]
        if KEY not in primary:
            problems.append(f"{table}: primary key {primary} without {KEY}")
        for unique in found.get_unique_constraints(table):
            if KEY not in unique["column_names"]:
                problems.append(f"{table}: unique {unique['name']} {unique['column_names']} without {KEY}")
        for index in found.get_indexes(table):
            if index.get("unique") and KEY not in index["column_names"]:
                named = f"{index['name']} {index['column_names']}"
                problems.append(f"{table}: unique index {named} without {KEY}")
        for fk in found.get_foreign_keys(table):
            local, parent, remote = fk["constrained_columns"], fk["referred_table"], fk["referred_columns"]
            if KEY not in local:
                problems.append(f"{table}: foreign key {local} -> {parent} without {KEY}")
            elif parent in REFERENCE_TABLES:
                continue
            elif remote[local.index(KEY)] != KEY:
                problems.append(f"{table}: foreign key {local} -> {parent}{remote}: {KEY} not matched")
    return problems


def _tables(connection: Connection) -> set[str]:
    return {t for t in inspect(connection).get_table_names() if not _not_ours(t)}


async def test_every_table_is_distributed_by_workspace_or_listed_as_reference(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(distribution_key_violations) == []
            tables = await conn.run_sync(_tables)
    finally:
        await engine.dispose()
    # Every reference table exists and says why it is one.
    assert set(REFERENCE_TABLES) <= tables
    assert all(len(reason) > 20 for reason in REFERENCE_TABLES.values())
    assert set(metadata.tables) <= tables


def test_the_check_finds_a_table_that_breaks_the_rule(tmp_path: Path) -> None:
    """The check can fail: tables keyed, made unique or referenced without workspace_id."""
    from sqlalchemy import create_engine as create_sync_engine

    engine = create_sync_engine(f"sqlite:///{tmp_path / 'rule.db'}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE workspaces (id VARCHAR(32) PRIMARY KEY)")
            conn.exec_driver_sql("CREATE TABLE loose (id VARCHAR(32) PRIMARY KEY, name VARCHAR(10))")
            conn.exec_driver_sql(
                "CREATE TABLE parent (id VARCHAR(32), workspace_id VARCHAR(32) REFERENCES workspaces (id), "
                "code VARCHAR(10), PRIMARY KEY (id), CONSTRAINT uq_code UNIQUE (code))"
            )
            conn.exec_driver_sql(
                "CREATE TABLE child (id VARCHAR(32), workspace_id VARCHAR(32), parent_id VARCHAR(32) "
                "REFERENCES parent (id), PRIMARY KEY (id, workspace_id))"
            )
            conn.exec_driver_sql("CREATE UNIQUE INDEX ux_child_parent ON child (parent_id)")
            problems = distribution_key_violations(conn)
    finally:
        engine.dispose()
    assert sorted(problems) == sorted(
        [
            "loose: no workspace_id column",
            "parent: primary key ['id'] without workspace_id",
            "parent: unique uq_code ['code'] without workspace_id",
            "child: unique index ux_child_parent ['parent_id'] without workspace_id",
            "child: foreign key ['parent_id'] -> parent without workspace_id",
        ]
    )


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


T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

_BEFORE: list[tuple[str, dict[str, Any]]] = [
    ("INSERT INTO workspaces (id, name, created_at) VALUES (:w, 'w', :at)", {"w": "ws_a", "at": T0}),
    ("INSERT INTO workspaces (id, name, created_at) VALUES (:w, 'w', :at)", {"w": "ws_b", "at": T0}),
    *[
        (
            "INSERT INTO leads (id, workspace_id, email, tags, external_ids, attributes, unsubscribed, "
            "stage, is_free_email, seniority, created_at, updated_at, version) "
            "VALUES (:id, :w, :email, '[]', '{}', '{}', false, 'new', false, 'unknown', :at, :at, 1)",
            {"id": lead, "w": ws, "email": f"{lead}@example.com", "at": T0},
        )
        for lead, ws in (("ld_a1", "ws_a"), ("ld_a2", "ws_a"), ("ld_b1", "ws_b"))
    ],
    *[
        (
            "INSERT INTO lead_external_ids (workspace_id, lead_id, system, external_id) "
            "VALUES (:w, :lead, 'crm', :x)",
            {"w": ws, "lead": lead, "x": x},
        )
        for ws, lead, x in (("ws_a", "ld_a1", "1"), ("ws_a", "ld_a2", "2"), ("ws_b", "ld_b1", "1"))
    ],
    (
        "INSERT INTO tasks (id, workspace_id, lead_id, owner_id, type, status, due_at, version, created_at, "
        "updated_at) VALUES ('tk_1', 'ws_a', 'ld_a1', 'ow_1', 'call', 'open', :at, 1, :at, :at)",
        {"at": T0},
    ),
    (
        "INSERT INTO events (id, workspace_id, seq, type, lead_id, occurred_at, data) "
        "VALUES ('ev_1', 'ws_b', 1, 'lead.created', 'ld_b1', :at, '{}')",
        {"at": T0},
    ),
    (
        "INSERT INTO imports (id, workspace_id, job_id, status, format, options, size_bytes, parts, "
        "rows_estimated, rows_read, rows_created, rows_merged, rows_refused, rows_skipped, cancel_requested, "
        "created_at, updated_at) VALUES ('im_1', 'ws_b', 'jb_1', 'queued', 'csv', '{}', 3, 1, 1, 0, 0, 0, "
        "0, 0, false, :at, :at)",
        {"at": T0},
    ),
    ("INSERT INTO import_parts (import_id, seq, data) VALUES ('im_1', 0, :data)", {"data": b"a,b"}),
    (
        "INSERT INTO import_outcomes (import_id, row, ordinal, outcome, lead_id, field, message) "
        "VALUES ('im_1', 2, 0, 'refused', NULL, 'email', 'bad')",
        {},
    ),
]

_AFTER: list[tuple[str, dict[str, Any]]] = [
    ("SELECT id, workspace_id, email FROM leads ORDER BY id", {}),
    ("SELECT workspace_id, lead_id, system, external_id FROM lead_external_ids ORDER BY lead_id", {}),
    ("SELECT id, workspace_id, lead_id FROM tasks", {}),
    ("SELECT id, workspace_id, seq FROM events", {}),
    ("SELECT workspace_id, import_id, seq FROM import_parts", {}),
    ("SELECT workspace_id, import_id, row, field FROM import_outcomes", {}),
]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_0039_keeps_the_rows_of_a_populated_database(kind: str, tmp_path: Path) -> None:
    """Upgrading from 0036 with rows in place: the rows stay (FTS search included on SQLite), the
    new column is filled from the parent, and the new keys are enforced."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'populated.db'}"
    else:
        require_postgres()
        url = asyncio.run(fresh_pg_database(f"{PG_TEST_DB}_distkey"))
    config = alembic_config(url)
    command.upgrade(config, "0036")
    asyncio.run(_run(url, _BEFORE))
    command.upgrade(config, "head")
    leads, ext, tasks, events, parts, outcomes = asyncio.run(_run(url, _AFTER))
    assert leads == [
        ("ld_a1", "ws_a", "ld_a1@example.com"),
        ("ld_a2", "ws_a", "ld_a2@example.com"),
        ("ld_b1", "ws_b", "ld_b1@example.com"),
    ]
    assert ext == [
        ("ws_a", "ld_a1", "crm", "1"),
        ("ws_a", "ld_a2", "crm", "2"),
        ("ws_b", "ld_b1", "crm", "1"),
    ]
    assert tasks == [("tk_1", "ws_a", "ld_a1")]
    assert events == [("ev_1", "ws_b", 1)]
    assert parts == [("ws_b", "im_1", 0)]
    assert outcomes == [("ws_b", "im_1", 2, "email")]
    if kind == "sqlite":
        (found,) = asyncio.run(_run(url, [("SELECT rowid FROM leads_fts WHERE leads_fts MATCH 'ld_a2'", {})]))
        assert len(found) == 1
    # A task of ws_a cannot point at ws_b's lead: the foreign key includes the workspace.
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        asyncio.run(
            _run(
                url,
                [
                    (
                        "INSERT INTO tasks (id, workspace_id, lead_id, owner_id, type, status, due_at, "
                        "version, created_at, updated_at) VALUES ('tk_2', 'ws_a', 'ld_b1', 'ow_1', 'call', "
                        "'open', :at, 1, :at, :at)",
                        {"at": T0},
                    )
                ],
            )
        )
    # Deleting a lead still cascades to its rows.
    asyncio.run(_run(url, [("DELETE FROM leads WHERE id = 'ld_a1'", {})]))
    _, ext, tasks, *_ = asyncio.run(_run(url, _AFTER))
    assert [row[1] for row in ext] == ["ld_a2", "ld_b1"]
    assert tasks == []


def test_docs_scaling_distributes_every_table() -> None:
    """docs/scaling.md's Citus commands name every table once: the reference tables as reference,
    every other as distributed by workspace_id and co-located with leads."""
    doc = (Path(__file__).parents[2] / "docs" / "scaling.md").read_text()
    reference = set(re.findall(r"create_reference_table\('(\w+)'\)", doc))
    distributed = re.findall(r"create_distributed_table\('(\w+)', 'workspace_id'", doc)
    assert reference == set(REFERENCE_TABLES)
    assert len(distributed) == len(set(distributed))
    assert set(distributed) == set(metadata.tables) - set(REFERENCE_TABLES)
