"""The `leadapi` command as a newcomer uses it: migrate, first start prints a key, keys create."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

LEADAPI = [sys.executable, "-m", "leadapi.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LEADAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'leadapi.db'}",
        "LEADAPI_PORT": str(free_port()),
        "LEADAPI_LOG_LEVEL": "warning",
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LEADAPI, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def wait_until_serving(base: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # waiting on another process to bind; no clock to inject here
    pytest.fail(f"server did not start:\n{log.read_text()}")


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    assert run(env, "migrate").returncode == 0
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{env['LEADAPI_PORT']}"
    try:
        wait_until_serving(base, log)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_first_start_prints_a_working_admin_key(server: tuple[str, Path]) -> None:
    base, log = server
    match = re.search(r"\b(lk_[A-Za-z0-9_-]{20,})\b", log.read_text())
    assert match, log.read_text()
    headers = {"Authorization": f"Bearer {match.group(1)}"}
    created = httpx.post(f"{base}/v1/leads", json={"email": "first@acme.com"}, headers=headers)
    assert created.status_code == 201
    assert httpx.get(f"{base}/v1/api-keys", headers=headers).status_code == 200
    assert httpx.get(f"{base}/docs").status_code == 200


def test_keys_commands(env: dict[str, str]) -> None:
    assert run(env, "migrate").returncode == 0
    created = run(env, "keys", "create", "--scopes", "read", "--quiet")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("lk_")
    listed = run(env, "keys", "list")
    assert '"scopes": [\n      "read"\n    ]' in listed.stdout
    bad = run(env, "keys", "create", "--scopes", "root")
    assert bad.returncode == 2
    assert "scopes" in bad.stderr
    missing = run(env, "keys", "revoke", "key_nope")
    assert missing.returncode == 1
    assert missing.stderr.startswith("leadapi: ")
