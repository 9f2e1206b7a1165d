"""The Alembic history, run from an empty database, builds exactly the schema the models describe."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from leadapi.cli import alembic_config
from leadapi.db import create_engine
from leadapi.schema import metadata
from tests.conftest import PG_TEST_DB, fresh_pg_database, require_postgres


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
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
