"""Parsing of list filters and sort keys (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Select, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from leadapi.api.filters import (
    FieldSpec,
    Filter,
    bound_clause,
    bound_shape,
    bound_values,
    filter_clause,
    parse_filters,
    parse_sort,
)
from leadapi.errors import ProblemError

FIELDS = {
    "email": FieldSpec("email", "string"),
    "company_size": FieldSpec("company_size", "int"),
    "unsubscribed": FieldSpec("unsubscribed", "bool"),
    "created_at": FieldSpec("created_at", "datetime"),
    "tags": FieldSpec("tags", "string_list", sortable=False),
    "attributes": FieldSpec("attributes", "attributes", sortable=False),
}


def parse(*items: tuple[str, str]) -> list[Filter]:
    return parse_filters(items, FIELDS, ignore={"limit", "cursor"})


def test_operators_and_coercion() -> None:
    assert parse(("email", "a@b.c")) == [Filter("email", "eq", "a@b.c")]
    assert parse(("company_size[gte]", "10")) == [Filter("company_size", "gte", 10)]
    assert parse(("company_size[in]", "1, 2,3")) == [Filter("company_size", "in", [1, 2, 3])]
    assert parse(("unsubscribed", "true")) == [Filter("unsubscribed", "eq", True)]
    assert parse(("email[exists]", "false")) == [Filter("email", "exists", False)]
    assert parse(("created_at[lt]", "2026-01-31T12:00:00Z")) == [
        Filter("created_at", "lt", datetime(2026, 1, 31, 12, tzinfo=UTC))
    ]
    assert parse(("created_at[gt]", "2026-01-31")) == [
        Filter("created_at", "gt", datetime(2026, 1, 31, tzinfo=UTC))
    ]
    assert parse(("attributes.plan", "pro")) == [Filter("attributes.plan", "eq", "pro", "plan")]
    assert parse(("attributes.seats[gt]", "2.5")) == [Filter("attributes.seats", "gt", 2.5, "seats")]
    assert parse(("tags[contains]", "vip"), ("limit", "5")) == [Filter("tags", "contains", "vip")]


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("nope", "1", 422),
        ("email[regex]", "x", 422),
        ("email[gt]", "x", 422),
        ("unsubscribed[gt]", "true", 422),
        ("company_size[gt]", "big", 422),
        ("company_size[in]", ",".join(str(i) for i in range(101)), 422),
        ("company_size[in]", "1,,2", 422),
        ("unsubscribed", "maybe", 422),
        ("created_at[gt]", "yesterday", 422),
        ("attributes", "x", 422),
        ("attributes.bad-key", "x", 422),
        ("email.sub", "x", 422),
        ("attributes.seats[gt]", "many", 422),
        ("email", "x" * 501, 422),
        ("email[eq", "x", 400),
        ("[eq]", "x", 400),
    ],
)
def test_bad_filters(key: str, value: str, status: int) -> None:
    with pytest.raises(ProblemError) as error:
        parse((key, value))
    assert error.value.status == status
    assert error.value.errors
    assert error.value.errors[0]["field"] == key


def test_sort() -> None:
    assert parse_sort(None, FIELDS) == [("created_at", True)]
    assert parse_sort("-company_size,email", FIELDS) == [("company_size", True), ("email", False)]
    assert parse_sort("email,email", FIELDS) == [("email", False)]
    for bad in ("tags", "nope", "email,company_size,created_at,unsubscribed"):
        with pytest.raises(ProblemError):
            parse_sort(bad, FIELDS)


DIALECTS = (sqlite.dialect(), postgresql.dialect())  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("dialect", DIALECTS, ids=["sqlite", "postgresql"])
@pytest.mark.parametrize(
    "item",
    [
        ("email", "a@b.c"),
        ("email[ne]", "a@b.c"),
        ("email[in]", "a@b.c,d@e.f"),
        ("email[contains]", "50%_off"),
        ("email[starts_with]", "a"),
        ("email[exists]", "true"),
        ("email[exists]", "false"),
        ("company_size[gte]", "10"),
        ("company_size[lt]", "10"),
        ("company_size[in]", "1,2,3"),
    ],
)
def test_a_bound_filter_is_the_same_sql_as_the_filter(item: tuple[str, str], dialect: Dialect) -> None:
    """The list's statement compiled once per shape (bound_clause, its values by name) and the
    statement built per request (filter_clause) select the same rows: the same SQL, values apart."""
    table = Table("leads", MetaData(), Column("email", String), Column("company_size", Integer))
    [f] = parse(item)
    shape = bound_shape(f, FIELDS)
    assert shape is not None

    def sql(statement: Select[Any]) -> str:
        return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

    bound = select(table.c.email).where(bound_clause(table, shape, "f0", dialect.name))
    built = select(table.c.email).where(filter_clause(table, f, FIELDS, dialect.name))
    assert sql(bound.params(bound_values(f, "f0"))) == sql(built)
