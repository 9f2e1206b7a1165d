"""`make bench ARGS=--scale` (issue 24): does anything in leadapi serialise?

1. Capture throughput (POST /v1/leads, wrk) with 1, 2 and 4 API processes (`leadapi serve` with
   LEADAPI_WORKERS=n, background work off: it runs in workers) against one PostgreSQL, reported as
   ratios to the 1-process run of the same bench run.
2. Report latency over a workspace of `--scale-leads` leads (bench/reports.py's data, its
   rollups rebuilt), asked over HTTP of the same server: idle, while captures run with the reads
   on the primary, and while captures run with the reads on a replica (`--read-url`: a streaming
   replica of the bench database, given to the server as LEADAPI_READ_DATABASE_URL). Beside each,
   the capture rate it ran next to.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.reports import bench_settings, seeded_workspace

SCALE_REPORTS = ("funnel", "sources", "owners")
SCALE_PORT = 8093


@dataclass
class CaptureRow:
    processes: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu_ms: float  # per capture, the API processes' CPU (see bench/__main__.py's Run)
    database_cpu_ms: float  # per capture, PostgreSQL's
    ratio: float = 0.0

    @property
    def cores_busy(self) -> float:
        """Cores the server and PostgreSQL kept busy: near the machine's count (less wrk's share),
        throughput is bounded by CPU, not by anything in leadapi waiting on something else."""
        return (self.server_cpu_ms + self.database_cpu_ms) * self.requests_per_second / 1000


@dataclass
class ReportRow:
    condition: str
    report_median_ms: float
    report_p90_ms: float
    captures_per_second: float | None


async def _reports_workspace(async_dsn: str, dsn: str, leads: int) -> str:
    """A workspace of `leads` leads with a year of history, its rollups rebuilt; returns a read
    key for it."""
    from leadapi.app import create_app
    from leadapi.workspaces.service import operator

    app = create_app(bench_settings(async_dsn))
    async with app.router.lifespan_context(app):
        started = time.perf_counter()
        workspace_id, _ = await seeded_workspace(app, dsn, "scale reports", leads)
        now = datetime.now(UTC)
        async with app.state.db.transaction() as conn:
            await app.state.services.rollup_flow.rebuild(
                conn, workspace_id, (now - timedelta(days=400)).date(), (now + timedelta(days=1)).date()
            )
            await conn.exec_driver_sql("ANALYZE report_rollups")
            _, secret = await app.state.workspaces.create_key(conn, operator(workspace_id), "scale", ["read"])
        print(
            f"scale: {leads:,} leads seeded, rollups rebuilt in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return str(secret)


class ReportLoop:
    """Asks the reports one after another while the block runs (or `rounds` times); the latencies."""

    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.headers = {"Authorization": f"Bearer {key}"}
        now = datetime.now(UTC)
        self.params = {"from": (now - timedelta(days=366)).isoformat(), "to": now.isoformat()}
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def once(self, client: httpx.Client) -> None:
        for report in SCALE_REPORTS:
            started = time.perf_counter()
            client.get(f"/v1/reports/{report}", params=self.params).raise_for_status()
            self.samples.append((time.perf_counter() - started) * 1000)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=300) as client:
            while not self._stop.is_set():
                self.once(client)

    def __enter__(self) -> ReportLoop:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


@dataclass
class Harness:
    """What bench/__main__.py runs every scenario with: wrk, the server runner, where results go."""

    wrk: str
    leadapi: str
    results: Path
    drive: Callable[..., Any]  # (wrk, url, key, script, args, session) -> Run
    serving: Callable[[list[str], dict[str, str], int], AbstractContextManager[int]]


def run_scale(
    args: argparse.Namespace, env: dict[str, str], async_dsn: str, dsn: str, key: str, h: Harness
) -> int:
    leadapi, wrk, drive, serving = h.leadapi, h.wrk, h.drive, h.serving
    base_env = {
        **env,
        "LEADAPI_BACKGROUND_IN_SERVE": "false",
        "LEADAPI_PORT": str(SCALE_PORT),
        # 4 processes x 10 under max_connections, with room for whatever else runs.
        "LEADAPI_DB_POOL_SIZE": "10",
    }
    url = f"http://127.0.0.1:{SCALE_PORT}"
    captures: list[CaptureRow] = []
    for processes in args.scale_processes:
        runs = []
        with serving(
            [leadapi, "serve"], {**base_env, "LEADAPI_WORKERS": str(processes)}, SCALE_PORT
        ) as session:
            for _ in range(args.rounds):
                runs.append(drive(wrk, f"{url}/v1/leads", key, "post_lead.lua", args, session))
        median = sorted(runs)[len(runs) // 2]
        captures.append(
            CaptureRow(
                processes,
                median.requests_per_second,
                median.p50_ms,
                median.p99_ms,
                sum(r.errors for r in runs),
                median.server_cpu_ms,
                median.database_cpu_ms,
            )
        )
        print(f"scale: {processes} API process(es): {median.requests_per_second:.0f} captures/s", flush=True)
    for row in captures:
        row.ratio = row.requests_per_second / captures[0].requests_per_second

    report_key = asyncio.run(_reports_workspace(async_dsn, dsn, args.scale_leads))
    reports: list[ReportRow] = []
    processes = max(args.scale_processes)
    conditions: list[tuple[str, dict[str, str]]] = [("reads on the primary", {})]
    if args.read_url:
        conditions.append(("reads on the replica", {"LEADAPI_READ_DATABASE_URL": args.read_url}))
    for name, extra in conditions:
        server_env = {**base_env, "LEADAPI_WORKERS": str(processes), **extra}
        with serving([leadapi, "serve"], server_env, SCALE_PORT) as session:
            loop = ReportLoop(url, report_key)
            with httpx.Client(base_url=url, headers=loop.headers, timeout=300) as client:
                for _ in range(3):
                    loop.once(client)
            idle = list(loop.samples)
            if name == conditions[0][0]:
                reports.append(ReportRow("idle", statistics.median(idle), _quantile(idle, 0.9), None))
            alone = drive(wrk, f"{url}/v1/leads", key, "post_lead.lua", args, session)
            loop.samples.clear()
            with loop:
                beside = drive(wrk, f"{url}/v1/leads", key, "post_lead.lua", args, session)
            busy = loop.samples or [0.0]
            reports.append(
                ReportRow(
                    f"while captures run, {name}",
                    statistics.median(busy),
                    _quantile(busy, 0.9),
                    beside.requests_per_second,
                )
            )
            reports.append(ReportRow(f"captures alone ({name} setting)", 0.0, 0.0, alone.requests_per_second))

    header = (
        "API processes",
        "captures/s",
        "x 1 process",
        "p50 ms",
        "p99 ms",
        "errors",
        "CPU ms: API",
        "PostgreSQL",
        "cores busy",
    )
    print("\n" + " ".join(f"{h:>13}" for h in header))
    for c in captures:
        values = (
            c.processes,
            f"{c.requests_per_second:.0f}",
            f"{c.ratio:.2f}",
            c.p50_ms,
            c.p99_ms,
            c.errors,
            f"{c.server_cpu_ms:.2f}",
            f"{c.database_cpu_ms:.2f}",
            f"{c.cores_busy:.2f} of {os.cpu_count()}",
        )
        print(" ".join(f"{v:>13}" for v in values))
    print(
        f"\nreports ({', '.join(SCALE_REPORTS)}, a year) over {args.scale_leads:,} leads, {processes} procs"
    )
    print(f"{'condition':<52} {'median ms':>10} {'p90 ms':>8} {'captures/s':>11}")
    for r in reports:
        rate = "" if r.captures_per_second is None else f"{r.captures_per_second:.0f}"
        print(f"{r.condition:<52} {r.report_median_ms:>10.0f} {r.report_p90_ms:>8.0f} {rate:>11}")
    if not args.read_url:
        print("(no --read-url: the replica rows need a streaming replica of the bench database)")
    out: dict[str, Any] = {
        "captures": [{**asdict(c), "cores_busy": c.cores_busy} for c in captures],
        "reports": [asdict(r) for r in reports],
        "scale_leads": args.scale_leads,
    }
    (h.results / "scale.json").write_text(json.dumps(out, indent=1))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", action="store_true", help="issue 24: captures with 1, 2, 4 API processes")
    parser.add_argument(
        "--scale-leads", type=int, default=1_000_000, help="with --scale: leads the reports read"
    )
    parser.add_argument(
        "--scale-processes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2, 4],
        help="with --scale: API process counts, e.g. 1,2,4",
    )
    parser.add_argument(
        "--read-url",
        default=os.environ.get("BENCH_READ_URL"),
        help="with --scale: a streaming replica of the bench database (postgresql+asyncpg://...)",
    )
