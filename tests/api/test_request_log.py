"""Request ids and request logs: every response carries an X-Request-Id (the caller's, when it is
a sane one), every problem document names it, and every request is one log record carrying it
with the key, workspace, route, status and duration. An unexpected exception is one ERROR record
and a 500 problem, on a connection that stays usable (a real uvicorn, a raw socket)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.logs import REQUEST_FIELDS, RequestContextFilter, make_formatter
from tests.conftest import Tenant

HEX32 = set("0123456789abcdef")


@contextmanager
def request_records(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """The records logged inside the block, with the request fields as `leadapi serve` adds them."""
    request_filter = RequestContextFilter()
    caplog.handler.addFilter(request_filter)
    caplog.clear()
    records: list[logging.LogRecord] = []
    try:
        with caplog.at_level(logging.INFO):
            yield records
            records.extend(caplog.records)
    finally:
        caplog.handler.removeFilter(request_filter)


def is_generated(request_id: str) -> bool:
    return len(request_id) == 32 and set(request_id) <= HEX32


async def test_a_sane_request_id_is_echoed_and_in_problem_documents(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    given = "req-2026.12.03_abc:1/2"
    cases: list[tuple[str, str, dict[str, Any], int]] = [
        ("GET", "/healthz", {}, 200),
        ("GET", "/v1/nowhere", {}, 404),
        ("GET", "/v1/leads", {}, 401),
        ("POST", "/v1/leads", {"json": {"email": "not-an-email"}}, 422),
        ("POST", "/v1/leads", {"content": b"x" * (300 * 1024)}, 413),
    ]
    for method, path, kwargs, status in cases:
        headers = {**tenant.write, "X-Request-Id": given}
        if status == 401:
            headers.pop("Authorization")
        response = await client.request(method, path, headers=headers, **kwargs)
        assert response.status_code == status, (path, response.text)
        assert response.headers["x-request-id"] == given
        if status >= 400:
            assert response.json()["request_id"] == given, path


@pytest.mark.parametrize(
    "given",
    [None, "", "x" * 129, "has space", "tab\there", "caf\u00e9", "del\x7f"],
)
async def test_a_missing_or_odd_request_id_is_replaced(client: httpx.AsyncClient, given: str | None) -> None:
    headers = {} if given is None else {b"X-Request-Id": given.encode("utf-8")}
    response = await client.get("/v1/nowhere", headers=headers)
    request_id = response.headers["x-request-id"]
    assert is_generated(request_id)
    assert response.json()["request_id"] == request_id


async def test_each_request_is_one_record_with_its_facts(
    client: httpx.AsyncClient, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    with request_records(caplog) as records:
        created = await client.post(
            "/v1/leads",
            json={"email": "log@example-corp.com"},
            headers={**tenant.write, "X-Request-Id": "r-1"},
        )
        got = await client.get(f"/v1/leads/{created.json()['id']}", headers=tenant.read)
    mine = [r for r in records if r.name == "leadapi.request"]
    assert len(mine) == 2
    first, second = mine
    assert first.levelno == logging.INFO
    assert (first.request_id, first.method, first.route, first.status) == ("r-1", "POST", "/v1/leads", 201)  # type: ignore[attr-defined]
    assert first.workspace == tenant.workspace_id  # type: ignore[attr-defined]
    assert first.key_id.startswith("key_")  # type: ignore[attr-defined]
    assert first.duration_ms >= 0  # type: ignore[attr-defined]
    assert second.request_id == got.headers["x-request-id"]  # type: ignore[attr-defined]
    assert (second.route, second.status) == ("/v1/leads/{lead_id}", 200)  # type: ignore[attr-defined]
    # Whatever else was logged inside those requests names them too.
    ours = [r for r in records if r.name.startswith("leadapi")]
    assert all(getattr(r, "request_id", "-") in ("r-1", second.request_id) for r in ours)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_formats_carry_the_request_fields(fmt: str) -> None:
    record = logging.LogRecord("leadapi.request", logging.ERROR, __file__, 1, "unhandled %s", ("x",), None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    for name in REQUEST_FIELDS:
        setattr(record, name, f"<{name}>")
    line = make_formatter(fmt).format(record)  # type: ignore[arg-type]
    if fmt == "json":
        assert "\n" not in line  # one record, one line, traceback included
        document = json.loads(line)
        assert {name: document[name] for name in REQUEST_FIELDS} == {n: f"<{n}>" for n in REQUEST_FIELDS}
        assert (document["level"], document["message"]) == ("ERROR", "unhandled x")
        assert "RuntimeError: boom" in document["exc_info"]
    else:
        assert line.splitlines()[0].endswith("ERROR leadapi.request [<request_id>] unhandled x")


def test_building_the_app_leaves_root_logging_alone(settings: Settings) -> None:
    """The MCP SDK's server calls logging.basicConfig with a rich traceback handler; with an
    unconfigured root logger (as under uvicorn) that handler stayed on the root."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    for handler in saved:
        root.removeHandler(handler)
    try:
        create_app(settings.model_copy(update={"mcp_enabled": True}))
        assert root.handlers == []
        assert root.level == level
    finally:
        for handler in saved:
            root.addHandler(handler)


@asynccontextmanager
async def uvicorn_serving(app: FastAPI) -> AsyncIterator[int]:
    """The app behind a real uvicorn in this event loop, on a free port."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_config=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}
    body = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 10)
    return int(status_line.split()[1]), headers, body


async def test_an_unexpected_error_is_one_record_and_a_problem_on_a_kept_connection(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings.model_copy(update={"mcp_enabled": False}))

    @app.get("/test/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("a bug in a route")

    async with uvicorn_serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            with request_records(caplog) as records:
                writer.write(b"GET /test/boom HTTP/1.1\r\nHost: t\r\nX-Request-Id: boom-1\r\n\r\n")
                status, headers, body = await read_response(reader)
            assert status == 500
            assert headers["content-type"] == "application/problem+json"
            assert headers["x-request-id"] == "boom-1"
            assert headers.get("connection", "keep-alive") != "close"
            problem = json.loads(body)
            assert (problem["status"], problem["request_id"]) == (500, "boom-1")
            assert "a bug in a route" not in body.decode()
            errors = [r for r in records if r.levelno >= logging.ERROR]
            assert len(errors) == 1, [r.getMessage() for r in errors]
            (error,) = errors
            assert error.exc_info is not None
            assert (error.request_id, error.route, error.status) == ("boom-1", "/test/boom", 500)  # type: ignore[attr-defined]
            # The same connection answers the next request.
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            status, _, body = await read_response(reader)
            assert (status, json.loads(body)) == (200, {"status": "ok"})
        finally:
            writer.close()
