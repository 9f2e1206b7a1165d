"""List filters from query parameters: `field[op]=value` -> SQL, on SQLite and PostgreSQL.

Choices users can rely on:
- `field=value` means `field[eq]=value`; `in` takes comma-separated values (at most 100).
- `eq`, `ne`, `in` compare strings exactly; `contains` and `starts_with` ignore case.
- `ne` includes rows where the field is empty: "not X" is true of a blank.
- `exists=true` means the field has a value (for `tags`: at least one tag).
- `attributes.<name>`: gt/gte/lt/lte compare numbers; eq/ne/in compare as text, so
  `attributes.seats=3` matches the number 3 and the string "3", and `true`/`false` match booleans.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Float,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import array as pg_array

from leadapi.errors import ProblemError
from leadapi.times import parse_time

FieldKind = Literal["string", "int", "number", "bool", "datetime", "string_list", "attributes"]
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "starts_with", "exists")
ALLOWED: dict[str, tuple[str, ...]] = {
    "string": ("eq", "ne", "in", "contains", "starts_with", "exists"),
    "int": ("eq", "ne", "gt", "gte", "lt", "lte", "in", "exists"),
    "number": ("eq", "ne", "gt", "gte", "lt", "lte", "exists"),
    "datetime": ("eq", "ne", "gt", "gte", "lt", "lte", "exists"),
    "bool": ("eq", "ne", "exists"),
    "string_list": ("contains", "in", "exists"),
    "attributes": ("eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "starts_with", "exists"),
}
KEY = re.compile(r"^(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?:\.(?P<attr>[^\[\]]*))?(?:\[(?P<op>[^\[\]]*)\])?$")
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
MAX_IN = 100
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
MAX_VALUE = 500


@dataclass(frozen=True)
class FieldSpec:
    column: str
    kind: FieldKind
    sortable: bool = True


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: Any
    attribute: str | None = None


def _problem(field: str, message: str, status: int = 422) -> ProblemError:
    return ProblemError(
        status,
        f"Invalid filter {field!r}: {message}",
        slug="bad-filter",
        errors=[{"field": field, "message": message}],
    )


def parse_filters(
    params: Iterable[tuple[str, str]], fields: Mapping[str, FieldSpec], *, ignore: Container[str]
) -> list[Filter]:
    filters: list[Filter] = []
    for key, raw in params:
        if key in ignore:
            continue
        match = KEY.match(key)
        if match is None:
            raise _problem(key, "expected `field=value` or `field[op]=value`", 400)
        name, attr, op = match["field"], match["attr"], match["op"] or "eq"
        spec = fields.get(name)
        if spec is None:
            raise _problem(key, f"unknown field; filterable: {', '.join(sorted(fields))}")
        if (spec.kind == "attributes") != (attr is not None):
            hint = (
                "use `attributes.<name>`" if spec.kind == "attributes" else "only attributes have sub-fields"
            )
            raise _problem(key, hint)
        if attr is not None and not ATTRIBUTE_NAME.match(attr):
            raise _problem(key, "attribute names are letters, digits and _")
        if op not in OPERATORS:
            raise _problem(key, f"unknown operator {op!r}; operators: {', '.join(OPERATORS)}")
        if op not in ALLOWED[spec.kind]:
            raise _problem(
                key, f"{op!r} does not apply to this field; use one of {', '.join(ALLOWED[spec.kind])}"
            )
        if len(raw) > MAX_VALUE * 4:
            raise _problem(key, "value too long")
        field = f"{name}.{attr}" if attr else name
        filters.append(Filter(field, op, _coerce(key, spec.kind, op, raw), attr))
    return filters


def _coerce(key: str, kind: FieldKind, op: str, raw: str) -> Any:
    if op == "exists":
        return _bool(key, raw)
    if op == "in":
        items = [item.strip() for item in raw.split(",")]
        if not items or len(items) > MAX_IN or any(item == "" for item in items):
            raise _problem(key, f"`in` takes 1 to {MAX_IN} comma-separated values")
        return [_scalar(key, kind, op, item) for item in items]
    return _scalar(key, kind, op, raw)


def _bool(key: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise _problem(key, "expected true or false")


def _scalar(key: str, kind: FieldKind, op: str, raw: str) -> Any:
    if len(raw) > MAX_VALUE:
        raise _problem(key, f"values are at most {MAX_VALUE} characters")
    if kind == "int":
        try:
            number = int(raw)
        except ValueError:
            raise _problem(key, "expected an integer") from None
        if not INT32_MIN <= number <= INT32_MAX:  # integer columns are 32-bit
            raise _problem(key, f"out of range ({INT32_MIN} to {INT32_MAX})")
        return number
    if kind == "number":
        try:
            real = float(raw)
        except ValueError:
            raise _problem(key, "expected a number") from None
        if not math.isfinite(real) or abs(real) > 1e15:
            raise _problem(key, "expected a finite number of reasonable size")
        return real
    if kind == "bool":
        return _bool(key, raw)
    if kind == "datetime":
        try:
            return parse_time(raw)
        except ValueError as exc:
            raise _problem(key, str(exc)) from None
    if kind == "attributes" and op in ("gt", "gte", "lt", "lte"):
        try:
            return float(raw)
        except ValueError:
            raise _problem(key, "gt/gte/lt/lte on attributes compare numbers") from None
    return raw


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so the text matches literally (patterns use a backslash escape)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _compare(column: ColumnElement[Any], op: str, value: Any) -> ColumnElement[bool]:
    """`column op value`, where `value` is the operand as the SQL compares it (see _operand): a
    value, or a bind parameter that will hold one."""
    return cast_bool(_comparison(column, op, value))


def _operand(op: str, value: Any) -> Any:
    """What a filter's value is compared with: `contains` and `starts_with` as LIKE patterns."""
    if op == "contains":
        return f"%{escape_like(value)}%"
    if op == "starts_with":
        return f"{escape_like(value)}%"
    return value


def cast_bool(expression: Any) -> ColumnElement[bool]:
    """SQLAlchemy's operator overloads are typed Any; this names what they build."""
    result: ColumnElement[bool] = expression
    return result


def _comparison(column: ColumnElement[Any], op: str, value: Any) -> Any:
    if op == "eq":
        return column == value
    if op == "ne":
        return or_(column != value, column.is_(None))
    if op == "gt":
        return column > value
    if op == "gte":
        return column >= value
    if op == "lt":
        return column < value
    if op == "lte":
        return column <= value
    if op == "in":
        return column.in_(value)
    if op in ("contains", "starts_with"):
        return column.ilike(value, escape="\\")
    raise ValueError(op)


def filter_clause(
    table: Table, f: Filter, fields: Mapping[str, FieldSpec], dialect: str
) -> ColumnElement[bool]:
    """The SQL condition of one filter. JSON needs per-database SQL, hence `dialect`."""
    spec = fields[f.field.split(".", 1)[0]]
    column = table.c[spec.column]
    if spec.kind == "string_list":
        return _list_clause(column, f, dialect)
    if spec.kind == "attributes":
        return _attribute_clause(column, f, dialect)
    return _column_clause(column, f.op, _operand(f.op, f.value), dialect)


def _column_clause(column: ColumnElement[Any], op: str, operand: Any, dialect: str) -> ColumnElement[bool]:
    """A plain column's filter, its operand values or bind parameters (filter_clause, bound_clause):
    `exists` whether a value is wanted, `in` a list, the others as _operand makes them."""
    if op == "exists":
        return column.is_not(None) if operand else column.is_(None)
    if op == "in" and dialect == "postgresql":
        # `= ANY (ARRAY[...])`: the same rows as IN, in SQL fixed at compile time (IN expands
        # when executed), so the list's compiled statement is reused (leads/reads.py).
        return cast_bool(column == any_(pg_array(operand)))
    return _compare(column, op, operand)


# A plain column's filter as SQL with its values bound by name, so one compiled statement serves
# every request of the same shape (leads/reads.py). Tags and attributes are not plain: their SQL
# depends on the values themselves (containment documents, a JSON path per attribute name).
BoundShape = tuple[str, str, Any]


def bound_shape(f: Filter, fields: Mapping[str, FieldSpec]) -> BoundShape | None:
    """What the SQL of `f` depends on besides its bound values: (column, op, detail), the detail
    being how many values an `in` lists or whether `exists` asks for a value; None for a filter
    that has no bound form (tags, attributes)."""
    spec = fields[f.field.split(".", 1)[0]]
    if spec.kind in ("string_list", "attributes"):
        return None
    detail = len(f.value) if f.op == "in" else f.value if f.op == "exists" else None
    return spec.column, f.op, detail


def bound_clause(table: Table, shape: BoundShape, name: str, dialect: str) -> ColumnElement[bool]:
    """filter_clause of a filter of this shape, its value the bind parameter `name` (`in`: one per
    value, `name_0`, `name_1`, ...); bound_values gives their values. The same SQL as filter_clause."""
    column_name, op, detail = shape
    column = table.c[column_name]
    operand: Any
    if op == "exists":
        operand = detail
    elif op == "in":
        operand = [bindparam(f"{name}_{j}", type_=column.type) for j in range(detail)]
    else:
        operand = bindparam(name, type_=column.type)
    return _column_clause(column, op, operand, dialect)


def bound_values(f: Filter, name: str) -> dict[str, Any]:
    """The values of bound_clause's parameters for `f`."""
    if f.op == "exists":
        return {}
    if f.op == "in":
        return {f"{name}_{j}": value for j, value in enumerate(f.value)}
    return {name: _operand(f.op, f.value)}


def _list_clause(column: Any, f: Filter, dialect: str) -> ColumnElement[bool]:
    """A JSON list of strings: contains a value, contains any of several, or is non-empty."""
    if f.op == "exists":
        length = (
            func.jsonb_array_length(column) if dialect == "postgresql" else func.json_array_length(column)
        )
        present = func.coalesce(length, 0) > 0
        return present if f.value else not_(present)
    wanted: list[str] = f.value if f.op == "in" else [f.value]
    if dialect == "postgresql":
        return or_(*(column.op("@>")(func.jsonb_build_array(item)) for item in wanted))
    items = func.json_each(column).table_valued("value")
    return exists(select(literal(1)).select_from(items).where(items.c.value.in_(wanted)))


def _attribute_clause(column: Any, f: Filter, dialect: str) -> ColumnElement[bool]:
    key = f.attribute or ""
    if dialect == "postgresql":
        kind = func.jsonb_typeof(column.op("->")(key))
        # ->> yields text; typed so, `contains`/`starts_with` are text operators (on the JSON type
        # SQLAlchemy deprecates them).
        text_form: ColumnElement[Any] = column.op("->>", return_type=String)(key)
        number: ColumnElement[Any] = case((kind == "number", cast(text_form, Float)))
    else:
        path = f"$.{key}"  # names are [A-Za-z0-9_], so no quoting is needed
        kind = func.json_type(column, path)
        # SQLite's json_extract turns true/false into 1/0; spell them as JSON does.
        text_form = case(
            (kind == "true", literal("true")),
            (kind == "false", literal("false")),
            else_=cast(func.json_extract(column, path), String),
        )
        number = case((kind.in_(["integer", "real"]), func.json_extract(column, path)))
    if f.op == "exists":
        present = and_(kind.is_not(None), kind != "null")
        return present if f.value else not_(present)
    if f.op in ("gt", "gte", "lt", "lte"):
        return _compare(number, f.op, f.value)
    if f.op == "in":
        listed = cast_bool(text_form.in_([_json_text_form(v) for v in f.value]))
        return _with_containment(listed, column, key, f.value, dialect)
    if f.op in ("contains", "starts_with"):
        return _compare(text_form, f.op, _operand(f.op, f.value))
    exact = _compare(text_form, f.op, _json_text_form(f.value))
    return _with_containment(exact, column, key, [f.value], dialect) if f.op == "eq" else exact


_JSON_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")


def _with_containment(
    exact: ColumnElement[bool], column: Any, key: str, values: list[str], dialect: str
) -> ColumnElement[bool]:
    """On PostgreSQL, `exact` and `attributes @> {key: value}` for each JSON form the value can
    take (string, number, boolean): the same rows, found through the GIN index on attributes."""
    if dialect != "postgresql":
        return exact
    documents: list[dict[str, Any]] = []
    for value in values:
        if value.startswith(("{", "[")):
            return exact  # an object's or array's text: no containment spells it, scan instead
        # Every form whose text `exact` accepts: the string as given and as compared, a boolean,
        # a number (only where the float spells the same number: else the index could miss it).
        text = _json_text_form(value)
        documents += [{key: value}, {key: text}]
        if text in ("true", "false"):
            documents.append({key: text == "true"})
        elif _JSON_NUMBER.match(value):
            parsed = json.loads(value)
            if isinstance(parsed, float) and repr(parsed) != value:
                return exact
            documents.append({key: parsed})
    contained = or_(*(column.op("@>")(literal(document, JSONB)) for document in documents))
    return and_(contained, exact)


def _json_text_form(value: str) -> str:
    lowered = value.strip().lower()
    return lowered if lowered in ("true", "false") else value


MAX_SORT_KEYS = 3


def parse_sort(
    value: str | None, fields: Mapping[str, FieldSpec], default: str = "-created_at"
) -> list[tuple[str, bool]]:
    """`-score,company` -> [("score", True), ("company", False)]; True means descending."""
    keys: list[tuple[str, bool]] = []
    for part in (value or default).split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.removeprefix("-").removeprefix("+")
        spec = fields.get(name)
        if spec is None or not spec.sortable:
            sortable = ", ".join(sorted(n for n, s in fields.items() if s.sortable))
            raise ProblemError(
                422,
                f"Cannot sort by {name!r}; sortable fields: {sortable}.",
                slug="bad-sort",
                errors=[{"field": "sort", "message": f"unknown or unsortable field {name!r}"}],
            )
        if any(existing == name for existing, _ in keys):
            continue
        keys.append((name, descending))
    if len(keys) > MAX_SORT_KEYS:
        raise ProblemError(
            422,
            f"Sort by at most {MAX_SORT_KEYS} fields.",
            slug="bad-sort",
            errors=[{"field": "sort", "message": "too many sort fields"}],
        )
    return keys
