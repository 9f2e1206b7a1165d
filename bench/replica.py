"""`python -m bench.replica`: a PostgreSQL primary and its streaming replica for `make bench
ARGS=--scale` (issue 24), made as the read-replica tests make theirs (tests/replica.py: `initdb` on
a free port, `pg_basebackup -R` from it on another, both on 127.0.0.1).

Prints the two settings that point the bench at the pair, then waits; Ctrl-C (or SIGTERM) stops
both instances and removes their data. Both instances are throwaway ones (fsync off) with the
tests' small 32 MB of shared buffers unless `--setting` says otherwise (`--setting
shared_buffers=256MB`: a 1M-lead workspace's rollup rebuild needs more than 32 MB), so compare
figures within a run on the pair, never with runs on the machine's own server.
"""

from __future__ import annotations

import argparse
import signal
import threading

from tests.replica import start_replica


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        help="a postgresql.conf line for both instances (repeatable)",
    )
    replica = start_replica(parser.parse_args().setting)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        print(f"export BENCH_ADMIN_DSN={replica.primary.admin_url}")
        print(f"export BENCH_READ_URL={replica.url('leadapi_bench')}", flush=True)
        stop.wait()
    finally:
        replica.destroy()


if __name__ == "__main__":
    main()
