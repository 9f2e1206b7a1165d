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

Search (`q=`): on PostgreSQL, a case-insensitive substring match on the trigram-indexed search text
(leads/fts.py), ranked by word similarity when no sort is given; when nothing matches, a typo-
tolerant pass (`q <% text`, pg_trgm's word similarity) answers instead. On SQLite, FTS5 prefix
matches on each word of the query, in the list's sort order.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    Table,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.filters import FieldSpec, Filter, escape_like, filter_clause
from leadapi.api.pagination import keyset_clause, order_by, row_after
from leadapi.leads.fts import FTS_TABLE, PG_SEARCH_EXPRESSION, SEARCH_FIELDS
from leadapi.leads.models import Lead
from leadapi.leads.schemas import Lead as LeadSchema

leads = cast(Table, Lead.__table__)

# What a list shows of a lead: the schema's fields, read straight into the response.
LIST_COLUMNS = [leads.c[name] for name in LeadSchema.model_fields]
# Built once: a select of forty-odd columns costs more to construct than to extend.
_LIST: Select[Any] = select(*LIST_COLUMNS)
_log = logging.getLogger(__name__)
_JSON_COLUMNS = ("tags", "external_ids", "attributes")
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
        """Up to `limit` leads after the cursor's values (None: from the top)."""
        if spec.ranked and spec.query and self.postgres:
            return await self._ranked(spec, limit, after)
        where = self.conditions(spec)
        keys: list[tuple[ColumnElement[Any], bool]] = [
            (leads.c[self.fields[name].column], desc) for name, desc in spec.sort
        ]
        if not keys or keys[-1][0] is not leads.c.id:
            keys.append((leads.c.id, keys[-1][1] if keys else False))
        first, rest = keys[0], keys[1:]
        one_direction = all(desc == first[1] for _, desc in keys)
        if not one_direction or any(_nullable(column) for column, _ in rest):
            return await self._general(where, keys, limit, after)
        if not _nullable(first[0]):
            if after is not None:
                where.append(row_after(keys, after))
            return await self._rows(where, keys, limit)
        column = first[0]
        if after is None or after[0] is not None:
            valued = [*where, column.is_not(None)]
            if after is not None:
                valued.append(row_after(keys, after))
            rows = await self._rows(valued, keys, limit)
            if len(rows) >= limit:
                return rows
            return rows + await self._rows([*where, column.is_(None)], keys, limit - len(rows))
        nulls = [*where, column.is_(None), row_after(rest, after[1:])]
        return await self._rows(nulls, keys, limit)

    async def _rows(
        self, where: list[ColumnElement[bool]], keys: Sequence[tuple[ColumnElement[Any], bool]], limit: int
    ) -> list[dict[str, Any]]:
        # Plain ASC/DESC: with the NULLs filtered out (or all NULL) the index order is the order.
        order = [column.desc() if desc else column.asc() for column, desc in keys]
        stmt = _LIST.where(and_(*where)).order_by(*order).limit(limit)
        return await self._fetch(stmt)

    async def _general(
        self,
        where: list[ColumnElement[bool]],
        keys: Sequence[tuple[ColumnElement[Any], bool]],
        limit: int,
        after: Sequence[Any] | None,
    ) -> list[dict[str, Any]]:
        if after is not None:
            where = [*where, keyset_clause(keys, after)]
        stmt = _LIST.where(and_(*where)).order_by(*order_by(keys)).limit(limit)
        return await self._fetch(stmt)

    async def _ranked(self, spec: ListSpec, limit: int, after: Sequence[Any] | None) -> list[dict[str, Any]]:
        """Best matches first: word similarity of the query to the search text, then id. Rows carry
        `_mode` and `_rank` for the next cursor."""
        mode = after[0] if after is not None else "="
        rows = await self._ranked_rows(spec, mode == "~", limit, after[1:] if after is not None else None)
        if not rows and after is None:
            mode = "~"
            rows = await self._ranked_rows(spec, True, limit, None)
        for row in rows:
            row["_mode"] = mode
        return rows

    async def _ranked_rows(
        self, spec: ListSpec, typo: bool, limit: int, after: Sequence[Any] | None
    ) -> list[dict[str, Any]]:
        assert spec.query is not None
        rank = cast(ColumnElement[float], func.word_similarity(spec.query.lower(), _SEARCH_TEXT)).cast(Float)
        where = self.conditions(spec, typo=typo)
        if after is not None:
            where.append(tuple_(rank, leads.c.id) < tuple_(after[0], after[1]))
        stmt = (
            select(*LIST_COLUMNS, rank.label("_rank"))
            .where(and_(*where))
            .order_by(rank.desc(), leads.c.id.desc())
            .limit(limit)
        )
        return await self._fetch(stmt)

    async def _fetch(self, stmt: Select[Any]) -> list[dict[str, Any]]:
        """The rows as the API shows them. On PostgreSQL straight from asyncpg, whose types are
        the API's already (aware UTC times); only the JSON columns, which arrive as text, are
        parsed. SQLAlchemy's per-row processing was the biggest cost of a page."""
        prepared = _prepared(stmt, self.conn.dialect) if self.postgres else None
        if prepared is None:
            return _dicts(await self.conn.execute(stmt))
        if _log.isEnabledFor(logging.DEBUG):  # what tests/api/test_list_plans.py explains
            _log.debug("list statement", extra={"statement": prepared[0], "parameters": prepared[1:]})
        raw: Any = (await self.conn.get_raw_connection()).driver_connection
        records = await raw.fetch(*prepared)
        rows = []
        loads = json.loads
        for record in records:
            row = dict(record)
            for name in _JSON_COLUMNS:
                value = row[name]
                if isinstance(value, str):
                    row[name] = loads(value)
            rows.append(row)
        return rows

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
        compiled = query.compile(dialect=self.conn.dialect)
        explain = f"EXPLAIN (FORMAT JSON) {compiled}"
        plan: Any = (await self.conn.exec_driver_sql(explain, _positional(compiled))).scalar()
        document = json.loads(plan) if isinstance(plan, str) else plan
        return int(document[0]["Plan"]["Plan Rows"]), True


def _dicts(result: Any) -> list[dict[str, Any]]:
    """Rows as dicts, keyed once per result (a RowMapping looks its keys up again per row)."""
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


# Compiled list statements by SQLAlchemy's cache key (the statement's shape, values apart), as
# SQLAlchemy's own execution caches them: compiling a page's statement cost more than running it.
_COMPILED: dict[Any, Any] = {}
_COMPILED_MAX = 500


def _prepared(stmt: Select[Any], dialect: Any) -> tuple[Any, ...] | None:
    """(SQL, *parameters) for asyncpg; None for a statement whose SQL depends on its values
    (an expanding IN), which SQLAlchemy's execution handles instead."""
    key = stmt._generate_cache_key()
    if key is None:
        return None
    compiled = _COMPILED.get(key.key)
    if compiled is None:
        compiled = dialect.statement_compiler(dialect, stmt, cache_key=key)
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key.key] = compiled
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    params = compiled.construct_params(extracted_parameters=key.bindparams)
    return (compiled.string, *_positional(compiled, params))


def _positional(compiled: Any, params: Any = None) -> tuple[Any, ...]:
    """The compiled statement's parameters in asyncpg's $n order."""
    params = compiled.construct_params() if params is None else params
    processors = compiled._bind_processors
    names = compiled.positiontup or []
    values = []
    for name in names:
        value = params[name]
        processor = processors.get(name)
        values.append(processor(value) if processor is not None else value)
    return tuple(values)
