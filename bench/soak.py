"""`make soak`: minutes of mixed traffic against `leadapi serve` on PostgreSQL, watching memory.

Captures, behaviour events, lists and reads on one key (bench/soak_mix.lua, driven by wrk in
slices), with a webhook subscription delivering every lead event to a receiver on loopback, and
the background loops running in the server as `make run` has them. After each slice the resident
memory of the server's processes (its session) is read from /proc. Memory is compared from the
end of the first slice (imports, pools, caches and the collector's freeze settle there) to the
end: a server that keeps something per request grows the whole time. Target: under 10%.
Results: stdout and bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from bench.__main__ import (
    ASYNC_DSN,
    DSN,
    HERE,
    VENV_BIN,
    _fresh_database,
    _seed,
    ensure_wrk,
    run,
    serving,
)

TARGET_GROWTH = 0.10
PORT = 8094
RECEIVER_PORT = 8095


class _Receiver(BaseHTTPRequestHandler):
    received = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with _Receiver.lock:
            _Receiver.received += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


def session_rss_mb(session: int) -> float:
    """Resident memory of every process of a session (the server and its workers), in MB."""
    total_kb = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            if int(fields[3]) != session:
                continue
            with open(f"/proc/{pid}/status") as status:
                found = re.search(r"^VmRSS:\s+(\d+) kB", status.read(), re.MULTILINE)
        except OSError:  # gone meanwhile
            continue
        total_kb += int(found.group(1)) if found else 0
    return total_kb / 1024


def main() -> int:
    parser = argparse.ArgumentParser(prog="make soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--slice", type=int, default=30, help="seconds per wrk run between memory readings")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=20_000, help="leads in the database before the soak")
    args = parser.parse_args()

    (HERE / "results").mkdir(exist_ok=True)
    asyncio.run(_fresh_database())
    wrk = ensure_wrk()
    env = {
        **os.environ,
        "LEADAPI_DATABASE_URL": ASYNC_DSN,
        "LEADAPI_BOOTSTRAP": "false",
        "LEADAPI_LOG_LEVEL": "warning",
        "LEADAPI_WORKERS": str(args.workers),
        "LEADAPI_PORT": str(PORT),
        "LEADAPI_WEBHOOKS_ALLOW_PRIVATE": "true",
        "BENCH_DSN": DSN,
    }
    leadapi = str(VENV_BIN / "leadapi")
    run([leadapi, "migrate"], env=env)
    key = run([leadapi, "keys", "create", "--scopes", "admin", "--name", "soak", "--quiet"], env=env).strip()
    asyncio.run(_seed(args.seed))

    receiver = ThreadingHTTPServer(("127.0.0.1", RECEIVER_PORT), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{PORT}"
    readings: list[tuple[float, float]] = []
    requests = errors = 0
    slices = max(2, round(args.minutes * 60 / args.slice))
    wrk_env = {**os.environ, "BENCH_KEY": key, "BENCH_SEEDED": str(args.seed)}
    script = str(HERE / "soak_mix.lua")
    wrk_cmd = [wrk, "-t2", f"-c{args.connections}", f"-d{args.slice}s", "-s", script, base]
    started = time.monotonic()
    try:
        with serving([leadapi, "serve"], env, PORT) as session:
            subscription = {"url": f"http://127.0.0.1:{RECEIVER_PORT}/hook", "events": ["lead.*"]}
            headers = {"Authorization": f"Bearer {key}"}
            httpx.post(f"{base}/v1/webhooks", json=subscription, headers=headers).raise_for_status()
            print(f"soak: {slices} slices of {args.slice} s, RSS at start {session_rss_mb(session):.0f} MB")
            for number in range(1, slices + 1):
                out = run(wrk_cmd, env=wrk_env)
                done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
                bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
                requests += done
                errors += int(bad.group(1)) if bad else 0
                readings.append((time.monotonic() - started, session_rss_mb(session)))
                print(
                    f"slice {number}: {done / args.slice:.0f} req/s, RSS {readings[-1][1]:.0f} MB, "
                    f"webhooks received {_Receiver.received}",
                    flush=True,
                )
    finally:
        receiver.shutdown()

    first, last = readings[0][1], readings[-1][1]
    growth = (last - first) / first
    verdict = "met" if growth < TARGET_GROWTH else "NOT met"
    print(
        f"\nsoak: {requests} requests ({errors} non-2xx) in {readings[-1][0] / 60:.1f} min; "
        f"{_Receiver.received} webhooks received; RSS {first:.0f} MB after the first slice, "
        f"{last:.0f} MB at the end: {growth:+.1%} (target under {TARGET_GROWTH:.0%}: {verdict})"
    )
    result = {
        "requests": requests,
        "errors": errors,
        "webhooks_received": _Receiver.received,
        "rss_mb": [{"seconds": round(at, 1), "rss_mb": round(mb, 1)} for at, mb in readings],
        "growth": round(growth, 4),
        "target": TARGET_GROWTH,
    }
    Path(HERE / "results" / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
