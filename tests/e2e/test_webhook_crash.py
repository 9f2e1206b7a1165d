"""A webhook worker killed (SIGKILL) with deliveries in flight loses none: after a restart every
event reaches the receiver at least once, as told by webhook-id and the event ids in the bodies."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tests.conftest import PG_TEST_DB, migrated_database, require_postgres
from tests.e2e.processes import LEADAPI, api_key, free_port, wait_until_serving

DATABASE = f"{PG_TEST_DB}_webhook_crash"


class SlowReceiver:
    """Answers 200 after a pause, so a batch of deliveries is in flight when the worker dies."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        await asyncio.sleep(0.3)
        with self.lock:
            self.received.append((headers["webhook-id"], json.loads(body)))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def receiver() -> Iterator[tuple[str, SlowReceiver]]:
    app = SlowReceiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    server.should_exit = True
    thread.join(timeout=10)


def _wait(condition: Any, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}; worker log:\n{log.read_text()}"
        time.sleep(0.05)  # other processes do the work; no clock to inject across processes


def test_a_killed_worker_loses_no_delivery(tmp_path: Path, receiver: tuple[str, SlowReceiver]) -> None:
    require_postgres()
    target, endpoint = receiver
    url = migrated_database("postgresql", tmp_path, DATABASE)
    port = free_port()
    env = {
        **os.environ,
        "LEADAPI_DATABASE_URL": url,
        "LEADAPI_PORT": str(port),
        "LEADAPI_LOG_LEVEL": "warning",
        "LEADAPI_BOOTSTRAP": "false",
        "LEADAPI_BACKGROUND_IN_SERVE": "false",
        "LEADAPI_WEBHOOKS_ALLOW_PRIVATE": "true",
        "LEADAPI_WEBHOOK_INTERVAL": "0.05",
        "LEADAPI_WEBHOOK_TIMEOUT": "1",
        "LEADAPI_SEQUENCER_INTERVAL": "0.05",
    }
    key = api_key(env)
    headers = {"Authorization": f"Bearer {key}"}
    base = f"http://127.0.0.1:{port}"
    serve_log, worker_log = tmp_path / "serve.log", tmp_path / "worker.log"
    with serve_log.open("w") as out:
        server = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        wait_until_serving(base, serve_log)
        hook = httpx.post(f"{base}/v1/webhooks", json={"url": target, "events": ["lead.*"]}, headers=headers)
        assert hook.status_code == 201, hook.text
        for i in range(30):
            lead = httpx.post(f"{base}/v1/leads", json={"email": f"crash{i}@acme.com"}, headers=headers)
            assert lead.status_code == 201, lead.text

        with worker_log.open("w") as out:
            workers.append(
                subprocess.Popen([*LEADAPI, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
            )
        _wait(lambda: len(endpoint.received) >= 3, 30, "no delivery arrived", worker_log)
        workers[0].send_signal(signal.SIGKILL)  # mid-batch: leased deliveries are in flight
        workers[0].wait(timeout=10)
        delivered_before = len(endpoint.received)
        with worker_log.open("a") as out:
            workers.append(
                subprocess.Popen([*LEADAPI, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
            )

        feed = httpx.get(
            f"{base}/v1/events", params={"types": "lead.*", "limit": 1000}, headers=headers
        ).json()
        expected = {event["id"] for event in feed["data"]}
        assert len(expected) == 60  # lead.created and lead.scored of each

        def all_arrived() -> bool:
            with endpoint.lock:
                return expected <= {body["data"]["id"] for _, body in endpoint.received}

        _wait(all_arrived, 60, "some events never arrived", worker_log)
        assert delivered_before < 60  # the kill really interrupted the work
        ids = {webhook_id for webhook_id, _ in endpoint.received}
        assert len(ids) == 60  # one webhook-id per delivery, stable across the re-send
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=15)
        server.terminate()
        server.wait(timeout=15)
