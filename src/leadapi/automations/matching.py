"""How many of a workspace's leads an automation's `when` matches now: the condition compiled to SQL
and counted by the database, never evaluated in Python lead by lead.

The SQL keeps the condition language's rules (conditions/engine.py): strings compare ignoring case,
a missing field matches nothing (but `exists: false` and `empty`), a list field equals a value when
one of its items does. Every leaf is false, never NULL, on a missing value, so `not` is exact.
Leaves on the triggering event (`event.*`) are decided once, on the preview's event. What SQL cannot
say with the same meaning is refused, naming the node: attributes (JSON values of any type),
`matches` (regular expressions), text outside ASCII (the databases fold case differently from
Python), and operators a field's kind does not take.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.filters import escape_like
from leadapi.automations.engine import WHEN_FIELDS
from leadapi.automations.schemas import AutomationCreate, AutomationPreviewIn
from leadapi.automations.service import AutomationService
from leadapi.conditions import ConditionError, compile_condition
from leadapi.errors import validation_problem
from leadapi.leads.models import Lead
from leadapi.leads.repository import LEAD_FIELDS
from leadapi.principal import Principal
from leadapi.times import parse_time

leads = Lead.__table__
Clause = ColumnElement[bool]


class UncountableError(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise UncountableError(path, "compares text with text only when counted")
    if not value.isascii():
        raise UncountableError(
            path, "text outside ASCII cannot be counted (case folding differs by database)"
        )
    return value.lower()


def _texts(value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        raise UncountableError(path, "expected a list")
    return [_text(item, f"{path}[{i}]") for i, item in enumerate(value)]


def _bound(value: Any, kind: str, path: str) -> float | datetime:
    if kind == "datetime":
        if isinstance(value, str):
            try:
                return parse_time(value)
            except ValueError:
                pass
        raise UncountableError(path, "a date-time field is compared with an ISO 8601 date-time when counted")
    if not _number(value):
        raise UncountableError(path, "a number field is compared with a number when counted")
    return float(value)


def _leaf_sql(node: Mapping[str, Any], path: str, dialect: str) -> Clause:
    name, op, value = node["field"], node["op"], node.get("value")
    spec = LEAD_FIELDS.get(name)
    if spec is None or spec.kind == "attributes":
        raise UncountableError(f"{path}.field", f"{name!r} cannot be counted in SQL")
    column: Any = leads.c[spec.column]
    kind = spec.kind
    if op == "matches":
        raise UncountableError(f"{path}.op", "regular expressions cannot be counted")
    if kind == "string_list":
        return _list_sql(column, op, value, "value" in node, f"{path}", dialect)
    present: Clause = column.is_not(None)
    if kind == "string":
        present = and_(present, column != "")
    if op in ("exists", "empty"):
        wanted = True if "value" not in node else bool(value)
        holds = present if op == "exists" else not_(present)
        return holds if wanted else not_(holds)
    at = f"{path}.value"
    if kind == "string":
        lowered = func.lower(column)
        if op in ("eq", "ne"):
            test = lowered == _text(value, at)
        elif op in ("in", "not_in"):
            test = lowered.in_(_texts(value, at))
        elif op in ("contains", "starts_with", "ends_with"):
            text = escape_like(_text(value, at))
            pattern = {"contains": f"%{text}%", "starts_with": f"{text}%", "ends_with": f"%{text}"}[op]
            test = lowered.like(pattern, escape="\\")
        else:
            raise UncountableError(f"{path}.op", f"{op!r} on a text field cannot be counted")
        negated = op in ("ne", "not_in")
        return and_(column.is_not(None), not_(test) if negated else test)
    if kind == "bool":
        if op not in ("eq", "ne") or not isinstance(value, bool):
            raise UncountableError(f"{path}.op", "a flag is counted with eq or ne and true or false")
        # eq: the flag is that value; ne: it is set and not that value (null matches neither).
        return and_(column.is_not(None), column.is_(value) if op == "eq" else column.is_(not value))
    if op in ("gt", "gte", "lt", "lte"):
        bound = _bound(value, kind, at)
        compare = {"gt": column > bound, "gte": column >= bound, "lt": column < bound, "lte": column <= bound}
        return and_(column.is_not(None), compare[op])
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise UncountableError(at, "between takes [low, high]")
        low, high = _bound(value[0], kind, f"{at}[0]"), _bound(value[1], kind, f"{at}[1]")
        return and_(column.is_not(None), column >= low, column <= high)
    if kind in ("int", "number") and op in ("eq", "ne", "in", "not_in"):
        options = value if op in ("in", "not_in") else [value]
        if not isinstance(options, list) or not all(_number(o) for o in options):
            raise UncountableError(at, "a number field is compared with numbers when counted")
        test = column.in_([float(o) for o in options])
        return and_(column.is_not(None), not_(test) if op in ("ne", "not_in") else test)
    raise UncountableError(f"{path}.op", f"{op!r} on this field cannot be counted")


def _list_sql(column: Any, op: str, value: Any, has_value: bool, path: str, dialect: str) -> Clause:
    """Tags: a JSON list of strings, each compared ignoring case."""
    if dialect == "postgresql":
        items = func.jsonb_array_elements_text(column).table_valued("value")
        length = func.jsonb_array_length(column)
    else:
        items = func.json_each(column).table_valued("value")
        length = func.json_array_length(column)
    present = func.coalesce(length, 0) > 0
    if op in ("exists", "empty"):
        wanted = True if not has_value else bool(value)
        holds = present if op == "exists" else not_(present)
        return holds if wanted else not_(holds)
    at = f"{path}.value"
    if op in ("eq", "contains"):
        wanted_items = [_text(value, at)]
    elif op in ("in", "contains_any"):
        wanted_items = _texts(value, at)
    else:
        raise UncountableError(f"{path}.op", f"{op!r} on tags cannot be counted")
    return exists(select(literal(1)).select_from(items).where(func.lower(items.c.value).in_(wanted_items)))


def when_sql(node: Any, event: Mapping[str, Any], dialect: str, path: str = "when") -> Clause:
    """The condition as a SQL clause over `leads` (UncountableError names the first node it cannot say)."""
    if "all" in node or "any" in node:
        group = "all" if "all" in node else "any"
        children = [when_sql(c, event, dialect, f"{path}.{group}[{i}]") for i, c in enumerate(node[group])]
        return and_(true(), *children) if group == "all" else or_(false(), *children)
    if "not" in node:
        return not_(when_sql(node["not"], event, dialect, f"{path}.not"))
    if str(node.get("field", "")).startswith("event."):
        # The same for every lead: decided on the preview's event by the condition language itself.
        holds = compile_condition(node, WHEN_FIELDS, path)({"event": event})
        return true() if holds else false()
    return _leaf_sql(node, path, dialect)


async def count_matching(
    conn: AsyncConnection, workspace_id: str, when: Any, event: Mapping[str, Any], path: str = "when"
) -> int:
    """How many of the workspace's leads `when` matches now (422 naming what cannot be counted)."""
    clause: Clause = true()
    if when is not None:
        try:
            compile_condition(when, WHEN_FIELDS, path)  # the language's own checks first
            clause = when_sql(when, event, conn.dialect.name, path)
        except ConditionError as exc:
            raise validation_problem([{"field": exc.path, "message": exc.message}]) from None
        except UncountableError as exc:
            raise validation_problem(
                [{"field": exc.path, "message": exc.message}],
                "The automation's `when` cannot be counted over the leads (matching=true): "
                f"{exc.path}: {exc.message}. Preview it on a lead instead.",
            ) from None
    stmt = select(func.count()).select_from(leads).where(leads.c.workspace_id == workspace_id, clause)
    return int((await conn.execute(stmt)).scalar_one())


async def preview_matching(
    conn: AsyncConnection,
    principal: Principal,
    automations: AutomationService,
    clock: Callable[[], datetime],
    body: AutomationPreviewIn,
) -> int:
    """A dry run's `matching`: the leads its automation's `when` matches now, `event.*` leaves
    decided on its event (REST and MCP alike)."""
    if isinstance(body.automation, AutomationCreate):
        when, path = body.automation.when, "automation.when"
    else:
        when, path = (await automations.get(conn, principal, body.automation))["when"], "when"
    data = body.event.data
    event = {
        "type": body.event.type,
        "source": None,
        "actor": None,
        "occurred_at": body.event.occurred_at or clock(),
        "properties": data,
        "data": data,
    }
    return await count_matching(conn, principal.workspace_id, when, event, path)
