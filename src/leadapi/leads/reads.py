"""GET /v1/leads as SQL an index can serve: keyset pages, text search and counts.

A page is one range read of a (workspace_id, key, id) index in either direction:
- the keyset condition is a row comparison, `(key, id) < (:key, :id)`, which PostgreSQL and SQLite
  use as the index range (an OR of "after" alternatives makes both walk from the top and filter);
- a nullable key never mixes NULLs into that range: its rows with a value come first (`key IS NOT
  NULL`), then the NULLs in id order (`key IS NULL`, ordered by key and id so the same index still
  gives the order), read only when the first segment runs out. A cursor whose key is null points
  into the second segment, so cursors stay stable across inserts in either segment;
- several sort keys in one direction, none nullable, compare as one row too. Other combinations
  (mixed directions, a nullable key after the first) are answered with the general OR form, which
  is correct but not index-bounded; the README lists which lists are fast.

A list without `q=` and without tag or attribute filters is compiled once per shape: the filters'
columns, operators and number of values, the sort, the segment, which cursor values are null and
the database. Its values (the workspace, the filters', the cursor's, the limit) are bound
parameters, so a repeated list costs neither SQLAlchemy's statement construction nor its cache
key, and one workspace's compiled statement serves every workspace. The others are built per
request.

An export (`GET /v1/leads` as CSV or NDJSON; leads/service.py `export`) reads a list through the
same statements, chunk by chunk, each continued from the last chunk's row as a cursor would be:
`read` gives a chunk's rows as the driver returned them, for the export to format a column at a
time; `page` makes the JSON list's dicts of the same rows.

Search (`q=`): on PostgreSQL, a case-insensitive substring match on the trigram-indexed search text
(leads/fts.py), ranked by word similarity when no sort is given; when nothing matches, a typo-
tolerant pass (`q <% text`, pg_trgm's word similarity) answers instead. On SQLite, FTS5 prefix
matches on each word of the query, in the list's sort order.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.filters import (
    BoundShape,
    FieldSpec,
    Filter,
    bound_clause,
    bound_shape,
    bound_values,
    escape_like,
    filter_clause,
)
from leadapi.api.pagination import keyset_clause, order_by, row_after
from leadapi.leads.fields import PUBLIC_FIELDS
from leadapi.leads.fts import FTS_TABLE, PG_SEARCH_EXPRESSION, SEARCH_FIELDS
from leadapi.leads.models import Lead

leads = cast(Table, Lead.__table__)

# What a list shows of a lead: the schema's fields, read straight into the response.
LIST_COLUMNS = [leads.c[name] for name in PUBLIC_FIELDS]
# Built once: a select of forty-odd columns costs more to construct than to extend.
_LIST: Select[Any] = select(*LIST_COLUMNS)
_log = logging.getLogger(__name__)
_JSON_COLUMNS = ("tags", "external_ids", "attributes")
# The same on PostgreSQL with the JSON columns read as text: parsed in one call per page
# (_api_rows), not one per value as the connection's JSONB codec would. Every list statement on
# PostgreSQL selects these.
_PG_LIST: Select[Any] = select(
    *(
        column.cast(Text).label(column.name) if column.name in _JSON_COLUMNS else column
        for column in LIST_COLUMNS
    )
)
_SEARCH_TEXT: ColumnElement[str] = literal_column(PG_SEARCH_EXPRESSION)
_WORD = re.compile(r"\w+", re.UNICODE)
# A ranked search's cursor starts with its mode: "=" substring matches, "~" the typo pass.
RANKED_CURSOR_KINDS = ["string", "number", "id"]


@dataclass(frozen=True)
class ListSpec:
    """One list request, parsed: where it starts is `after` (the cursor's values)."""

    filters: Sequence[Filter]
    sort: Sequence[tuple[str, bool]]
    query: str | None
    ranked: bool  # q= without a sort: best matches first (PostgreSQL)


# A statement's column names and rows as the driver gave them.
Raw = tuple[Sequence[str], Sequence[Sequence[Any]]]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows of a list as read: `names` are the columns of every record (the lead's public fields
    in their order, then a ranked search's `_rank`); on PostgreSQL (`json_text`) the JSON columns
    are still text, elsewhere parsed. `mode` is a ranked search's (see `_ranked`), else None."""

    names: tuple[str, ...]
    records: list[Sequence[Any]]
    json_text: bool
    mode: str | None = None


def _nullable(column: ColumnElement[Any]) -> bool:
    return bool(getattr(column, "nullable", True))


class LeadReads:
    """The list's statements for one workspace on one (autocommit) connection."""

    def __init__(self, conn: AsyncConnection, workspace_id: str, fields: dict[str, FieldSpec]) -> None:
        self.conn = conn
        self.workspace_id = workspace_id
        self.fields = fields
        self.postgres = conn.dialect.name == "postgresql"

    def conditions(self, spec: ListSpec, *, typo: bool = False) -> list[ColumnElement[bool]]:
        dialect = self.conn.dialect.name
        clauses: list[ColumnElement[bool]] = [leads.c.workspace_id == self.workspace_id]
        clauses += [filter_clause(leads, f, self.fields, dialect) for f in spec.filters]
        if spec.query:
            clauses.append(self._search_clause(spec.query, typo=typo))
        return clauses

    def _search_clause(self, query: str, *, typo: bool) -> ColumnElement[bool]:
        if self.postgres:
            needle = query.lower()
            if typo:
                return cast(ColumnElement[bool], literal(needle, String).op("<%")(_SEARCH_TEXT))
            return _SEARCH_TEXT.like(f"%{escape_like(needle)}%", escape="\\")
        words = _WORD.findall(query)
        if not words:  # nothing FTS can tokenise (punctuation): a plain substring match
            pattern = f"%{escape_like(query)}%"
            return or_(*(leads.c[name].ilike(pattern, escape="\\") for name in SEARCH_FIELDS))
        match = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
        fts = table(FTS_TABLE, literal_column("rowid"))
        hits: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(fts)
            .where(literal_column(FTS_TABLE).op("MATCH")(literal(match, String)))
        )
        return literal_column("leads.rowid").in_(hits)

    # ---- pages ---------------------------------------------------------------------------------

    async def page(self, spec: ListSpec, limit: int, after: Sequence[Any] | None) -> list[dict[str, Any]]:
        """Up to `limit` leads after the cursor's values (None: from the top), as the API shows
        them; a ranked search's rows carry `_mode` and `_rank` for the next cursor."""
        chunk = await self.read(spec, limit, after)
        rows = (
            _api_rows(chunk.names, chunk.records) if chunk.json_text else _dicts(chunk.names, chunk.records)
        )
        if chunk.mode is not None:
            for row in rows:
                row["_mode"] = chunk.mode
        return rows

    async def read(self, spec: ListSpec, limit: int, after: Sequence[Any] | None) -> Chunk:
        """What `page` reads, as the driver gave it: the rows of one or two segments' statements."""
        if spec.ranked and spec.query and self.postgres:
            return await self._ranked(spec, limit, after)
        keys = sort_keys(spec, self.fields)
        shapes = None if spec.query else _bound_shapes(spec.filters, self.fields)
        names: Sequence[str] = ()
        records: list[Sequence[Any]] = []
        for segment, cursor in _segments(keys, after):
            if shapes is None:
                where = self.conditions(spec)
                columns = _PG_LIST if self.postgres else _LIST
                stmt = _segment_statement(columns, where, keys, segment, cursor, limit - len(records))
                read = await self._fetch(stmt)
            else:
                read = await self._shaped(spec, shapes, keys, segment, cursor, limit - len(records))
            if read[1]:
                names = read[0]
                records += read[1]
            if len(records) >= limit:
                break
        return Chunk(tuple(names), records, self.postgres)

    async def _shaped(
        self,
        spec: ListSpec,
        shapes: tuple[BoundShape, ...],
        keys: Sequence[tuple[str, bool]],
        segment: Segment,
        cursor: Sequence[Any] | None,
        limit: int,
    ) -> Raw:
        """A segment's rows through the statement compiled once for its shape. The shape holds no
        value: the workspace, the filters' values, the cursor's and the limit are bound
        parameters, so one workspace's statement is every workspace's."""
        dialect = self.conn.dialect
        cursor_nulls = None if cursor is None else tuple(value is None for value in cursor)
        key = ("shape", dialect.name, dialect.driver, segment, shapes, tuple(keys), cursor_nulls)
        compiled = _STATEMENTS.get(key)
        if compiled is None:
            compiled = _compile_shape(dialect, segment, shapes, keys, cursor_nulls)
            _remember(key, compiled)
        values: dict[str, Any] = {"ws": self.workspace_id, "lim": limit}
        for i, f in enumerate(spec.filters):
            values.update(bound_values(f, f"f{i}"))
        if cursor is not None:
            values.update((f"a{k}", value) for k, value in enumerate(cursor) if value is not None)
        if not self.postgres:
            return _raw(await self.conn.execute(compiled.statement, values))
        return await self._run(compiled.sql, compiled.arguments(values))

    async def _ranked(self, spec: ListSpec, limit: int, after: Sequence[Any] | None) -> Chunk:
        """Best matches first: word similarity of the query to the search text, then id. The rows
        carry `_rank`, the chunk its mode, for the next cursor."""
        mode = after[0] if after is not None else "="
        names, records = await self._ranked_rows(
            spec, mode == "~", limit, after[1:] if after is not None else None
        )
        if not records and after is None:
            mode = "~"
            names, records = await self._ranked_rows(spec, True, limit, None)
        return Chunk(tuple(names), list(records), True, mode)

    async def _ranked_rows(self, spec: ListSpec, typo: bool, limit: int, after: Sequence[Any] | None) -> Raw:
        assert spec.query is not None
        rank = cast(ColumnElement[float], func.word_similarity(spec.query.lower(), _SEARCH_TEXT)).cast(Float)
        where = self.conditions(spec, typo=typo)
        if after is not None:
            where.append(tuple_(rank, leads.c.id) < tuple_(after[0], after[1]))
        stmt = (
            _PG_LIST.add_columns(rank.label("_rank"))
            .where(and_(*where))
            .order_by(rank.desc(), leads.c.id.desc())
            .limit(limit)
        )
        return await self._fetch(stmt)

    async def _fetch(self, stmt: Select[Any]) -> Raw:
        """The rows of a statement built for this request. On PostgreSQL the statement selects
        _PG_LIST's columns (the JSON ones as text) and runs as _run does; one whose SQL depends on
        its values (an expanding IN) goes through SQLAlchemy instead, its JSON columns text too."""
        if not self.postgres:
            return _raw(await self.conn.execute(stmt))
        prepared = _prepared(stmt, self.conn.dialect)
        if prepared is None:
            return _raw(await self.conn.execute(stmt))
        return await self._run(*prepared)

    async def _run(self, sql: str, args: Sequence[Any]) -> Raw:
        """A compiled list statement straight on asyncpg, whose types are the API's already
        (aware UTC times): SQLAlchemy's per-row processing was the biggest cost of a page."""
        if _log.isEnabledFor(logging.DEBUG):  # what tests/api/test_list_plans.py explains
            _log.debug("list statement", extra={"statement": sql, "parameters": tuple(args)})
        raw: Any = (await self.conn.get_raw_connection()).driver_connection
        records = await raw.fetch(sql, *args)
        return (tuple(records[0].keys()) if records else ()), records

    # ---- counts --------------------------------------------------------------------------------

    async def count(self, spec: ListSpec, *, exact: bool) -> tuple[int, bool]:
        """How many leads the list holds (every page): (count, is_estimate). The estimate is the
        planner's row estimate for the list's conditions, which reads no rows; SQLite has none,
        so it counts."""
        where = self.conditions(spec)
        if exact or not self.postgres:
            stmt = select(func.count()).select_from(leads).where(and_(*where))
            return int((await self.conn.execute(stmt)).scalar_one()), False
        query: Select[Any] = select(literal_column("1")).select_from(leads).where(and_(*where))
        # Expanding INs (attribute filters) rendered as one parameter per value: EXPLAIN takes the
        # SQL as it is, with no execution to expand them.
        compiled = query.compile(dialect=self.conn.dialect, compile_kwargs={"render_postcompile": True})
        explain = f"EXPLAIN (FORMAT JSON) {compiled}"
        args = tuple(_Compiled.of(query, compiled).arguments(compiled.construct_params()))
        plan: Any = (await self.conn.exec_driver_sql(explain, args)).scalar()
        document = json.loads(plan) if isinstance(plan, str) else plan
        return int(document[0]["Plan"]["Plan Rows"]), True


def _raw(result: Any) -> Raw:
    return tuple(result.keys()), result.all()


def _dicts(names: Sequence[str], records: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as dicts, keyed once per result (a RowMapping looks its keys up again per row)."""
    return [dict(zip(names, row, strict=True)) for row in records]


def sort_keys(spec: ListSpec, fields: Mapping[str, FieldSpec]) -> list[tuple[str, bool]]:
    """The columns a list is ordered by, `id` last (the tie-break every order ends with)."""
    keys: list[tuple[str, bool]] = [(fields[name].column, desc) for name, desc in spec.sort]
    if not keys or keys[-1][0] != "id":
        keys.append(("id", keys[-1][1] if keys else False))
    return keys


def after_last(spec: ListSpec, fields: Mapping[str, FieldSpec], chunk: Chunk) -> list[Any]:
    """The cursor's values that continue a list after the chunk's last row (which must exist):
    a ranked search's mode, rank and id; otherwise the sort's columns and the id."""
    last = dict(zip(chunk.names, chunk.records[-1], strict=True))
    if chunk.mode is not None:
        return [chunk.mode, last["_rank"], last["id"]]
    return [last[fields[name].column] for name, _ in spec.sort] + [last["id"]]


Segment = Literal["all", "valued", "nulls", "general"]


def _segments(
    keys: Sequence[tuple[str, bool]], after: Sequence[Any] | None
) -> list[tuple[Segment, Sequence[Any] | None]]:
    """The statements a page reads, in order, each with the cursor it continues from; the next
    runs only when the one before returns less than the page (see the module's docstring)."""
    first, rest = keys[0], keys[1:]
    one_direction = all(desc == first[1] for _, desc in keys)
    if not one_direction or any(_nullable(leads.c[name]) for name, _ in rest):
        return [("general", after)]
    if not _nullable(leads.c[first[0]]):
        return [("all", after)]
    if after is None or after[0] is not None:
        return [("valued", after), ("nulls", None)]
    return [("nulls", after)]


def _segment_statement(
    columns: Select[Any],
    where: list[ColumnElement[bool]],
    keys: Sequence[tuple[str, bool]],
    segment: Segment,
    cursor: Sequence[Any] | None,
    limit: Any,
) -> Select[Any]:
    """One segment's statement; the cursor's values and the limit are values or bind parameters."""
    sort = [(leads.c[name], desc) for name, desc in keys]
    where = list(where)
    if segment == "general":
        if cursor is not None:
            where.append(keyset_clause(sort, cursor))
        return columns.where(and_(*where)).order_by(*order_by(sort)).limit(limit)
    first = sort[0][0]
    if segment == "valued":
        where.append(first.is_not(None))
    elif segment == "nulls":
        where.append(first.is_(None))
    if cursor is not None:
        # In the NULL segment the first key is NULL throughout: the rest of the keys order it.
        where.append(row_after(sort[1:], cursor[1:]) if segment == "nulls" else row_after(sort, cursor))
    # Plain ASC/DESC: with the NULLs filtered out (or all NULL) the index order is the order.
    order = [column.desc() if desc else column.asc() for column, desc in sort]
    return columns.where(and_(*where)).order_by(*order).limit(limit)


def _bound_shapes(filters: Sequence[Filter], fields: dict[str, FieldSpec]) -> tuple[BoundShape, ...] | None:
    shapes = []
    for f in filters:
        shape = bound_shape(f, fields)
        if shape is None:
            return None
        shapes.append(shape)
    return tuple(shapes)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A list statement compiled once: PostgreSQL runs `sql` on asyncpg, the parameter named
    names[n] (through processors[n], the column type's own conversion) as $n+1; SQLite runs a
    shape's `statement` through SQLAlchemy (which keeps its cache key on the object). `compiled`
    is SQLAlchemy's form, which gives a statement built per request its values."""

    statement: Select[Any]
    compiled: Any
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: Select[Any], compiled: Any) -> _Compiled:
        names = tuple(compiled.positiontup or ())
        processors = tuple(compiled._bind_processors.get(name) for name in names)
        return cls(statement, compiled, compiled.string, names, processors)

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        """asyncpg's $1, $2, ... from the values by parameter name."""
        return [
            values[name] if process is None else process(values[name])
            for name, process in zip(self.names, self.processors, strict=True)
        ]


# Compiled list statements, one bounded cache for both kinds: by shape (LeadReads._shaped), and
# the statements built per request by SQLAlchemy's cache key (their shape, values apart), as
# SQLAlchemy's own execution caches them. Building and compiling a statement, or only building
# one and computing SQLAlchemy's cache key for it, cost more than running it. A full cache drops
# its oldest entry.
_STATEMENTS: dict[Hashable, _Compiled] = {}
_STATEMENTS_MAX = 1000


def _remember(key: Hashable, compiled: _Compiled) -> None:
    if len(_STATEMENTS) >= _STATEMENTS_MAX:
        del _STATEMENTS[next(iter(_STATEMENTS))]
    _STATEMENTS[key] = compiled


def _compile_shape(
    dialect: Any,
    segment: Segment,
    shapes: tuple[BoundShape, ...],
    keys: Sequence[tuple[str, bool]],
    cursor_nulls: tuple[bool, ...] | None,
) -> _Compiled:
    # Typed as a str value was (the column's type, taken from its foreign key, is not set here).
    where = [leads.c.workspace_id == bindparam("ws", type_=String())]
    where += [bound_clause(leads, s, f"f{i}", dialect.name) for i, s in enumerate(shapes)]
    cursor = None
    if cursor_nulls is not None:
        cursor = [
            None if null else bindparam(f"a{k}", type_=leads.c[name].type)
            for k, ((name, _), null) in enumerate(zip(keys, cursor_nulls, strict=True))
        ]
    columns = _PG_LIST if dialect.name == "postgresql" else _LIST
    stmt = _segment_statement(columns, where, keys, segment, cursor, bindparam("lim", type_=Integer))
    return _Compiled.of(stmt, stmt.compile(dialect=dialect))


def _prepared(stmt: Select[Any], dialect: Any) -> tuple[str, list[Any]] | None:
    """(SQL, parameters) for asyncpg; None for a statement whose SQL depends on its values
    (an expanding IN), which SQLAlchemy's execution handles instead."""
    key = stmt._generate_cache_key()
    if key is None:
        return None
    cache_key = ("statement", dialect.name, dialect.driver, key.key)
    compiled = _STATEMENTS.get(cache_key)
    if compiled is None:
        compiled = _Compiled.of(stmt, dialect.statement_compiler(dialect, stmt, cache_key=key))
        _remember(cache_key, compiled)
    sqla = compiled.compiled
    if sqla.post_compile_params or sqla.literal_execute_params:
        return None
    return compiled.sql, compiled.arguments(sqla.construct_params(extracted_parameters=key.bindparams))


def _api_rows(names: Sequence[str], records: Sequence[Any]) -> list[dict[str, Any]]:
    """PostgreSQL's rows as the API shows them, the JSON columns (read as text) parsed in one call
    for the whole page."""
    rows = [dict(zip(names, record, strict=True)) for record in records]
    texts = [row[name] for row in rows for name in _JSON_COLUMNS]
    parsed = iter(json.loads("[" + ",".join("null" if text is None else text for text in texts) + "]"))
    for row in rows:
        for name in _JSON_COLUMNS:
            row[name] = next(parsed)
    return rows
