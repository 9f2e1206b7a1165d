"""Cursors round-trip; keyset pages visit every row once, in order, NULLs last (SQLite engine)."""

from __future__ import annotations

import base64
import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select

from leadapi.api.pagination import decode_cursor, encode_cursor, keyset_clause, order_by
from leadapi.db import UTCDateTime
from leadapi.errors import ProblemError


def test_cursor_round_trip() -> None:
    when = datetime(2026, 11, 24, 19, 7, 6, 123456, tzinfo=UTC)
    values = [when, 42, None, "ld_x"]
    assert decode_cursor(encode_cursor(values), ["datetime", "int", "string", "id"]) == values


@pytest.mark.parametrize(
    ("cursor", "kinds"),
    [
        ("garbage!", ["id"]),
        (encode_cursor([1]), ["id"]),
        (encode_cursor(["x"]), ["int"]),
        (encode_cursor([True]), ["int"]),
        (encode_cursor(["a", "b"]), ["id"]),
        (encode_cursor(["not-a-date", "x"]), ["datetime", "id"]),
        (encode_cursor([None]), ["id"]),
        (encode_cursor(["a\x00b", "x"]), ["string", "id"]),
        (encode_cursor([2**40, "x"]), ["int", "id"]),
        # Times whose UTC form leaves the calendar (converting them overflowed: a 500).
        (encode_cursor([{"t": "0001-01-01T00:00:00+14:00"}, "x"]), ["datetime", "id"]),
        (encode_cursor([{"t": "9999-12-31T23:59:59-14:00"}, "x"]), ["datetime", "id"]),
        (encode_cursor([{"t": "1899-12-31T23:59:59Z"}, "x"]), ["datetime", "id"]),
        # Lone surrogates, as JSON escapes or raw (no database can store or compare them).
        ("WyJcdWQ4MDAiLCJ4Il0", ["string", "id"]),  # ["\ud800","x"]
        ("WyLtoIAiLCJ4Il0", ["string", "id"]),  # the same, encoded as (invalid) UTF-8
        (encode_cursor(["x", "\udfff"]), ["string", "id"]),
        # Nested past the JSON parser's stack.
        (base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(), ["id"]),
    ],
)
def test_bad_cursors_are_400(cursor: str, kinds: list[str]) -> None:
    with pytest.raises(ProblemError) as error:
        decode_cursor(cursor, kinds)
    assert error.value.status == 400


def _rows() -> list[dict[str, Any]]:
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        {
            "id": f"r{i:03d}",
            "size": rng.choice([None, 1, 2, 3, 5, 8]),
            "name": rng.choice([None, "a", "b", "c"]),
            "at": start + timedelta(hours=rng.choice([0, 1, 2])),
        }
        for i in range(60)
    ]


def _reference(rows: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> list[str]:
    """Python's own ordering with NULLs last in both directions, id as the final tiebreaker."""
    ordered = sorted(rows, key=lambda r: r["id"], reverse=keys[-1][1])
    for name, desc in reversed(keys):
        present = sorted((r for r in ordered if r[name] is not None), key=lambda r: r[name], reverse=desc)
        ordered = present + [r for r in ordered if r[name] is None]
    return [r["id"] for r in ordered]


@pytest.mark.parametrize(
    "keys",
    [[(name, desc)] for name, desc in itertools.product(["size", "name", "at"], [False, True])]
    + [[("size", True), ("name", False)], [("name", False), ("at", True)]],
)
def test_keyset_pages_visit_every_row_once_in_order(keys: list[tuple[str, bool]]) -> None:
    metadata = MetaData()
    table = Table(
        "t",
        metadata,
        Column("id", String, primary_key=True),
        Column("size", Integer),
        Column("name", String),
        Column("at", UTCDateTime),
    )
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    rows = _rows()
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
        columns = [(table.c[name], desc) for name, desc in keys] + [(table.c.id, keys[-1][1])]
        seen: list[str] = []
        last: list[Any] | None = None
        while True:
            stmt = select(table).order_by(*order_by(columns)).limit(7)
            if last is not None:
                stmt = stmt.where(keyset_clause(columns, last))
            page = conn.execute(stmt).mappings().all()
            if not page:
                break
            seen += [r["id"] for r in page]
            # Through a real cursor string, as a client would send it back.
            last = decode_cursor(
                encode_cursor([page[-1][name] for name, _ in keys] + [page[-1]["id"]]),
                [{"size": "int", "name": "string", "at": "datetime"}[n] for n, _ in keys] + ["id"],
            )
    assert seen == _reference(rows, keys)
