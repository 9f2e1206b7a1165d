"""An Idempotency-Key survives a crash (issue 18, defect 1): a server process killed with
SIGKILL between the commit of a request's effect and its response leaves a key whose retry gets
the original response, and the effect happened once. On both databases, with real processes."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.crash_before_response import DIE_HEADER
from tests.e2e.processes import (
    api_key,
    free_port,
    serve_env,
    served_database,
    wait_until_serving,
)

ROOT = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "tests.e2e.crash_before_response"]
DIE = {DIE_HEADER: "1"}


@dataclass
class Server:
    env: dict[str, str]
    base: str
    log: Path
    headers: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                SERVER, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        wait_until_serving(self.base, self.log)

    def post(self, path: str, body: dict[str, Any], key: str, **extra: str) -> httpx.Response:
        headers = {**self.headers, "Idempotency-Key": key, **extra}
        return httpx.post(f"{self.base}{path}", json=body, headers=headers, timeout=30)

    def get(self, path: str, **params: Any) -> Any:
        response = httpx.get(f"{self.base}{path}", params=params, headers=self.headers, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def killed_by(self, path: str, body: dict[str, Any], key: str) -> None:
        """Send the request that kills the server after its commit; it gets no answer."""
        assert self.process is not None
        with pytest.raises(httpx.TransportError):
            self.post(path, body, key, **DIE)
        assert self.process.wait(timeout=30) == -signal.SIGKILL, self.log.read_text()
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = serve_env(
        served_database(request.param, tmp_path, "idempotency_crash"),
        port,
        LEADAPI_BACKGROUND_IN_SERVE="false",
    )
    key = api_key(env)
    server = Server(
        env, f"http://127.0.0.1:{port}", tmp_path / "serve.log", {"Authorization": f"Bearer {key}"}
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _types(server: Server, lead_id: str) -> list[str]:
    return [event["type"] for event in server.get(f"/v1/leads/{lead_id}/timeline", limit=200)["data"]]


def test_a_capture_killed_after_its_commit_is_replayed_once(server: Server) -> None:
    body = {"email": "crash@acme.com", "first_name": "Ada"}
    server.killed_by("/v1/leads", body, "capture-1")
    server.start()

    retry = server.post("/v1/leads", body, "capture-1")
    # The original answer (201 created), not 409 "in progress" nor a second run (200 merged).
    assert retry.status_code == 201, retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    lead = retry.json()
    assert lead["email"] == "crash@acme.com"
    assert retry.headers["location"].endswith(f"/v1/leads/{lead['id']}")
    assert [row["id"] for row in server.get("/v1/leads")["data"]] == [lead["id"]]
    assert _types(server, lead["id"]).count("lead.created") == 1
    assert "lead.merged" not in _types(server, lead["id"])

    again = server.post("/v1/leads", body, "capture-1")
    assert (again.status_code, again.json()) == (201, lead)
    other = server.post("/v1/leads", {"email": "other@acme.com"}, "capture-1")
    assert other.status_code == 422, other.text


def test_an_event_killed_after_its_commit_is_recorded_once(server: Server) -> None:
    lead = server.post("/v1/leads", {"email": "events@acme.com"}, "lead-for-events")
    assert lead.status_code == 201, lead.text
    lead_id = lead.json()["id"]
    body = {"type": "demo_requested", "properties": {"plan": "pro"}}
    server.killed_by(f"/v1/leads/{lead_id}/events", body, "event-1")
    server.start()

    retry = server.post(f"/v1/leads/{lead_id}/events", body, "event-1")
    assert retry.status_code == 201, retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    event = retry.json()
    assert event["type"] == "demo_requested"
    timeline = server.get(f"/v1/leads/{lead_id}/timeline", limit=200)["data"]
    recorded = [row["id"] for row in timeline if row["type"] == "demo_requested"]
    assert recorded == [event["id"]]


@pytest.mark.parametrize("server", ["postgresql"], indirect=True)
async def test_a_request_killed_mid_transaction_leaves_its_key_free(server: Server) -> None:
    """kill -9 from outside while the request waits inside its transaction (on a row lock the
    test holds): nothing committed, and the key is not left "in progress" (its lock went with
    the dead connection), so the retry runs the request, once. (On SQLite the request's wait for
    the database's write lock cannot be observed from outside; the kill above covers it.)"""
    lead = server.post("/v1/leads", {"email": "inflight@acme.com"}, "lead-in-flight")
    assert lead.status_code == 201, lead.text
    lead_id = lead.json()["id"]
    body = {"type": "pricing_viewed"}
    url = server.env["LEADAPI_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://", 1)
    holder = await asyncpg.connect(url)
    try:
        blocker = holder.transaction()
        await blocker.start()
        await holder.execute("SELECT 1 FROM leads WHERE id = $1 FOR UPDATE", lead_id)
        in_flight = asyncio.create_task(
            asyncio.to_thread(server.post, f"/v1/leads/{lead_id}/events", body, "event-in-flight")
        )
        waiting = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        deadline = time.monotonic() + 60
        while not await holder.fetchval(waiting):
            assert not in_flight.done(), "the request ended without waiting on the lock"
            assert time.monotonic() < deadline, "the request never waited on the lock"
            await asyncio.sleep(0.05)  # another process works; no clock to inject across processes
        assert server.process is not None
        server.process.send_signal(signal.SIGKILL)
        assert server.process.wait(timeout=30) == -signal.SIGKILL
        server.process = None
        with pytest.raises(httpx.TransportError):
            await in_flight
        await blocker.rollback()
    finally:
        await holder.close()
    server.start()

    # The dead request's backend ends once it finds its client gone; a careful client retries a
    # 409 after its Retry-After. (The old code kept the key "in progress" for minutes.)
    deadline = time.monotonic() + 20
    while (retry := server.post(f"/v1/leads/{lead_id}/events", body, "event-in-flight")).status_code == 409:
        assert time.monotonic() < deadline, retry.text
        await asyncio.sleep(float(retry.headers["retry-after"]) / 4)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers  # nothing had committed: it ran now
    timeline = server.get(f"/v1/leads/{lead_id}/timeline", limit=200)["data"]
    assert [row["id"] for row in timeline if row["type"] == "pricing_viewed"] == [retry.json()["id"]]
