"""Conditions: JSON trees compiled once into plain Python predicates. Pure: no I/O.

    leaf:  {"field": "country", "op": "in", "value": ["FR", "DE"]}
    tree:  {"all": [...]} | {"any": [...]} | {"not": {...}}

Rules every operator keeps: string comparisons ignore case; a missing (or null) field never
raises and simply does not match (only `exists` false and `empty` are true of it); a value of the
wrong type does not match either. Problems are reported with the exact path of the bad node,
e.g. `rules[3].when.any[1].op`, by ConditionError.

`matches` uses RE2, whose matching time is linear in the input, but the factor is the compiled
program's size once RE2's DFA runs out of memory (bounded repeats: `(a{1,100}){1,10}` compiles to
about 2,000 instructions, and each search of a 1,000-character text then steps through them all
per character). So the work is bounded at every level: a pattern's length (MAX_PATTERN) and
program size (MAX_PROGRAM), the patterns in one compiled set (MAX_PATTERNS: a scoring model, a
rule), the characters a match reads (MAX_MATCH_INPUT, the start of the value), and, where a
caller sets one (previews), a MatchBudget for all the matching of one evaluation.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import re2

from leadapi.times import OUT_OF_RANGE, parse_time, to_utc

Predicate = Callable[[Mapping[str, Any]], bool]

OPERATORS = (
    "eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between",
    "contains", "contains_any", "starts_with", "ends_with", "matches", "exists", "empty",
)  # fmt: skip
MAX_DEPTH = 12
MAX_NODES = 500
MAX_LIST = 1000
MAX_STRING = 1000
MAX_PATTERN = 500
MAX_PROGRAM = 1000  # RE2 instructions (`programsize`); the slow searches were above 2,000
MAX_PATTERNS = 50  # `matches` leaves in one compiled set (a condition, or all of a model's)
MAX_MATCH_INPUT = 1000  # characters of a value a `matches` reads: its start


class MatchBudgetExceededError(Exception):
    """An evaluation did more matching than its MatchBudget allows."""


@dataclass
class MatchBudget:
    """The matching one evaluation may do, in units of characters read times the pattern's
    program size (a bound on RE2's steps), and optionally in CPU seconds by `clock` (the
    evaluating thread's CPU time): spent by every `matches`, MatchBudgetExceededError when
    either runs out."""

    units: int
    cpu_seconds: float | None = None
    clock: Callable[[], float] | None = None
    started: float = 0.0

    def __post_init__(self) -> None:
        if self.clock is not None:
            self.started = self.clock()

    def spend(self, units: int) -> None:
        self.units -= units
        if self.units < 0:
            raise MatchBudgetExceededError("the conditions' regular expressions read too much text")
        if (
            self.cpu_seconds is not None
            and self.clock is not None
            and self.clock() - self.started > self.cpu_seconds
        ):
            raise MatchBudgetExceededError("the conditions' regular expressions took too long")


# The budget of the evaluation running in this context (None: unbudgeted, e.g. one capture's
# rules, which the per-pattern bounds above already keep small).
_BUDGET: ContextVar[MatchBudget | None] = ContextVar("leadapi_match_budget", default=None)


@contextmanager
def match_budget(budget: MatchBudget) -> Iterator[MatchBudget]:
    """Every `matches` evaluated in this context (thread or task) spends from `budget`."""
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


@dataclass
class PatternTally:
    """Counts `matches` leaves across the conditions of one set (say, a scoring model)."""

    limit: int = MAX_PATTERNS
    count: int = 0


class ConditionError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class FieldSet:
    """The fields a condition may name: exact names, and prefixes for open maps (`attributes.`)."""

    names: frozenset[str]
    prefixes: tuple[str, ...] = field(default=())

    def allows(self, name: str) -> bool:
        return name in self.names or any(name.startswith(p) and len(name) > len(p) for p in self.prefixes)


def compile_condition(
    node: Any, fields: FieldSet | None = None, path: str = "when", patterns: PatternTally | None = None
) -> Predicate:
    """Validate `node` and compile it; raises ConditionError naming the first bad node.
    `patterns` counts regular expressions across several conditions (default: this one's)."""
    counter = [0]
    return _compile(node, fields, path, 0, counter, patterns or PatternTally())


def _compile(
    node: Any, fields: FieldSet | None, path: str, depth: int, counter: list[int], patterns: PatternTally
) -> Predicate:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise ConditionError(path, f"a condition has at most {MAX_NODES} nodes")
    if depth > MAX_DEPTH:
        raise ConditionError(path, f"conditions nest at most {MAX_DEPTH} deep")
    if not isinstance(node, Mapping):
        raise ConditionError(path, "a condition is an object: a leaf {field, op, value} or all/any/not")
    keys = set(node)
    for group in ("all", "any"):
        if group in keys:
            if keys != {group}:
                raise ConditionError(path, f"{group!r} stands alone in its object")
            children = node[group]
            if not isinstance(children, list) or not children:
                raise ConditionError(f"{path}.{group}", "a non-empty list of conditions")
            compiled = [
                _compile(child, fields, f"{path}.{group}[{i}]", depth + 1, counter, patterns)
                for i, child in enumerate(children)
            ]
            return _all_of(compiled) if group == "all" else _any_of(compiled)
    if "not" in keys:
        if keys != {"not"}:
            raise ConditionError(path, "'not' stands alone in its object")
        inner = _compile(node["not"], fields, f"{path}.not", depth + 1, counter, patterns)
        return lambda data: not inner(data)
    return _leaf(node, fields, path, patterns)


# Plain loops, not all()/any() over a generator: building the generator cost more than the
# children's tests in the common two- or three-child group.
def _all_of(children: list[Predicate]) -> Predicate:
    def all_of(data: Mapping[str, Any]) -> bool:
        for child in children:  # noqa: SIM110
            if not child(data):
                return False
        return True

    return all_of


def _any_of(children: list[Predicate]) -> Predicate:
    def any_of(data: Mapping[str, Any]) -> bool:
        for child in children:  # noqa: SIM110
            if child(data):
                return True
        return False

    return any_of


def _leaf(node: Mapping[str, Any], fields: FieldSet | None, path: str, patterns: PatternTally) -> Predicate:
    unknown = set(node) - {"field", "op", "value"}
    if unknown:
        raise ConditionError(f"{path}.{sorted(unknown)[0]}", "unknown key; a leaf has field, op and value")
    name = node.get("field")
    if not isinstance(name, str) or not name:
        raise ConditionError(f"{path}.field", "a field name is required")
    if fields is not None and not fields.allows(name):
        raise ConditionError(f"{path}.field", f"unknown field {name[:80]!r}")
    op = node.get("op")
    if op not in OPERATORS:
        raise ConditionError(f"{path}.op", f"unknown operator {op!r}; one of {', '.join(OPERATORS)}")
    if op == "matches":
        patterns.count += 1
        if patterns.count > patterns.limit:
            raise ConditionError(f"{path}.op", f"at most {patterns.limit} regular expressions in all")
    test = _operator(op, node.get("value"), "value" in node, f"{path}.value")
    # Conditions run per lead and per event, so the common shapes read their field inline
    # rather than through a getter's extra call.
    if "." not in name:
        return lambda data: test(data.get(name))
    parts = name.split(".")
    if len(parts) == 2:  # `attributes.x`, `properties.x`
        outer, inner = parts

        def nested_leaf(data: Mapping[str, Any]) -> bool:
            value = data.get(outer)
            if type(value) is dict:
                return test(value.get(inner))
            return test(value.get(inner) if isinstance(value, Mapping) else None)

        return nested_leaf
    get = _getter(name)
    return lambda data: test(get(data))


def _getter(name: str) -> Callable[[Mapping[str, Any]], Any]:
    parts = name.split(".")
    if len(parts) == 1:
        return lambda data: data.get(name)

    def get(data: Mapping[str, Any]) -> Any:
        value: Any = data
        for part in parts:
            # `type(...) is dict` first: the ABC check is the slow path, for other mappings.
            if type(value) is not dict and not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return value

    return get


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_float(value: Any) -> float | None:
    """A number as a float; None for non-numbers and for integers too big for one (10**400 in a
    lead's attributes must fail to match, not fail the request)."""
    if not _is_number(value):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _scalar(value: Any, path: str) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise ConditionError(path, f"strings are at most {MAX_STRING} characters")
        return value
    if _is_number(value):
        number = _as_float(value)
        if number is None or not math.isfinite(number):
            raise ConditionError(path, "numbers must be finite and of reasonable size")
    if value is None or isinstance(value, bool | int | float):
        return value
    raise ConditionError(path, "expected a string, number, boolean or null")


def _scalars(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise ConditionError(path, "expected a non-empty list")
    if len(value) > MAX_LIST:
        raise ConditionError(path, f"lists have at most {MAX_LIST} items")
    return [_scalar(item, f"{path}[{i}]") for i, item in enumerate(value)]


def _comparable(value: Any, path: str) -> float | datetime:
    """Order operators compare numbers, or date-times given as ISO 8601 strings."""
    if _is_number(value):
        number = _as_float(value)
        if number is None or not math.isfinite(number):
            raise ConditionError(path, "numbers must be finite and of reasonable size")
        return number
    if isinstance(value, str):
        try:
            return parse_time(value)
        except ValueError as exc:
            if str(exc) == OUT_OF_RANGE:
                raise ConditionError(path, OUT_OF_RANGE) from None
    raise ConditionError(path, "expected a number or an ISO 8601 date-time")


def _order_key(actual: Any, like: float | datetime) -> float | datetime | None:
    if isinstance(like, datetime):
        if isinstance(actual, datetime):
            try:
                return to_utc(actual)
            except ValueError:
                return None
        if isinstance(actual, str):
            try:
                return _comparable(actual, "")
            except ConditionError:
                return None
        return None
    return _as_float(actual)


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):  # a list field equals a value when one of its items does
        return any(_equal(item, expected) for item in actual)
    if _is_number(actual) and _is_number(expected):
        return _as_float(actual) == _as_float(expected)
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(_fold(actual) == expected)


def _operator(op: str, raw: Any, has_value: bool, path: str) -> Callable[[Any], bool]:
    if op in ("exists", "empty"):
        wanted = True if not has_value else raw
        if not isinstance(wanted, bool):
            raise ConditionError(path, "true or false (or leave the value out)")
        is_empty = _empty

        if op == "exists":
            return lambda actual: (not is_empty(actual)) is wanted
        return lambda actual: is_empty(actual) is wanted
    if not has_value:
        raise ConditionError(path, f"{op!r} needs a value")

    if op in ("eq", "ne"):
        expected = _fold(_scalar(raw, path))
        if op == "eq" and isinstance(expected, str):
            # The common case, specialised: a string compared with a string (or a list of them).
            return lambda actual: (
                actual.casefold() == expected
                if type(actual) is str
                else actual is not None and _equal(actual, expected)
            )
        if op == "eq" and isinstance(expected, bool):
            # A flag (is_free_email, unsubscribed): identity, or an item of a list field.
            return lambda actual: actual is expected or (type(actual) is list and _equal(actual, expected))
        if op == "eq":
            return lambda actual: actual is not None and _equal(actual, expected)
        return lambda actual: actual is not None and not _equal(actual, expected)
    if op in ("in", "not_in", "contains_any"):
        options = [_fold(item) for item in _scalars(raw, path)]
        if op in ("in", "not_in") and all(isinstance(item, str) for item in options):
            # All strings: one set lookup instead of a comparison per option.
            choices = frozenset(options)
            wanted_inside = op == "in"

            def member(actual: Any) -> bool:
                if type(actual) is str:
                    return (actual.casefold() in choices) is wanted_inside
                if actual is None:
                    return False
                return any(_equal(actual, o) for o in options) is wanted_inside

            return member
        if op == "contains_any" and all(isinstance(item, str) for item in options):
            return _contains_any_text(options)
        if op == "not_in":
            return lambda actual: actual is not None and not any(_equal(actual, o) for o in options)
        if op == "in":
            return lambda actual: actual is not None and any(_equal(actual, o) for o in options)
        return lambda actual: _contains_any(actual, options)
    if op in ("gt", "gte", "lt", "lte"):
        bound = _comparable(raw, path)
        compare: Callable[[Any, Any], bool] = {
            "gt": operator.gt,
            "gte": operator.ge,
            "lt": operator.lt,
            "lte": operator.le,
        }[op]

        def ordered(actual: Any) -> bool:
            key = _order_key(actual, bound)
            return key is not None and bool(compare(key, bound))

        return ordered
    if op == "between":
        if not isinstance(raw, list) or len(raw) != 2:
            raise ConditionError(path, "between takes [low, high]")
        low, high = _comparable(raw[0], f"{path}[0]"), _comparable(raw[1], f"{path}[1]")
        if type(low) is not type(high):
            raise ConditionError(path, "low and high must both be numbers or both date-times")
        if low > high:  # type: ignore[operator]
            raise ConditionError(path, "low must not be above high")

        numeric = isinstance(low, float)

        def within(actual: Any) -> bool:
            if numeric and (type(actual) is int or type(actual) is float):  # common: skip the key
                return low <= actual <= high  # type: ignore[operator]
            key = _order_key(actual, low)
            return key is not None and low <= key <= high  # type: ignore[operator]

        return within
    if op in ("contains", "starts_with", "ends_with"):
        needle = _scalar(raw, path)
        if op == "contains":
            folded = _fold(needle)
            if isinstance(folded, str):  # text in text, the common case, without the call
                return lambda actual: (
                    folded in actual.casefold() if type(actual) is str else _contains(actual, folded)
                )
            return lambda actual: _contains(actual, folded)
        if not isinstance(needle, str):
            raise ConditionError(path, f"{op} takes a string")
        folded_text = needle.casefold()
        if op == "starts_with":
            return lambda actual: isinstance(actual, str) and actual.casefold().startswith(folded_text)
        return lambda actual: isinstance(actual, str) and actual.casefold().endswith(folded_text)
    # matches
    if not isinstance(raw, str) or not raw:
        raise ConditionError(path, "matches takes a regular expression")
    if len(raw) > MAX_PATTERN:
        raise ConditionError(path, f"patterns are at most {MAX_PATTERN} characters")
    options = re2.Options()
    options.case_sensitive = False
    # Not RE2's max_mem: past it RE2 still compiles, then searches slowly without its DFA.
    try:
        pattern = re2.compile(raw, options)
    except re2.error as exc:
        raise ConditionError(path, f"invalid regular expression: {exc}") from None
    size = max(pattern.programsize, pattern.reverseprogramsize)
    if size > MAX_PROGRAM:
        raise ConditionError(
            path,
            f"the regular expression is too complex ({size} steps compiled, at most {MAX_PROGRAM}); "
            "use fewer or smaller bounded repeats such as {1,100}",
        )
    return _matcher(pattern, size)


def _matcher(pattern: Any, size: int) -> Callable[[Any], bool]:
    def matches(actual: Any) -> bool:
        if not isinstance(actual, str):
            return False
        text = actual[:MAX_MATCH_INPUT]
        budget = _BUDGET.get()
        if budget is not None:
            budget.spend((len(text) + 1) * size)
        return pattern.search(text) is not None

    return matches


def _empty(actual: Any) -> bool:
    return actual is None or (isinstance(actual, str | list | dict) and len(actual) == 0)


def _contains(actual: Any, needle: Any) -> bool:
    if isinstance(actual, str):
        return isinstance(needle, str) and needle in actual.casefold()
    if isinstance(actual, list):
        return any(_equal(item, needle) for item in actual)
    return False


def _contains_any_text(needles: list[str]) -> Callable[[Any], bool]:
    """contains_any with only (case-folded) strings to look for: the common case, specialised.

    A text contains a needle as a substring; a list contains it as an item (one set lookup per
    string item; other items keep the general rule)."""
    needle_set = frozenset(needles)

    def contains_any(actual: Any) -> bool:
        if type(actual) is str:
            text = actual.casefold()
            return any(needle in text for needle in needles)
        if type(actual) is list:
            for item in actual:
                if type(item) is str:
                    if item.casefold() in needle_set:
                        return True
                elif any(_equal(item, needle) for needle in needles):
                    return True
            return False
        return _contains_any(actual, needles)

    return contains_any


def _contains_any(actual: Any, needles: Sequence[Any]) -> bool:
    return any(_contains(actual, needle) for needle in needles)
