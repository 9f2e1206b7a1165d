"""The base every repository derives from.

`WorkspaceRepository` holds the connection and the caller's workspace, and builds every
statement already scoped to it: `scoped_select`, `scoped_update` and `scoped_delete` filter on
the workspace, `insert_row` and `insert_rows` stamp it (the builders' names leave the repositories'
own `get`/`insert`/`update`/`delete` free). A repository method then cannot forget the tenant
filter, and the SQL is the same as the hand-written `.where(t.c.workspace_id == ...)` was, so the
same indexes serve.

Hot-path statements built once at import take the workspace as the bind parameter `WS`
(`in_workspace(table)`), and raw `text()` SQL names it `:_ws`; `params()` supplies its value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import asyncpg
from pydantic_core import to_json
from sqlalchemy import (
    JSON,
    ColumnElement,
    Delete,
    FromClause,
    Insert,
    Select,
    String,
    Table,
    Update,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import BindParameter

# The workspace of a statement built once (with bind parameters) and executed with `params()`.
WS_PARAM = "_ws"
WS: BindParameter[str] = bindparam(WS_PARAM)


def in_workspace(table: Table, workspace: Any = WS) -> ColumnElement[bool]:
    """`table`'s rows of the workspace (by default, the bound `WS`)."""
    return table.c.workspace_id == workspace  # type: ignore[no-any-return]


def same_workspace(table: FromClause, other: FromClause) -> ColumnElement[bool]:
    """`table`'s row and `other`'s are of one workspace: part of every join and correlation
    between two tables, next to the id they meet on. The composite foreign keys say the same, and a
    database sharded by workspace_id (docs/scaling.md) joins on one shard only when told so."""
    return table.c.workspace_id == other.c.workspace_id


def one_of(column: Any, values: Sequence[str], *, postgres: bool) -> ColumnElement[bool]:
    """`column` is one of `values`.

    PostgreSQL: one array parameter taken as a set, `IN (SELECT unnest($1))`: one statement text
    whatever the count (prepared once), planned as index probes per value or a hash of the
    values. `= ANY($1)` is planned as a filter when the statistics think the workspace small (a
    generic plan, or a table grown since it was analysed): each of the workspace's rows is then
    compared with the whole array, and a 900-id read of a 53,000-row workspace took 700 ms, not 4.
    The set has its own failure: on the same statistics it may hash the values against the
    workspace's whole range. That is linear rather than quadratic, but slower than `= ANY` where that
    probed the index: the duplicate sweep took twice as long with it. So measure per statement.
    Elsewhere, a list of parameters."""
    if not postgres:
        return column.in_(list(values))  # type: ignore[no-any-return]
    array = bindparam(None, list(values), type_=postgresql.ARRAY(String))
    return column.in_(select(func.unnest(array)))  # type: ignore[no-any-return]


def probed(stmt: Select[Any], column: Any, values: Sequence[str], *, postgres: bool) -> Select[Any]:
    """`stmt`'s rows whose `column` is one of `values`, with the same columns.

    PostgreSQL: one index probe per value, as a LATERAL subquery per element of one array
    parameter (OFFSET 0 keeps the planner from flattening it back into a join it may hash). For a
    table keyed by (workspace, id), where `one_of` hashes the values against the workspace's whole
    range when the statistics think the workspace small, so the read costs what the workspace holds
    rather than what was asked: 33 ms against 5 ms for 1,000 ids among 57,000 snapshots, and
    growing with the workspace. The one plan worse than that is a scan per value, made while the
    table was empty: a table filled in the background needs `analyze_grown`. Elsewhere, a list of
    parameters."""
    if not postgres:
        return stmt.where(column.in_(list(values)))
    array = bindparam(None, list(values), type_=postgresql.ARRAY(String))
    wanted = func.unnest(array).table_valued("value").render_derived(name="wanted")
    each = stmt.where(column == wanted.c.value).offset(literal_column("0")).lateral("probe")
    return select(*each.c).select_from(wanted).join(each, true())


# Tables changed by more rows than they held at their last ANALYZE (never analysed: more than
# `least`). A consumer fills its tables from nothing, and the pool's generic plans (db.py) are made
# once per connection: one made while a table was empty costs reading it at nothing, so a probe per
# id became a scan of the whole table per id (6-11 s a batch of the rollups' consumer, the table at
# 60,000 rows), kept until the table's statistics change. Autovacuum analyses a table once a tenth
# of it has changed, but it may be off or behind; so the consumers analyse their tables themselves
# each time they have about doubled, which also makes PostgreSQL plan their statements again.
_GROWN = text(
    "SELECT c.relname FROM pg_class AS c WHERE c.oid = ANY(CAST(CAST(:_tables AS text[]) AS regclass[])) "
    "AND pg_stat_get_mod_since_analyze(c.oid) > greatest(c.reltuples, :_least)"
)
GROWN_LEAST = 1000


async def analyze_grown(conn: AsyncConnection, tables: Sequence[str], least: int = GROWN_LEAST) -> list[str]:
    """PostgreSQL: ANALYZE those of `tables` that have grown since their statistics were taken
    (`_GROWN`), in the caller's transaction: their names. Elsewhere nothing."""
    if conn.dialect.name != "postgresql":
        return []
    found = await conn.execute(_GROWN, {"_tables": list(tables), "_least": least})
    # In one order, so two consumers' analyses (each holds its tables' lock to its commit) queue.
    grown = sorted(str(name) for name in found.scalars() if name in tables)
    for table in grown:  # one of `tables`, which are the callers' own names
        await conn.exec_driver_sql(f"ANALYZE {table}")
    return grown


@cache
def _insert(table: Table) -> Insert:
    # Built once per table: constructing the statement per call costs more than executing it.
    return insert(table)


def upsert_insert(conn: AsyncConnection, table: Table) -> Any:
    """The dialect's INSERT into `table` that can say ON CONFLICT (PostgreSQL's or SQLite's)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class Repository:
    """A repository over the whole database: its queries are not about one workspace (the job
    queue, the sweeps). Prefer `WorkspaceRepository`."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn


class WorkspaceRepository(Repository):
    """Queries inside one workspace: every statement starts from a builder scoped to it."""

    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        super().__init__(conn)
        self.workspace_id = workspace_id

    def scope(self, table: Table) -> ColumnElement[bool]:
        """The workspace filter on `table`, for joins and statements the builders cannot start."""
        return in_workspace(table, self.workspace_id)

    def params(self, **values: Any) -> dict[str, Any]:
        """Parameters for a statement scoped by `WS` or `:_ws`: the workspace and `values`."""
        return {**values, WS_PARAM: self.workspace_id}

    def scoped_select(self, table: Table, /, *columns: Any) -> Select[*tuple[Any, ...]]:
        """`columns` (default: the whole row) of `table`'s rows in the workspace."""
        return select(*(columns or (table,))).where(self.scope(table))

    def scoped_update(self, table: Table) -> Update:
        return update(table).where(self.scope(table))

    def scoped_delete(self, table: Table) -> Delete:
        return delete(table).where(self.scope(table))

    def row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """`values` stamped with the workspace (it wins over any `workspace_id` in them)."""
        return {**values, "workspace_id": self.workspace_id}

    async def upsert_settings(self, table: Table, values: Mapping[str, Any]) -> None:
        """The workspace's row of a settings table (one row per workspace, keyed by workspace_id)
        given `values`, in one statement: INSERT ... ON CONFLICT (workspace_id) DO UPDATE. Two
        first writes at once then both succeed, the later one's values standing, where reading
        and then inserting let the second meet the primary key (a 500). Columns not in `values`
        keep their value (or take their default on the first write)."""
        stmt = upsert_insert(self.conn, table).values(self.row(values))
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.workspace_id], set_={name: stmt.excluded[name] for name in values}
        )
        await self.conn.execute(stmt)

    async def insert_row(self, table: Table, values: Mapping[str, Any]) -> None:
        """One row into `table`, in the workspace."""
        await self.conn.execute(_insert(table), self.row(values))

    async def copy_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows into `table`, in the workspace, as `insert_rows` writes them (every row with the
        first one's columns), by COPY on PostgreSQL: a bulk write (an import's run of new leads)
        sends its rows in one stream instead of a statement's parameters per row. A constraint
        violation raises IntegrityError, as the insert would."""
        if self.conn.dialect.name != "postgresql" or len(rows) < 2:
            await self.insert_rows(table, rows)
            return
        names = [c.name for c in table.c if c.name in rows[0] or c.name == "workspace_id"]
        if any(c.default is not None and c.name not in names for c in table.c):
            await self.insert_rows(table, rows)  # a Python-side default COPY would not apply
            return
        json_columns = {c.name for c in table.c if isinstance(c.type, JSON)}
        records = [
            tuple(
                self.workspace_id
                if name == "workspace_id"
                else (to_json(row[name]).decode() if name in json_columns else row[name])
                for name in names
            )
            for row in rows
        ]
        await self.copy_records(table, names, records)

    async def copy_records(
        self, table: Table, names: Sequence[str], records: Iterable[tuple[Any, ...]]
    ) -> None:
        """PostgreSQL: `records` (values of the columns `names`, the workspace's id among them where
        the table has one, JSON as text) into `table` by COPY, for a caller that makes a million
        rows and need not make a dict of each first. IntegrityError as `copy_rows`."""
        driver = (await self.conn.get_raw_connection()).driver_connection
        assert driver is not None
        try:
            await driver.copy_records_to_table(table.name, records=records, columns=list(names))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(f"COPY {table.name}", None, exc) from exc

    async def insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows into `table`, in the workspace (one row: a plain execute, not executemany)."""
        if len(rows) == 1:
            await self.insert_row(table, rows[0])
        elif rows:
            await self.conn.execute(_insert(table), [self.row(r) for r in rows])
