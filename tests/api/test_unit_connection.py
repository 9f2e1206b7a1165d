"""Database.transaction's connection (db.UnitConnection): started on first use, the pooled
driver connection lent to a one-statement fast path before that, every connection given back
at the end, and what began committed or rolled back as a whole. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from leadapi.config import Settings
from leadapi.db import Database, UnitConnection, create_engine


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """A Database of its own, so the pool's count is this test's alone."""
    database = Database(create_engine(settings.database_url, pool_size=2, max_overflow=2))
    yield database
    await database.dispose()


def _checked_out(db: Database) -> int:
    pool = db.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)  # both databases' engines pool this way
    return pool.checkedout()


async def _count(db: Database, marker: str) -> int:
    """What has committed, read on a connection of its own (autocommit: on SQLite it takes no
    write lock, so it can read while a unit holds one)."""
    async with db.read_statements() as conn:
        found = await conn.execute(text("SELECT count(*) FROM workspaces WHERE name = :n"), {"n": marker})
        return int(found.scalar_one())


async def _insert(conn: Any, marker: str, ident: str) -> None:
    await conn.execute(
        text("INSERT INTO workspaces (id, name, created_at) VALUES (:id, :n, CURRENT_TIMESTAMP)"),
        {"id": ident, "n": marker},
    )


async def _write_then_fail(db: Database) -> None:
    async with db.transaction() as conn:
        await _insert(conn, "unit-rollback", "ws_unit_rollback_1")
        raise RuntimeError("after the write")


async def _savepoint_then_fail(conn: Any) -> None:
    async with conn.begin_nested():
        await _insert(conn, "unit-savepoint", "ws_unit_savepoint_1")
        raise RuntimeError("undo the savepoint alone")


async def test_a_unit_that_runs_nothing_holds_no_connection(db: Database) -> None:
    before = _checked_out(db)
    async with db.transaction() as conn:
        assert isinstance(conn, UnitConnection)
        assert conn.sync_connection is None
        assert not conn.in_transaction()
        assert conn.dialect.name == db.dialect  # readable before the start
        assert _checked_out(db) == before
    assert _checked_out(db) == before


async def test_statements_start_it_and_commit_together(db: Database) -> None:
    before = _checked_out(db)
    async with db.transaction() as conn:
        await _insert(conn, "unit-commit", "ws_unit_commit_1")
        assert conn.in_transaction()
        async with conn.begin_nested():
            await _insert(conn, "unit-commit", "ws_unit_commit_2")
        assert await _count(db, "unit-commit") == 0  # not committed yet
    assert await _count(db, "unit-commit") == 2
    assert _checked_out(db) == before


async def test_a_failure_rolls_back_everything_it_began(db: Database) -> None:
    before = _checked_out(db)
    with pytest.raises(RuntimeError):
        await _write_then_fail(db)
    assert await _count(db, "unit-rollback") == 0
    assert _checked_out(db) == before


async def test_a_savepoint_can_be_the_first_thing_it_does(db: Database) -> None:
    async with db.transaction() as conn:
        with pytest.raises(RuntimeError):
            await _savepoint_then_fail(conn)
        await _insert(conn, "unit-savepoint", "ws_unit_savepoint_2")
    assert await _count(db, "unit-savepoint") == 1


@pytest.mark.usefixtures("postgres_only")
async def test_a_fast_path_borrows_the_driver_connection_and_gives_it_back(db: Database) -> None:
    before = _checked_out(db)
    async with db.transaction() as conn:
        raw = await Database.driver(conn)
        assert conn.sync_connection is None  # no SQLAlchemy connection around the fast path
        assert _checked_out(db) == before + 1
        await raw.execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, now())",
            "ws_unit_fast_1",
            "unit-fast",
        )
        assert await _count(db, "unit-fast") == 1  # one statement, committed on its own
        # The general path after it: the borrowed connection goes back, the unit starts.
        await _insert(conn, "unit-fast", "ws_unit_fast_2")
        assert _checked_out(db) == before + 1
        inside = await Database.driver(conn)  # now the unit's own, each statement a savepoint
        assert inside is not raw
        await inside.execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, now())",
            "ws_unit_fast_3",
            "unit-fast",
        )
        assert await _count(db, "unit-fast") == 1  # the unit's two are not committed yet
    assert await _count(db, "unit-fast") == 3
    assert _checked_out(db) == before


@pytest.mark.usefixtures("postgres_only")
async def test_a_unit_the_fast_path_served_gives_its_connection_back(db: Database) -> None:
    before = _checked_out(db)
    async with db.transaction() as conn:
        raw = await Database.driver(conn)
        assert await raw.fetchval("SELECT 1") == 1
        assert _checked_out(db) == before + 1
    assert conn.sync_connection is None  # served without SQLAlchemy's connection
    assert _checked_out(db) == before
