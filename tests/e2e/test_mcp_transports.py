"""The MCP server over its two real transports, as agents reach it, on SQLite and PostgreSQL:
`leadapi mcp` (stdio, a process of its own acting as the key in LEADAPI_API_KEY) on a migrated
database, and /mcp on a live `leadapi serve` (streamable HTTP behind the REST keys), with the SDK's
client in its default (modern) mode and in legacy mode (the initialize handshake of pre-2026
protocol versions). Whatever an MCP call writes is read back from outside the MCP process:
`leadapi export`, or REST.

The default scoring model makes a CTO in the US 35 points (not_ready); a demo request adds 50
(85: band sql, stage sql).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextResourceContents
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.e2e.processes import LEADAPI, run, served_database
from tests.endpoints import MCP_TOOLS, text_of

Json = dict[str, Any]

TOOLS = MCP_TOOLS
RESOURCES = {"leadapi://scoring/model", "leadapi://stages", "leadapi://routing/rules"}
EXEC = {"title": "CTO", "country": "US"}  # 35 points under the default model
DEMO = {"type": "demo_request"}  # 50 more: 85, sql
UNKNOWN_KEY = "lk_" + "0" * 40
PARSE_ERROR = -32700
MODERN = "2026"  # protocol versions from 2026 on have no initialize handshake
DEADLINE = 60  # seconds for one MCP conversation: a hung server fails the test, not the run


# ---- helpers -----------------------------------------------------------------------------------


def answer(result: CallToolResult) -> Json:
    """A tool's structured answer, which must not be an error and must say the same as its text."""
    text = text_of(result)
    assert not result.is_error, text
    structured: Json | None = result.structured_content
    assert structured is not None, text
    return structured


def refusal(result: CallToolResult, tool: str, status: int) -> Json:
    """A tool error carrying the REST problem (after the SDK's prefix) with this status."""
    text = text_of(result)
    assert result.is_error, text
    prefix = f"Error executing tool {tool}: "
    assert text.startswith(prefix), text
    body: Json = json.loads(text.removeprefix(prefix))
    assert body["status"] == status, body
    return body


async def resource(client: Client, uri: str) -> Json:
    [content] = (await client.read_resource(uri)).contents
    assert isinstance(content, TextResourceContents), content
    assert content.mime_type == "application/json"
    document: Json = json.loads(content.text)
    return document


def run_mcp(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`leadapi mcp` as `run` runs a command, with an empty standard input: a server that would
    start despite a bad configuration ends at once (end of input) instead of waiting."""
    return subprocess.run(
        [*LEADAPI, "mcp"], env=env, input="", capture_output=True, text=True, timeout=60, check=False
    )


def exported(env: dict[str, str], query: str) -> list[Json]:
    done = run(env, "export", "--format", "ndjson", "--query", query)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def rest_key(base: str, api_key: str, scopes: list[str]) -> Json:
    created = httpx.post(
        f"{base}/v1/api-keys", json={"name": "agent", "scopes": scopes}, headers=bearer(api_key)
    )
    assert created.status_code == 201, created.text
    key: Json = created.json()
    return key


def rest_search(base: str, key: str, query: str) -> list[Json]:
    found = httpx.get(f"{base}/v1/leads", params={"q": query}, headers=bearer(key))
    assert found.status_code == 200, found.text
    leads: list[Json] = found.json()["data"]
    return leads


def raw_post(base: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """One JSON-RPC message posted by hand, as a client of the transport's wire format."""
    wire = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    return httpx.post(f"{base}/mcp", content=body, headers={**wire, **headers})


TOOLS_LIST = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()


# ---- stdio: `leadapi mcp` -----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment of a freshly migrated database (no key yet)."""
    url = served_database(request.param, tmp_path, "mcp")
    env = {**os.environ, "LEADAPI_DATABASE_URL": url, "LEADAPI_LOG_LEVEL": "warning"}
    env.pop("LEADAPI_API_KEY", None)
    return env


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database for the tests of the command itself (one database is enough)."""
    tmp = tmp_path_factory.mktemp("mcp-stdio")
    env = {
        **os.environ,
        "LEADAPI_DATABASE_URL": served_database("sqlite", tmp, "leadapi"),
        "LEADAPI_LOG_LEVEL": "warning",
    }
    env.pop("LEADAPI_API_KEY", None)
    return env


def test_stdio_session_writes_what_other_processes_read(migrated: dict[str, str]) -> None:
    """An agent's whole session over stdio: the tools, a lead captured and made sales-ready, read
    back, searched, a resource, a refused call that leaves the session working; the lead is in
    the database for another process while the session is still open; and a key revoked by
    another process is refused at the next call (no auth cache here, to see it at once)."""
    env = migrated
    created_key = run(env, "keys", "create", "--scopes", "read,write", "--name", "agent", "--quiet")
    assert created_key.returncode == 0, created_key.stderr
    key = created_key.stdout.strip()
    server_env = {
        "LEADAPI_DATABASE_URL": env["LEADAPI_DATABASE_URL"],
        "LEADAPI_API_KEY": key,
        "LEADAPI_AUTH_CACHE_SECONDS": "0",
        "LEADAPI_LOG_LEVEL": "warning",
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "leadapi.cli", "mcp"], env=server_env)

    async def session() -> tuple[Json, list[Json]]:
        async with asyncio.timeout(DEADLINE), Client(params) as agent:
            assert agent.protocol_version >= MODERN, agent.protocol_version
            assert {tool.name for tool in (await agent.list_tools()).tools} == TOOLS
            assert {str(r.uri) for r in (await agent.list_resources()).resources} == RESOURCES

            lead = {"email": "grace@stdio-corp.com", **EXEC}
            captured = answer(await agent.call_tool("create_lead", {"lead": lead}))
            assert captured["merged"] is False
            lead_id = captured["lead"]["id"]
            assert (captured["lead"]["score"], captured["lead"]["band"]) == (35, "not_ready")

            recorded = answer(await agent.call_tool("record_event", {"lead_id": lead_id, "event": DEMO}))
            assert recorded["event"]["type"] == "demo_request"
            assert (recorded["lead"]["score"], recorded["lead"]["band"]) == (85, "sql")

            read = answer(await agent.call_tool("get_lead", {"lead_id": lead_id}))
            assert (read["lead"]["score"], read["score"]["score"], read["score"]["band"]) == (85, 85, "sql")
            assert read["lead"]["stage"] == "sql"
            assert sum(hit["points"] for hit in read["score"]["breakdown"]) == 85
            assert "demo_request" in [event["type"] for event in read["recent_events"]]

            found = answer(await agent.call_tool("search_leads", {"query": "stdio-corp"}))
            assert [summary["id"] for summary in found["leads"]] == [lead_id]

            stages = await resource(agent, "leadapi://stages")
            assert {"new", "sql"} <= {stage["key"] for stage in stages["stages"]}

            missing = await agent.call_tool("get_lead", {"lead_id": "ld_nobody"})
            assert "ld_nobody" in refusal(missing, "get_lead", 404)["detail"]
            # The refusal ended nothing: the same session goes on.
            again = answer(await agent.call_tool("get_lead", {"lead_id": lead_id, "events": 0}))
            assert again["lead"]["id"] == lead_id

            # Another process reads the database while this session is open: the write is committed.
            outside = await asyncio.to_thread(exported, env, "stdio-corp")

            listed = await asyncio.to_thread(run, env, "keys", "list")
            [key_id] = [k["id"] for k in json.loads(listed.stdout) if k["name"] == "agent"]
            revoked = await asyncio.to_thread(run, env, "keys", "revoke", key_id)
            assert revoked.returncode == 0, revoked.stderr
            refused = await agent.call_tool("search_leads", {})
            assert "revoked" in refusal(refused, "search_leads", 401)["detail"]
            return read, outside

    read, outside = asyncio.run(session())
    assert [(lead["id"], lead["score"], lead["band"], lead["stage"]) for lead in outside] == [
        (read["lead"]["id"], 85, "sql", "sql")
    ]
    # Without --background nothing here numbers events for the change feed: they wait for a
    # `leadapi serve` or `leadapi worker` on the same database.
    numbered, pending = asyncio.run(event_numbering(env["LEADAPI_DATABASE_URL"]))
    assert (numbered, pending > 0) == (0, True)


async def event_numbering(url: str) -> tuple[int, int]:
    """(numbered, not yet numbered) events in the database at `url`, read from outside the MCP
    process."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            counted = await conn.execute(
                text("SELECT count(seq), count(*) - count(seq) FROM events WHERE lead_id IS NOT NULL")
            )
            numbered, pending = counted.one()
            return numbered, pending
    finally:
        await engine.dispose()


def test_stdio_with_background_numbers_the_session_events(migrated: dict[str, str]) -> None:
    """`leadapi mcp --background`, for an agent working a database alone: the events its calls
    append are numbered for the change feed while the session is open (without the flag they
    wait for a `leadapi serve` or `leadapi worker`: the session test above)."""
    env = migrated
    url = env["LEADAPI_DATABASE_URL"]
    key = run(env, "keys", "create", "--scopes", "read,write", "--name", "agent", "--quiet").stdout.strip()
    server_env = {
        "LEADAPI_DATABASE_URL": url,
        "LEADAPI_API_KEY": key,
        "LEADAPI_SEQUENCER_INTERVAL": "0.05",
        "LEADAPI_LOG_LEVEL": "warning",
    }
    command = ["-m", "leadapi.cli", "mcp", "--background"]
    params = StdioServerParameters(command=sys.executable, args=command, env=server_env)

    async def session() -> tuple[int, int]:
        async with asyncio.timeout(DEADLINE), Client(params) as agent:
            lead = {"email": "ada@background-corp.com", **EXEC}
            answer(await agent.call_tool("create_lead", {"lead": lead}))
            numbering = await event_numbering(url)
            while numbering[1]:  # bounded by DEADLINE: the loop runs every 0.05 s
                await asyncio.sleep(0.05)
                numbering = await event_numbering(url)
            return numbering

    numbered, pending = asyncio.run(session())
    assert (numbered, pending) == (2, 0)  # lead.created and lead.scored


def test_stdio_exit_codes(sqlite_env: dict[str, str]) -> None:
    """No key: exit 2; a key the database does not know: exit 1. One line on stderr each, and
    nothing on stdout (it belongs to the protocol)."""
    for missing in ({}, {"LEADAPI_API_KEY": ""}, {"LEADAPI_API_KEY": "  \n"}):
        done = run_mcp({**sqlite_env, **missing})
        assert done.returncode == 2, (missing, done.stderr)
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stderr.startswith("leadapi: ")
        assert "LEADAPI_API_KEY" in done.stderr
        assert done.stdout == ""
    for unknown in (UNKNOWN_KEY, "hunter2"):
        done = run_mcp({**sqlite_env, "LEADAPI_API_KEY": unknown})
        assert done.returncode == 1, (unknown, done.stderr)
        assert done.stderr.splitlines() == ["leadapi: LEADAPI_API_KEY is unknown or revoked"]
        assert done.stdout == ""


def test_stdio_on_a_database_that_is_not_migrated_says_so_in_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LEADAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'typo.db'}",
        "LEADAPI_API_KEY": UNKNOWN_KEY,
    }
    done = run_mcp(env)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "leadapi migrate" in done.stderr  # the likely fix, not the SQL


def test_stdio_stdout_carries_the_protocol_alone(sqlite_env: dict[str, str]) -> None:
    """A client that speaks the wire format by hand, with the initialize handshake of a pre-2026
    protocol version: every line on stdout is its answer, and at the end of input the server
    exits 0 with nothing more said."""
    key = run(sqlite_env, "keys", "create", "--scopes", "read,write", "--quiet").stdout.strip()
    env = {**sqlite_env, "LEADAPI_API_KEY": key}
    initialize = {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "by hand", "version": "1"},
    }

    async def exchange() -> tuple[list[Json], bytes, int, bytes]:
        process = await asyncio.create_subprocess_exec(
            *LEADAPI,
            "mcp",
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        stdin, stdout, stderr = process.stdin, process.stdout, process.stderr
        assert stdin is not None
        assert stdout is not None
        assert stderr is not None
        try:
            async with asyncio.timeout(DEADLINE):
                answers: list[Json] = []

                async def send(method: str, params: Json, request_id: int | None = None) -> None:
                    message: Json = {"jsonrpc": "2.0", "method": method, "params": params}
                    if request_id is not None:
                        message["id"] = request_id
                    stdin.write(json.dumps(message).encode() + b"\n")
                    await stdin.drain()
                    if request_id is not None:  # wait for the answer before the next message
                        line = await stdout.readline()
                        assert line.startswith(b'{"jsonrpc"'), f"not JSON-RPC on stdout: {line!r}"
                        answers.append(json.loads(line))

                await send("initialize", initialize, 1)
                await send("notifications/initialized", {})
                await send("tools/list", {}, 2)
                lead = {"lead": {"email": "linus@by-hand.com"}}
                await send("tools/call", {"name": "create_lead", "arguments": lead}, 3)
                await send("tools/call", {"name": "get_lead", "arguments": {"lead_id": "ld_nobody"}}, 4)
                stdin.close()
                rest = await stdout.read()
                code = await process.wait()
                return answers, rest, code, await stderr.read()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

    answers, rest, code, stderr = asyncio.run(exchange())
    assert [a["id"] for a in answers] == [1, 2, 3, 4], answers
    assert all(a["jsonrpc"] == "2.0" and "error" not in a for a in answers), answers
    assert answers[0]["result"]["protocolVersion"] == "2025-11-25"
    assert answers[0]["result"]["serverInfo"]["name"] == "leadapi"
    assert {tool["name"] for tool in answers[1]["result"]["tools"]} == TOOLS
    created = answers[2]["result"]
    assert created["isError"] is False
    assert created["structuredContent"]["lead"]["email"] == "linus@by-hand.com"
    assert answers[3]["result"]["isError"] is True
    assert '"status":404' in answers[3]["result"]["content"][0]["text"]
    assert (rest, code) == (b"", 0), stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
    assert [lead["id"] for lead in exported(env, "by-hand")] == [created["structuredContent"]["lead"]["id"]]


def test_help_mentions_mcp() -> None:
    top = run(dict(os.environ), "--help")
    assert top.returncode == 0, top.stderr
    assert "mcp" in top.stdout
    assert "LEADAPI_API_KEY" in top.stdout
    sub = run(dict(os.environ), "mcp", "--help")
    assert sub.returncode == 0, sub.stderr
    assert sub.stdout.startswith("usage: leadapi mcp")


# ---- streamable HTTP: /mcp on `leadapi serve` ---------------------------------------------------


async def over_http(base: str, key: str, mode: str, email: str) -> tuple[str, Json, Json]:
    """One agent's session over /mcp: the protocol version, the lead it made sales-ready, and
    what it read of the scoring model resource."""
    async with (
        asyncio.timeout(DEADLINE),
        httpx2.AsyncClient(headers=bearer(key)) as http,
        Client(streamable_http_client(f"{base}/mcp", http_client=http), mode=mode) as agent,
    ):
        assert {tool.name for tool in (await agent.list_tools()).tools} == TOOLS
        captured = answer(await agent.call_tool("create_lead", {"lead": {"email": email, **EXEC}}))
        lead_id = captured["lead"]["id"]
        assert (captured["merged"], captured["lead"]["score"]) == (False, 35)
        recorded = answer(await agent.call_tool("record_event", {"lead_id": lead_id, "event": DEMO}))
        found = answer(await agent.call_tool("search_leads", {"query": email}))
        assert [summary["id"] for summary in found["leads"]] == [lead_id]
        assert found["leads"][0]["score"] == recorded["lead"]["score"]
        stages = await resource(agent, "leadapi://stages")
        assert {"new", "sql"} <= {stage["key"] for stage in stages["stages"]}
        model = await resource(agent, "leadapi://scoring/model")
        return agent.protocol_version, recorded["lead"], model


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_http_agents_modern_and_legacy(live: tuple[str, str], mode: str) -> None:
    base, api_key = live
    email = f"ada-{mode}@http-corp.com"
    version, lead, model = asyncio.run(over_http(base, api_key, mode, email))
    assert (version >= MODERN) == (mode == "auto"), version
    assert (lead["score"], lead["band"], lead["stage"]) == (85, "sql", "sql")
    # REST, the same process's other door, sees the lead and its score, and the same model.
    rest = httpx.get(f"{base}/v1/leads/{lead['id']}", headers=bearer(api_key))
    assert rest.status_code == 200, rest.text
    assert (rest.json()["email"], rest.json()["score"], rest.json()["band"]) == (email, 85, "sql")
    assert rest.json()["score_model_id"] == model["id"]


def test_http_without_a_valid_key_is_401_problem(live: tuple[str, str]) -> None:
    base, _ = live
    refusals = [
        ({}, "required"),
        (bearer(UNKNOWN_KEY), "unknown"),
        (bearer("hunter2"), "unknown"),
        ({"X-API-Key": UNKNOWN_KEY}, "unknown"),
    ]
    for headers, detail in refusals:
        response = raw_post(base, TOOLS_LIST, headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["status"] == 401
        assert detail in response.json()["detail"]


def test_http_only_post_is_served(live: tuple[str, str]) -> None:
    """Stateless: no stream to GET (it would stay open and idle) and no session to DELETE; both
    are 405 problems that name the method to use, with or without a key."""
    base, api_key = live
    for method in ("GET", "DELETE", "PUT"):
        for headers in ({}, bearer(api_key)):
            response = httpx.request(
                method, f"{base}/mcp", headers={**headers, "Accept": "text/event-stream"}, timeout=10
            )
            assert response.status_code == 405, (method, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["allow"] == "POST"


def test_http_malformed_json_is_a_parse_error(live: tuple[str, str]) -> None:
    """With a valid key, a body that is not JSON gets a JSON-RPC parse error (a 4xx), whichever
    protocol version the client announces (none, a handshake one, a modern one)."""
    base, api_key = live
    for version in ({}, {"MCP-Protocol-Version": "2025-11-25"}, {"MCP-Protocol-Version": "2026-07-28"}):
        response = raw_post(base, b'{"jsonrpc": "2.0", "id": 1,', {**bearer(api_key), **version})
        assert 400 <= response.status_code < 500, (version, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/json"), response.headers
        assert response.json()["error"]["code"] == PARSE_ERROR, response.text
    # The key is fine: a well-formed message with it is answered (as with REST, in either header).
    for headers in (bearer(api_key), {"X-API-Key": api_key}):
        listed = raw_post(base, TOOLS_LIST, headers)
        assert listed.status_code == 200, listed.text
        assert {tool["name"] for tool in listed.json()["result"]["tools"]} == TOOLS


def test_http_read_key_cannot_write_and_a_revoked_key_is_refused(live: tuple[str, str]) -> None:
    base, api_key = live
    reader = rest_key(base, api_key, ["read"])
    email = "refused@readonly-corp.com"

    async def attempt() -> tuple[CallToolResult, CallToolResult]:
        async with (
            asyncio.timeout(DEADLINE),
            httpx2.AsyncClient(headers=bearer(reader["key"])) as http,
            Client(streamable_http_client(f"{base}/mcp", http_client=http)) as agent,
        ):
            created = await agent.call_tool("create_lead", {"lead": {"email": email}})
            searched = await agent.call_tool("search_leads", {"query": "readonly-corp"})
            return created, searched

    created, searched = asyncio.run(attempt())
    assert "'write'" in refusal(created, "create_lead", 403)["detail"]
    assert answer(searched)["leads"] == []  # reading is allowed
    assert rest_search(base, api_key, "readonly-corp") == []

    revoked = httpx.delete(f"{base}/v1/api-keys/{reader['id']}", headers=bearer(api_key))
    assert revoked.status_code == 204, revoked.text
    refused = raw_post(base, TOOLS_LIST, bearer(reader["key"]))
    assert refused.status_code == 401, refused.text
    assert refused.headers["content-type"] == "application/problem+json"


def test_http_concurrent_agents_act_as_their_own_keys(live: tuple[str, str]) -> None:
    """Requests of a read key and a write key in flight at once through one server: each is
    judged as its own key (the caller never leaks from one request to another)."""
    base, api_key = live
    keys = {
        "read": rest_key(base, api_key, ["read"])["key"],
        "write": rest_key(base, api_key, ["write"])["key"],
    }

    async def capture(scope: str, number: int) -> tuple[str, str, CallToolResult]:
        email = f"{scope}-{number}@concurrent-corp.com"
        async with (
            httpx2.AsyncClient(headers=bearer(keys[scope])) as http,
            Client(streamable_http_client(f"{base}/mcp", http_client=http)) as agent,
        ):
            return scope, email, await agent.call_tool("create_lead", {"lead": {"email": email}})

    async def everyone() -> list[tuple[str, str, CallToolResult]]:
        async with asyncio.timeout(DEADLINE):
            return await asyncio.gather(*(capture(scope, n) for n in range(4) for scope in keys))

    outcomes = asyncio.run(everyone())
    for scope, email, result in outcomes:
        if scope == "read":
            refusal(result, "create_lead", 403)
        else:
            assert answer(result)["lead"]["email"] == email
    stored = {lead["email"] for lead in rest_search(base, api_key, "concurrent-corp")}
    assert stored == {email for scope, email, _ in outcomes if scope == "write"}
