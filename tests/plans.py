"""The plan PostgreSQL makes for a statement as the app's connections run it: prepared, under a
generic plan (what a pooled connection settles on after a few executions), with the parameters
written in as literals of the types PostgreSQL inferred for them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import Engine, event


def sql_literal(value: Any, kind: str) -> str:
    """`value` as an SQL literal of the type `kind` (as PostgreSQL names it: `text`, `int4[]`)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        value = value.isoformat()
    if isinstance(value, list | tuple):
        inner = ", ".join("NULL" if v is None else "'" + str(v).replace("'", "''") + "'" for v in value)
        return f"ARRAY[{inner}]::{kind}"
    return "'" + str(value).replace("'", "''") + "'::" + kind


async def generic_plan(
    dsn: str, statement: str, parameters: tuple[Any, ...], *, analyze: bool = False
) -> dict[str, Any]:
    """The generic plan of `statement` (asyncpg's `$n` placeholders) for these parameters; with
    `analyze`, run, with the rows each node read."""
    conn = await asyncpg.connect(dsn, server_settings={"plan_cache_mode": "force_generic_plan"})
    try:
        prepared = await conn.prepare(statement)
        # Array types come back as `_int4`; a cast needs `int4[]`.
        types = [
            t.name if not t.name.startswith("_") else f"{t.name[1:]}[]" for t in prepared.get_parameters()
        ]
        await conn.execute(f"PREPARE checked AS {statement}")
        literals = ", ".join(sql_literal(v, k) for v, k in zip(parameters, types, strict=True))
        execute = f"EXECUTE checked({literals})" if literals else "EXECUTE checked"
        options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        explained = await conn.fetchval(f"EXPLAIN ({options}) {execute}")
        document: dict[str, Any] = json.loads(explained)[0]["Plan"]
        return document
    finally:
        await conn.close()


def rows_read(node: dict[str, Any]) -> int:
    """The rows a node of an analysed plan read over all its loops: those it returned and those its
    filter or recheck dropped."""
    each = (
        node["Actual Rows"]
        + node.get("Rows Removed by Filter", 0)
        + node.get("Rows Removed by Index Recheck", 0)
    )
    return int(each * node["Actual Loops"])


async def analysed_count(dsn: str, table: str) -> tuple[int, float]:
    """How many times `table` was analysed, and the rows its statistics say it holds."""
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT s.analyze_count, c.reltuples FROM pg_stat_user_tables AS s "
            "JOIN pg_class AS c ON c.oid = s.relid WHERE s.relname = $1",
            table,
        )
    finally:
        await conn.close()
    assert row is not None
    return int(row["analyze_count"]), float(row["reltuples"])


async def analysed_while_empty(dsn: str, table: str) -> int:
    """`table` analysed while still empty (the statistics a table filled from nothing plans on
    until analysed again): its analyse count after."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"ANALYZE {table}")
    finally:
        await conn.close()
    return (await analysed_count(dsn, table))[0]


async def changes_counted(dsn: str, table: str, at_least: int) -> None:
    """Until PostgreSQL's statistics count `at_least` rows changed in `table` since its last ANALYZE
    (a backend reports its changes when it ends, not as it commits)."""
    conn = await asyncpg.connect(dsn)
    try:
        for _ in range(200):
            changed = await conn.fetchval("SELECT pg_stat_get_mod_since_analyze(CAST($1 AS regclass))", table)
            if changed >= at_least:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{table}: {changed} rows changed, not {at_least}")
    finally:
        await conn.close()


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """The statements `engine` sends while the block runs, with their parameters."""
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, tuple(parameters)))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
