"""Config changes racing a capture storm: four uvicorn worker processes on one PostgreSQL.

An owner who leaves (`PATCH {"active": false}` or `DELETE`, with `?reassign=true`) while leads
are being captured and routed must not keep a lead: the hand-over reassigns every open lead it
can see, and no capture may commit an assignment to that owner after the hand-over looked. For
the one-statement capture that is the workspace's routing advisory lock (shared while it takes
a turn, exclusive for every config writer: `hold_back_captures`); a capture routed in a
transaction holds the routing settings row lock instead. Both paths are raced: the one-statement
one by default, the transactional one by adding an owner with a capacity (in no pool), which
makes every routing decision count open leads, so no capture takes the one-statement path.

A routing rule change is the other race: captures in flight must still succeed, and once the
change has committed, no capture that starts afterwards may route by the rule as it was (the
version check in `leadapi_routing_turn`).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_ADMIN_URL, PG_TEST_DB
from tests.e2e.processes import activate_executives_model, four_processes_on, set_up_routing

DATABASE = f"{PG_TEST_DB}_routing_races"
WARM_UP = 100  # captured at once before the storm: a fifth of them reach each of 5 owners
IN_FLIGHT = 64  # requests at a time: 16 per process, more than its 10 connections, so some always wait
BEFORE = 50  # captured in the storm before the config change goes out
# The storm goes on until this many were sent after the change answered, however long the change
# takes on a slow machine (a fixed count of leads could all be in before it answers), up to LIMIT.
AFTER = 100
LIMIT = 4_000
PATHS = ["one_statement", "transactional"]

Server = tuple[str, dict[str, str]]


@dataclass(frozen=True)
class Storm:
    captured: list[tuple[dict[str, Any], bool]]  # each lead, and whether it was sent after the change
    response: httpx.Response  # the change's
    sent: datetime  # when the change went out and when it was answered: to place what goes wrong
    answered: datetime

    @property
    def leads(self) -> list[dict[str, Any]]:
        return [lead for lead, _ in self.captured]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with four_processes_on(DATABASE, tmp_path_factory.mktemp("races")) as (base, headers):
        activate_executives_model(base, headers)
        yield base, headers


@contextmanager
def _routing_path(base: str, headers: dict[str, str], path: str, tag: str) -> Iterator[None]:
    """For the transactional path, an owner with a capacity for the length of the test: routing
    then counts open leads, which the one-statement capture cannot, so every capture is routed
    in a transaction under the routing settings row lock. The owner is in no pool."""
    if path == "one_statement":
        yield
        return
    bench = {"name": "Bench", "email": f"bench-{tag}@acme.com", "capacity": 1000, "tags": ["bench"]}
    created = httpx.post(f"{base}/v1/owners", json=bench, headers=headers)
    assert created.status_code == 201, created.text
    try:
        yield
    finally:
        gone = httpx.delete(f"{base}/v1/owners/{created.json()['id']}", headers=headers)
        assert gone.status_code == 204, gone.text


async def _storm(
    base: str,
    headers: dict[str, str],
    prefix: str,
    change: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
) -> Storm:
    """Capture WARM_UP sales-ready leads, then more, IN_FLIGHT at a time, and make `change` once
    BEFORE of those are in, while the rest are in flight; stop once AFTER requests sent after the
    change answered are in (or LIMIT leads in all). Returns each lead with whether its request went
    out after the change had answered (so after it committed), and the change's response.

    The warm-up settles every process: a process routes in a transaction until it has cached
    the routing config (and after a one-statement capture found its caches stale), so without it
    the storm would mix both paths, and `path` would not say which one is raced."""
    changed = asyncio.Event()
    before = asyncio.Event()
    captured: list[tuple[dict[str, Any], bool]] = []
    late: list[dict[str, Any]] = []
    todo = iter(range(WARM_UP, LIMIT))
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client,
        # The change gets a connection of its own, not one a capture has to let go of first.
        httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as admin,
    ):

        async def capture(i: int) -> None:
            # A retry with the same Idempotency-Key when a kept-alive connection drops, as
            # _capture_at_once does: the replay answers, nothing is captured twice.
            key = {"Idempotency-Key": f"{prefix}-{i}"}
            lead = {"email": f"{prefix}{i}@prospect.io", "title": "CEO"}
            # Read just before the first try: the request reaches the server later than this.
            after_change = changed.is_set()
            for attempt in range(3):
                try:
                    response = await client.post("/v1/leads", json=lead, headers=key)
                    break
                except httpx.TransportError:
                    if attempt == 2:
                        raise
            assert response.status_code == 201, response.text
            captured.append((response.json(), after_change))
            if after_change:
                late.append(response.json())
            if len(captured) >= WARM_UP + BEFORE:
                before.set()

        async def sender() -> None:
            # A fixed number of senders rather than a task per lead: requests are sent when they
            # are made, not queued in the client's pool, so `after_change` is what it says.
            for i in todo:
                if len(late) >= AFTER:
                    return
                await capture(i)

        async def senders() -> None:
            await asyncio.gather(*(sender() for _ in range(IN_FLIGHT)))

        async def first_ones() -> None:
            await before.wait()

        await asyncio.gather(*(capture(i) for i in range(WARM_UP)))
        storm, waiting = asyncio.create_task(senders()), asyncio.create_task(first_ones())
        await asyncio.wait({storm, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if storm.done():  # a capture failed before BEFORE were in: its error, not a hang
            storm.result()
        assert not storm.done(), "the storm was over before the change went out"
        sent = datetime.now(UTC)
        response = await change(admin)
        answered = datetime.now(UTC)
        changed.set()
        await storm
        return Storm(captured, response, sent, answered)


async def _history(lead_ids: list[str], gone: str) -> tuple[dict[str, str | None], dict[str, list[Any]], int]:
    """Each lead's owner and its assignments in order, and how many leads anywhere `gone` holds."""
    conn = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}")
    try:
        owners = await conn.fetch("SELECT id, owner_id FROM leads WHERE id = ANY($1::text[])", lead_ids)
        rows = await conn.fetch(
            "SELECT lead_id, id, owner_id, previous_owner_id, by, created_at FROM assignments"
            " WHERE lead_id = ANY($1::text[]) ORDER BY lead_id, created_at, id",
            lead_ids,
        )
        held = await conn.fetchval("SELECT count(*) FROM leads WHERE owner_id = $1", gone)
    finally:
        await conn.close()
    history: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        history[row["lead_id"]].append(dict(row))
    return {row["id"]: row["owner_id"] for row in owners}, history, int(held)


def _assert_handed_over(storm: Storm, gone: str) -> None:
    """Nobody holds a lead of `gone` any more: each lead has one assignment by routing, plus one
    by reassign when routing gave it to `gone`; the lead's owner is its last assignment's."""
    leads = storm.leads
    ids = [lead["id"] for lead in leads]
    owner_of, history, held = asyncio.run(_history(ids, gone))
    kept = {lead_id: history[lead_id] for lead_id, owner in owner_of.items() if owner == gone}
    assert not kept, f"still owned by {gone}, which left {storm.sent}..{storm.answered}: {kept}"
    assert held == 0
    assert len(owner_of) == len(ids)
    wrong = {}
    for lead in leads:
        steps = history[lead["id"]]
        routed_to_gone = bool(steps) and steps[0]["owner_id"] == gone
        expected_by = ["routing", "reassign"] if routed_to_gone else ["routing"]
        if (
            [step["by"] for step in steps] != expected_by
            # The client was told who routing picked.
            or steps[0]["owner_id"] != lead["owner_id"]
            or owner_of[lead["id"]] is None
            or owner_of[lead["id"]] != steps[-1]["owner_id"]
            or (routed_to_gone and steps[1]["previous_owner_id"] != gone)
        ):
            wrong[lead["id"]] = (owner_of[lead["id"]], steps)
    assert not wrong, f"assignments that do not add up: {wrong}"
    # Else the owner left empty-handed and nothing was handed over: the race was not run.
    assert sum(history[lead_id][0]["owner_id"] == gone for lead_id in ids) >= WARM_UP // 10


def _team(base: str, headers: dict[str, str], tag: str) -> list[str]:
    """Five owners in one round-robin rule (routing on `sql`, which a CEO is at once)."""
    return set_up_routing(
        base,
        headers,
        [{"name": f"Rep {i}", "email": f"{tag}{i}@acme.com", "tags": [tag]} for i in range(5)],
        [{"name": tag, "position": 1, "strategy": "round_robin", "pool": {"tags": [tag]}}],
    )


def _owner_leaves_mid_storm(
    server: Server, path: str, tag: str, leave: Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]]
) -> tuple[Storm, str]:
    """A storm on `path` over a team of five, during which its first owner `leave`s: the storm,
    and who left."""
    base, headers = server
    team = _team(base, headers, tag)
    with _routing_path(base, headers, path, tag):
        storm = asyncio.run(_storm(base, headers, tag, lambda admin: leave(admin, team[0])))
    return storm, team[0]


@pytest.mark.parametrize("path", PATHS)
def test_deactivating_an_owner_mid_storm_leaves_them_no_lead(server: Server, path: str) -> None:
    async def deactivate(admin: httpx.AsyncClient, owner_id: str) -> httpx.Response:
        return await admin.patch(f"/v1/owners/{owner_id}?reassign=true", json={"active": False})

    storm, gone = _owner_leaves_mid_storm(server, path, f"deactivate-{path}", deactivate)
    assert storm.response.status_code == 200, storm.response.text
    assert storm.response.json()["active"] is False
    assert all(lead["band"] == "sql" for lead in storm.leads)
    _assert_handed_over(storm, gone)


@pytest.mark.parametrize("path", PATHS)
def test_deleting_an_owner_mid_storm_leaves_them_no_lead(server: Server, path: str) -> None:
    async def delete(admin: httpx.AsyncClient, owner_id: str) -> httpx.Response:
        return await admin.delete(f"/v1/owners/{owner_id}?reassign=true")

    storm, gone = _owner_leaves_mid_storm(server, path, f"delete-{path}", delete)
    assert storm.response.status_code == 204, storm.response.text
    base, headers = server
    assert httpx.get(f"{base}/v1/owners/{gone}", headers=headers).status_code == 404
    _assert_handed_over(storm, gone)


def test_a_committed_pool_change_routes_every_later_capture(server: Server) -> None:
    """Every process caches the routing config; a capture sent after a rule change committed
    must route by the new rule whatever its process still caches (the one-statement capture
    checks the version under the advisory lock). Captures in flight may still use the old one."""
    base, headers = server
    team = _team(base, headers, "pool")
    rule = httpx.get(f"{base}/v1/routing/rules", headers=headers).json()["data"][0]

    async def drop_first(admin: httpx.AsyncClient) -> httpx.Response:
        return await admin.patch(f"/v1/routing/rules/{rule['id']}", json={"pool": {"owner_ids": team[1:]}})

    storm = asyncio.run(_storm(base, headers, "pool", drop_first))
    assert storm.response.status_code == 200, storm.response.text
    early = [lead for lead, after in storm.captured if not after]
    late = [lead for lead, after in storm.captured if after]
    assert sum(lead["owner_id"] == team[0] for lead in early) >= WARM_UP // 10
    assert len(late) >= AFTER  # else the race was not run: the storm was over first
    assert {lead["owner_id"] for lead in late} <= set(team[1:]), [
        lead["id"] for lead in late if lead["owner_id"] not in team[1:]
    ]
