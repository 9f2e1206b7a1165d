"""A worker running automations, killed (SIGKILL) in the middle of a backlog, loses and doubles
nothing: after a restart every (automation, event) has exactly one run, and each action's effect
(a tag change, a notification, a task) happened exactly once. On both databases, real processes."""

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

LEADS = 400  # a lead.created each, so a backlog of several of the consumer's batches


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
    return served_database(request.param, tmp_path, "automation_crash")


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """`leadapi serve` without background work (a worker runs it): its address, an admin key's
    headers, and the environment the worker shares."""
    port = free_port()
    env = serve_env(
        database,
        port,
        LEADAPI_BACKGROUND_IN_SERVE="false",
        LEADAPI_AUTOMATION_INTERVAL="0.05",
        LEADAPI_SEQUENCER_INTERVAL="0.05",
        LEADAPI_WEBHOOK_INTERVAL="0",
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


def test_a_killed_automation_worker_runs_every_automation_exactly_once(
    tmp_path: Path, database: str, server: tuple[str, dict[str, str], dict[str, str]]
) -> None:
    base, headers, env = server
    query = _query(database)
    owner = httpx.post(
        f"{base}/v1/owners", json={"name": "Crash", "email": "crash@acme.com"}, headers=headers
    )
    assert owner.status_code == 201, owner.text
    automations = [
        {
            "name": "tag and tell",
            "trigger": {"event": "lead.created"},
            "actions": [
                {"type": "add_tags", "tags": ["auto"]},
                {"type": "notify", "message": "{{lead.email}} arrived"},
            ],
        },
        {
            "name": "call them",
            "trigger": {"event": "lead.created"},
            "actions": [
                {
                    "type": "create_task",
                    "task_type": "call",
                    "due_in_minutes": 60,
                    "owner_id": owner.json()["id"],
                }
            ],
        },
    ]
    ids = []
    for automation in automations:
        created = httpx.post(f"{base}/v1/automations", json=automation, headers=headers)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    for start in range(0, LEADS, 200):
        leads = [{"email": f"crash{i}@acme.com"} for i in range(start, start + 200)]
        batch = httpx.post(f"{base}/v1/leads/batch", json={"leads": leads}, headers=headers, timeout=60)
        assert batch.status_code == 200, batch.text
    expected = LEADS * len(ids)

    def runs() -> int:
        return int(query("SELECT count(*) FROM automation_runs")[0][0])

    log = tmp_path / "worker.log"
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with log.open("w") as out:
            workers.append(
                subprocess.Popen([*LEADAPI, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
            )
        # A batch has committed, and runs remain: the next batch is under way when the worker dies.
        _wait(lambda: runs() > 0, 120, "no run was stored", log)
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
        stored_before = runs()
        assert 0 < stored_before < expected  # the kill really interrupted the work
        with log.open("a") as out:
            workers.append(
                subprocess.Popen([*LEADAPI, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
            )
        _wait(lambda: runs() >= expected, 300, "some runs never happened", log)

        # The consumer goes on to the end of the log (the effects' own events), then is idle.
        def caught_up() -> bool:
            [(position,)] = query("SELECT position FROM automation_cursors")
            [(last,)] = query("SELECT max(seq) FROM events")
            return bool(position == last)

        _wait(caught_up, 120, "the consumer did not reach the end of the log", log)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=15)

    # Every (automation, lead.created) has exactly one run, and each fired.
    lead_created = {row[0] for row in query("SELECT id FROM events WHERE type = 'lead.created'")}
    assert len(lead_created) == LEADS
    rows = query("SELECT automation_id, event_id, status FROM automation_runs")
    assert len(rows) == expected
    assert {(automation, event) for automation, event, _ in rows} == {
        (a, e) for a in ids for e in lead_created
    }
    assert {status for _, _, status in rows} == {"fired"}
    # Each action's effect once per lead: one tag change, one notification, one task.
    lead_ids = {row[0] for row in query("SELECT id FROM leads")}
    assert len(lead_ids) == LEADS

    def per_lead(sql: str) -> dict[str, int]:
        return {lead: int(count) for lead, count in query(sql)}

    once = dict.fromkeys(lead_ids, 1)
    assert (
        per_lead(
            "SELECT e.lead_id, count(*) FROM events e JOIN automation_runs r ON r.id = e.caused_by "
            f"WHERE e.type = 'lead.updated' AND r.automation_id = '{ids[0]}' GROUP BY e.lead_id"
        )
        == once
    )
    assert (
        per_lead("SELECT lead_id, count(*) FROM events WHERE type = 'automation.notified' GROUP BY lead_id")
        == once
    )
    assert per_lead("SELECT lead_id, count(*) FROM tasks GROUP BY lead_id") == once
    assert (
        per_lead("SELECT lead_id, count(*) FROM events WHERE type = 'task.created' GROUP BY lead_id") == once
    )
    # Every effect names the run that made it, and that run was stored: none from a lost batch.
    orphans = query(
        "SELECT count(*) FROM events e LEFT JOIN automation_runs r ON r.id = e.caused_by "
        "WHERE e.caused_by IS NOT NULL AND r.id IS NULL"
    )
    assert orphans == [(0,)]
