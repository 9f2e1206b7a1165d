"""Running `leadapi` as processes: the command, a free port, a served database, waiting for a
server to answer, and the four-worker server the routing and dedupe races run on."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadapi.cli import create_key
from leadapi.config import Settings
from tests.conftest import PG_TEST_DB, migrated_database, require_postgres
from tests.factories import EXECUTIVES_MODEL

LEADAPI = [sys.executable, "-m", "leadapi.cli"]


# Each xdist worker hands out ports from a block of its own, below the kernel's ephemeral range.
# A port the kernel picks (a bind to port 0) is free only when picked: until the server binds it,
# the kernel may pick it again for another worker's server or for any outgoing connection (the
# database clients' among them), and a server that finds it taken, or another that answers on
# it, fails a test that did nothing wrong.
_FIRST_PORT = 10_000
_BLOCK = 1_000
_handed_out = itertools.count()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


def free_port() -> int:
    """A port for a server a test starts, that no other test process hands out (see above); one
    something else listens on is passed over."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    start = _FIRST_PORT + worker * _BLOCK
    if start + _BLOCK > _ephemeral_low():
        raise RuntimeError(f"no block of ports below the ephemeral range for xdist worker {worker}")
    for _ in range(_BLOCK):
        port = start + next(_handed_out) % _BLOCK
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"every port from {start} to {start + _BLOCK - 1} is taken")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LEADAPI, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def served_database(kind: str, tmp: Path, name: str) -> str:
    """A new database at the schema's head for a served process: a SQLite file in `tmp`, or a
    PostgreSQL one. (`leadapi migrate` as a process is tests/e2e/test_cli.py's.)"""
    return migrated_database(kind, tmp, name if kind == "sqlite" else f"{PG_TEST_DB}_{name}")


def serve_env(url: str, port: int, **settings: str) -> dict[str, str]:
    """The environment of a `leadapi serve` on `url` and `port`: quiet, no bootstrap key, and
    `settings` (LEADAPI_* names) on top."""
    return {
        **os.environ,
        "LEADAPI_DATABASE_URL": url,
        "LEADAPI_PORT": str(port),
        "LEADAPI_LOG_LEVEL": "warning",
        "LEADAPI_BOOTSTRAP": "false",
        **settings,
    }


def api_key(env: dict[str, str], scopes: tuple[str, ...] = ("admin",)) -> str:
    """A new key for the environment's database, made as `leadapi keys create --scopes ...` makes
    one (in the first workspace, or a new one with the defaults), without a process's start."""
    settings = Settings(database_url=env["LEADAPI_DATABASE_URL"], _env_file=None)
    return asyncio.run(create_key(settings, "tests", scopes, None))


def wait_until_serving(base: str, log: Path) -> None:
    # Generous: a bound for a hung server, not a speed test (a slow CI machine with the suite
    # running on every core took more than 30 s to start four workers).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # waiting on another process to bind; no clock to inject here
    pytest.fail(f"server did not start:\n{log.read_text()}")


@contextmanager
def four_processes_on(database: str, log_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`leadapi serve` with four worker processes on a fresh PostgreSQL database of this name:
    its address and an admin key's headers."""
    require_postgres()
    url = migrated_database("postgresql", log_dir, database)
    port = free_port()
    env = {
        **os.environ,
        "LEADAPI_DATABASE_URL": url,
        "LEADAPI_PORT": str(port),
        "LEADAPI_WORKERS": "4",
        "LEADAPI_DB_POOL_SIZE": "10",
        # 40 connections at most: PostgreSQL's 100 are shared with whatever else runs tests.
        "LEADAPI_DB_MAX_OVERFLOW": "0",
        "LEADAPI_LOG_LEVEL": "warning",
        "LEADAPI_BOOTSTRAP": "false",
        "LEADAPI_WORKER_INTERVAL": "0.05",
    }
    key = api_key(env)
    log = log_dir / "serve.log"
    with log.open("w") as out:
        # A session of its own: if the server does not stop, its workers are killed with it.
        process = subprocess.Popen(
            [*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, log)
        yield base, {"Authorization": f"Bearer {key}"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise


def activate_executives_model(base: str, headers: dict[str, str]) -> None:
    created = httpx.post(f"{base}/v1/scoring/models", json=EXECUTIVES_MODEL, headers=headers)
    assert created.status_code == 201, created.text
    activated = httpx.post(f"{base}/v1/scoring/models/{created.json()['id']}/activate", headers=headers)
    assert activated.status_code == 202, activated.text
    deadline = time.monotonic() + 30
    while (
        httpx.get(f"{base}/v1/jobs/{activated.json()['id']}", headers=headers).json()["status"] != "succeeded"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)  # a worker process runs the job; no clock to inject across processes


def set_up_routing(
    base: str, headers: dict[str, str], owners: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> list[str]:
    ids = []
    for owner in owners:
        response = httpx.post(f"{base}/v1/owners", json=owner, headers=headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    for old in httpx.get(f"{base}/v1/routing/rules", headers=headers).json()["data"]:
        assert httpx.delete(f"{base}/v1/routing/rules/{old['id']}", headers=headers).status_code == 204
    for rule in rules:
        response = httpx.post(f"{base}/v1/routing/rules", json=rule, headers=headers)
        assert response.status_code == 201, response.text
    return ids
