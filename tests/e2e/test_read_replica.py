"""Reads from a real PostgreSQL streaming replica (`read_database_url`; tests/replica.py).

Each test proves where a read was served by stopping the replica's replay: what the primary
wrote after the pause is absent from an answer the replica gave, and present in one the primary
gave. The primary is the tests' own (tests/replica.py) and its database this module's, so that
the sequencer's rounds are this module's alone.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.app import create_app
from leadapi.cli import migrate
from leadapi.config import Settings
from leadapi.events.repository import EventRepository
from tests.conftest import (
    Clock,
    Tenant,
    make_tenant,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.factories import new_lead, post_event, run_rollups
from tests.plans import generic_plan
from tests.replica import StreamingReplica

DATABASE = "leadapi_replica"
RETRY_SECONDS = 5.0


@pytest.fixture(scope="module")
def primary_url(streaming_replica: StreamingReplica) -> str:
    require_postgres()
    url = asyncio.run(streaming_replica.fresh_database(DATABASE))
    migrate(Settings(database_url=url, _env_file=None))
    return url


@pytest.fixture(scope="module")
def replica_clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
async def replica_app(
    primary_url: str, streaming_replica: StreamingReplica, replica_clock: Clock
) -> AsyncIterator[FastAPI]:
    # The database made after the replica started reaches it by replay too.
    await streaming_replica.caught_up()
    settings = quiet_settings(
        primary_url,
        read_database_url=streaming_replica.url(DATABASE),
        read_database_retry_seconds=RETRY_SECONDS,
        mcp_enabled=False,
    )
    async with serving(create_app(settings, clock=replica_clock)) as application:
        yield application


@pytest.fixture(scope="module")
async def http(replica_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=replica_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
        yield client


@pytest.fixture
async def workspace(replica_app: FastAPI) -> Tenant:
    return await make_tenant(replica_app, "replica")


async def _listed(http: httpx.AsyncClient, tenant: Tenant) -> set[str]:
    response = await http.get("/v1/leads", headers=tenant.read)
    assert response.status_code == 200, response.text
    return {lead["email"] for lead in response.json()["data"]}


def _gauge(text: str, name: str) -> float | None:
    match = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
    return None if match is None else float(match.group(1))


async def test_reports_lists_and_exports_read_the_replica(
    replica_app: FastAPI, http: httpx.AsyncClient, workspace: Tenant, streaming_replica: StreamingReplica
) -> None:
    await new_lead(http, workspace, "before@acme.com", source="webinar")
    await replica_app.state.sequencer.drain()
    await run_rollups(replica_app, workspace)
    await streaming_replica.pause()
    try:
        after = await new_lead(http, workspace, "after@acme.com", source="webinar")
        await replica_app.state.sequencer.drain()
        await run_rollups(replica_app, workspace)

        # The list, the search, the export and the reports answer as the primary was at the pause.
        assert await _listed(http, workspace) == {"before@acme.com"}
        search = await http.get("/v1/leads", params={"q": "after"}, headers=workspace.read)
        assert search.json()["data"] == []
        export = await http.get("/v1/leads", headers={**workspace.read, "Accept": "application/x-ndjson"})
        assert export.status_code == 200, export.text
        assert export.text.count("\n") == 1
        assert "before@acme.com" in export.text
        quality = (await http.get("/v1/reports/data-quality", headers=workspace.read)).json()
        assert quality["overall"]["leads"] == 1
        funnel = (await http.get("/v1/reports/funnel", headers=workspace.read)).json()
        assert funnel["total"]["leads"] == 1
        # What the caller reads to change it comes from the primary: its own write is there.
        own = await http.get(f"/v1/leads/{after['id']}", headers=workspace.read)
        assert own.status_code == 200
        assert own.json()["email"] == "after@acme.com"

        metrics = (await http.get("/metrics")).text
        assert _gauge(metrics, "leadapi_replica_up") == 1
        assert (_gauge(metrics, "leadapi_replica_lag_bytes") or 0) > 0
        assert _gauge(metrics, "leadapi_replica_lag_seconds") is not None
    finally:
        await streaming_replica.resume()

    assert await _listed(http, workspace) == {"before@acme.com", "after@acme.com"}
    quality = (await http.get("/v1/reports/data-quality", headers=workspace.read)).json()
    assert quality["overall"]["leads"] == 2
    funnel = (await http.get("/v1/reports/funnel", headers=workspace.read)).json()
    assert funnel["total"]["leads"] == 2


async def _whole_feed(
    http: httpx.AsyncClient, tenant: Tenant, after: int
) -> tuple[list[dict[str, Any]], int]:
    """Every event the feed hands out after `after`, three a page, and the position reached."""
    seen: list[dict[str, Any]] = []
    while True:
        response = await http.get("/v1/events", params={"after": after, "limit": 3}, headers=tenant.read)
        assert response.status_code == 200, response.text
        page = response.json()
        if not page["data"]:
            assert page["next"] == after
            return seen, after
        seen += page["data"]
        after = page["next"]


async def _numbered_on_primary(app: FastAPI, tenant: Tenant) -> list[int]:
    async with app.state.db.read() as conn:
        rows = await EventRepository(conn, tenant.workspace_id).feed(0, None, 10_000)
    return [row["seq"] for row in rows]


async def test_the_feed_hands_out_only_what_the_replica_has_never_skipping_or_repeating(
    replica_app: FastAPI, http: httpx.AsyncClient, workspace: Tenant, streaming_replica: StreamingReplica
) -> None:
    lead = await new_lead(http, workspace, "feed@acme.com")
    await post_event(http, workspace, lead["id"], "page_view")
    await replica_app.state.sequencer.drain()
    await streaming_replica.pause()
    try:
        # Written and numbered on the primary after the pause, in more than one sequencer round.
        for i in range(4):
            await post_event(http, workspace, lead["id"], "page_view", properties={"i": i})
            if i % 2:
                await replica_app.state.sequencer.drain()
        await new_lead(http, workspace, "feed2@acme.com")
        await replica_app.state.sequencer.drain()
        on_primary = await _numbered_on_primary(replica_app, workspace)

        first, reached = await _whole_feed(http, workspace, 0)
        seqs = [event["seq"] for event in first]
        # What the replica has is a prefix of the primary's numbering: nothing past it, no gap in it.
        assert seqs == on_primary[: len(seqs)]
        assert seqs == list(range(1, len(seqs) + 1))
        assert len(seqs) < len(on_primary)
        assert reached == seqs[-1]
        # Long polling on the lagging replica waits; it does not reach past it.
        waited = await http.get("/v1/events", params={"after": reached, "wait": 0.2}, headers=workspace.read)
        assert waited.json() == {"data": [], "next": reached}
    finally:
        await streaming_replica.resume()

    rest, end = await _whole_feed(http, workspace, reached)
    everything = seqs + [event["seq"] for event in rest]
    assert everything == on_primary  # the rest, once: none skipped, none repeated
    assert end == on_primary[-1]
    assert {event["id"] for event in first}.isdisjoint(event["id"] for event in rest)


async def test_a_dead_replica_sends_reads_to_the_primary_until_it_is_back(
    replica_app: FastAPI,
    http: httpx.AsyncClient,
    workspace: Tenant,
    streaming_replica: StreamingReplica,
    replica_clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fallbacks_before = _gauge((await http.get("/metrics")).text, "leadapi_replica_fallback_reads_total") or 0
    streaming_replica.stop()
    try:
        await new_lead(http, workspace, "while-down@acme.com")
        with caplog.at_level(logging.WARNING, logger="leadapi.replica"):
            # Read from the primary: the lead written a moment ago is there.
            assert await _listed(http, workspace) == {"while-down@acme.com"}
        assert any("read replica unreachable" in r.getMessage() for r in caplog.records)
        funnel = await http.get("/v1/reports/funnel", headers=workspace.read)
        assert funnel.status_code == 200, funnel.text
        feed = await http.get("/v1/events", headers=workspace.read)
        assert feed.status_code == 200, feed.text
        metrics = (await http.get("/metrics")).text
        assert _gauge(metrics, "leadapi_replica_up") == 0
        assert (_gauge(metrics, "leadapi_replica_fallback_reads_total") or 0) >= fallbacks_before + 3
    finally:
        streaming_replica.start()
    await streaming_replica.wait_ready()

    # Back, but not asked again until the retry time has passed: reads still go to the primary.
    await streaming_replica.pause()
    try:
        await new_lead(http, workspace, "while-paused@acme.com")
        assert "while-paused@acme.com" in await _listed(http, workspace)
        replica_clock.advance(seconds=RETRY_SECONDS + 1)
        # Asked again: the replica answers, as it was at the pause.
        assert await _listed(http, workspace) == {"while-down@acme.com"}
    finally:
        await streaming_replica.resume()
    assert await _listed(http, workspace) == {"while-down@acme.com", "while-paused@acme.com"}


async def test_the_feed_with_its_bound_keeps_to_the_event_number_index(
    replica_app: FastAPI, workspace: Tenant, primary_url: str
) -> None:
    # Another workspace's many numbered events, so that scanning the table would show.
    crowd = await make_tenant(replica_app, "crowd")
    async with replica_app.state.db.transaction() as conn:
        await conn.execute(
            text(
                "INSERT INTO events (id, workspace_id, seq, type, occurred_at, data) "
                "SELECT 'ev_crowd' || g, :ws, g, 'page_view', now(), '{}'::jsonb "
                "FROM generate_series(1, 20000) AS g"
            ),
            {"ws": crowd.workspace_id},
        )
        await conn.execute(text("ANALYZE events"))
    async with replica_app.state.db.read() as conn:
        repo = EventRepository(conn, workspace.workspace_id)
        statement = repo.feed_statement(0, ["lead.*"], 100, upto=repo.numbered_upto())
    compiled = statement.compile(dialect=dialect())  # type: ignore[no-untyped-call]
    values = tuple(compiled.params[name] for name in compiled.positiontup or [])
    plan = await generic_plan(primary_url.replace("+asyncpg", ""), str(compiled), values)
    assert ("events", "Seq Scan") not in _scans(plan), _scans(plan)


def _scans(node: dict[str, Any]) -> list[tuple[str, str]]:
    found = [(str(node["Relation Name"]), str(node["Node Type"]))] if "Relation Name" in node else []
    for child in node.get("Plans", []):
        found += _scans(child)
    return found


def test_a_read_replica_needs_postgresql() -> None:
    with pytest.raises(ValueError, match="read_database_url"):
        Settings(
            database_url="sqlite+aiosqlite:///x.db",
            read_database_url="postgresql+asyncpg://postgres@127.0.0.1/x",
            _env_file=None,
        )
