"""Reports over HTTP on SQLite and PostgreSQL, checked against a small population whose every
figure is worked out by hand below.

The population (clock frozen; T = Monday 2026-03-02 09:00 UTC; range [Mar 2, Mar 16)):
- Ada owns source=ads leads (rule 1), Bob the rest (rule 2). Leads go to sales at sql.
- early: created T-1d (before the range), ads. Never counted.
- L1: T, ads, utm spring, tag vip, VP in the US (35). T+1m demo_request (85: sql, to Ada, 5 min
  SLA). T+3m Ada calls (met). T+10m accepted. T+2d customer, 1000.
- L2: T+1h, ads, VP (35) + demo_request at once (85: sql, to Ada). T+1h6m the sweep breaches Ada
  and reassigns to Bob (clock due T+1h11m). T+1h30m Bob calls (late: breached). T+2h Bob rejects.
- L3: T+1d, webinar, utm spring, an engineer in the US (15). T+1d1h webinar_attended (45: mql).
- L4: T+2d, webinar, VP (35). T+3d disqualified. T+10d app_login (no points).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import add_owner, add_rule, get_lead, move, new_lead, post_event, run_rollups, sweep

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RANGE = {"from": "2026-03-02T00:00:00Z", "to": "2026-03-16T00:00:00Z"}
MINUTE, HOUR, DAY = 60, 3600, 86400


@dataclass
class Population:
    tenant: Tenant
    ada: str
    bob: str
    leads: dict[str, str]


@pytest.fixture(scope="module")
async def population(app: FastAPI, client: httpx.AsyncClient, clock: Clock) -> Population:
    tenant = await make_tenant(app, "reports")
    vp = {"title": "VP Sales", "country": "US"}

    def at(**delta: float) -> None:
        clock.offset = timedelta(**delta)

    with clock.freeze(T):
        ada = (await add_owner(client, tenant, "Ada"))["id"]
        bob = (await add_owner(client, tenant, "Bob"))["id"]
        ads = {"field": "source", "op": "eq", "value": "ads"}
        await add_rule(client, tenant, name="ads", position=1, strategy="owner", owner_id=ada, when=ads)
        await add_rule(client, tenant, name="rest", position=2, strategy="owner", owner_id=bob)

        at(days=-1)
        early = await new_lead(client, tenant, "early@acme.com", source="ads", **vp)
        at()
        l1 = await new_lead(
            client, tenant, "l1@acme.com", source="ads", utm_campaign="spring", tags=["vip"], **vp
        )
        at(minutes=1)
        await post_event(client, tenant, l1["id"], "demo_request")
        at(minutes=3)
        await post_event(client, tenant, l1["id"], "call")
        at(minutes=10)
        assert (await client.post(f"/v1/leads/{l1['id']}/accept", headers=tenant.write)).status_code == 200
        at(hours=1)
        l2 = await new_lead(client, tenant, "l2@acme.com", source="ads", **vp)
        await post_event(client, tenant, l2["id"], "demo_request")
        at(hours=1, minutes=6)
        await sweep(app)
        at(hours=1, minutes=30)
        await post_event(client, tenant, l2["id"], "call")
        at(hours=2)
        rejected = await client.post(
            f"/v1/leads/{l2['id']}/reject", json={"reason": "not_ready"}, headers=tenant.write
        )
        assert rejected.status_code == 200, rejected.text
        at(days=1)
        l3 = await new_lead(
            client,
            tenant,
            "l3@acme.com",
            source="webinar",
            utm_campaign="spring",
            title="Engineer",
            country="US",
        )
        at(days=1, hours=1)
        await post_event(client, tenant, l3["id"], "webinar_attended")
        at(days=2)
        l4 = await new_lead(client, tenant, "l4@acme.com", source="webinar", **vp)
        won = await move(client, tenant, l1["id"], to="customer", amount=1000)
        assert won.status_code == 200, won.text
        at(days=3)
        lost = await move(client, tenant, l4["id"], to="disqualified", reason="no_budget")
        assert lost.status_code == 200, lost.text
        at(days=10)
        await post_event(client, tenant, l4["id"], "app_login")

    # The reports read rollups over whole days: bring them up to the story.
    await run_rollups(app, tenant)
    # The story went as told: scores, stages and owners.
    found = {
        name: await get_lead(client, tenant, lead["id"])
        for name, lead in {"L1": l1, "L2": l2, "L3": l3, "L4": l4}.items()
    }
    assert {n: (f["score"], f["band"], f["stage"], f["owner_id"]) for n, f in found.items()} == {
        "L1": (85, "sql", "customer", ada),
        "L2": (85, "sql", "nurturing", None),
        "L3": (45, "mql", "mql", None),
        "L4": (35, "not_ready", "disqualified", None),
    }
    ids = {"early": early["id"], "L1": l1["id"], "L2": l2["id"], "L3": l3["id"], "L4": l4["id"]}
    return Population(tenant, ada, bob, ids)


async def report(client: httpx.AsyncClient, p: Population, name: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/v1/reports/{name}", params={**RANGE, **params}, headers=p.tenant.read)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def stage_rows(figures: dict[str, Any]) -> dict[str, tuple[int, int | None, float | None]]:
    return {s["stage"]: (s["entered"], s["reached"], s["conversion"]) for s in figures["stages"]}


async def test_funnel(client: httpx.AsyncClient, population: Population) -> None:
    body = await report(client, population, "funnel")
    assert (body["from"], body["to"], body["filters"], body["group_by"]) == (
        "2026-03-02T00:00:00Z",
        "2026-03-16T00:00:00Z",
        {},
        None,
    )
    total = body["total"]
    # Visited: L1 new sql accepted customer; L2 new sql nurturing; L3 new mql; L4 new disqualified.
    # Furthest funnel rank: L1 customer, L2 sql, L3 mql, L4 new.
    assert stage_rows(total) == {
        "new": (4, 4, None),
        "mql": (1, 3, 0.75),
        "sql": (2, 2, 0.6667),
        "accepted": (1, 1, 0.5),
        "opportunity": (0, 1, 1.0),
        "customer": (1, 1, 1.0),
        "nurturing": (1, None, None),
        "disqualified": (1, None, None),
    }
    assert (total["leads"], total["accepted"], total["rejected"], total["customers"], total["revenue"]) == (
        4,
        1,
        1,
        1,
        1000.0,
    )
    assert total["rates"] == {
        "lead_to_mql": 0.75,
        "mql_to_sql": 0.6667,
        "sql_acceptance": 0.5,
        "lead_to_customer": 0.25,
    }
    assert body["groups"] == []


async def test_funnel_filters_and_groups(client: httpx.AsyncClient, population: Population) -> None:
    vip = await report(client, population, "funnel", tag="vip")
    assert (vip["total"]["leads"], vip["total"]["customers"], vip["filters"]) == (1, 1, {"tag": "vip"})
    spring = await report(client, population, "funnel", utm_campaign="spring")
    assert stage_rows(spring["total"])["mql"] == (1, 2, 1.0)  # L1 passed mql on its way, L3 is there
    ada = await report(client, population, "funnel", owner_id=population.ada)
    assert ada["total"]["leads"] == 1  # Ada holds L1 only now
    webinar = await report(client, population, "funnel", source="webinar")
    assert (webinar["total"]["leads"], webinar["total"]["rejected"]) == (2, 0)

    by_source = await report(client, population, "funnel", group_by="source")
    assert [(g["key"], g["leads"], g["customers"]) for g in by_source["groups"]] == [
        ("ads", 2, 1),
        ("webinar", 2, 0),
    ]
    by_day = await report(client, population, "funnel", group_by="day")
    assert [(g["key"], g["leads"]) for g in by_day["groups"]] == [
        ("2026-03-02", 2),
        ("2026-03-03", 1),
        ("2026-03-04", 1),
    ]
    by_week = await report(client, population, "funnel", group_by="week")
    assert [(g["key"], g["leads"]) for g in by_week["groups"]] == [("2026-03-02", 4)]
    by_month = await report(client, population, "funnel", group_by="month")
    assert [(g["key"], g["leads"]) for g in by_month["groups"]] == [("2026-03-01", 4)]
    by_owner = await report(client, population, "funnel", group_by="owner")
    assert [(g["key"], g["label"], g["leads"]) for g in by_owner["groups"]] == [
        (population.ada, "Ada", 1),
        (None, None, 3),
    ]
    # A range that holds only the early lead.
    early = await report(
        client, population, "funnel", **{"from": "2026-03-01T00:00:00Z", "to": "2026-03-02T00:00:00Z"}
    )
    assert early["total"]["leads"] == 1
    empty = await report(
        client, population, "funnel", **{"from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:00Z"}
    )
    assert (empty["total"]["leads"], empty["total"]["rates"]["lead_to_mql"]) == (0, None)


async def test_speed_to_lead(client: httpx.AsyncClient, population: Population) -> None:
    body = await report(client, population, "speed-to-lead", exact="true")
    assert (body["approximate"], body["relative_error"]) == (False, None)
    # From creation: L1 3 min, L2 30 min (T+1h -> T+1h30m); L3 and L4 never. p90 interpolates
    # 90% of the way from the lower value to the higher.
    assert body["total"]["after_creation"] == {
        "leads": 4,
        "touched": 2,
        "median_seconds": (3 * MINUTE + 30 * MINUTE) / 2,
        "p90_seconds": 3 * MINUTE + 0.9 * (30 * MINUTE - 3 * MINUTE),
        "within_5m": 0.25,
        "within_1h": 0.5,
        "never_touched": 0.5,
    }
    # From assignment: Ada L1 2 min; Ada L2 never; Bob L2 24 min (T+1h6m -> T+1h30m).
    assert body["total"]["after_assignment"] == {
        "assignments": 3,
        "touched": 2,
        "median_seconds": (2 * MINUTE + 24 * MINUTE) / 2,
        "p90_seconds": 2 * MINUTE + 0.9 * (24 * MINUTE - 2 * MINUTE),
        "within_5m": 0.3333,
        "within_1h": 0.6667,
        "never_touched": 0.3333,
    }
    owners = {o["name"]: o["after_assignment"] for o in body["owners"]}
    assert (
        owners["Ada"]["assignments"],
        owners["Ada"]["median_seconds"],
        owners["Ada"]["never_touched"],
    ) == (
        2,
        2 * MINUTE,
        0.5,
    )
    assert (owners["Bob"]["assignments"], owners["Bob"]["p90_seconds"], owners["Bob"]["within_1h"]) == (
        1,
        24 * MINUTE,
        1.0,
    )
    by_source = await report(client, population, "speed-to-lead", group_by="source")
    groups = {g["key"]: g for g in by_source["groups"]}
    assert groups["ads"]["after_creation"]["touched"] == 2
    assert groups["ads"]["after_assignment"]["assignments"] == 3
    assert groups["webinar"]["after_creation"]["never_touched"] == 1.0


async def test_speed_to_lead_percentiles_from_sketches(
    client: httpx.AsyncClient, population: Population
) -> None:
    exact = await report(client, population, "speed-to-lead", exact="true")
    body = await report(client, population, "speed-to-lead")
    assert (body["approximate"], body["relative_error"]) == (True, 0.01)
    approximate, sorted_ = body["total"]["after_creation"], exact["total"]["after_creation"]
    for name in ("median_seconds", "p90_seconds"):
        assert approximate[name] == pytest.approx(sorted_[name], rel=0.01)
        assert approximate[name] != sorted_[name]  # from the sketch, not the rows
    counts = ("leads", "touched", "within_5m", "within_1h", "never_touched")
    assert {k: approximate[k] for k in counts} == {k: sorted_[k] for k in counts}


async def test_sla(client: httpx.AsyncClient, population: Population) -> None:
    body = await report(client, population, "sla")
    assert body["total"] == {
        "covered": 3,
        "met": 1,
        "breached": 2,
        "running": 0,
        "stopped": 0,
        "compliance": 0.3333,
    }
    assert [(p["name"], p["covered"], p["compliance"]) for p in body["policies"]] == [
        ("Sales-ready leads", 3, 0.3333)
    ] or [(p["covered"], p["compliance"]) for p in body["policies"]] == [(3, 0.3333)]
    assert [
        (o["name"], o["covered"], o["met"], o["breached"], o["compliance"]) for o in body["owners"]
    ] == sorted(
        [("Ada", 2, 1, 1, 0.5), ("Bob", 1, 0, 1, 0.0)],
        key=lambda row: population.ada if row[0] == "Ada" else population.bob,
    )


async def test_stage_velocity(client: httpx.AsyncClient, population: Population) -> None:
    # The sorted percentiles (rollups' sketches are compared with them in test_report_rollups).
    body = await report(client, population, "stage-velocity", exact="true")
    stages = {
        s["stage"]: (s["stays"], s["median_seconds"], s["p90_seconds"]) for s in body["total"]["stages"]
    }
    # Stays in new: L2 0 s (promoted on creation), L1 60 s, L3 1 h, L4 1 d.
    assert stages["new"] == pytest.approx((4, (60 + HOUR) / 2, HOUR + 0.7 * (DAY - HOUR)))
    # Stays in sql: L1 9 min (to accepted), L2 1 h (to nurturing).
    assert stages["sql"] == pytest.approx(
        (2, (9 * MINUTE + HOUR) / 2, 9 * MINUTE + 0.9 * (HOUR - 9 * MINUTE))
    )
    assert stages["accepted"] == (1, 2 * DAY - 10 * MINUTE, 2 * DAY - 10 * MINUTE)
    assert stages["mql"] == (0, None, None)
    assert body["total"]["to_customer"] == {"leads": 1, "median_seconds": 2 * DAY, "p90_seconds": 2 * DAY}


async def test_sources(client: httpx.AsyncClient, population: Population) -> None:
    body = await report(client, population, "sources")
    assert body["group_by"] == "source"
    assert [
        {k: g[k] for k in ("key", "leads", "mql", "sql", "customers", "revenue")} for g in body["groups"]
    ] == [
        {"key": "ads", "leads": 2, "mql": 2, "sql": 2, "customers": 1, "revenue": 1000.0},
        {"key": "webinar", "leads": 2, "mql": 1, "sql": 0, "customers": 0, "revenue": 0.0},
    ]
    ads, webinar = body["groups"]
    assert (ads["lead_to_mql"], ads["mql_to_sql"], ads["lead_to_customer"]) == (1.0, 1.0, 0.5)
    assert (webinar["lead_to_mql"], webinar["mql_to_sql"], webinar["lead_to_customer"]) == (0.5, 0.0, 0.0)
    by_campaign = await report(client, population, "sources", group_by="utm_campaign")
    assert [(g["key"], g["leads"]) for g in by_campaign["groups"]] == [("spring", 2), (None, 2)]


async def test_owners(client: httpx.AsyncClient, population: Population) -> None:
    body = await report(client, population, "owners", exact="true")  # the sorted median
    rows = {r["name"]: {k: v for k, v in r.items() if k not in ("owner_id", "name")} for r in body["owners"]}
    assert rows == {
        "Ada": {
            "assigned": 2,
            "touched": 1,
            "open": 0,
            "accepted": 1,
            "rejected": 0,
            "won": 1,
            "sla_met": 1,
            "sla_breached": 1,
            "sla_compliance": 0.5,
            "median_speed_seconds": 2 * MINUTE,
        },
        "Bob": {
            "assigned": 1,
            "touched": 1,
            "open": 0,
            "accepted": 0,
            "rejected": 1,
            "won": 0,
            "sla_met": 0,
            "sla_breached": 1,
            "sla_compliance": 0.0,
            "median_speed_seconds": 24 * MINUTE,
        },
    }
    only_bob = await report(client, population, "owners", owner_id=population.bob)
    assert [r["name"] for r in only_bob["owners"]] == ["Bob"]


async def test_scores(client: httpx.AsyncClient, population: Population) -> None:
    body = await report(client, population, "scores")
    total = body["total"]
    assert (total["leads"], total["scored"]) == (4, 4)
    assert {b["bucket"]: b["leads"] for b in total["buckets"] if b["leads"]} == {
        "30-39": 1,
        "40-49": 1,
        "80-89": 2,
    }
    assert len(total["buckets"]) == 10
    assert total["buckets"][-1]["bucket"] == "90-100"
    assert {b["band"]: (b["leads"], b["share"], b["customers"], b["conversion"]) for b in total["bands"]} == {
        "sql": (2, 0.5, 1, 0.5),
        "mql": (1, 0.25, 0, 0.0),
        "not_ready": (1, 0.25, 0, 0.0),
    }


async def test_activation(client: httpx.AsyncClient, population: Population) -> None:
    body = await report(client, population, "activation")
    # L1 (demo 1 min in), L2 (the call; its demo came with it), L3 (webinar) within 7 days; L4's
    # login on day 10 within 30.
    assert body["total"] == {
        "leads": 4,
        "activated_7d": 3,
        "rate_7d": 0.75,
        "activated_30d": 4,
        "rate_30d": 1.0,
    }
    assert {g["key"]: (g["activated_7d"], g["activated_30d"]) for g in body["groups"]} == {
        "ads": (2, 2),
        "webinar": (1, 2),
    }


async def test_csv(client: httpx.AsyncClient, population: Population) -> None:
    response = await client.get(
        "/v1/reports/funnel",
        params={**RANGE, "group_by": "source"},
        headers={**population.tenant.read, "Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["section"], r["key"], r["leads"]) for r in rows] == [
        ("total", "", "4"),
        ("groups", "ads", "2"),
        ("groups", "webinar", "2"),
    ]
    assert (rows[0]["stages.mql.reached"], rows[0]["rates.sql_acceptance"]) == ("3", "0.5")
    owners = await client.get(
        "/v1/reports/owners", params=RANGE, headers={**population.tenant.read, "Accept": "text/csv"}
    )
    names = [r["name"] for r in csv.DictReader(io.StringIO(owners.text))]
    assert sorted(names) == ["Ada", "Bob"]


REPORTS = ["funnel", "speed-to-lead", "sla", "stage-velocity", "sources", "owners", "scores", "activation"]


@pytest.mark.parametrize("name", REPORTS)
async def test_bad_report_queries(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, name: str
) -> None:
    url = f"/v1/reports/{name}"
    other_owner = (await add_owner(client, other_tenant, "Eve"))["id"]
    cases: list[tuple[dict[str, str], str]] = [
        ({"from": "2026-03-10T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "from"),
        ({"from": "2026-03-01T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-45"}, "to"),
        ({"from": "2000-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "from"),
        ({"group_by": "planet"}, "group_by"),
        ({"stage": "mql"}, "stage"),
        ({"source": "x" * 101}, "source"),
        ({"owner_id": other_owner}, "owner_id"),
    ]
    for params, field in cases:
        response = await client.get(url, params=params, headers=tenant.read)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]], (params, response.json())
    assert (await client.get(url)).status_code == 401


async def test_owners_report_is_not_split(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.get("/v1/reports/owners", params={"group_by": "day"}, headers=tenant.read)
    assert response.status_code == 422


async def test_defaults_are_the_last_30_days(client: httpx.AsyncClient, tenant: Tenant, clock: Clock) -> None:
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    with clock.freeze(now):
        await new_lead(client, tenant, "recent@acme.com")
        response = await client.get("/v1/reports/funnel", headers=tenant.read)
    body = response.json()
    assert (body["from"], body["to"]) == ("2026-05-02T12:00:00Z", "2026-06-01T12:00:00Z")
    # `to` is exclusive: the lead created at `now` is in the next range.
    assert body["total"]["leads"] == 0


async def test_dates_without_a_time_are_utc_midnights(
    client: httpx.AsyncClient, population: Population
) -> None:
    body = await report(client, population, "funnel", **{"from": "2026-03-02", "to": "2026-03-03"})
    assert (body["from"], body["to"]) == ("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")
    assert body["total"]["leads"] == 2  # L1 and L2; L3 came the next day
