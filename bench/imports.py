"""Import scenario (issue 22): a CSV of new leads through `POST /v1/imports` and its background job
(dedupe, score, events; then again into a workspace that routes every new lead), against raw COPY
of the same rows into a table of text columns, in the same run, on the same PostgreSQL. The
server's resident memory (every process of its session) is sampled while the job runs.

Targets: import >= 25% of COPY's rows/s, with routing >= 15%, server peak under 400 MB.

Beside them, the floor of what any import can do on this schema: PostgreSQL alone writing the same
rows (another file of the same shape) into `leads` and their `lead.created` and `lead.scored`
events, set-based (INSERT ... SELECT from the COPYed rows, ids in order as ULIDs are, no Python
per row), then rolled back. It pays what COPY into a bare table does not: the leads' and events'
indexes (btree, jsonb GIN and the search's trigram GIN), WAL and the jsonb documents.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from bench.exports import _rss_mb, _session_pids

IMPORT_TARGET = 0.25
ROUTED_IMPORT_TARGET = 0.15
PEAK_MB = 400.0
COLUMNS = ("email", "first_name", "last_name", "title", "company", "country", "company_size", "tags")
TITLES = ("VP Sales", "Engineer", "Director of Marketing", "CEO", "Intern", "Head of Growth")
COUNTRIES = ("US", "DE", "France", "GB", "united kingdom", "NL")


@dataclass
class ImportRun:
    name: str
    rows: int
    seconds: float
    rows_per_second: float
    rss_peak_mb: float = 0.0
    ratio: float | None = None


def write_file(path: Path, rows: int, prefix: str) -> None:
    """A CSV of `rows` new people (distinct emails), with what scoring reads."""
    with path.open("w") as out:
        out.write(",".join(COLUMNS) + "\n")
        for i in range(rows):
            out.write(
                f"{prefix}{i}@bench{i % 997}.example,First{i},Last{i},{TITLES[i % 6]},Company {i % 5000},"
                f"{COUNTRIES[i % 6]},{(i % 50) * 10},tag{i % 7}|imported\n"
            )


async def raw_copy(dsn: str, path: Path) -> ImportRun:
    """The same file COPYed as it is into a table of text columns: the floor of bulk loading."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_copy")
        await conn.execute(f"CREATE UNLOGGED TABLE bench_copy ({', '.join(f'{c} text' for c in COLUMNS)})")
        rows = sum(1 for _ in path.open()) - 1
        started = time.monotonic()
        await conn.copy_to_table("bench_copy", source=str(path), format="csv", header=True)
        seconds = time.monotonic() - started
        await conn.execute("DROP TABLE bench_copy")
    finally:
        await conn.close()
    return ImportRun("raw COPY of the same rows", rows, seconds, rows / seconds)


# The columns a captured lead of such a row has (the rest take their defaults), its two events'
# payload the lead as a document, as `lead.created` carries it.
_FLOOR_LEADS = """
INSERT INTO leads (id, workspace_id, email, first_name, last_name, title, company, country, domain, tags,
                   external_ids, attributes, unsubscribed, stage, is_free_email, seniority, created_at,
                   updated_at, version, score, fit_score, behavior_score, band, scored_at, stage_entered_at,
                   provenance)
SELECT 'ld_floor' || lpad(n::text, 12, '0'), $1, email, first_name, last_name, title, company,
       left(upper(country), 2), split_part(email, '@', 2), to_jsonb(string_to_array(tags, '|')), '{}',
       jsonb_build_object('company_size', company_size), false, 'new', false, 'unknown', now(), now(), 1,
       10, 10, 0, 'not_ready', now(), now(),
       jsonb_build_object('email', jsonb_build_object('source', 'import'))
FROM (SELECT row_number() OVER () AS n, * FROM bench_floor) AS rows
"""
_FLOOR_EVENTS = """
INSERT INTO events (id, workspace_id, type, lead_id, occurred_at, data)
SELECT 'ev_floor' || lpad(n::text, 12, '0') || kind.k, $1, kind.t, 'ld_floor' || lpad(n::text, 12, '0'),
       now(), to_jsonb(rows)
FROM (SELECT row_number() OVER () AS n, * FROM bench_floor) AS rows,
     (VALUES (1, 'lead.created'), (2, 'lead.scored')) AS kind(k, t)
"""


async def floor(dsn: str, path: Path, workspace_id: str) -> ImportRun:
    """The rows of `path` written by PostgreSQL alone into the workspace's leads and events, then
    rolled back: the fastest an import into this schema can go (see the module's docstring)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_floor")
        await conn.execute(f"CREATE UNLOGGED TABLE bench_floor ({', '.join(f'{c} text' for c in COLUMNS)})")
        await conn.copy_to_table("bench_floor", source=str(path), format="csv", header=True)
        rows = await conn.fetchval("SELECT count(*) FROM bench_floor")
        await conn.execute("CHECKPOINT")  # the imports' dirty pages are not this run's to write
        transaction = conn.transaction()
        await transaction.start()
        started = time.monotonic()
        await conn.execute(_FLOOR_LEADS, workspace_id)
        await conn.execute(_FLOOR_EVENTS, workspace_id)
        seconds = time.monotonic() - started
        await transaction.rollback()
        await conn.execute("DROP TABLE bench_floor")
    finally:
        await conn.close()
    return ImportRun("floor: PostgreSQL alone into leads + 2 events", rows, seconds, rows / seconds)


def measure_import(name: str, base: str, key: str, path: Path, session: int) -> ImportRun:
    """One upload, then the job followed until it finishes; the time is the upload's start to the
    job's end, the memory the server's session at its largest meanwhile."""
    pids = _session_pids(session)
    peak = _rss_mb(pids)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, _rss_mb(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    headers = {"Authorization": f"Bearer {key}"}
    started = time.monotonic()
    try:
        with path.open("rb") as body:
            response = httpx.post(
                f"{base}/v1/imports",
                content=body,
                headers={**headers, "Content-Type": "text/csv"},
                timeout=None,
            )
        response.raise_for_status()
        location = base + response.headers["location"]
        status = response.json()
        while status["status"] in ("queued", "running"):
            time.sleep(0.5)  # another process does the work
            status = httpx.get(location, headers=headers, timeout=30).json()
    finally:
        done.set()
        sampler.join()
    seconds = time.monotonic() - started
    if status["status"] != "succeeded" or status["rows_refused"]:
        raise SystemExit(f"bench: import {status['id']} ended {status['status']}: {status}")
    return ImportRun(name, status["rows_read"], seconds, status["rows_read"] / seconds, peak)


def report(runs: list[ImportRun], print_: Callable[[str], None] = print) -> bool:
    copy, plain, routed, least = runs
    for run in (plain, routed, least):
        run.ratio = run.rows_per_second / copy.rows_per_second
    print_(f"\n{'import scenario':<52} {'rows':>9} {'s':>8} {'rows/s':>9} {'peak MB':>8} {'ratio':>7}")
    for run in runs:
        print_(
            f"{run.name:<52} {run.rows:>9,} {run.seconds:>8.1f} {run.rows_per_second:>9,.0f} "
            f"{run.rss_peak_mb:>8.0f} {(run.ratio or 1):>7.3f}"
        )
    met = True
    for run, target in ((plain, IMPORT_TARGET), (routed, ROUTED_IMPORT_TARGET)):
        ok = (run.ratio or 0) >= target
        met = met and ok
        verdict = "met" if ok else "NOT met"
        print_(f"target: {run.name} >= {target:.0%} of COPY's rows/s: {verdict} ({run.ratio:.1%})")
    print_(
        f"the floor (PostgreSQL alone, set-based) makes {least.ratio:.1%} of COPY's rows/s: the import "
        f"runs at {plain.rows_per_second / least.rows_per_second:.0%} of it, routed at "
        f"{routed.rows_per_second / least.rows_per_second:.0%}"
    )
    peak = max(plain.rss_peak_mb, routed.rss_peak_mb)
    verdict = "met" if peak < PEAK_MB else "NOT met"
    print_(f"target: server peak memory < {PEAK_MB:.0f} MB: {verdict} ({peak:.0f} MB)")
    return met and peak < PEAK_MB


def copy_run(dsn: str, path: Path) -> ImportRun:
    return asyncio.run(raw_copy(dsn, path))


def floor_run(dsn: str, path: Path, workspace_id: str) -> ImportRun:
    return asyncio.run(floor(dsn, path, workspace_id))
