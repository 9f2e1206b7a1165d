"""PostgreSQL's one-statement paths store what the general path stores. Each scenario runs twice,
on two apps over the same database that differ only in `fast_paths`, each in a fresh workspace
and with its clock stopped at the same instant; then the rows each wrote are compared field by
field: the lead, its external ids, its events (type, data, actor, source, in the order written),
its stage changes and its assignments (the SLA clock is the assignment's). Only ids and times
are normalised: an id becomes the order it was first seen in, a time its distance from the
stopped clock, so a row that points at a different row, or a time that moved, still differs.

The fast app must also have taken its fast path where one exists (a new person captured, a
behaviour event that leaves the band), or the comparison would compare the general path with
itself: its lead or event insert must not go through SQLAlchemy, which the general path's does.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Column, Table, event, select

from leadapi.app import create_app
from leadapi.config import Settings
from leadapi.events.models import Event
from leadapi.leads.models import Lead, LeadExternalId
from leadapi.routing.models import Assignment
from leadapi.stages.models import StageChange
from tests.conftest import Clock, Tenant, make_tenant, serving
from tests.factories import (
    EXECUTIVES_MODEL,
    TAGS_MODEL,
    activate_model,
    add_automation,
    add_owner,
    add_rule,
    add_track,
    consumer,
    new_lead,
    post_event,
    route_on,
)

pytestmark = pytest.mark.usefixtures("postgres_only")

ID = re.compile(r"^[a-z]{2,4}_[0-9a-z]{26}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


@dataclass
class Side:
    """One app, with the SQL it sends through SQLAlchemy (the fast paths bypass it)."""

    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    statements: list[str] = field(default_factory=list)

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Record only what the block sends."""
        self.statements.clear()
        yield

    def inserted(self, table: str) -> bool:
        return any(s.lstrip().upper().startswith(f"INSERT INTO {table.upper()} ") for s in self.statements)


@pytest.fixture(scope="module")
async def sides(settings: Settings) -> AsyncIterator[dict[bool, Side]]:
    """Two apps on the session's PostgreSQL database: fast paths on (the default) and off."""
    built: dict[bool, Side] = {}
    fast, slow = Clock(), Clock()
    async with (
        serving(create_app(settings.model_copy(update={"fast_paths": True}), clock=fast)) as on,
        serving(create_app(settings.model_copy(update={"fast_paths": False}), clock=slow)) as off,
    ):
        assert (on.state.db.fast_paths, off.state.db.fast_paths) == (True, False)
        for flag, app, clock in ((True, on, fast), (False, off, slow)):
            transport = httpx.ASGITransport(app=app)
            client = httpx.AsyncClient(transport=transport, base_url="http://leadapi.test")
            side = built[flag] = Side(app, client, clock)

            def record(*args: Any, into: list[str] = side.statements) -> None:
                into.append(args[2])  # (conn, cursor, statement, parameters, context, executemany)

            event.listen(app.state.db.engine.sync_engine, "before_cursor_execute", record)
        try:
            yield built
        finally:
            for side in built.values():
                await side.client.aclose()


# ---- the stored rows, normalised -------------------------------------------------------------


class Normaliser:
    """Ids to the order of first sight, times to their distance from the stopped clock."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.ids: dict[str, str] = {}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self(v) for v in value]
        if isinstance(value, datetime):
            return f"t{(value - self.at).total_seconds():+}s"
        if isinstance(value, str) and ID.match(value):
            return self.ids.setdefault(value, f"{value.split('_', 1)[0]}#{len(self.ids) + 1}")
        if isinstance(value, str) and ISO_TIME.match(value):
            return self(datetime.fromisoformat(value.replace("Z", "+00:00")))
        return value


def _flatten(value: Any, path: str, into: dict[str, Any]) -> dict[str, Any]:
    """{"events[2].data.lead.band": "sql", ...}: a difference names its field."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}", into)
        if not value:
            into[path] = {}
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _flatten(item, f"{path}[{i}]", into)
        if not value:
            into[path] = []
    else:
        into[path] = value
    return into


_leads = cast(Table, Lead.__table__)
_external_ids = cast(Table, LeadExternalId.__table__)
_events = cast(Table, Event.__table__)
_moves = cast(Table, StageChange.__table__)
_assignments = cast(Table, Assignment.__table__)
# Each table's rows of a lead: (name, table, the column naming the lead, the order of its rows).
# Ids are time-ordered, so ordering by id is the order the rows were written in.
STORED: list[tuple[str, Table, Column[Any], tuple[Column[Any], ...]]] = [
    ("lead", _leads, _leads.c.id, (_leads.c.id,)),
    (
        "external_ids",
        _external_ids,
        _external_ids.c.lead_id,
        (_external_ids.c.system, _external_ids.c.external_id),
    ),
    ("events", _events, _events.c.lead_id, (_events.c.id,)),
    ("stage_changes", _moves, _moves.c.lead_id, (_moves.c.id,)),
    ("assignments", _assignments, _assignments.c.lead_id, (_assignments.c.id,)),
]


async def stored(app: FastAPI, workspace_id: str, lead_ids: list[str], at: datetime) -> dict[str, Any]:
    """Everything the scenario stored about its leads, normalised and flattened."""
    normal = Normaliser(at)
    normal(workspace_id)  # the workspace is the first id on either side
    flat: dict[str, Any] = {}
    async with app.state.db.read() as conn:
        for n, lead_id in enumerate(lead_ids):
            for name, table, of_lead, order in STORED:
                # The external ids' index numbers its rows from a sequence both apps share.
                columns = [c for c in table.c if table is not _external_ids or c.name != "id"]
                query = select(*columns).where(table.c.workspace_id == workspace_id, of_lead == lead_id)
                rows = [dict(row) for row in (await conn.execute(query.order_by(*order))).mappings()]
                _flatten(normal(rows), f"lead{n}.{name}", flat)
    return flat


# ---- the scenarios ---------------------------------------------------------------------------

Scenario = Callable[[Side, Tenant], Awaitable[list[str]]]


async def _warm_up(side: Side, tenant: Tenant) -> None:
    """A first capture: it makes the process remember the workspace's routing setting and
    pipeline, which the fast paths check against (without them they hand over at once)."""
    await new_lead(side.client, tenant, "first@warm.example", title="Intern")


async def plain_capture(side: Side, tenant: Tenant) -> list[str]:
    await _warm_up(side, tenant)
    with side.watching():
        lead = await new_lead(
            side.client,
            tenant,
            " Ada@Acme.COM ",
            first_name="Ada",
            last_name="",
            title="VP Sales",
            phone="+1 415 555 0100",
            company="Acme",
            website="https://www.acme.com/about",
            country="us",
            company_size=120,
            industry="software",
            tags=["webinar", "spring"],
            attributes={"tech_stack": ["python"], "plan": "pro"},
            utm_source="newsletter",
        )
    assert side.inserted("leads") is not side.app.state.db.fast_paths
    return [lead["id"]]


async def merging_capture(side: Side, tenant: Tenant) -> list[str]:
    await _warm_up(side, tenant)
    first = await new_lead(
        side.client, tenant, "bo@acme.com", title="Engineer", tags=["a"], attributes={"x": 1}
    )
    response = await side.client.post(
        "/v1/leads",
        params={"overwrite": "true"},
        json={
            "email": "BO@acme.com",
            "title": "CTO",
            "company": "Acme",
            "tags": ["b", "a"],
            "attributes": {"x": 2, "y": "new"},
            "unsubscribed": True,
            "external_ids": {"crm": "42"},
        },
        headers=tenant.write,
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == first["id"]
    return [first["id"]]


async def routed_capture(side: Side, tenant: Tenant) -> list[str]:
    """Round robin over two owners, routing on mql, and leads born sql (a CEO scores 80)."""
    await add_owner(side.client, tenant, "Ada")
    await add_owner(side.client, tenant, "Bob")
    await add_rule(side.client, tenant, name="all", position=1, strategy="round_robin")
    await route_on(side.client, tenant, "mql")
    await activate_model(side.app, side.client, tenant, EXECUTIVES_MODEL)
    await _warm_up(side, tenant)
    # The first routed capture takes the general path on both sides: routing reads its config
    # there, and the process keeps it for the fast path, which the next two take (Bob's turn,
    # then Ada's again).
    leads = [await new_lead(side.client, tenant, "ceo@prospect.io", title="CEO", country="US")]
    for email in ("founder@prospect.io", "chair@prospect.io"):
        with side.watching():
            leads.append(await new_lead(side.client, tenant, email, title="CEO", country="US"))
        assert side.inserted("leads") is not side.app.state.db.fast_paths
    assert [lead["band"] for lead in leads] == ["sql", "sql", "sql"]
    assert leads[0]["owner_id"] == leads[2]["owner_id"] != leads[1]["owner_id"]
    return [lead["id"] for lead in leads]


async def rescoring_event(side: Side, tenant: Tenant) -> list[str]:
    """An email click moves an engineer in the US from 15 to 25: rescored, still not_ready."""
    lead = await new_lead(side.client, tenant, "eng@acme.com", title="Engineer", country="US")
    side.clock.advance(minutes=7)  # the event's times are not the capture's
    with side.watching():
        await post_event(
            side.client,
            tenant,
            lead["id"],
            "email_click",
            external_id="click-1",
            source="newsletter",
            properties={"url": "/pricing"},
        )
    assert side.inserted("events") is not side.app.state.db.fast_paths
    return [lead["id"]]


async def band_changing_event(side: Side, tenant: Tenant) -> list[str]:
    """A demo request takes a VP in the US from 35 to 85: the band goes to sql, the stage is
    promoted, and with routing on mql the lead is assigned and its SLA clock starts."""
    await add_owner(side.client, tenant, "Ada")
    await add_rule(side.client, tenant, name="all", position=1, strategy="round_robin")
    await route_on(side.client, tenant, "mql")
    lead = await new_lead(side.client, tenant, "vp@acme.com", title="VP Sales", country="US")
    assert (lead["band"], lead["owner_id"]) == ("not_ready", None)
    side.clock.advance(minutes=7)
    await post_event(side.client, tenant, lead["id"], "page_view", properties={"path": "/careers"})
    side.clock.advance(minutes=3)
    await post_event(side.client, tenant, lead["id"], "demo_request", source="website")
    return [lead["id"]]


async def automation_batch(side: Side, tenant: Tenant) -> list[str]:
    """One batch of the automations' consumer: tag changes that leave the band (kept on the batch's
    copy of the lead and written at its end on the fast side), enrolments (read and written per
    batch there), a notification, and a tag change that moves the band (promoted: the general path
    on both sides), over three leads, two events each for the first."""
    await activate_model(side.app, side.client, tenant, TAGS_MODEL)
    track = await add_track(side.client, tenant, name="welcome", allow_concurrent=True)
    ping = {"event": "ping"}
    await add_automation(
        side.client,
        tenant,
        trigger=ping,
        actions=[{"type": "add_tags", "tags": ["warm", "x"]}, {"type": "remove_tags", "tags": ["seed"]}],
    )
    await add_automation(
        side.client,
        tenant,
        trigger=ping,
        actions=[
            {"type": "enroll", "track_id": track["id"]},
            {"type": "notify", "message": "{{lead.email}}"},
        ],
    )
    await add_automation(
        side.client, tenant, trigger={"event": "pong"}, actions=[{"type": "add_tags", "tags": ["hot"]}]
    )
    leads = [await new_lead(side.client, tenant, f"auto{n}@acme.com", tags=["seed"]) for n in range(3)]
    side.clock.advance(minutes=5)
    for lead in leads:
        await post_event(side.client, tenant, lead["id"], "ping")
    await post_event(side.client, tenant, leads[0]["id"], "pong")
    await side.app.state.sequencer.drain()
    side.clock.advance(minutes=1)
    with side.watching():
        assert await consumer(side.app).run_once(tenant.workspace_id) is False  # one batch
    # Six tag changes leave the band: the fast side writes them in one UPDATE, before the change
    # that moves it (whose own writes are the general path's); the general path two each.
    updates = [s for s in side.statements if s.lstrip().upper().startswith("UPDATE LEADS")]
    assert (len(updates) < 6) is side.app.state.services.automation_flow.keep_writes, updates
    return [lead["id"] for lead in leads]


SCENARIOS: dict[str, Scenario] = {
    "plain capture": plain_capture,
    "capture that merges": merging_capture,
    "routed capture": routed_capture,
    "behaviour event that rescores": rescoring_event,
    "event that changes the band": band_changing_event,
    "automations' batch": automation_batch,
}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
async def test_both_paths_store_the_same_rows(sides: dict[bool, Side], scenario: Scenario) -> None:
    at = datetime.now(UTC).replace(microsecond=0)
    results: dict[bool, dict[str, Any]] = {}
    for flag, side in sides.items():
        tenant = await make_tenant(side.app, f"parity {flag}")
        with side.clock.freeze(at):
            lead_ids = await scenario(side, tenant)
        results[flag] = await stored(side.app, tenant.workspace_id, lead_ids, at)
    assert results[True]["lead0.lead[0].id"] == "ld#2"  # the rows were read, not an empty match
    assert results[True] == results[False]
