"""A worker running an import, killed (SIGKILL) mid-file, loses and doubles nothing: at the kill,
the leads stored are exactly the rows the import's committed position counts (a chunk commits
whole, with the position); after a restart the job, taken over once its lease runs out, resumes
after that position, and every row of the file is one lead with one `lead.created`. On both
databases, real processes."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.processes import (
    LEADAPI,
    api_key,
    free_port,
    serve_env,
    served_database,
    wait_until_serving,
)

ROWS = 1500


def _query(url: str) -> Callable[[str], list[tuple[Any, ...]]]:
    """Reads straight from the database the processes write, as another client would."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]

        def on_sqlite(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path, timeout=30) as conn:
                return [tuple(row) for row in conn.execute(sql).fetchall()]

        return on_sqlite
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)

    async def fetch(sql: str) -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    return lambda sql: asyncio.run(fetch(sql))


def _wait(condition: Callable[[], bool], timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}; worker log:\n{log.read_text()}"
        time.sleep(0.02)  # another process does the work; no clock to inject across processes


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return served_database(request.param, tmp_path, "import_crash")


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """`leadapi serve` without background work (a worker runs the job): its address, an admin
    key's headers, and the environment the worker shares (small chunks, a short lease)."""
    port = free_port()
    env = serve_env(
        database,
        port,
        LEADAPI_BACKGROUND_IN_SERVE="false",
        LEADAPI_WORKER_INTERVAL="0.05",
        LEADAPI_SEQUENCER_INTERVAL="0.05",
        LEADAPI_WEBHOOK_INTERVAL="0",
        LEADAPI_IMPORT_CHUNK_ROWS="50",
        LEADAPI_JOB_LEASE_SECONDS="2",
    )
    key = api_key(env)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([*LEADAPI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, log)
        yield base, {"Authorization": f"Bearer {key}"}, env
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_killed_import_worker_resumes_after_the_last_committed_chunk(
    tmp_path: Path, database: str, server: tuple[str, dict[str, str], dict[str, str]]
) -> None:
    base, headers, env = server
    query = _query(database)
    body = "email,company\n" + "".join(f"row{i}@crash.com,Crash {i}\n" for i in range(ROWS))
    upload = httpx.post(
        f"{base}/v1/imports", content=body.encode(), headers={**headers, "Content-Type": "text/csv"}
    )
    assert upload.status_code == 202, upload.text
    import_id = upload.json()["id"]

    def position() -> int:
        return int(query(f"SELECT rows_read FROM imports WHERE id = '{import_id}'")[0][0])

    def leads() -> int:
        return int(query("SELECT count(*) FROM leads")[0][0])

    log = tmp_path / "worker.log"
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with log.open("w") as out:
            workers.append(
                subprocess.Popen([*LEADAPI, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
            )
        _wait(lambda: position() > 0, 120, "no chunk was committed", log)
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
        stopped_at = position()
        assert 0 < stopped_at < ROWS, "the kill really interrupted the import"
        assert leads() == stopped_at, "the leads stored are exactly the committed chunks' rows"
        with log.open("a") as out:
            workers.append(
                subprocess.Popen([*LEADAPI, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
            )

        def done() -> bool:
            return bool(query(f"SELECT status FROM imports WHERE id = '{import_id}'")[0][0] == "succeeded")

        _wait(done, 300, "the import did not finish after the restart", log)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=15)
    status = httpx.get(f"{base}/v1/imports/{import_id}", headers=headers).json()
    assert (status["rows_read"], status["rows_created"], status["rows_refused"]) == (ROWS, ROWS, 0)
    assert query("SELECT count(*), count(DISTINCT email) FROM leads")[0] == (ROWS, ROWS)
    created = query("SELECT count(*), count(DISTINCT lead_id) FROM events WHERE type = 'lead.created'")
    assert created[0] == (ROWS, ROWS)
    assert query("SELECT count(*) FROM import_parts")[0][0] == 0, "the spooled file is dropped once done"
