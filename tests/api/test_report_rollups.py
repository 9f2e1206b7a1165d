"""Report rollups: every report that reads them answers as the exact computation over the rows does
(counts equal, percentiles within the stated relative error), over seeded random histories with
late events, merges and erasures that change earlier days; the consumer goes through each event
once with several workers; its lag is in /metrics; a rebuild makes the same rollups again.

The consumer is driven here directly (its run-once), as the background loop runs it."""

from __future__ import annotations

import asyncio
import csv
import io
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, select

from leadapi.flows.rollups import RollupConsumer
from leadapi.reports.models import ReportRollup, RollupLead
from leadapi.reports.rollup_engine import GONE, RELATIVE_ERROR
from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import add_owner, add_rule, move, new_lead, post_event, run_rollups

T0 = datetime(2026, 5, 4, tzinfo=UTC)  # a Monday; the history runs into June
REPORTS = ("funnel", "sources", "scores", "activation", "speed-to-lead", "sla", "stage-velocity", "owners")
UNSPLIT = ("owners",)  # reports that take no group_by
PERCENTILES = ("median_seconds", "p90_seconds", "median_speed_seconds")
VP = {"title": "VP Sales", "country": "US"}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


# Ranges: partial first and last days around a whole month (whole hours and a partial one); whole
# days only; inside one day, from and to a partial hour.
RANGES = [
    (T0 - timedelta(hours=13, minutes=17), datetime(2026, 7, 2, 5, tzinfo=UTC)),
    (datetime(2026, 5, 10, tzinfo=UTC), datetime(2026, 6, 5, tzinfo=UTC)),
    (datetime(2026, 5, 12, 3, 20, tzinfo=UTC), datetime(2026, 5, 12, 20, 40, tzinfo=UTC)),
]
QUERIES: list[dict[str, str]] = [
    {},
    {"group_by": "day"},
    {"group_by": "week"},
    {"group_by": "month"},
    {"group_by": "source"},
    {"group_by": "owner"},
    {"group_by": "utm_campaign"},
    {"group_by": "utm_medium"},
    {"source": "ads"},
    {"utm_campaign": "spring", "group_by": "day"},
    {"source": "ads", "group_by": "utm_campaign"},  # two keys: the rows, not rollups
    {"tag": "vip"},  # tags are no rollup key: the rows
]


async def random_history(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock, tenant: Tenant, seed: int
) -> None:
    """Leads created over six weeks with touches, behaviour, stage moves; the rollups brought up
    to them; then late events, merges, erasures and moves that change the days already rolled up."""
    rng = random.Random(seed)
    with clock.freeze(T0):
        await add_owner(client, tenant, "Ada")
        await add_owner(client, tenant, "Bob")
        await add_rule(client, tenant, name="all", position=1, strategy="round_robin")
        offsets = sorted(timedelta(days=rng.uniform(0, 40), seconds=rng.random()) for _ in range(26))
        leads: list[dict[str, Any]] = []
        for i, offset in enumerate(offsets):
            clock.offset = offset
            fields: dict[str, Any] = {
                "source": rng.choice(["ads", "webinar", None]),
                "utm_campaign": rng.choice(["spring", "fall", None]),
                "utm_medium": rng.choice(["cpc", None]),
                "tags": ["vip"] if rng.random() < 0.3 else [],
            }
            if rng.random() < 0.5:
                fields.update(VP)
            lead = await new_lead(client, tenant, f"r{seed}-{i}@acme{i}.com", **fields)
            leads.append(lead)
            if rng.random() < 0.5:
                clock.offset = offset + timedelta(seconds=rng.uniform(0, 900))
                await post_event(client, tenant, lead["id"], "demo_request")
            if rng.random() < 0.6:
                clock.offset = offset + timedelta(seconds=rng.uniform(1, 5400), milliseconds=rng.random())
                await post_event(client, tenant, lead["id"], "call")
        clock.offset = timedelta(days=42)
        await run_rollups(app, tenant)

        # What changes days already rolled up: touches and behaviour that happened long ago and
        # are told now, moves, merges and erasures.
        alive = list(leads)
        rng.shuffle(alive)
        for lead in alive[:6]:
            created = datetime.fromisoformat(lead["created_at"])
            late = created + timedelta(seconds=rng.uniform(0.5, 4000))
            await post_event(
                client, tenant, lead["id"], rng.choice(["call", "webinar_attended"]), occurred_at=_iso(late)
            )
        for lead in alive[6:10]:
            to = rng.choice(["customer", "disqualified", "mql"])
            body: dict[str, Any] = {"to": to}
            if to == "customer":
                body["amount"] = round(rng.uniform(10, 5000), 2)
            if to == "disqualified":
                body["reason"] = "no_budget"
            response = await move(client, tenant, lead["id"], **body)
            assert response.status_code in (200, 409, 422), response.text
        for lead in alive[16:]:  # sales accepts or rejects the leads it was given
            now = (await client.get(f"/v1/leads/{lead['id']}", headers=tenant.read)).json()
            if now["owner_id"] is None:
                continue
            verb = rng.choice(["accept", "reject"])
            body = {"reason": "not_ready"} if verb == "reject" else {}
            response = await client.post(f"/v1/leads/{lead['id']}/{verb}", json=body, headers=tenant.write)
            assert response.status_code == 200, response.text
        for survivor, duplicate in ((alive[10], alive[11]), (alive[12], alive[13])):
            response = await client.post(
                f"/v1/leads/{survivor['id']}/merge",
                json={"duplicate_id": duplicate["id"]},
                headers=tenant.write,
            )
            assert response.status_code == 200, response.text
        for lead in alive[14:16]:
            assert (await client.delete(f"/v1/leads/{lead['id']}", headers=tenant.write)).status_code == 204


async def fetch(
    client: httpx.AsyncClient, tenant: Tenant, name: str, params: dict[str, str]
) -> dict[str, Any]:
    response = await client.get(f"/v1/reports/{name}", params=params, headers=tenant.read)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_same(approximate: Any, exact: Any, where: str = "") -> None:
    """Equal, but for percentiles: within the stated relative error of the sorted computation."""
    if isinstance(exact, dict):
        assert isinstance(approximate, dict), where
        keys = set(exact) - {"approximate", "relative_error"}
        assert keys == set(approximate) - {"approximate", "relative_error"}, where
        for key in keys:
            if key in PERCENTILES and exact[key] is not None:
                assert approximate[key] == pytest.approx(exact[key], rel=RELATIVE_ERROR, abs=0.002), (
                    f"{where}.{key}"
                )
            else:
                assert_same(approximate[key], exact[key], f"{where}.{key}")
    elif isinstance(exact, list):
        assert isinstance(approximate, list), where
        assert len(approximate) == len(exact), where
        for i, (a, e) in enumerate(zip(approximate, exact, strict=True)):
            assert_same(a, e, f"{where}[{i}]")
    elif isinstance(exact, float):
        assert approximate == pytest.approx(exact, abs=1e-6), where
    else:
        assert approximate == exact, where


async def assert_reports_agree(client: httpx.AsyncClient, tenant: Tenant) -> int:
    """Every report, range and query from rollups against the exact computation; returns how
    many answers came from sketches."""
    sketched = 0
    for start, end in RANGES:
        for query in QUERIES:
            params = {"from": _iso(start), "to": _iso(end), **query}
            for name in REPORTS:
                if name in UNSPLIT and "group_by" in query:
                    continue
                exact = await fetch(client, tenant, name, {**params, "exact": "true"})
                assert (exact["approximate"], exact["relative_error"]) == (False, None)
                answer = await fetch(client, tenant, name, params)
                if answer["approximate"]:
                    assert answer["relative_error"] == RELATIVE_ERROR
                    sketched += 1
                assert_same(answer, exact, f"{name}{params}")
    return sketched


async def set_zone(client: httpx.AsyncClient, tenant: Tenant, zone: str) -> dict[str, Any]:
    response = await client.put("/v1/reports/settings", json={"time_zone": zone}, headers=tenant.admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["time_zone"] == zone
    assert body["updated_at"] is not None
    return body


# The second history's days are Kolkata's (+05:30: no range's UTC midnight is a local one), set after
# its rollups were made, so they are made again.
@pytest.mark.parametrize(("seed", "zone"), [(7, None), (2026, "Asia/Kolkata")])
async def test_reports_from_rollups_match_the_rows_over_random_histories(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock, seed: int, zone: str | None
) -> None:
    tenant = await make_tenant(app, f"rollups{seed}")
    await random_history(app, client, clock, tenant, seed)
    await run_rollups(app, tenant)
    if zone is not None:
        assert not (await set_zone(client, tenant, zone))["rollups_ready"]
        await run_rollups(app, tenant)
        settings = await client.get("/v1/reports/settings", headers=tenant.read)
        assert settings.json()["rollups_ready"], settings.text
    assert await assert_reports_agree(client, tenant) > 0
    # The history gives every report something to count.
    start, end = RANGES[0]
    params = {"from": _iso(start), "to": _iso(end), "exact": "true"}
    sla = await fetch(client, tenant, "sla", params)
    assert sla["total"]["covered"] > 0
    assert len(sla["owners"]) == 2  # both owners held leads
    velocity = await fetch(client, tenant, "stage-velocity", params)
    assert any(s["stays"] for s in velocity["total"]["stages"])
    owners = (await fetch(client, tenant, "owners", params))["owners"]
    assert sum(o["assigned"] for o in owners) > 0
    assert sum(o["rejected"] + o["won"] for o in owners) > 0
    speed = await fetch(client, tenant, "speed-to-lead", params)
    assert speed["total"]["after_assignment"]["touched"] > 0


DAY = datetime(2026, 5, 12, tzinfo=UTC)
# Ranges whose partial days are read from hour rows, with partial hours at one end, both or none.
HOURLY_RANGES = [
    (DAY + timedelta(hours=3, minutes=20), DAY + timedelta(hours=20, minutes=40)),
    (DAY + timedelta(hours=5), DAY + timedelta(hours=9)),
    (DAY - timedelta(hours=1, minutes=50), DAY + timedelta(hours=6, minutes=50)),
    (DAY + timedelta(hours=7, minutes=30), DAY + timedelta(days=2, hours=1, minutes=15)),
]


@pytest.mark.parametrize("zone", [None, "Asia/Kolkata"])
async def test_partial_days_read_from_hour_rows_answer_as_the_rows(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock, zone: str | None
) -> None:
    """Forty leads over two days, most of them routed, each touched by a behaviour event minutes
    later; reports over ranges that cut those days at whole and partial hours (in Kolkata, +05:30, local
    hours are not UTC's) answer as the exact computation does."""
    tenant = await make_tenant(app, f"hours{zone or 'utc'}")
    rng = random.Random(12)
    with clock.freeze(DAY - timedelta(hours=3)):
        if zone is not None:
            await set_zone(client, tenant, zone)
        await add_owner(client, tenant, "Ada")
        await add_owner(client, tenant, "Bob")
        await add_rule(client, tenant, name="all", position=1, strategy="round_robin")
        for i, minutes in enumerate(sorted(rng.uniform(0, 48 * 60) for _ in range(40))):
            clock.offset = timedelta(hours=3, minutes=minutes)
            fields = {**VP, "source": rng.choice(["ads", None])} if rng.random() < 0.7 else {}
            lead = await new_lead(client, tenant, f"h{i}@acme{i}.com", **fields)
            clock.offset += timedelta(minutes=rng.uniform(1, 90))
            await post_event(client, tenant, lead["id"], rng.choice(["call", "demo_request"]))
    await run_rollups(app, tenant)
    hourly = {
        (dimension, period)
        for (dimension, _, period, _, _) in await _rows(app, tenant)
        if period.startswith("h")
    }
    assert len(hourly) > 20  # the leads' and their assignments' hours
    assert {dimension for dimension, _ in hourly} == {"", "source"}
    for start, end in HOURLY_RANGES:
        # Unsplit and by source (hour rows), by day (hour rows per day), by owner (raw rows).
        for query in (
            {},
            {"group_by": "day"},
            {"group_by": "owner"},
            {"source": "ads"},
            {"group_by": "source"},
        ):
            params = {"from": _iso(start), "to": _iso(end), **query}
            for name in REPORTS:
                if name in UNSPLIT and "group_by" in query:
                    continue
                exact = await fetch(client, tenant, name, {**params, "exact": "true"})
                assert_same(await fetch(client, tenant, name, params), exact, f"{name}{params}")
    funnel = await fetch(client, tenant, "funnel", {"from": _iso(DAY), "to": _iso(DAY + timedelta(days=1))})
    assert funnel["total"]["leads"] > 0


async def _rows(app: FastAPI, tenant: Tenant) -> dict[tuple[str, ...], tuple[int, float]]:
    """The tenant's rollup rows with leads, as (dimension, facet, period, key, value) -> counts."""
    table = ReportRollup.__table__
    async with app.state.db.read() as conn:
        stmt = select(table).where(table.c.workspace_id == tenant.workspace_id)
        rows = (await conn.execute(stmt)).mappings()
        return {
            (r["dimension"], r["facet"], r["period"], r["key"], r["value"]): (
                r["leads"],
                round(r["amount"], 2),
            )
            for r in rows
            if r["leads"]
        }


async def test_a_rebuild_makes_the_same_rollups_again(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock
) -> None:
    tenant = await make_tenant(app, "rebuild")
    await random_history(app, client, clock, tenant, 11)
    await run_rollups(app, tenant)
    kept = await _rows(app, tenant)
    assert kept
    flow = app.state.services.rollup_flow
    async with app.state.db.transaction() as conn:
        counted = await flow.rebuild(conn, tenant.workspace_id, T0.date(), (T0 + timedelta(days=45)).date())
    assert counted == 26 - 4  # two merged away, two erased
    assert await _rows(app, tenant) == kept
    # A rebuild over part of the history leaves the rest as it was.
    async with app.state.db.transaction() as conn:
        await flow.rebuild(conn, tenant.workspace_id, T0.date(), T0.date() + timedelta(days=1))
    assert await _rows(app, tenant) == kept


async def _snapshots(app: FastAPI, tenant: Tenant) -> dict[str, dict[str, Any]]:
    """The tenant's lead snapshots, by lead."""
    table = RollupLead.__table__
    async with app.state.db.read() as conn:
        stmt = select(table).where(table.c.workspace_id == tenant.workspace_id)
        return {r["lead_id"]: dict(r) for r in (await conn.execute(stmt)).mappings()}


# On PostgreSQL the rebuild is set-based (SQL), the consumer lead by lead (Python): the same rows
# and the same snapshots, sketch buckets and packed values included, in UTC and in a zone whose
# days are not UTC's.
@pytest.mark.parametrize(("seed", "zone"), [(23, None), (5, "America/New_York")])
async def test_a_rebuild_from_nothing_makes_the_consumers_rollups(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock, seed: int, zone: str | None
) -> None:
    tenant = await make_tenant(app, f"from nothing {seed}")
    if zone is not None:
        await set_zone(client, tenant, zone)
    await random_history(app, client, clock, tenant, seed)
    await run_rollups(app, tenant)
    kept, snapshots = await _rows(app, tenant), await _snapshots(app, tenant)
    assert any(k[1] in ("asw", "stay", "to") for k in kept)  # sketch buckets are compared too
    flow = app.state.services.rollup_flow
    async with app.state.db.transaction() as conn:
        for model in (ReportRollup, RollupLead):
            await conn.execute(delete(model).where(model.workspace_id == tenant.workspace_id))
        counted = await flow.rebuild(
            conn, tenant.workspace_id, T0.date() - timedelta(days=1), (T0 + timedelta(days=45)).date()
        )
    assert counted == 26 - 4
    # A rebuild makes the leads there are again; what a merged-away lead left behind (key GONE)
    # only the consumer, which saw it go, counts.
    assert await _rows(app, tenant) == {k: v for k, v in kept.items() if k[3] != GONE}
    assert await _snapshots(app, tenant) == {i: s for i, s in snapshots.items() if s["hour"]}


async def test_two_consumers_at_once_count_each_lead_once(
    app: FastAPI, client: httpx.AsyncClient, clock: Clock, postgres_only: None
) -> None:
    tenants = [await make_tenant(app, f"rollbusy{i}") for i in range(2)]
    for n, tenant in enumerate(tenants):
        await random_history(app, client, clock, tenant, 100 + n)
    await app.state.sequencer.drain()

    async def worker() -> None:
        keeper = RollupConsumer(app.state.db, app.state.services.rollup_flow, batch=3)
        while True:  # many small batches: the workers contend for every position
            went = [await keeper.run_once(t.workspace_id) for t in tenants]
            if not any(went):
                return

    await asyncio.gather(worker(), worker())
    for tenant in tenants:
        await assert_reports_agree(client, tenant)


async def _lag(client: httpx.AsyncClient) -> dict[str, float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith("leadapi_rollup_lag")
    }


async def test_lag_is_in_metrics(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    lead = await new_lead(client, tenant, "lag@acme.com")
    await run_rollups(app)  # every workspace: the scrape sums them all
    for _ in range(3):
        await post_event(client, tenant, lead["id"], "ping")
    await app.state.sequencer.drain()
    with clock.travel(seconds=120):
        behind = await _lag(client)
        assert behind["leadapi_rollup_lag_events"] >= 3
        assert behind["leadapi_rollup_lag_seconds"] >= 120
        await run_rollups(app)
        after = await _lag(client)
    assert after["leadapi_rollup_lag_events"] == 0
    assert after["leadapi_rollup_lag_seconds"] == 0


async def test_a_round_that_took_in_events_goes_again_at_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    # Under a steady inflow, waiting out the interval after a part batch would add the interval
    # to every event's lag: only a round that found nothing waits.
    lead = await new_lead(client, tenant, "again@acme.com")
    await run_rollups(app, tenant)
    await post_event(client, tenant, lead["id"], "ping")
    await app.state.sequencer.drain()
    keeper = RollupConsumer(app.state.db, app.state.services.rollup_flow, batch=1000)
    assert await keeper.run_once(tenant.workspace_id) is True  # one event of a batch of 1,000
    assert await keeper.run_once(tenant.workspace_id) is False  # nothing new: wait the interval


async def test_exact_must_be_a_boolean(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.get("/v1/reports/speed-to-lead", params={"exact": "maybe"}, headers=tenant.read)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "exact"


async def test_csv_says_whether_percentiles_are_sketched(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "csv@acme.com", source="ads")
    await post_event(client, tenant, lead["id"], "call")
    await run_rollups(app, tenant)
    for exact, expected in (("false", ("True", "0.01")), ("true", ("False", ""))):
        response = await client.get(
            "/v1/reports/speed-to-lead",
            params={"exact": exact},
            headers={**tenant.read, "Accept": "text/csv"},
        )
        assert response.status_code == 200, response.text
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows
        assert {(r["approximate"], r["relative_error"]) for r in rows} == {expected}
        total = next(r for r in rows if r["section"] == "total")
        assert total["after_creation.leads"] == "1"


async def _days(client: httpx.AsyncClient, tenant: Tenant) -> tuple[dict[str, int], bool]:
    body = await fetch(
        client,
        tenant,
        "speed-to-lead",
        {"from": "2026-05-01T00:00:00Z", "to": "2026-05-10T00:00:00Z", "group_by": "day"},
    )
    return {g["key"]: g["after_creation"]["leads"] for g in body["groups"]}, body["approximate"]


async def test_report_days_follow_the_workspace_time_zone(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    settings = await client.get("/v1/reports/settings", headers=tenant.read)
    assert settings.status_code == 200
    assert (settings.json()["time_zone"], settings.json()["updated_at"]) == ("UTC", None)
    await set_zone(client, tenant, "America/New_York")
    for at in ("2026-05-05T02:00:00Z", "2026-05-05T05:00:00Z"):  # 22:00 on the 4th, 01:00 on the 5th
        with clock.freeze(datetime.fromisoformat(at)):
            await new_lead(client, tenant, f"tz{at[11:13]}@acme.com")
    await run_rollups(app, tenant)
    assert await _days(client, tenant) == ({"2026-05-04": 1, "2026-05-05": 1}, True)

    # Tokyo: both on the 5th. Until the rollups are made again the rows answer, exactly.
    assert not (await set_zone(client, tenant, "Asia/Tokyo"))["rollups_ready"]
    assert await _days(client, tenant) == ({"2026-05-05": 2}, False)
    await run_rollups(app, tenant)
    assert await _days(client, tenant) == ({"2026-05-05": 2}, True)
    # Setting the same zone again changes nothing.
    assert (await set_zone(client, tenant, "Asia/Tokyo"))["rollups_ready"]


@pytest.mark.parametrize(
    "body",
    [
        {"time_zone": "Mars/Olympus"},
        {"time_zone": 5},
        {},
        {"time_zone": "x" * 65},
        {"time_zone": "UTC", "x": 1},
    ],
)
async def test_report_settings_refuse_bad_input(
    client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any]
) -> None:
    response = await client.put("/v1/reports/settings", json=body, headers=tenant.admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    response = await client.put("/v1/reports/settings", json={"time_zone": "UTC"}, headers=tenant.read)
    assert response.status_code == 403
