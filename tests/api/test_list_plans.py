"""PostgreSQL's plans for GET /v1/leads: the default list and each fast filter and sort the README
documents are read through an index, with no sequential scan and no sort of the leads table.

The statements are the ones the app sends (recorded from its engine while the request runs),
planned as the app's connections plan them (generic plans, `plan_cache_mode`), over a seeded
workspace with statistics gathered.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest
from bench.reads import seed_leads
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import dialect

from leadapi.api.pagination import encode_cursor
from leadapi.app import create_app
from leadapi.hygiene.repository import archiving_statement, inactive_statement
from leadapi.hygiene.repository import leads as leads_table
from tests.conftest import (
    PG_TEST_DB,
    Clock,
    Tenant,
    make_tenant,
    migrated_pg_database,
    quiet_settings,
    require_postgres,
    serving,
)
from tests.plans import generic_plan

SEEDED = 30_000


class Plans:
    def __init__(self, client: httpx.AsyncClient, tenant: Tenant, app: Any, dsn: str) -> None:
        self.client, self.tenant, self.app, self.dsn = client, tenant, app, dsn

    async def statements(
        self, params: dict[str, str], accept: str = "application/json"
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """What the app sent to read the leads for this request."""
        seen: list[tuple[str, tuple[Any, ...]]] = []

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "FROM leads" in statement and statement.lstrip().upper().startswith("SELECT"):
                seen.append((statement, tuple(parameters)))

        class Sent(logging.Handler):
            def emit(self, entry: logging.LogRecord) -> None:
                seen.append((entry.__dict__["statement"], tuple(entry.__dict__["parameters"])))

        # Statements go through SQLAlchemy, or straight to asyncpg with a DEBUG record of each.
        engine = self.app.state.db.engine.sync_engine
        logger, handler = logging.getLogger("leadapi.leads.reads"), Sent()
        level = logger.level
        event.listen(engine, "before_cursor_execute", record)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            headers = {**self.tenant.read, "Accept": accept}
            response = await self.client.get("/v1/leads", params=params, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", record)
            logger.removeHandler(handler)
            logger.setLevel(level)
        assert response.status_code == 200, response.text
        assert seen, params
        return seen

    async def plan(self, statement: str, parameters: tuple[Any, ...]) -> dict[str, Any]:
        return await generic_plan(self.dsn, statement, parameters)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


@pytest.fixture(scope="module")
async def plans() -> AsyncIterator[Plans]:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{PG_TEST_DB}_plans")
    # Exports read even a rep's queue in a few chunks: the first statement and its continuations.
    settings = quiet_settings(url, export_chunk_rows=SEEDED // 100)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(settings, clock=Clock())) as app:
        tenant = await make_tenant(app, "seeded")
        neighbour = await make_tenant(app, "neighbour")
        conn = await asyncpg.connect(dsn)
        try:
            await seed_leads(conn, neighbour.workspace_id, SEEDED // 3, "ld_n")
            await seed_leads(conn, tenant.workspace_id, SEEDED, "ld_s")
        finally:
            await conn.close()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            yield Plans(client, tenant, app, dsn)


NULL_SCORE_CURSOR = encode_cursor([None, "ld_s000015000"])
MIDDLE_CURSOR = encode_cursor([datetime.fromisoformat("2026-01-01T00:00:00+00:00"), "ld_s000015000"])

# Each documented fast list (README, "Which lists are fast").
FAST: list[dict[str, str]] = [
    {},
    {"cursor": MIDDLE_CURSOR},
    {"sort": "created_at"},
    {"sort": "-updated_at"},
    {"sort": "updated_at"},
    {"sort": "-score"},
    {"sort": "score"},
    {"sort": "-score", "cursor": NULL_SCORE_CURSOR},
    {"sort": "-stage_entered_at"},
    {"sort": "stage_entered_at", "stage_entered_at[gte]": "2026-01-01T00:00:00Z"},
    {"sort": "-score", "score[gte]": "40", "score[lt]": "75"},
    {"sort": "-score", "band": "sql"},
    {"sort": "-score", "stage": "mql"},
    {"sort": "-score", "owner_id": "ow_seed3"},
    {"sort": "-score", "owner_id": "ow_seed3", "stage[in]": "new,mql,sql"},
    # Archived leads: with the others, or alone (by when they were archived).
    {"include_archived": "true"},
    {"sort": "-score", "include_archived": "true"},
    {"sort": "-archived_at", "archived_at[exists]": "true"},
]


@pytest.mark.parametrize(
    "params", FAST, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default"
)
async def test_fast_lists_read_an_index_in_order(plans: Plans, params: dict[str, str]) -> None:
    for statement, parameters in await plans.statements({**params, "limit": "50"}):
        plan = await plans.plan(statement, parameters)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "leads") not in kinds, json.dumps(plan, indent=1)
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(plan, indent=1)


# Served by a GIN index, then sorted: fast while the matches are few (README).
INDEXED: list[dict[str, str]] = [
    {"tags[contains]": "vip"},
    {"attributes.plan": "team"},
    {"q": "annab"},
    {"q": "annab", "sort": "-created_at"},
]


@pytest.mark.parametrize("params", INDEXED, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
async def test_tag_attribute_and_text_lists_never_scan_the_table(
    plans: Plans, params: dict[str, str]
) -> None:
    for statement, parameters in await plans.statements({**params, "limit": "50"}):
        plan = await plans.plan(statement, parameters)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "leads") not in kinds, json.dumps(plan, indent=1)


# Exports (Accept: text/csv) of the fast lists: each chunk continues from the last one's row with
# the list's keyset condition, and every one of those statements is read through an index in order.
EXPORTS: list[dict[str, str]] = [
    {},
    {"sort": "created_at"},
    {"sort": "-score"},
    {"sort": "-stage_entered_at"},
    {"sort": "-score", "owner_id": "ow_seed3", "stage[in]": "new,mql,sql"},
]


@pytest.mark.parametrize(
    "params", EXPORTS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default"
)
async def test_every_chunk_of_an_export_reads_an_index_in_order(plans: Plans, params: dict[str, str]) -> None:
    sent = await plans.statements(params, accept="text/csv")
    distinct = dict(sent)
    assert len(sent) >= 3  # several chunks, so continuations were sent and are checked
    assert any("<" in statement or ">" in statement for statement in distinct)  # a keyset continuation
    for statement, parameters in distinct.items():
        plan = await plans.plan(statement, parameters)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "leads") not in kinds, json.dumps(plan, indent=1)
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(plan, indent=1)


async def test_the_hygiene_sweep_reads_an_index_in_order(plans: Plans) -> None:
    """The archiving sweep's next leads, by last activity and never active by creation, from a
    mark up to the cutoff: a range of an index, in order, whatever the workspace's size."""
    mark = (datetime.fromisoformat("2025-06-01T00:00:00+00:00"), "ld_s000015000")
    cutoff = datetime.fromisoformat("2026-06-01T00:00:00+00:00")
    built = [
        inactive_statement(plans.tenant.workspace_id, by, at, cutoff, 500).with_for_update(
            of=leads_table, skip_locked=True
        )
        for by in ("activity", "created")
        for at in (None, mark)
    ]
    for statement in (*built, archiving_statement(50)):
        compiled = statement.compile(dialect=dialect())  # type: ignore[no-untyped-call]
        parameters = tuple(compiled.params[k] for k in compiled.positiontup or ())
        plan = await plans.plan(str(compiled), parameters)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "leads") not in kinds, json.dumps(plan, indent=1)
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(plan, indent=1)
