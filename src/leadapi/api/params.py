"""One strict reading of query strings, for every REST route (the inbound form hooks excepted).

FastAPI reads query parameters laxly: `yes`, `on` and `1` are true, ` 12` and `12.0` are 12, a
parameter given twice silently keeps the last value, and `limit[]=5` is a different name that is
silently ignored. The contract says boolean and integer, so this check holds requests to what the
OpenAPI document declares, from each route's declared parameters:
- a boolean is `true` or `false`, an integer decimal digits (an optional `-`), a number a decimal
  (422, as any other invalid value);
- a parameter that is not an array is given at most once, and no name ends in `[]` (400: the
  query is malformed rather than a value invalid). Array parameters may repeat.

It runs as a dependency of the routers, which FastAPI solves before the route's own ones, so a
request with a bad query and no (or a weak) key would be told about its query first. Most APIs
answer who-are-you before what-did-you-send, so a refusal here checks the key and its scope
first: 401 and 403 win over 400 and 422. That costs nothing on the accepted path (the route
checks the key as before; the principal is kept on the request either way).
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from leadapi.errors import ProblemError

Kind = Literal["bool", "int", "number", "array", "other"]
INTEGER = re.compile(r"-?[0-9]+")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
BOOLEANS = ("true", "false")


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """A route's declared query parameters by name (their alias, as the query spells them)."""

    kinds: dict[str, Kind]
    scopes: tuple[Any, ...]  # the route's scope checks (api/auth.require), run before refusing


_specs: dict[int, tuple[APIRoute, QuerySpec]] = {}


def _unwrap(annotation: Any) -> Any:
    """`Annotated[int | None, ...]` -> int; unions of several types stay as they are."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation


def scalar_kind(annotation: Any) -> Kind:
    annotation = _unwrap(annotation)
    if get_origin(annotation) in (list, set, frozenset, tuple, Sequence) or annotation in (list, set, tuple):
        return "array"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "number"
    return "other"


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def spec_of(route: APIRoute) -> QuerySpec:
    cached = _specs.get(id(route))
    if cached is not None and cached[0] is route:
        return cached[1]
    kinds: dict[str, Kind] = {}
    scopes: list[Any] = []
    for dependant in _dependants(route.dependant):
        for field in dependant.query_params:
            kinds[field.alias] = scalar_kind(field.field_info.annotation)
        if getattr(dependant.call, "scope", None) is not None:
            scopes.append(dependant.call)
    spec = QuerySpec(kinds, tuple(scopes))
    _specs[id(route)] = (route, spec)
    return spec


def query_errors(pairs: Sequence[tuple[str, str]], spec: QuerySpec) -> ProblemError | None:
    """What is wrong with a query string under `spec`, or None. Pure."""
    malformed: list[dict[str, str]] = []
    invalid: list[dict[str, str]] = []
    counts: dict[str, int] = {}
    for name, _ in pairs:
        counts[name] = counts.get(name, 0) + 1
    for name, count in counts.items():
        if name.endswith("[]"):
            malformed.append({"field": name, "message": "`name[]=` is not a parameter: give each once"})
        elif count > 1 and spec.kinds.get(name, "array") != "array":
            malformed.append({"field": name, "message": f"given {count} times; give it once"})
    if malformed:
        return ProblemError(
            400,
            "The query string is malformed: "
            + "; ".join(f"{e['field']}: {e['message']}" for e in malformed)
            + ".",
            slug="bad-query",
            errors=malformed,
        )
    for name, value in pairs:
        kind = spec.kinds.get(name)
        if kind == "bool" and value not in BOOLEANS:
            invalid.append({"field": name, "message": "expected `true` or `false`"})
        elif kind == "int" and not INTEGER.fullmatch(value):
            invalid.append({"field": name, "message": "expected an integer in decimal digits"})
        elif kind == "number" and not NUMBER.fullmatch(value):
            invalid.append({"field": name, "message": "expected a decimal number"})
    if invalid:
        return ProblemError(422, "The request has invalid query parameters.", errors=invalid)
    return None


async def check_query(request: Request) -> None:
    """The router dependency: refuses a query string the route's declaration does not allow."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.scope.get("query_string"):
        return
    spec = spec_of(route)
    problem = query_errors(request.query_params.multi_items(), spec)
    if problem is None:
        return
    for scope_check in spec.scopes:
        await scope_check(request)  # 401 (no or unknown key), 403 (missing scope) come first
    raise problem
