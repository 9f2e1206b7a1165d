"""On PostgreSQL: the enrolment lists read an index in order, and the step sweep reads its partial
index, generic plans included (asyncpg prepares; PostgreSQL goes generic after five runs). Over many
enrolments with few due, a sweep round reads only the due ones."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from bench.reads import seed_leads
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import dialect as pg_dialect

from leadapi.api.pagination import encode_cursor
from leadapi.app import create_app
from leadapi.tracks.repository import TrackRepository, due_statement
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

SEEDED_LEADS = 2_000
SEEDED_ENROLLMENTS = 30_000
# Enrolments due by NOW: one in a thousand of the active ones, the rest due later.
NOW = datetime(2026, 6, 1, tzinfo=UTC)


class Plans:
    def __init__(self, client: httpx.AsyncClient, tenant: Tenant, app: Any, dsn: str) -> None:
        self.client, self.tenant, self.app, self.dsn = client, tenant, app, dsn

    async def statements(self, url: str, params: dict[str, str]) -> list[tuple[str, tuple[Any, ...]]]:
        seen: list[tuple[str, tuple[Any, ...]]] = []

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "FROM track_enrollments" in statement and statement.lstrip().upper().startswith("SELECT"):
                seen.append((statement, tuple(parameters)))

        engine = self.app.state.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = await self.client.get(url, params=params, headers=self.tenant.read)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, response.text
        assert seen, params
        return seen

    async def plan(
        self, statement: str, parameters: tuple[Any, ...], *, analyze: bool = False
    ) -> dict[str, Any]:
        return await generic_plan(self.dsn, statement, parameters, analyze=analyze)


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


@pytest.fixture(scope="module")
async def plans() -> AsyncIterator[Plans]:
    await asyncio.to_thread(require_postgres)
    url = await migrated_pg_database(f"{PG_TEST_DB}_track_plans")
    settings = quiet_settings(url)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with serving(create_app(settings, clock=Clock())) as app:
        tenant = await make_tenant(app, "seeded")
        conn = await asyncpg.connect(dsn)
        try:
            await seed_leads(conn, tenant.workspace_id, SEEDED_LEADS, "ld_t")
            await conn.execute(
                "INSERT INTO tracks (id, workspace_id, name, active, steps, allow_concurrent, created_at, "
                "updated_at) SELECT 'trk_seed' || g, $1, 'seeded', true, "
                """'[{"channel": "email", "ref": "t", "wait_minutes": 0}]'::jsonb, true, now(), now() """
                "FROM generate_series(0, 2) AS g",
                tenant.workspace_id,
            )
            # Mostly ended enrolments; one in ten active, of which one in a hundred is due by NOW.
            await conn.execute(
                "INSERT INTO track_enrollments (id, workspace_id, track_id, lead_id, status, step, "
                "next_due_at, enrolled_at, updated_at) "
                "SELECT 'enr_seed' || lpad(g::text, 9, '0'), $1, 'trk_seed' || (g % 3), "
                "'ld_t' || lpad(((g % $3) + 1)::text, 9, '0'), "
                "CASE WHEN g % 10 = 0 THEN 'active' WHEN g % 10 < 4 THEN 'exited' ELSE 'completed' END, 0, "
                "CASE WHEN g % 10 <> 0 THEN NULL WHEN g % 1000 = 0 THEN $4::timestamptz - interval '1 hour' "
                "ELSE $4::timestamptz + make_interval(mins => g) END, now(), now() "
                "FROM generate_series(1, $2) AS g",
                tenant.workspace_id,
                SEEDED_ENROLLMENTS,
                SEEDED_LEADS,
                NOW,
            )
            # Touches: 20 per lead over a year.
            await conn.execute(
                "INSERT INTO track_touches (id, workspace_id, lead_id, enrollment_id, at) "
                "SELECT 'tch_seed' || lpad(g::text, 9, '0'), $1, "
                "'ld_t' || lpad(((g % $3) + 1)::text, 9, '0'), "
                "'enr_seed' || g, $4::timestamptz - make_interval(mins => g * 13) "
                "FROM generate_series(1, $2) AS g",
                tenant.workspace_id,
                SEEDED_LEADS * 20,
                SEEDED_LEADS,
                NOW,
            )
            await conn.execute("ANALYZE track_touches")
            await conn.execute("ANALYZE tracks")
            await conn.execute("ANALYZE track_enrollments")
        finally:
            await conn.close()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            yield Plans(client, tenant, app, dsn)


LISTS: list[tuple[str, dict[str, str]]] = [
    ("/v1/tracks/trk_seed1/enrollments", {}),
    ("/v1/tracks/trk_seed1/enrollments", {"status": "active"}),
    (
        "/v1/tracks/trk_seed1/enrollments",
        {"status": "exited", "cursor": encode_cursor(["enr_seed000015000"])},
    ),
    ("/v1/leads/ld_t000000007/enrollments", {}),
]


@pytest.mark.parametrize(("url", "params"), LISTS, ids=lambda v: json.dumps(v) if isinstance(v, dict) else v)
async def test_enrollment_lists_read_an_index_in_order(
    postgres_only: None, plans: Plans, url: str, params: dict[str, str]
) -> None:
    for statement, parameters in await plans.statements(url, {**params, "limit": "50"}):
        plan = await plans.plan(statement, parameters)
        kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
        assert ("Seq Scan", "track_enrollments") not in kinds, json.dumps(plan, indent=1)
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _ in kinds), json.dumps(plan, indent=1)


async def test_a_sweep_round_reads_only_the_due_enrolments(postgres_only: None, plans: Plans) -> None:
    statement = due_statement(NOW, 200).with_for_update(skip_locked=True)
    compiled = statement.compile(dialect=pg_dialect())  # type: ignore[no-untyped-call]
    args = tuple(compiled.params[key] for key in compiled.positiontup or ())
    plan = await plans.plan(str(compiled), args, analyze=True)
    scans = [node for node in nodes(plan) if node.get("Relation Name") == "track_enrollments"]
    assert [node.get("Index Name") for node in scans] == ["ix_track_enrollments_next_due_at_active"], (
        json.dumps(plan, indent=1)
    )
    due = SEEDED_ENROLLMENTS // 1000
    # 30,000 enrolments, 3,000 active, 30 due: the index scan reads the due ones and stops.
    assert scans[0]["Actual Rows"] == due, json.dumps(plan, indent=1)
    assert scans[0].get("Rows Removed by Filter", 0) == 0, json.dumps(plan, indent=1)


async def test_the_weekly_cap_reads_a_leads_touches_by_index(postgres_only: None, plans: Plans) -> None:
    repo = TrackRepository(None, plans.tenant.workspace_id)  # type: ignore[arg-type]  # builds, never runs
    statement = repo.touches_statement("ld_t000000007", NOW)
    compiled = statement.compile(dialect=pg_dialect())  # type: ignore[no-untyped-call]
    args = tuple(compiled.params[key] for key in compiled.positiontup or ())
    plan = await plans.plan(str(compiled), args)
    kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
    assert ("Seq Scan", "track_touches") not in kinds, json.dumps(plan, indent=1)
    # A lead's touches within the week are few (the cap keeps them so): sorting them is nothing.
    assert "ix_track_touches_lead_id_at" in {node.get("Index Name") for node in nodes(plan)}


async def test_the_sweep_reads_its_leads_touches_by_index(postgres_only: None, plans: Plans) -> None:
    """A round reads the touches of all its leads in one statement: one index range per lead."""
    repo = TrackRepository(None, plans.tenant.workspace_id)  # type: ignore[arg-type]  # builds, never runs
    statement = repo.touches_of_statement([f"ld_t{n:09d}" for n in range(1, 400, 2)], NOW)
    compiled = statement.compile(dialect=pg_dialect(), compile_kwargs={"render_postcompile": True})  # type: ignore[no-untyped-call]
    args = tuple(compiled.params[key] for key in compiled.positiontup or ())
    plan = await plans.plan(str(compiled), args)
    kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
    assert ("Seq Scan", "track_touches") not in kinds, json.dumps(plan, indent=1)
    assert "ix_track_touches_lead_id_at" in {node.get("Index Name") for node in nodes(plan)}, json.dumps(
        plan, indent=1
    )


async def test_the_exit_watch_reads_the_leads_enrolments_by_index(postgres_only: None, plans: Plans) -> None:
    repo = TrackRepository(None, plans.tenant.workspace_id)  # type: ignore[arg-type]  # builds, never runs
    statement = repo.live_statement({f"ld_t{n:09d}" for n in range(1, 200, 7)})
    compiled = statement.compile(dialect=pg_dialect(), compile_kwargs={"render_postcompile": True})  # type: ignore[no-untyped-call]
    args = tuple(compiled.params[key] for key in compiled.positiontup or ())
    plan = await plans.plan(str(compiled), args)
    kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
    assert ("Seq Scan", "track_enrollments") not in kinds, json.dumps(plan, indent=1)
    assert "ix_track_enrollments_lead_id_id" in {node.get("Index Name") for node in nodes(plan)}, json.dumps(
        plan, indent=1
    )


async def test_the_exit_watch_asks_for_a_live_enrolment_by_index(postgres_only: None, plans: Plans) -> None:
    """Whether any enrolment of the workspace is live, asked each round the watch has events: its
    tracks probed by (track, status), never the enrolments scanned."""
    repo = TrackRepository(None, plans.tenant.workspace_id)  # type: ignore[arg-type]  # builds, never runs
    statement = repo.any_live_statement(postgres=True)
    dialect = pg_dialect()  # type: ignore[no-untyped-call]
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    args = tuple(compiled.params[key] for key in compiled.positiontup or ())
    plan = await plans.plan(str(compiled), args, analyze=True)
    kinds = [(node["Node Type"], node.get("Relation Name")) for node in nodes(plan)]
    assert ("Seq Scan", "track_enrollments") not in kinds, json.dumps(plan, indent=1)
    assert "ix_track_enrollments_track_id_status_id" in {node.get("Index Name") for node in nodes(plan)}, (
        json.dumps(plan, indent=1)
    )
    assert plan["Actual Rows"] == 1  # one in ten of the seeded enrolments is active


async def test_an_automation_batch_reads_its_leads_enrolments_by_index(
    postgres_only: None, plans: Plans
) -> None:
    """One probe of the lead's index per lead (`probed`), generic plan included, reading no
    enrolment of another lead."""
    repo = TrackRepository(None, plans.tenant.workspace_id)  # type: ignore[arg-type]  # builds, never runs
    lead_ids = [f"ld_t{n:09d}" for n in range(1, 200, 7)]
    statement = repo.enrollments_of_statement(lead_ids, postgres=True)
    compiled = statement.compile(dialect=pg_dialect())  # type: ignore[no-untyped-call]
    args = tuple(compiled.params[key] for key in compiled.positiontup or ())
    plan = await plans.plan(str(compiled), args, analyze=True)
    shown = json.dumps(plan, indent=1)
    [scan] = [node for node in nodes(plan) if node.get("Relation Name") == "track_enrollments"]
    assert scan["Node Type"] != "Seq Scan", shown
    assert {node.get("Index Name") for node in nodes(scan)} - {None} == {"ix_track_enrollments_lead_id_id"}, (
        shown
    )
    # 30,000 enrolments over 2,000 leads: 15 a lead, each lead probed once and nothing else read.
    per_lead = SEEDED_ENROLLMENTS // SEEDED_LEADS
    assert (scan["Actual Rows"], scan["Actual Loops"]) == (per_lead, len(lead_ids)), shown
    assert scan.get("Rows Removed by Filter", 0) == 0, shown
