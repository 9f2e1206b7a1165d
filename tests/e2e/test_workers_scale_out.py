"""Three `leadapi worker` processes on one PostgreSQL share the background work with no leader, and
killing one (SIGKILL) with a delivery in flight loses nothing.

Several workspaces capture sales-ready leads (numbered events, routing, SLA clocks, webhook
deliveries to a receiver this test runs) and import files (jobs) while the workers run. Each
worker's own counters on its `--metrics-port` show it numbered events, ran jobs, delivered
webhooks and recorded SLA breaches. Then two are stopped, the receiver holds every request
unanswered, and more work comes: the one worker left sends a delivery, and is killed while the
receiver holds it. Two new workers take over and the receiver answers again. At the end: every
event is numbered once (per workspace 1..n, no gap, no repeat), every delivery reached the
receiver at least once (the killed worker's held one too, re-sent), every import finished with
every row, and every clock made due was breached exactly once."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn

from leadapi.config import Settings
from leadapi.services import build_services
from leadapi.workspaces.service import operator
from tests.conftest import PG_TEST_DB, migrated_database, require_postgres
from tests.e2e.processes import LEADAPI, free_port, serve_env, wait_until_serving

DATABASE = f"{PG_TEST_DB}_scale_out"
WORKSPACES = 6
LEADS_BEFORE, LEADS_AFTER = 10, 5  # sales-ready leads per workspace, before and after the kill
IMPORT_ROWS = 60
HOOKED = ["lead.assigned", "sla.breached"]


class Receiver:
    """Records each delivery (webhook-id, the event's id) after a short pause. While held, it
    answers nothing: a request stays in flight (listed in `held`, never counted as received)
    until `release`, then gets a 503."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.held: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.answering = threading.Event()
        self.answering.set()

    def hold(self) -> None:
        self.answering.clear()

    def release(self) -> None:
        self.answering.set()

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
        delivery = (headers["webhook-id"], json.loads(body)["data"]["id"])
        if not self.answering.is_set():
            with self.lock:
                self.held.append(delivery)
            await asyncio.to_thread(self.answering.wait)  # the test's hand, in another thread
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"held"})
            return
        await asyncio.sleep(0.05)
        with self.lock:
            self.received.append(delivery)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    def event_ids(self) -> set[str]:
        with self.lock:
            return {event_id for _, event_id in self.received}


@pytest.fixture
def receiver() -> Iterator[tuple[str, Receiver]]:
    app = Receiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    app.release()  # a held request's thread must end, or the interpreter waits on it at exit
    server.should_exit = True
    thread.join(timeout=10)


def _query(dsn: str) -> Callable[[str], list[tuple[Any, ...]]]:
    """Reads straight from the database the processes write, as another client would."""

    async def fetch(sql: str) -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    return lambda sql: asyncio.run(fetch(sql))


async def _workspaces(url: str, count: int) -> list[dict[str, str]]:
    """`count` workspaces, each with an admin key's headers."""
    services = build_services(
        Settings(database_url=url, bootstrap=False, _env_file=None), lambda: datetime.now(UTC)
    )
    made = []
    try:
        async with services.db.transaction() as conn:
            for i in range(count):
                workspace_id = await services.workspaces.create_workspace(conn, f"w{i}", seeded=False)
                _, secret = await services.workspaces.create_key(
                    conn, operator(workspace_id), "admin", ["admin", "write", "read"]
                )
                made.append({"Authorization": f"Bearer {secret}"})
    finally:
        await services.db.dispose()
    return made


def _samples(port: int) -> dict[str, float]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


SHARES = {
    "events": "leadapi_events_sequenced_total",
    "jobs": "leadapi_jobs_claimed_total",
    "deliveries": 'leadapi_webhook_deliveries_total{outcome="succeeded"}',
    "breaches": "leadapi_sla_breaches_total",
}


def _share(port: int) -> dict[str, float]:
    samples = _samples(port)
    return {kind: samples.get(name, 0.0) for kind, name in SHARES.items()}


def _wait(condition: Callable[[], bool], timeout: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}; logs:\n" + "\n".join(log.read_text()[-3000:] for log in logs))
        time.sleep(0.1)  # other processes do the work; no clock to inject across processes


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """All of them asked to stop at once, then killed if one hangs: none outlives the test (a
    worker left running would take work from the next run on this database)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _capture(base: str, headers: dict[str, str], tag: str, count: int) -> None:
    """Sales-ready leads: each is assigned, with a first-touch clock."""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for i in range(count):
            lead = client.post(
                "/v1/leads", json={"email": f"{tag}{i}@acme.com", "title": "CTO", "country": "US"}
            )
            assert lead.status_code == 201, lead.text
            event = client.post(f"/v1/leads/{lead.json()['id']}/events", json={"type": "demo_request"})
            assert event.status_code == 201, event.text


def _set_up(base: str, headers: dict[str, str], target: str) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for name in ("Ada", "Bob"):
            owner = client.post("/v1/owners", json={"name": name, "email": f"{name.lower()}@sales.acme.com"})
            assert owner.status_code == 201, owner.text
        rule = client.post(
            "/v1/routing/rules", json={"name": "all", "position": 1, "strategy": "round_robin"}
        )
        assert rule.status_code == 201, rule.text
        hook = client.post("/v1/webhooks", json={"url": target, "events": HOOKED})
        assert hook.status_code == 201, hook.text
        body = "email,company\n" + "".join(f"imp{i}@import.com,Import {i}\n" for i in range(IMPORT_ROWS))
        upload = client.post("/v1/imports", content=body.encode(), headers={"Content-Type": "text/csv"})
        assert upload.status_code == 202, upload.text


def test_three_workers_share_the_work_and_a_killed_one_loses_nothing(
    tmp_path: Path, receiver: tuple[str, Receiver]
) -> None:
    require_postgres()
    target, endpoint = receiver
    url = migrated_database("postgresql", tmp_path, DATABASE)
    query = _query(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    port = free_port()
    env = serve_env(
        url,
        port,
        LEADAPI_BACKGROUND_IN_SERVE="false",
        LEADAPI_DB_POOL_SIZE="8",
        LEADAPI_WEBHOOKS_ALLOW_PRIVATE="true",
        # Long enough for the kill to land while the worker waits on its held request; its lease
        # runs out 10 s after the timeout, and a live worker sends the delivery again.
        LEADAPI_WEBHOOK_TIMEOUT="3",
        LEADAPI_WEBHOOK_INTERVAL="0.05",
        LEADAPI_SEQUENCER_INTERVAL="0.05",
        LEADAPI_WORKER_INTERVAL="0.05",
        LEADAPI_SLA_SWEEP_INTERVAL="0.1",
        LEADAPI_IMPORT_CHUNK_ROWS="10",
        LEADAPI_JOB_LEASE_SECONDS="2",
    )
    tenants = asyncio.run(_workspaces(url, WORKSPACES))
    base = f"http://127.0.0.1:{port}"
    serve_log = tmp_path / "serve.log"
    logs = [serve_log]
    with serve_log.open("w") as out:
        server = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    workers: list[subprocess.Popen[bytes]] = []
    metrics_ports = [free_port() for _ in range(3)]

    def start_worker(metrics_port: int) -> subprocess.Popen[bytes]:
        log = tmp_path / f"worker{len(workers)}.log"
        logs.append(log)
        with log.open("w") as out:
            worker = subprocess.Popen(
                [*LEADAPI, "worker", "--metrics-port", str(metrics_port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        workers.append(worker)
        return worker

    def answering(port: int) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until_serving(base, serve_log)
        first = [start_worker(port) for port in metrics_ports]
        # Generous: a bound for a hung worker, not a speed test (as wait_until_serving).
        _wait(lambda: all(answering(p) for p in metrics_ports), 120, "a worker did not start", logs)
        with ThreadPoolExecutor(WORKSPACES) as pool:
            list(pool.map(lambda headers: _set_up(base, headers, target), tenants))
            list(pool.map(lambda headers: _capture(base, headers, "before", LEADS_BEFORE), tenants))
        # Time passes for the clocks: every first touch is overdue now.
        query("UPDATE assignments SET due_at = now() - interval '1 hour' WHERE sla_state = 'running'")

        def every_worker_has_a_share() -> bool:
            return all(all(v > 0 for v in _share(p).values()) for p in metrics_ports)

        _wait(
            every_worker_has_a_share,
            60,
            f"a worker took no share of some work: {[_share(p) for p in metrics_ports]}",
            logs,
        )
        shares = [_share(p) for p in metrics_ports]
        # Two stop; the one left is alone to take what comes next, and the receiver holds it.
        _stop(first[1:])
        endpoint.hold()
        with ThreadPoolExecutor(WORKSPACES) as pool:
            list(pool.map(lambda headers: _capture(base, headers, "after", LEADS_AFTER), tenants))
        _wait(lambda: bool(endpoint.held), 60, "the worker left sent nothing", logs)
        first[0].send_signal(signal.SIGKILL)
        assert first[0].wait(timeout=10) == -signal.SIGKILL
        in_flight = {event_id for _, event_id in endpoint.held}
        # Two new workers take over, and the receiver answers again.
        replacements = [free_port() for _ in range(2)]
        for port in replacements:
            start_worker(port)
        _wait(lambda: all(answering(p) for p in replacements), 120, "a new worker did not start", logs)
        endpoint.release()
        made_due = query(
            "WITH due AS (UPDATE assignments SET due_at = now() - interval '1 hour'"
            " WHERE sla_state = 'running' RETURNING 1) SELECT count(*) FROM due"
        )[0][0]
        assert made_due > 0

        def all_done() -> bool:
            left = query(
                "SELECT (SELECT count(*) FROM events WHERE seq IS NULL)"
                " + (SELECT count(*) FROM jobs WHERE status <> 'succeeded')"
                " + (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')"
                " + (SELECT count(*) FROM assignments WHERE sla_state = 'running' AND due_at <= now())"
            )[0][0]
            if left:
                return False
            wanted = {row[0] for row in query(f"SELECT id FROM events WHERE type IN {tuple(HOOKED)}")}
            return wanted <= endpoint.event_ids()

        # Generous: the killed worker's leases (job: 2 s, delivery: the 3 s timeout + 10 s) run
        # out within seconds; the bound is for a hung worker on a loaded machine, not a speed test.
        _wait(all_done, 120, "work was left undone after the kill", logs)
    finally:
        _stop([*workers, server])

    # Every worker did some of each kind of work before the kill.
    for share in shares:
        assert all(v > 0 for v in share.values()), shares
    # Every event numbered once: per workspace, 1..n with no gap and no repeat.
    for workspace, count, distinct, low, high in query(
        "SELECT workspace_id, count(*), count(DISTINCT seq), min(seq), max(seq) FROM events GROUP BY 1"
    ):
        assert (count, distinct, low, high) == (count, count, 1, count), workspace
    # Every import done with all its rows.
    imports = query("SELECT status, rows_read, rows_created FROM imports")
    assert imports == [("succeeded", IMPORT_ROWS, IMPORT_ROWS)] * WORKSPACES
    # Every clock made due breached exactly once.
    assert query("SELECT count(*) = count(DISTINCT assignment_id) FROM sla_breaches")[0][0]
    assert (
        query("SELECT count(*) FROM assignments WHERE sla_state = 'breached'")[0][0]
        == (query("SELECT count(*) FROM sla_breaches")[0][0])
    )
    # What the killed worker held in flight was sent again, and answered.
    assert in_flight
    assert in_flight <= endpoint.event_ids()
    # Every delivery arrived (at least once; its webhook-id is stable across a re-send).
    deliveries = query("SELECT id, event_id FROM webhook_deliveries")
    received = {webhook_id for webhook_id, _ in endpoint.received}
    assert {delivery_id for delivery_id, _ in deliveries} <= received
