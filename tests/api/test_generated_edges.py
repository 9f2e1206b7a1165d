"""Edge-case classes generated from the OpenAPI document, sent to every operation on both databases.

The suite walks `app.openapi()`: every operation, every path, query and header parameter and
every body field (nested objects and the items of arrays of objects too), classified by kind
(time, integer, number, string, boolean, array, object). Each gets values of every class that
broke something before: times at the edges of the calendar and of time zones, odd Unicode (lone
surrogates above all), huge numbers, NaN and Infinity, deep nesting, repeated query parameters,
unknown fields and tampered cursors. Values come from fixed lists of known troublemakers plus
examples drawn by hypothesis (derandomized, so every run sends the same requests and a failure
reproduces). Lead list filters, which the document describes only in prose, are generated from
the filterable fields themselves; the form hook gets signed bodies, so the values reach the
mapping behind the signature check.

What must hold: no 5xx, and every 4xx is an RFC 9457 problem document.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from leadapi.api.filters import ALLOWED
from leadapi.leads.repository import LEAD_FIELDS
from leadapi.workspaces.service import operator
from tests.endpoints import ENDPOINTS, PATH_IDS, fill_path, make_world
from tests.factories import add_source, generic_headers


@dataclass(frozen=True)
class Raw:
    """JSON text sent as it is: what Python's json module would not write (1e400, deep nesting)."""

    text: str


def dump(value: Any) -> str:
    """JSON text of `value`; strings are ASCII-escaped, so a lone surrogate travels as `\\ud800`,
    the way a JSON client sends one."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(item) for item in value) + "]"
    return json.dumps(value)


def drawn(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` examples of a hypothesis strategy, the same on every run."""
    out: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out


# -- the classes ----------------------------------------------------------------------------

OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
EDGE_TIMES = [
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59.999999-23:59",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
    "1899-12-31T23:59:59Z",
    "1900-01-01T00:00:00Z",
    "9999-01-01T00:00:01Z",
    "2026-02-29T12:00:00Z",
    "2026-01-01T24:00:00Z",
    "+12026-01-01T00:00:00Z",
    "2026-01-01T00:00:00+24:00",
    "2026-W01-1",
    "2026-01-01",
    *(
        moment.isoformat()
        for moment in drawn(
            st.datetimes(
                min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59), timezones=OFFSETS
            ),
            12,
        )
    ),
]
SURROGATES = ["\ud800", "a\udfffb", "\udc00\ud800", "x" * 10 + "\udbff"]
ODD_UNICODE = [
    *SURROGATES,
    "\ufeff",
    "\u202eevil\u202c",
    "e\u0301" * 40,
    "\uffff\ufffe",
    "\U0001d518\U0001f600",
    "\x7f\x1b[31m\x08",
    "\u2028\u2029",
    "\u00a0 \u3000",
    *drawn(st.text(st.characters(codec="utf-16", exclude_categories=()), min_size=1, max_size=8), 12),
]
HUGE_NUMBERS: list[Any] = [
    Raw("1e400"),
    Raw("-1e400"),
    Raw("1" + "0" * 400),
    Raw("-1" + "0" * 400),
    Raw("1" + "0" * 5000),
    Raw("NaN"),
    Raw("Infinity"),
    Raw("-Infinity"),
    Raw("1e-400"),
    2**63,
    -(2**63) - 1,
    2**31,
    -(2**31) - 1,
    1.7976931348623157e308,
    253402300800,  # the first second of year 10000, as a Unix time
    -62135596801,  # a second before year 1
    *drawn(st.integers(min_value=2**31), 4),
    *drawn(st.floats(min_value=1e15, allow_infinity=False), 4),
]
DEEP = [
    Raw("[" * 64 + "]" * 64),
    Raw('{"a":' * 64 + "1" + "}" * 64),
    Raw("[" * 3000 + "]" * 3000),
    Raw('{"a":' * 3000 + "1" + "}" * 3000),
]
DEEPEST = Raw("[" * 100_000 + "]" * 100_000)  # whole bodies only: 200 KB a time
CONFUSED: list[Any] = [None, True, [], {}, "", 0, -1, 0.5, ["x"], {"x": 1}]
UNKNOWN_FIELDS: list[dict[str, Any]] = [{"zz_unknown": 1}, {"\ud800": 1}, {"k" * 5000: True}]

QUERY_STRINGS = [
    *EDGE_TIMES,
    *ODD_UNICODE,
    "1e400",
    "1" + "0" * 400,
    "-1" + "0" * 400,
    "NaN",
    "inf",
    "-0",
    "0x10",
    "1_000",
    "٣",  # an Arabic-Indic digit: int() takes it
    "[" * 1000,
    "x" * 5000,
]


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_of(text: str) -> str:
    return b64(text.encode("utf-8", "surrogatepass"))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec="utf-16"), max_size=6)
    | st.builds(lambda t: {"t": t}, st.sampled_from(EDGE_TIMES)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=6,
)
TAMPERED_CURSORS = [
    "",
    "!!!!",
    "a",
    "=",
    "%ED%A0%80",  # sent raw: a lone surrogate, percent-encoded as UTF-8
    b64(b"\xff\xfe\xfd"),
    b64(b"\xed\xa0\x80"),
    cursor_of('["\\ud800","x"]'),
    cursor_of('["\ud800","x"]'),
    cursor_of('[{"t":"\\ud800"},"\\udfff"]'),
    cursor_of('[{"t":"0001-01-01T00:00:00+14:00"},"01J"]'),
    cursor_of('[{"t":"9999-12-31T23:59:59-14:00"},"01J"]'),
    cursor_of('[{"t":"9999-12-31T23:59:59.999999"},"01J"]'),
    cursor_of('[{"t":"1899-12-31T23:59:59Z"},"01J"]'),
    cursor_of('[{"t":"2026-01-01T00:00:00+23:59"},"01J"]'),
    cursor_of('[{"t":"\\u0000"},"01J"]'),
    cursor_of('["01J\\u0000"]'),
    cursor_of('["\\ud800"]'),
    cursor_of('[1e400,"x"]'),
    cursor_of("[" + "1" + "0" * 400 + ',"x"]'),
    cursor_of('[NaN,"x"]'),
    cursor_of("[" * 5000 + "]" * 5000),
    cursor_of("[null,null]"),
    cursor_of('{"t":1}'),
    cursor_of('"x"'),
    *(cursor_of(json.dumps(value)) for value in drawn(JSON_VALUES, 16)),  # drawn from here on
    *(cursor_of(json.dumps([value, "01J"])) for value in drawn(JSON_VALUES, 16)),
]
CURSOR_FIXED = next(i for i, c in enumerate(TAMPERED_CURSORS) if c == cursor_of('"x"')) + 1
# The sort orders of GET /v1/leads (each its own cursor shape) the tampered cursors go to.
LEAD_SORTS = [None, "-created_at", "company", "-score", "fit_score", "consent,-updated_at", "scored_at"]
BAD_HEADERS = [
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"x" * 2000,
    b" ",
    b"\x7f",
    b'W/"\xed\xa0\x80"',
    b'"99999999999999999999999"',
]


# -- the document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    path: tuple[str | int, ...]
    kind: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    params: list[dict[str, Any]]
    body: dict[str, Any] | None  # the body's schema (refs resolved) or None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    options = [s for s in schema.get("anyOf", []) + schema.get("oneOf", []) if s.get("type") != "null"]
    if options:
        return resolve(options[0], document)
    return schema


def kind_of(schema: dict[str, Any]) -> str:
    if schema.get("type") == "string" and schema.get("format") == "date-time":
        return "time"
    return str(schema.get("type", "object"))


def fields_of(
    schema: dict[str, Any], document: dict[str, Any], prefix: tuple[str | int, ...] = (), depth: int = 0
) -> Iterator[Field]:
    for name, sub in schema.get("properties", {}).items():
        resolved = resolve(sub, document)
        path = (*prefix, name)
        yield Field(path, kind_of(resolved))
        if depth >= 3:
            continue
        if resolved.get("properties"):
            yield from fields_of(resolved, document, path, depth + 1)
        items = resolve(resolved.get("items", {}), document) if resolved.get("type") == "array" else {}
        if items.get("properties"):
            yield from fields_of(items, document, (*path, 0), depth + 1)


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            found.append(
                Operation(
                    method.upper(),
                    path,
                    op.get("parameters", []),
                    None if schema is None else resolve(schema, document),
                )
            )
    return found


# -- values per field -------------------------------------------------------------------------


def rotate(values: list[Any], seed: int, count: int) -> list[Any]:
    return [values[(seed + i * 7) % len(values)] for i in range(min(count, len(values)))]


EVERYTHING: list[Any] = [*EDGE_TIMES, *ODD_UNICODE, *HUGE_NUMBERS, *DEEP, *CONFUSED]


def body_values(field: Field, seed: int) -> list[Any]:
    """Each field gets its own kind's troublemakers (all the edge times for a time, huge numbers
    for a number...) and one value of any class, rotating so that the fields together send all."""
    own: list[Any] = {
        "time": EDGE_TIMES[:18],
        "integer": rotate(HUGE_NUMBERS, seed, 8),
        "number": rotate(HUGE_NUMBERS, seed, 8),
        "string": [SURROGATES[seed % len(SURROGATES)]],
        # Inside a free-form object or list: what the model cannot check by type.
        "array": [*rotate(DEEP, seed, 1), rotate(HUGE_NUMBERS, seed, 1), [SURROGATES[seed % 4]]],
        "object": [
            *rotate(DEEP, seed, 1),
            {"n": rotate(HUGE_NUMBERS, seed, 1)[0]},
            {SURROGATES[seed % 4]: SURROGATES[(seed + 1) % 4]},
        ],
    }.get(field.kind, [])
    return [*own, *rotate(EVERYTHING, seed * 5, 1)]


def with_value(body: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """A copy of `body` with `value` at `path`, making the objects and lists on the way."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(body) if isinstance(body, list) and body else [{}]
        items[0] = with_value(items[0], rest, value)
        return items
    base = dict(body) if isinstance(body, dict) else {}
    base[head] = with_value(base.get(head, {}), rest, value)
    return base


def query_text(value: str) -> str:
    """Percent-encoded as UTF-8, lone surrogates included (what a careless client sends)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


# -- the requests -----------------------------------------------------------------------------


PROBE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    query: str = ""
    body: str | None = None
    headers: tuple[tuple[str, bytes | str], ...] = ()

    def __str__(self) -> str:
        query = f"?{self.query[:160]}" if self.query else ""
        return f"{self.method} {self.path}{query} {(self.body or '')[:160]}"


def baselines(ids: dict[str, str]) -> dict[tuple[str, str], Any]:
    """A valid body per operation, from the bad-input matrix's list (ids filled in)."""
    out: dict[tuple[str, str], Any] = {}
    for endpoint in ENDPOINTS:
        if endpoint.body is None:
            continue
        template = endpoint.path
        for param, name in PATH_IDS.items():
            template = template.replace("{" + name + "}", "{" + param + "}")
        out[(endpoint.method, template)] = json.loads(fill_path(json.dumps(endpoint.body), ids))
    return out


def path_of(op: Operation, ids: dict[str, str], odd: dict[str, str] | None = None) -> str:
    path = op.path
    for param in op.params:
        if param["in"] == "path":
            name = param["name"]
            value = (odd or {}).get(name) or ids.get(PATH_IDS.get(name, ""), "01JUNKNOWN")
            path = path.replace("{" + name + "}", value)
    return path


def fuzzable(document: dict[str, Any]) -> list[Operation]:
    """Deletes go last (an erasure with the real id would take the world's objects with it), and
    the hook has a test of its own (its bodies must be signed)."""
    ops = [op for op in operations(document) if not op.path.startswith("/v1/hooks/")]
    return sorted(ops, key=lambda op: op.method == "DELETE")


def body_probes(document: dict[str, Any], ids: dict[str, str]) -> Iterator[Probe]:
    base = baselines(ids)
    for op in fuzzable(document):
        if op.body is None:
            continue
        path = path_of(op, ids)
        valid = base.get((op.method, op.path), {})
        for seed, field in enumerate(fields_of(op.body, document)):
            for value in body_values(field, seed):
                yield Probe(op.method, path, body=dump(with_value(valid, field.path, value)))
        for extra in UNKNOWN_FIELDS:
            yield Probe(op.method, path, body=dump({**valid, **extra}))
        # Whole bodies of each class, and the baseline's own keys (free-form documents such as a
        # scoring model declare none).
        for whole in [DEEP[2], DEEPEST, *rotate(HUGE_NUMBERS, len(path), 1), SURROGATES[0], None]:
            yield Probe(op.method, path, body=dump(whole))
        for seed, key in enumerate(list(valid)[:2]):
            for value in [*rotate(ODD_UNICODE, seed, 1), *rotate(HUGE_NUMBERS, seed, 1)]:
                yield Probe(op.method, path, body=dump({**valid, key: value}))


def query_values(kind: str, name: str) -> list[str]:
    seed = len(name)
    others = QUERY_STRINGS[len(EDGE_TIMES) :]
    values = [
        *(EDGE_TIMES[:16] if kind == "time" else rotate(EDGE_TIMES, seed, 1)),
        SURROGATES[seed % len(SURROGATES)],
        *rotate(others, seed, 4 if kind in ("integer", "number") else 1),
    ]
    if name == "cursor":
        values += TAMPERED_CURSORS[:CURSOR_FIXED] + rotate(TAMPERED_CURSORS[CURSOR_FIXED:], seed, 2)
    return values


def parameter_probes(document: dict[str, Any], ids: dict[str, str]) -> Iterator[Probe]:
    for op in fuzzable(document):
        path = path_of(op, ids)
        for param in op.params:
            name, where = param["name"], param["in"]
            kind = kind_of(resolve(param.get("schema", {}), document))
            if where == "path":
                for value in [
                    SURROGATES[len(name) % 4],
                    *rotate(ODD_UNICODE, len(name), 1),
                    "1e400",
                    "x" * 3000,
                ]:
                    # The other path parameters keep their real ids; the odd one never matches.
                    yield Probe(op.method, path_of(op, ids, {name: query_text(value)}))
            elif where == "header":
                for raw in BAD_HEADERS:
                    yield Probe(op.method, path, headers=((name, raw),))
            else:
                for value in query_values(kind, name):
                    encoded = value if value == "%ED%A0%80" else query_text(value)
                    yield Probe(op.method, path, query=f"{name}={encoded}")
                # Repeated: a plausible value and an odd one, in both orders.
                odd = query_text(rotate(QUERY_STRINGS, len(name), 1)[0])
                yield Probe(op.method, path, query=f"{name}=0&{name}={odd}")
                yield Probe(op.method, path, query=f"{name}={odd}&{name}=0")
        yield Probe(op.method, path, query="zz_unknown=1&%ED%A0%80=1")
        if op.method == "POST":
            for raw in rotate(BAD_HEADERS, len(path), 2):
                yield Probe(op.method, path, body="{}", headers=(("Idempotency-Key", raw),))


def cursor_probes() -> Iterator[Probe]:
    for sort in LEAD_SORTS:
        for cursor in TAMPERED_CURSORS[:CURSOR_FIXED] + rotate(
            TAMPERED_CURSORS[CURSOR_FIXED:], len(sort or ""), 4
        ):
            encoded = cursor if cursor == "%ED%A0%80" else query_text(cursor)
            yield Probe(
                "GET", "/v1/leads", query=f"cursor={encoded}" + (f"&sort={quote(sort)}" if sort else "")
            )


def filter_probes() -> Iterator[Probe]:
    others = QUERY_STRINGS[len(EDGE_TIMES) :]
    for seed, (name, spec) in enumerate(LEAD_FIELDS.items()):
        field = f"{name}.n" if spec.kind == "attributes" else name
        for op in ALLOWED[spec.kind]:
            own = rotate(EDGE_TIMES, seed + len(op), 3) if spec.kind == "datetime" else []
            for value in [*own, *rotate(others, seed * 3 + len(op), 1)]:
                yield Probe("GET", "/v1/leads", query=f"{query_text(f'{field}[{op}]')}={query_text(value)}")
        yield Probe("GET", "/v1/leads", query=f"{name}=1&{name}={query_text(SURROGATES[0])}")
    for key in ["attributes.\ud800", "\ud800", "attributes.n[\ud800]", "created_at[gt][lt]", "a" * 3000]:
        yield Probe("GET", "/v1/leads", query=f"{query_text(key)}=1")


def hook_probes(source: dict[str, Any]) -> Iterator[Probe]:
    """Signed bodies, so each value gets past the signature check to the mapping."""
    values = [*EDGE_TIMES[:4], *ODD_UNICODE[:6], *HUGE_NUMBERS[:9], *DEEP[2:], DEEPEST, *CONFUSED[:3]]
    stamp = int(time.time())
    for seed, value in enumerate(values):
        payload = {"mail": f"fuzz{seed}@acme.com", "when": "x", "n": 1, "who": "x"}
        name = ("when", "n", "who", "mail")[seed % 4]
        for body in (
            dump({**payload, name: value}),
            dump(value),
            dump({**payload, **UNKNOWN_FIELDS[seed % 3]}),
        ):
            headers = generic_headers(source["secret"], body.encode(), stamp)
            yield Probe("POST", source["hook_url"], body=body, headers=tuple(headers.items()))


# -- the run --------------------------------------------------------------------------------


@dataclass
class Fuzzed:
    """The world the probes aim at (a workspace of its own), a key with every scope, and a form
    source whose secret signs the hook's probes."""

    ids: dict[str, str]
    headers: dict[str, str]
    source: dict[str, Any]


async def run(client: httpx.AsyncClient, world: Fuzzed, probes: Iterator[Probe]) -> None:
    failures: list[str] = []
    slowest: list[tuple[float, str]] = []
    sent = 0
    for probe in probes:
        url = httpx.URL("http://leadapi.test" + probe.path + ("?" + probe.query if probe.query else ""))
        headers: dict[str, Any] = dict(world.headers)
        if probe.body is not None:
            headers["Content-Type"] = "application/json"
        headers.update(dict(probe.headers))
        content = None if probe.body is None else probe.body.encode()
        started = time.perf_counter()
        try:
            response = await asyncio.wait_for(
                client.send(client.build_request(probe.method, url, content=content, headers=headers)),
                timeout=PROBE_TIMEOUT,
            )
        except TimeoutError:
            failures.append(f"no answer within {PROBE_TIMEOUT} s: {probe}")
            continue
        slowest.append((time.perf_counter() - started, str(probe)[:200]))
        sent += 1
        problem = refusal_problem(response)
        if problem:
            failures.append(f"{problem}: {probe}: {response.text[:200]}")
    if os.environ.get("LEADAPI_FUZZ_TIMINGS"):
        print(f"{sent} requests; slowest:", *sorted(slowest, reverse=True)[:8], sep="\n  ")
    shown = "\n".join(failures[:40])
    assert not failures, f"{len(failures)} of {sent} requests failed:\n{shown}"


def refusal_problem(response: httpx.Response) -> str | None:
    """What is wrong with the response: a 5xx, or a 4xx that is not a problem document."""
    status = response.status_code
    if status >= 500:
        return str(status)
    if status < 400:
        return None
    body: Any = None
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        try:
            body = response.json()
        except ValueError:
            body = None
    if (
        isinstance(body, dict)
        and body.get("status") == status
        and all(isinstance(body.get(k), str) for k in ("type", "title", "detail"))
    ):
        return None
    return f"{status}, not a problem document"


@pytest.fixture(scope="module")
async def fuzz_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # A 500 comes back as a response, so one run lists every failure instead of stopping at one.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as http:
        yield http


@pytest.fixture(scope="module")
async def fuzzed(app: FastAPI, fuzz_client: httpx.AsyncClient) -> Fuzzed:
    world = await make_world(app, fuzz_client)
    async with app.state.db.transaction() as conn:
        _, secret = await app.state.workspaces.create_key(
            conn, operator(world.tenant.workspace_id), "every scope", ["read", "write", "admin"]
        )
    source = await add_source(
        fuzz_client,
        world.tenant,
        name="Fuzzed form",
        mapping={"mail": "email", "when": "properties.when", "n": "attributes.n", "who": "first_name"},
    )
    return Fuzzed(world.ids, {"Authorization": f"Bearer {secret}"}, source)


async def test_every_body_field_takes_every_class(
    app: FastAPI, fuzz_client: httpx.AsyncClient, fuzzed: Fuzzed
) -> None:
    await run(fuzz_client, fuzzed, body_probes(app.openapi(), fuzzed.ids))


async def test_every_parameter_takes_every_class(
    app: FastAPI, fuzz_client: httpx.AsyncClient, fuzzed: Fuzzed
) -> None:
    await run(fuzz_client, fuzzed, parameter_probes(app.openapi(), fuzzed.ids))


async def test_tampered_cursors_on_every_lead_sort(fuzz_client: httpx.AsyncClient, fuzzed: Fuzzed) -> None:
    await run(fuzz_client, fuzzed, cursor_probes())


async def test_every_lead_filter_takes_every_class(fuzz_client: httpx.AsyncClient, fuzzed: Fuzzed) -> None:
    await run(fuzz_client, fuzzed, filter_probes())


async def test_the_form_hook_takes_every_class(fuzz_client: httpx.AsyncClient, fuzzed: Fuzzed) -> None:
    await run(fuzz_client, fuzzed, hook_probes(fuzzed.source))


def test_the_generator_covers_every_operation_and_kind(app: FastAPI) -> None:
    """The suite is only as good as its walk of the document: every operation is reached, and the
    body fields found include every kind."""
    document = app.openapi()
    ops = operations(document)
    assert len(ops) == sum(len(item) for item in document["paths"].values())
    kinds = {field.kind for op in ops if op.body for field in fields_of(op.body, document)}
    assert {"time", "integer", "number", "string", "boolean", "array", "object"} <= kinds
