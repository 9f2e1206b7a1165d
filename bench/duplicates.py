"""Duplicate detection (issue 21): the sweep over a workspace of many leads, and the detection of
one captured lead's candidates against them, each beside a baseline measured in the same run.

- The sweep (what the consumer does on a workspace's first look, and `POST /v1/duplicates/sweep`)
  makes every lead's filing (keys and signature) a batch per step, loads them all in one step, and
  pairs every key's leads in another (duplicates/service.py). Its baseline is reading the same
  leads in the same batches and nothing else.
- Detection at capture is the consumer's work for newly captured leads (their keys replaced, the
  leads under them read and scored, their pairs stored): per lead in a batch, as the consumer
  runs it, and for one lead alone per transaction, beside a transaction reading that lead by
  primary key.

`make bench ARGS=--duplicates-only` runs these alone (`--duplicate-leads`, default a million).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from bench.reads import seed_leads
from leadapi.config import Settings
from leadapi.duplicates.repository import DuplicateRepository
from leadapi.duplicates.service import SWEEP_BATCH
from leadapi.services import build_services

WORKSPACE = "ws_bench_duplicates"
SWEEP_TARGET_SECONDS = 60.0  # over a million leads on PostgreSQL
DETECT_TARGET_MS = 1.0  # per captured lead, at a million leads
PROBES = 500  # captured leads whose detection is timed
TWINS = 10_000  # leads made to look like another (gmail dots), so pairs are found and stored


@dataclass(frozen=True)
class DuplicateRun:
    leads: int
    sweep_seconds: float
    sweep_baseline_seconds: float
    pairs: int
    detect_ms: float
    detect_baseline_ms: float
    detect_batched_ms: float
    detect_unchanged_ms: float


async def seed(dsn: str, count: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES ($1, 'duplicates', now()) "
            "ON CONFLICT DO NOTHING",
            WORKSPACE,
        )
        await conn.execute(
            "INSERT INTO event_sequences (workspace_id, last_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING",
            WORKSPACE,
        )
        await seed_leads(conn, WORKSPACE, count, "ld_d")
        # Twins: a Gmail address with and without a dot, two leads each.
        await conn.execute(
            "UPDATE leads SET email = CASE WHEN right(id, 1)::int % 2 = 0 THEN 'twin.' ELSE 'twin' END "
            "|| (substr(id, 5)::int / 2) || '@gmail.com' "
            "WHERE workspace_id = $1 AND substr(id, 5)::int <= $2",
            WORKSPACE,
            TWINS,
        )
        await conn.execute("VACUUM (ANALYZE) leads")
    finally:
        await conn.close()


async def measure(database_url: str, dsn: str, count: int, batch: int = SWEEP_BATCH) -> DuplicateRun:
    await seed(dsn, count)
    settings = Settings(database_url=database_url, bootstrap=False, _env_file=None)
    services = build_services(settings, lambda: datetime.now(UTC))
    db, duplicates = services.db, services.duplicates
    try:
        # The baseline: the same batches of the same leads, read and nothing else.
        started = time.perf_counter()
        after = None
        while True:
            async with db.transaction() as conn:
                rows = await DuplicateRepository(conn, WORKSPACE).leads_after(after, batch)
            if len(rows) < batch:
                break
            after = (rows[-1]["created_at"], rows[-1]["id"])
        baseline = time.perf_counter() - started

        async with db.transaction() as conn:
            await DuplicateRepository(conn, WORKSPACE).set_sweep(True, None, datetime.now(UTC))
        started = time.perf_counter()
        more = True
        while more:
            async with db.transaction() as conn:
                more = await duplicates.sweep_step(conn, WORKSPACE, batch)
        sweep = time.perf_counter() - started
        conn_raw = await asyncpg.connect(dsn)
        try:
            pairs = int(
                await conn_raw.fetchval(
                    "SELECT count(*) FROM duplicate_pairs WHERE workspace_id = $1", WORKSPACE
                )
            )
            await conn_raw.execute("ANALYZE duplicate_keys")
            # Captured leads: a known person under a new address, each a candidate of a stored one;
            # the first PROBES detected one by one, the others in one batch.
            probe_ids = [f"ld_probe{i:06d}" for i in range(PROBES)]
            batch_ids = [f"ld_probe{i:06d}" for i in range(PROBES, 2 * PROBES)]
            await conn_raw.execute(
                "INSERT INTO leads (id, workspace_id, email, first_name, last_name, company, domain, "
                "tags, external_ids, attributes, unsubscribed, stage, is_free_email, seniority, "
                "created_at, updated_at, version, stages_mask) "
                "SELECT 'ld_probe' || lpad(g::text, 6, '0'), $1, 'probe' || g || '@x.org', first_name, "
                "last_name, company, domain, '[]', '{}', '{}', false, 'new', false, 'unknown', now(), "
                "now(), 1, 0 FROM generate_series(0, $2 - 1) AS g JOIN leads "
                "ON workspace_id = $1 AND id = 'ld_d' || lpad((1 + g * 97)::text, 9, '0')",
                WORKSPACE,
                2 * PROBES,
            )
        finally:
            await conn_raw.close()
        started = time.perf_counter()
        for lead_id in probe_ids:
            async with db.transaction() as conn:
                await DuplicateRepository(conn, WORKSPACE).leads_by_ids([lead_id])
        detect_baseline = (time.perf_counter() - started) / PROBES
        started = time.perf_counter()
        for lead_id in probe_ids:
            async with db.transaction() as conn:
                await duplicates.detect(conn, WORKSPACE, [lead_id])
        detect = (time.perf_counter() - started) / PROBES
        # As the consumer runs it: the leads of a batch of events together, in one transaction
        # (leads not detected before: detecting them again finds their filings as they are).
        started = time.perf_counter()
        async with db.transaction() as conn:
            await duplicates.detect(conn, WORKSPACE, batch_ids)
        batched = (time.perf_counter() - started) / PROBES
        # The same leads again, changed in nothing the comparison reads (a new title, tags).
        started = time.perf_counter()
        async with db.transaction() as conn:
            await duplicates.detect(conn, WORKSPACE, batch_ids)
        unchanged = (time.perf_counter() - started) / PROBES
    finally:
        await db.dispose()
    return DuplicateRun(
        count, sweep, baseline, pairs, detect * 1000, detect_baseline * 1000, batched * 1000, unchanged * 1000
    )


def report(result: DuplicateRun) -> list[str]:
    per_million = result.sweep_seconds * 1_000_000 / result.leads
    return [
        f"duplicates: {result.leads:,} leads, {result.pairs:,} pairs found",
        f"sweep: {result.sweep_seconds:.1f} s ({result.leads / result.sweep_seconds:,.0f} leads/s), "
        f"{result.sweep_seconds / result.sweep_baseline_seconds:.1f}x reading the same batches "
        f"({result.sweep_baseline_seconds:.1f} s); {per_million:.0f} s per million leads "
        f"(target {SWEEP_TARGET_SECONDS:.0f} s: {_verdict(per_million <= SWEEP_TARGET_SECONDS)})",
        f"detection at capture, as the consumer runs it ({PROBES} captured leads in one batch): "
        f"{result.detect_batched_ms:.2f} ms per lead (target {DETECT_TARGET_MS} ms: "
        f"{_verdict(result.detect_batched_ms <= DETECT_TARGET_MS)}); the same leads again, changed "
        f"in nothing it compares: {result.detect_unchanged_ms:.2f} ms per lead",
        f"detection of one lead alone, in its own transaction: {result.detect_ms:.2f} ms, "
        f"{result.detect_ms / result.detect_baseline_ms:.1f}x a transaction reading the lead "
        f"({result.detect_baseline_ms:.2f} ms)",
    ]


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"
