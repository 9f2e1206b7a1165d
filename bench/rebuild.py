"""The rollup rebuild over a workspace seeded as the reports bench seeds it (issue 25), set-based
(the database works every lead's contribution and the rows out) against lead by lead (each lead's
contribution worked out in the process), one after the other on the same data, each from no
rollups; the two must make the same rows. The seeding's time is the yardstick.

    make bench ARGS="--rebuild-only --report-leads 1000000"
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.reports import bench_settings, seeded_workspace
from leadapi.app import create_app


@dataclass
class RebuildTiming:
    leads: int
    seed_s: float
    lead_by_lead_s: float | None
    set_based_s: float
    same_rows: bool | None


ROWS = (
    "SELECT dimension, facet, period, key, value, leads, round(amount::numeric, 2) FROM report_rollups "
    "WHERE workspace_id = $1 AND leads <> 0 ORDER BY 1, 2, 3, 4, 5"
)


async def _clear(dsn: str, workspace_id: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for table in ("report_rollups", "rollup_leads"):
            await conn.execute(f"DELETE FROM {table} WHERE workspace_id = $1", workspace_id)
            await conn.execute(f"VACUUM ANALYZE {table}")
    finally:
        await conn.close()


async def _rows(dsn: str, workspace_id: str) -> list[tuple[object, ...]]:
    conn = await asyncpg.connect(dsn)
    try:
        return [tuple(r) for r in await conn.fetch(ROWS, workspace_id)]
    finally:
        await conn.close()


async def measure(database_url: str, dsn: str, count: int, lead_by_lead: bool = True) -> RebuildTiming:
    app = create_app(bench_settings(database_url))
    async with app.router.lifespan_context(app):
        workspace_id, seed_s = await seeded_workspace(app, dsn, "rebuild bench", count)
        print(f"rebuild: seeded {count:,} leads with history in {seed_s:.1f} s", flush=True)
        flow = app.state.services.rollup_flow
        now = datetime.now(UTC)
        start, end = (now - timedelta(days=400)).date(), (now + timedelta(days=1)).date()

        async def timed(by_lead: bool) -> float:
            await _clear(dsn, workspace_id)
            started = time.perf_counter()
            async with app.state.db.transaction() as conn:
                counted = await flow.rebuild(conn, workspace_id, start, end, lead_by_lead=by_lead)
            took = time.perf_counter() - started
            how = "lead by lead" if by_lead else "set-based"
            print(f"rebuild: {how} over {counted:,} leads in {took:.1f} s", flush=True)
            return took

        by_lead_s: float | None = None
        same: bool | None = None
        if lead_by_lead:
            by_lead_s = await timed(True)
            expected = await _rows(dsn, workspace_id)
        set_s = await timed(False)
        if lead_by_lead:
            same = await _rows(dsn, workspace_id) == expected
    return RebuildTiming(count, seed_s, by_lead_s, set_s, same)


def describe(t: RebuildTiming) -> list[str]:
    lines = [
        f"rebuild over {t.leads:,} leads: set-based {t.set_based_s:.1f} s "
        f"({t.set_based_s / t.seed_s:.2f}x the seeding's {t.seed_s:.1f} s)"
    ]
    if t.lead_by_lead_s is not None:
        lines.append(
            f"lead by lead {t.lead_by_lead_s:.1f} s ({t.lead_by_lead_s / t.seed_s:.2f}x the seeding): "
            f"set-based is {t.lead_by_lead_s / t.set_based_s:.1f}x faster; same rows: {t.same_rows}"
        )
    return lines
