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

from tests.conftest import make_tenant
from tests.factories import add_owner, add_rule, new_lead, route_on


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
