"""Parsing of list filters and sort keys (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadapi.api.filters import FieldSpec, Filter, parse_filters, parse_sort
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
