"""The `leadapi` command as a newcomer uses it: migrate, first start prints a key, keys create."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import migrated_database
from tests.e2e.processes import LEADAPI, free_port, run, wait_until_serving


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LEADAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'leadapi.db'}",
        "LEADAPI_PORT": str(free_port()),
        "LEADAPI_LOG_LEVEL": "warning",
    }


@pytest.fixture
def migrated_env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """`env` with its database at the schema's head already, for the commands other than
    `migrate` (which the server fixture's `leadapi migrate` covers)."""
    migrated_database("sqlite", tmp_path / "data", "leadapi")
    return env


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


def test_keys_commands(migrated_env: dict[str, str]) -> None:
    env = migrated_env
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


def test_keys_create_sets_a_rate_limit(migrated_env: dict[str, str]) -> None:
    env = migrated_env
    created = run(env, "keys", "create", "--scopes", "read", "--rate-limit", "5/second;100/hour", "--quiet")
    assert created.returncode == 0, created.stderr
    assert '"rate_limit": "5/second;100/hour"' in run(env, "keys", "list").stdout
    bad = run(env, "keys", "create", "--rate-limit", "fast")
    assert bad.returncode == 2
    assert "rate limit" in bad.stderr


def test_worker_metrics_bad_arguments_fail_clearly(migrated_env: dict[str, str]) -> None:
    """A metrics port that is taken, or not a port: one line and an exit code, no traceback."""
    env = migrated_env
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = run(env, "worker", "--metrics-port", str(taken.getsockname()[1]))
    assert (busy.returncode, busy.stderr.count("\n")) == (1, 1), busy.stderr
    assert busy.stderr.startswith("leadapi: ")
    assert "in use" in busy.stderr
    not_a_port = run(env, "worker", "--metrics-port", "ninety")
    assert not_a_port.returncode == 2  # usage
    assert "--metrics-port" in not_a_port.stderr


def test_worker_runs_background_work_the_server_left_to_it(
    migrated_env: dict[str, str], tmp_path: Path
) -> None:
    """`leadapi serve` with LEADAPI_BACKGROUND_IN_SERVE=false leaves jobs queued and SLA clocks
    unjudged; a separate `leadapi worker` runs them (here: rescoring every lead after a model
    activation, and reporting a first-touch breach), counts them on its own /metrics, and stops
    cleanly on SIGTERM."""
    env = {
        **migrated_env,
        "LEADAPI_BACKGROUND_IN_SERVE": "false",
        "LEADAPI_WORKER_INTERVAL": "0.05",
        "LEADAPI_SLA_SWEEP_INTERVAL": "0.05",
    }
    key = run(env, "keys", "create", "--scopes", "admin", "--quiet").stdout.strip()
    headers = {"Authorization": f"Bearer {key}"}
    base = f"http://127.0.0.1:{env['LEADAPI_PORT']}"
    serve_log, worker_log = tmp_path / "serve.log", tmp_path / "worker.log"
    with serve_log.open("w") as out:
        server = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    worker: subprocess.Popen[bytes] | None = None
    try:
        wait_until_serving(base, serve_log)
        lead = httpx.post(f"{base}/v1/leads", json={"email": "ceo@acme.com", "title": "CEO"}, headers=headers)
        assert lead.status_code == 201, lead.text
        model = {
            "name": "Executives only",
            "bands": [{"name": "hot", "min": 10}, {"name": "cold", "min": None}],
            "rules": [
                {
                    "id": "exec",
                    "kind": "fit",
                    "points": 20,
                    "when": {"field": "seniority", "op": "eq", "value": "c_level"},
                }
            ],
        }
        created = httpx.post(f"{base}/v1/scoring/models", json=model, headers=headers)
        assert created.status_code == 201, created.text
        activated = httpx.post(f"{base}/v1/scoring/models/{created.json()['id']}/activate", headers=headers)
        assert activated.status_code == 202, activated.text
        job_url = f"{base}/v1/jobs/{activated.json()['id']}"
        assert httpx.get(job_url, headers=headers).json()["status"] == "queued"  # nobody runs it yet
        # A clock that ran out: a lead assigned by hand under a one-minute policy, whose due time
        # is then moved into the past in the database (the processes' clocks are real ones).
        owner = httpx.post(
            f"{base}/v1/owners", json={"name": "Ada", "email": "ada@acme.com"}, headers=headers
        )
        policy = {"name": "All", "position": 1, "first_touch_within_minutes": 1}
        assert httpx.post(f"{base}/v1/sla/policies", json=policy, headers=headers).status_code == 201
        other = httpx.post(f"{base}/v1/leads", json={"email": "cto@acme.com"}, headers=headers).json()
        patched = httpx.patch(
            f"{base}/v1/leads/{other['id']}", json={"owner_id": owner.json()["id"]}, headers=headers
        )
        assert patched.status_code == 200, patched.text
        with sqlite3.connect(env["LEADAPI_DATABASE_URL"].split("///", 1)[1]) as db:
            db.execute("UPDATE assignments SET due_at = '2000-01-01 00:00:00.000000'")
        assert httpx.get(f"{base}/v1/sla/breaches", headers=headers).json()["data"] == []

        metrics_port = free_port()
        with worker_log.open("w") as out:
            worker = subprocess.Popen(
                [*LEADAPI, "worker", "--metrics-port", str(metrics_port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while (job := httpx.get(job_url, headers=headers).json())["status"] != "succeeded":
            assert job["status"] in ("queued", "running"), job
            assert time.monotonic() < deadline, worker_log.read_text()
            time.sleep(0.1)  # another process does the work; no clock to inject here
        assert job["result"]["rescored"] == 1
        rescored = httpx.get(f"{base}/v1/leads/{lead.json()['id']}", headers=headers).json()
        assert (rescored["score"], rescored["band"]) == (20, "hot")
        while not (breaches := httpx.get(f"{base}/v1/sla/breaches", headers=headers).json()["data"]):
            assert time.monotonic() < deadline, worker_log.read_text()
            time.sleep(0.1)
        assert [b["lead_id"] for b in breaches] == [other["id"]]
        # The worker's own counts, and the queues as the database has them, on its /metrics.
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert scraped.status_code == 200, worker_log.read_text()
        samples = {
            line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in scraped.text.splitlines()
            if line and not line.startswith("#")
        }
        assert samples["leadapi_sla_breaches_total"] == 1
        assert samples['leadapi_queue_depth{queue="jobs"}'] == 0
        worker.terminate()
        assert worker.wait(timeout=15) == 0, worker_log.read_text()
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        server.terminate()
        server.wait(timeout=15)


def test_defaults_installs_the_activation_defaults_once(migrated_env: dict[str, str], tmp_path: Path) -> None:
    """A workspace made before the defaults existed (here: their records and rows removed) gets
    them from `leadapi defaults`, once; a workspace the command line makes has them already."""
    env = migrated_env
    assert run(env, "keys", "create", "--quiet").returncode == 0  # makes the first workspace
    database = tmp_path / "data" / "leadapi.db"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM automations WHERE active = 0").fetchone() == (3,)
        for table in ("activation_defaults", "automations", "tracks"):
            db.execute(f"DELETE FROM {table}")
    first = run(env, "defaults")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count('"installed": true') == 5
    again = run(env, "defaults")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count('"installed": false') == 5
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM automations").fetchone() == (3,)
        assert db.execute("SELECT count(*) FROM tracks").fetchone() == (2,)
    missing = run(env, "defaults", "--workspace", "ws_nope")
    assert missing.returncode == 1
    assert missing.stderr.startswith("leadapi: ")


def test_simulate_writes_a_population(migrated_env: dict[str, str]) -> None:
    env = migrated_env
    done = run(env, "simulate", "--leads", "20", "--days", "1", "--seed", "3", "--quiet")
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout)
    assert written["leads"] == 20
    assert written["refused"] == 0
    assert written["events"] > 0
    database = env["LEADAPI_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM leads").fetchone() == (20,)
        assert db.execute("SELECT count(*) FROM owners").fetchone() == (5,)
        assert db.execute("SELECT count(*) FROM routing_rules").fetchone() == (1,)
    again = run(env, "simulate", "--leads", "0")
    assert again.returncode == 2
    assert "--leads" in again.stderr
