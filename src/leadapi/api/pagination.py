"""Keyset (cursor) pagination: stable pages however many rows are inserted meanwhile.

A cursor is the sort values of the last row returned plus its id, base64url-encoded JSON. NULLs
sort last in both directions, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, and_, false, or_, true, tuple_

from leadapi.api.schemas import storable_text
from leadapi.errors import ProblemError
from leadapi.times import parse_time

CursorKind = Literal["string", "int", "number", "bool", "datetime", "id"]


def bad_cursor() -> ProblemError:
    return ProblemError(
        400,
        "The cursor is not one this API gave out for this query; start again without it.",
        slug="bad-cursor",
        errors=[{"field": "cursor", "message": "invalid cursor"}],
    )


def encode_cursor(values: Sequence[Any]) -> str:
    encoded = [
        {"t": value.astimezone(UTC).isoformat()} if isinstance(value, datetime) else value for value in values
    ]
    raw = json.dumps(encoded, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: Sequence[str]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise bad_cursor() from exc
    if not isinstance(values, list) or len(values) != len(kinds):
        raise bad_cursor()
    return [_decode_value(value, kind) for value, kind in zip(values, kinds, strict=True)]


def _decode_value(value: Any, kind: str) -> Any:
    if value is None and kind != "id":
        return None
    if kind == "datetime":
        if not (isinstance(value, dict) and isinstance(value.get("t"), str)):
            raise bad_cursor()
        try:
            return parse_time(value["t"])
        except ValueError as exc:  # not a time, or one no database can compare (see times.py)
            raise bad_cursor() from exc
    expected: tuple[type, ...] = {
        "int": (int,),
        "number": (int, float),
        "bool": (bool,),
        "string": (str,),
        "id": (str,),
    }.get(kind, (str, int, float, bool))
    if not isinstance(value, expected) or (kind in ("int", "number") and isinstance(value, bool)):
        raise bad_cursor()
    if isinstance(value, float) and not math.isfinite(value):
        raise bad_cursor()
    # A tampered cursor must fail here, not in the database: no NUL or lone surrogate (a JSON
    # escape such as \ud800 decodes to one) in text, ints fit 32 bits.
    if (isinstance(value, str) and not storable_text(value)) or (
        isinstance(value, int) and not isinstance(value, bool) and not -(2**31) <= value < 2**31
    ):
        raise bad_cursor()
    return value


def order_by(columns: Sequence[tuple[ColumnElement[Any], bool]]) -> list[ColumnElement[Any]]:
    return [(col.desc() if desc else col.asc()).nulls_last() for col, desc in columns]


def keyset_clause(
    columns: Sequence[tuple[ColumnElement[Any], bool]], last: Sequence[Any]
) -> ColumnElement[bool]:
    """Rows strictly after `last` in the order of `columns` (NULLs last in both directions).

    Expanded as (k1 after) OR (k1 same AND k2 after) OR ..., where "after" and "same" account for
    NULLs: after a NULL only NULLs remain; after a value, bigger values and then NULLs.
    """
    alternatives: list[ColumnElement[bool]] = []
    equal_so_far: list[ColumnElement[bool]] = []
    for (column, desc), value in zip(columns, last, strict=True):
        if value is None:
            after: ColumnElement[bool] = false()
            same: ColumnElement[bool] = column.is_(None)
        else:
            beyond = column < value if desc else column > value
            after = or_(beyond, column.is_(None))
            same = column == value
        alternatives.append(and_(*equal_so_far, after) if equal_so_far else after)
        equal_so_far.append(same)
    return or_(*alternatives) if alternatives else true()


def row_after(keys: Sequence[tuple[ColumnElement[Any], bool]], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows after `values` in the order of `keys`, for keys in one direction with no NULLs among
    the values: a row comparison, which an index on the keys serves as one range (keyset_clause's
    OR of alternatives, which handles NULLs, is not one)."""
    if not keys:
        return true()
    columns = [column for column, _ in keys]
    descending = keys[0][1]
    if len(columns) == 1:
        result: Any = columns[0] < values[0] if descending else columns[0] > values[0]
    else:
        row, given = tuple_(*columns), tuple_(*values)
        result = row < given if descending else row > given
    return cast(ColumnElement[bool], result)


def id_cursor(cursor: str | None) -> str | None:
    """Where a list in id order continues: after this id; None from the top."""
    return str(decode_cursor(cursor, ["id"])[0]) if cursor else None


def next_id_cursor(rows: Sequence[Mapping[str, Any]], limit: int) -> str | None:
    """The cursor after a page read with `limit + 1` rows in id order; None on the last page."""
    return encode_cursor([rows[limit - 1]["id"]]) if len(rows) > limit else None


def time_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """Where a newest-first list (by a time, then id) continues: after this (time, id); None
    from the top."""
    if not cursor:
        return None
    at, last_id = decode_cursor(cursor, ["datetime", "id"])
    return at, last_id


def next_time_cursor(rows: Sequence[Mapping[str, Any]], limit: int, time_field: str) -> str | None:
    """The cursor after a page read with `limit + 1` rows (the extra one says there is more);
    None on the last page."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor([last[time_field], last["id"]])
