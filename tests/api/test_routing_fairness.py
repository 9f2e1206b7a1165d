"""GET /v1/reports/routing on SQLite and PostgreSQL: routing runs through the real app (frozen
clock, arrival times from a fixed seed), checked against expectations worked out in the test from
what the test itself set up (who could take each lead when it came, and the weights).

- A weighted rotation (3:2:1) whose lightest owner is away for the middle of the range is fair:
  each owner's expected count is the sum of its share of each pick it was a candidate for, and
  the chi-square p-value is above 0.05.
- A round robin whose third owner is away on every even turn is skewed (turn mod candidates keeps
  landing on the first owner): p below 0.01.
- Capacity hits and out-of-office skips come from every audit that tried the rule (its picks, a
  later rule's picks after it found nobody, and the leads nobody got); reassignments and median
  time to first touch per rule and owner.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import httpx
from fastapi import FastAPI
from scipy.stats import chi2

from leadapi.reports.fairness.repository import BATCH
from tests.conftest import Clock, Tenant
from tests.factories import add_owner, add_rule, new_lead, post_event, route_on, services

T = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
RANGE = {"from": "2026-04-06T00:00:00Z", "to": "2026-04-13T00:00:00Z"}
SEED = 23


async def routing_report(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/reports/routing", params={**RANGE, **params}, headers=tenant.read)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def by_owner(rule: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["owner_id"]: row for row in rule["owners"]}


def reference_p_value(observed: dict[str, int], expected: dict[str, float]) -> tuple[float, float]:
    statistic = sum((observed.get(o, 0) - e) ** 2 / e for o, e in expected.items() if e > 0)
    return statistic, float(chi2.sf(statistic, len(expected) - 1))


async def test_a_weighted_rotation_with_an_owner_away_part_of_the_range_is_fair(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    rng = random.Random(SEED)
    leads = 120
    # Arrivals: a random gap of 1 to 9 minutes each; Cy is away from the 40th lead's arrival to
    # just before the 80th's.
    arrivals, at = [], T
    for _ in range(leads):
        at += timedelta(minutes=rng.randint(1, 9))
        arrivals.append(at)
    away_from, away_until = arrivals[40], arrivals[80] - timedelta(seconds=30)
    with clock.freeze(T):
        ada = (await add_owner(client, tenant, "Ada", weight=3))["id"]
        bob = (await add_owner(client, tenant, "Bob", weight=2))["id"]
        cy = (
            await add_owner(
                client,
                tenant,
                "Cy",
                weight=1,
                out_of_office={"from": away_from.isoformat(), "until": away_until.isoformat()},
            )
        )["id"]
        outsider = (await add_owner(client, tenant, "Out"))["id"]
        pool = {"owner_ids": [ada, bob, cy]}
        rule = await add_rule(client, tenant, name="team", position=1, strategy="weighted", pool=pool)
        await route_on(client, tenant, "created")
    weights = {ada: 3, bob: 2, cy: 1}
    expected = dict.fromkeys(weights, 0.0)
    observed: dict[str, int] = {}
    for index, arrival in enumerate(arrivals):
        clock.frozen, clock.offset = arrival, timedelta()
        lead = await new_lead(client, tenant, f"fair{index}@prospect.io")
        observed[lead["owner_id"]] = observed.get(lead["owner_id"], 0) + 1
        candidates = [ada, bob] if away_from <= arrival < away_until else [ada, bob, cy]
        for owner in candidates:
            expected[owner] += weights[owner] / sum(weights[c] for c in candidates)
    clock.frozen = None
    # Cy was due less than a sixth: 80 of the 120 leads came while Cy was in.
    assert abs(expected[cy] - 80 / 6) < 1e-9
    body = await routing_report(client, tenant)
    [figures] = body["rules"]
    assert (figures["rule_id"], figures["rule_name"], figures["strategy"]) == (rule["id"], "team", "weighted")
    assert (figures["assignments"], figures["rotating_assignments"]) == (leads, leads)
    rows = by_owner(figures)
    assert set(rows) == {ada, bob, cy}  # outside the pool: not in the rule's figures
    for owner in weights:
        assert rows[owner]["assignments"] == observed[owner]
        assert abs(rows[owner]["expected"] - expected[owner]) < 1e-6
        assert abs(rows[owner]["deviation"] - (observed[owner] - expected[owner])) < 1e-6
        assert abs(rows[owner]["expected_share"] - expected[owner] / leads) < 1e-6
        assert rows[owner]["actual_share"] == round(observed[owner] / leads, 6)
    # Every pick while Cy was away skipped Cy as out of office.
    assert rows[cy]["out_of_office_skips"] == leads - 80
    assert rows[ada]["out_of_office_skips"] == rows[ada]["capacity_hits"] == 0
    statistic, p_value = reference_p_value(observed, expected)
    assert abs(figures["chi_square"] - statistic) < 1e-5
    assert figures["degrees_of_freedom"] == 2
    assert abs(figures["p_value"] - p_value) < 1e-9
    assert figures["p_value"] > 0.05
    # Read in batches of 7 (keyset on time, then id), the figures are the same.
    fairness = services(app).fairness
    fairness.batch = 7
    try:
        assert await routing_report(client, tenant) == body
    finally:
        fairness.batch = BATCH
    owners = {row["owner_id"]: row for row in body["owners"]}
    assert outsider not in owners
    assert owners[cy]["out_of_office_skips"] == leads - 80
    assert body["total"] == {"assignments": leads, "manual_assignments": 0, "unassigned": 0}


async def test_a_round_robin_skewed_by_availability_is_flagged(
    client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    """Cy is away on every even turn: those turns choose between Ada and Bob by an even turn
    number, so Ada takes them all, while the odd turns share three ways."""
    leads = 60
    with clock.freeze(T):
        ada, bob, cy = [(await add_owner(client, tenant, name))["id"] for name in ("Ada", "Bob", "Cy")]
        await add_rule(client, tenant, name="everyone", position=1, strategy="round_robin")
        await route_on(client, tenant, "created")
        observed: dict[str, int] = {}
        expected = dict.fromkeys((ada, bob, cy), Fraction(0))
        for turn in range(leads):
            clock.advance(minutes=1)
            away = {"until": "2099-01-01T00:00:00Z"} if turn % 2 == 0 else None
            patched = await client.patch(
                f"/v1/owners/{cy}", json={"out_of_office": away}, headers=tenant.write
            )
            assert patched.status_code == 200, patched.text
            lead = await new_lead(client, tenant, f"skew{turn}@prospect.io")
            observed[lead["owner_id"]] = observed.get(lead["owner_id"], 0) + 1
            candidates = [ada, bob] if away else [ada, bob, cy]
            for owner in candidates:
                expected[owner] += Fraction(1, len(candidates))
    assert observed == {ada: 40, bob: 10, cy: 10}
    assert expected == {ada: 25.0, bob: 25.0, cy: 10.0}
    [figures] = (await routing_report(client, tenant))["rules"]
    rows = by_owner(figures)
    assert {o: (r["assignments"], r["expected"], r["deviation"]) for o, r in rows.items()} == {
        ada: (40, 25.0, 15.0),
        bob: (10, 25.0, -15.0),
        cy: (10, 10.0, 0.0),
    }
    assert rows[ada]["relative_deviation"] == 0.6
    assert rows[cy]["out_of_office_skips"] == leads // 2
    statistic, p_value = reference_p_value(observed, {o: float(e) for o, e in expected.items()})
    assert statistic == 18.0
    assert figures["chi_square"] == 18.0
    assert abs(figures["p_value"] - p_value) < 1e-12
    assert figures["p_value"] < 0.01


async def test_capacity_hits_reassignments_and_first_touch(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    with clock.freeze(T):
        ada, bob = [(await add_owner(client, tenant, n, capacity=1))["id"] for n in ("Ada", "Bob")]
        zoe = (await add_owner(client, tenant, "Zoe", tags=["overflow"], capacity=1))["id"]
        team = await add_rule(
            client, tenant, name="team", position=1, strategy="round_robin", pool={"owner_ids": [ada, bob]}
        )
        overflow = await add_rule(
            client, tenant, name="overflow", position=2, strategy="least_loaded", pool={"tags": ["overflow"]}
        )
        await route_on(client, tenant, "created")
        picks = []
        for index, touch_after in enumerate((3, None, 7, None)):
            clock.advance(minutes=10)
            picks.append(await new_lead(client, tenant, f"cap{index}@prospect.io"))
            if touch_after is not None:  # Ada's and Zoe's first touches, minutes after the pick
                clock.advance(minutes=touch_after)
                await post_event(client, tenant, picks[-1]["id"], "call")
        assert [lead["owner_id"] for lead in picks] == [ada, bob, zoe, None]
        # Room for Ada again, and Bob's lead routed anew: the team rule takes it from him.
        patched = await client.patch(f"/v1/owners/{ada}", json={"capacity": 5}, headers=tenant.write)
        assert patched.status_code == 200, patched.text
        clock.advance(minutes=1)
        rerouted = await client.post(
            f"/v1/leads/{picks[1]['id']}/route", json={"force": True}, headers=tenant.write
        )
        assert rerouted.status_code == 200, rerouted.text
        assert rerouted.json()["owner_id"] == ada
        manual = await client.patch(
            f"/v1/leads/{picks[3]['id']}", json={"owner_id": zoe}, headers=tenant.write
        )
        assert manual.status_code == 200, manual.text
    body = await routing_report(client, tenant)
    fairness = services(app).fairness
    fairness.batch = 1  # every row its own batch: the same figures
    try:
        assert await routing_report(client, tenant) == body
    finally:
        fairness.batch = BATCH
    rules = {rule["rule_id"]: rule for rule in body["rules"]}
    assert list(rules) == [team["id"], overflow["id"]]
    team_rows, overflow_rows = by_owner(rules[team["id"]]), by_owner(rules[overflow["id"]])
    # Ada: skipped when Bob was picked, when the team found nobody for lead 3 and lead 4;
    # Bob: lead 3 and lead 4 (the re-route excluded him: not a capacity hit).
    assert {o: r["capacity_hits"] for o, r in team_rows.items()} == {ada: 3, bob: 2}
    assert {o: r["assignments"] for o, r in team_rows.items()} == {ada: 2, bob: 1}
    assert team_rows[ada]["reassignments"] == 1
    assert rules[team["id"]]["found_nobody"] == 2
    assert (rules[overflow["id"]]["found_nobody"], overflow_rows[zoe]["capacity_hits"]) == (1, 1)
    # Least loaded aims at load, not shares: no expectation, no test.
    assert overflow_rows[zoe]["expected"] is None
    assert rules[overflow["id"]]["p_value"] is None
    assert (team_rows[ada]["touched"], team_rows[ada]["median_first_touch_seconds"]) == (1, 180.0)
    assert overflow_rows[zoe]["median_first_touch_seconds"] == 420.0
    owners = {row["owner_id"]: row for row in body["owners"]}
    assert (owners[bob]["reassigned_away"], owners[zoe]["manual_assignments"]) == (1, 1)
    assert body["total"] == {"assignments": 4, "manual_assignments": 1, "unassigned": 1}
    # One rule only.
    only = await routing_report(client, tenant, rule_id=overflow["id"])
    assert [rule["rule_id"] for rule in only["rules"]] == [overflow["id"]]
    assert only["rule_id"] == overflow["id"]
    # CSV: a line per rule and owner, then per owner.
    response = await client.get(
        "/v1/reports/routing", params=RANGE, headers={**tenant.read, "Accept": "text/csv"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert [(line["section"], line["rule_id"], line["owner_id"]) for line in lines] == [
        ("rules", team["id"], ada),
        ("rules", team["id"], bob),
        ("rules", overflow["id"], zoe),
        ("owners", "", ada),
        ("owners", "", bob),
        ("owners", "", zoe),
    ]
    assert (lines[0]["rule_name"], lines[0]["rule_assignments"], lines[0]["capacity_hits"]) == (
        "team",
        "3",
        "3",
    )


async def test_bad_routing_report_queries(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await add_rule(client, other_tenant, name="theirs", position=1, strategy="round_robin")
    cases: list[tuple[dict[str, str], str]] = [
        ({"from": "2026-03-10T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-45"}, "to"),
        ({"from": "2000-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "from"),
        ({"rule_id": "x" * 33}, "rule_id"),
        ({"rule_id": theirs["id"]}, "rule_id"),
        ({"group_by": "day"}, "group_by"),
    ]
    for params, field in cases:
        response = await client.get("/v1/reports/routing", params=params, headers=tenant.read)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]], (params, response.json())
    assert (await client.get("/v1/reports/routing")).status_code == 401
    empty = await client.get("/v1/reports/routing", headers=tenant.read)
    assert empty.status_code == 200, empty.text
    assert empty.json()["rules"] == []
