"""Statements sent per unit of work that handles many items: what a unit reads and locks once must
not be read or locked once per item. Counted on the app's own engine (every statement these units
send goes through SQLAlchemy), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from leadapi.webhooks.loop import MAX_IN_FLIGHT
from leadapi.webhooks.service import DELIVERY_PER_SUBSCRIPTION, Claimed
from tests.api.webhook_receiver import Receiver
from tests.conftest import Tenant, make_tenant
from tests.factories import add_owner, add_rule, new_lead, route_on, services, subscribe


@contextmanager
def statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL text of each statement the app sends meanwhile."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(" ".join(statement.split()))

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


# ---- an owner who leaves, with N open leads ------------------------------------------------------


def _kinds(sent: list[str]) -> Counter[str]:
    """The statements a hand-over must send once whatever the number of leads."""
    kinds: Counter[str] = Counter()
    for statement in sent:
        if statement.startswith("SELECT") and " FROM lifecycle_settings" in statement:
            kinds["pipeline read"] += 1
        if statement.startswith("SELECT") and " FROM routing_settings" in statement:
            kinds["routing lock"] += 1  # the settings row: FOR UPDATE on PostgreSQL
        if "pg_advisory_xact_lock" in statement:
            kinds["captures held back"] += 1
    return kinds


async def _deactivate_with_leads(app: FastAPI, client: httpx.AsyncClient, leads: int) -> list[str]:
    """Ada holds `leads` open leads; deactivating her with reassign=true hands them to Bob.
    Returns the statements the change sent."""
    tenant = await make_tenant(app)
    ada = await add_owner(client, tenant, "Ada")
    await add_rule(client, tenant, name="rr", position=1, strategy="round_robin")
    await route_on(client, tenant, "created")
    held = [await new_lead(client, tenant, f"held{i}@prospect.io") for i in range(leads)]
    assert {lead["owner_id"] for lead in held} == {ada["id"]}
    bob = await add_owner(client, tenant, "Bob")
    with statements(app) as sent:
        response = await client.patch(
            f"/v1/owners/{ada['id']}",
            params={"reassign": "true"},
            json={"active": False},
            headers=tenant.write,
        )
    assert response.status_code == 200, response.text
    assert response.json()["open_leads"] == 0
    for lead in held:
        now = (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).json()
        assert now["owner_id"] == bob["id"]
    return sent


async def test_a_hand_over_locks_routing_and_reads_the_pipeline_once_whatever_its_leads(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    few, many = await _deactivate_with_leads(app, client, 1), await _deactivate_with_leads(app, client, 6)
    expected = {"pipeline read": 1, "routing lock": 1}
    if app.state.db.is_postgres:
        expected["captures held back"] = 1
    assert (_kinds(few), _kinds(many)) == (expected, expected), (few, many)


# ---- a delivery round over N subscriptions -------------------------------------------------------


async def _due_to(
    client: httpx.AsyncClient, tenant: Tenant, url: str, subscriptions: int, each: int
) -> list[str]:
    """`subscriptions` new subscriptions to `url`, each with `each` test messages due now; their
    ids, in order."""
    ids = []
    for _ in range(subscriptions):
        sub = await subscribe(client, tenant, url, ["lead.created"])
        for _ in range(each):
            queued = await client.post(f"/v1/webhooks/{sub['id']}/test", headers=tenant.admin)
            assert queued.status_code == 202, queued.text
        ids.append(sub["id"])
    return sorted(ids)


async def _claim(app: FastAPI, **round_: Any) -> tuple[Claimed, list[str]]:
    """One delivery round's claim, committed; what it leased and the statements it sent."""
    with statements(app) as sent:
        async with app.state.db.transaction() as conn:
            claimed = await services(app).webhooks.claim(conn, **round_)
    return claimed, sent


async def _forget(client: httpx.AsyncClient, tenant: Tenant, ids: list[str]) -> None:
    """The subscriptions go, and their deliveries with them: later rounds in the session's
    database must not find them."""
    for sid in ids:
        gone = await client.delete(f"/v1/webhooks/{sid}", headers=tenant.admin)
        assert gone.status_code == 204, gone.text


async def test_a_delivery_round_claims_across_subscriptions_in_statements_that_do_not_grow_with_them(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    url = f"{receiver.base}/ok"
    counts = {}
    for subscriptions, after in ((1, None), (6, None), (6, 2)):
        ids = await _due_to(client, tenant, url, subscriptions, 2)
        start = None if after is None else ids[after]
        try:
            claimed, sent = await _claim(app, after=start, in_flight={}, free=MAX_IN_FLIGHT)
        finally:
            await _forget(client, tenant, ids)
        went_round = ids if after is None else ids[after + 1 :] + ids[: after + 1]
        # The round is over every workspace of the session's database: another test's
        # subscription with a message still due may be in it too, and is not this test's concern.
        ours = [i for i in claimed.subscription_ids if i in ids]
        due = [(row, sub) for row, sub in claimed.due if row["subscription_id"] in ids]
        assert ours == went_round
        assert [row["subscription_id"] for row, _ in due] == [i for i in went_round for _ in range(2)]
        for row, sub in due:
            assert (sub["id"], sub["url"], sub["workspace_id"]) == (
                row["subscription_id"],
                url,
                tenant.workspace_id,
            )
            assert (row["attempts"], row["status"]) == (0, "pending")  # as they were when claimed
        counts[(subscriptions, after)] = len(sent)
    assert counts[(1, None)] == counts[(6, None)] == counts[(6, 2)], counts


async def test_a_delivery_round_keeps_each_subscriptions_share_and_the_free_slots(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver
) -> None:
    """A subscription's share is less what it has in flight; the free slots go to subscriptions in
    the order the round goes round them, whole shares first; a subscription with its share in
    flight is not claimed from at all."""
    ids = await _due_to(client, tenant, f"{receiver.base}/ok", 4, DELIVERY_PER_SUBSCRIPTION)
    try:
        in_flight = {ids[0]: DELIVERY_PER_SUBSCRIPTION, ids[1]: DELIVERY_PER_SUBSCRIPTION - 3}
        claimed, _ = await _claim(app, after=None, in_flight=in_flight, free=3 + 5)
        taken = Counter(row["subscription_id"] for row, _ in claimed.due)
        assert taken == {ids[1]: 3, ids[2]: 5}
        assert claimed.subscription_ids == ids[1:]
        # What was leased is not due again; the rest is, and the next round takes it.
        claimed, _ = await _claim(app, after=None, in_flight={}, free=MAX_IN_FLIGHT)
        taken = Counter(row["subscription_id"] for row, _ in claimed.due)
        assert taken == {ids[0]: 10, ids[1]: 7, ids[2]: 5, ids[3]: 10}
        # In the order the round went round the subscriptions, each one's oldest first.
        order = [(ids.index(row["subscription_id"]), row["next_attempt_at"]) for row, _ in claimed.due]
        assert order == sorted(order)
    finally:
        await _forget(client, tenant, ids)
