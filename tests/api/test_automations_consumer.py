"""The automations' consumer of the event log: each trigger kind, the limits, the loop guards, exactly
once per (automation, event) also when run again or by two workers at once, and its lag in /metrics.

The consumer is driven here directly (its run-once), with the session's injectable clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from leadapi.automations.models import AutomationCursor, AutomationRun
from leadapi.events.models import EventSequence
from leadapi.webhooks.models import WebhookDelivery
from tests.conftest import Clock, Tenant, make_tenant
from tests.factories import (
    TAGS_MODEL,
    activate_model,
    add_automation,
    add_owner,
    consumer,
    events_of,
    fan_out,
    get_lead,
    new_lead,
    post_event,
    run_automations,
    runs_of,
    services,
    subscribe,
)
from tests.plans import statements_sent

TAG_HOT = {"type": "add_tags", "tags": ["hot"]}
NOTIFY = {"type": "notify", "message": "{{lead.email}}"}


def fired(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [run for run in runs if run["status"] == "fired"]


# ---- triggers ------------------------------------------------------------------------------------


async def test_score_crossed_up_and_down(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    up = await add_automation(
        client, tenant, trigger={"score_crossed": {"threshold": 40, "direction": "up"}}, actions=[NOTIFY]
    )
    behaviour = await add_automation(
        client,
        tenant,
        trigger={"score_crossed": {"field": "behavior_score", "threshold": 60}},
        actions=[TAG_HOT],
    )
    down = await add_automation(
        client, tenant, trigger={"score_crossed": {"threshold": 40, "direction": "down"}}, actions=[NOTIFY]
    )
    lead = await new_lead(client, tenant, "cross@acme.com")
    await post_event(client, tenant, lead["id"], "webinar_attended")  # 30: below 40
    await run_automations(app, tenant)
    assert await runs_of(client, tenant, up["id"]) == []
    await post_event(client, tenant, lead["id"], "demo_request")  # 80: crosses 40 and 60
    await post_event(client, tenant, lead["id"], "content_download")  # 90: above already
    await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, up["id"])
    scored = [e for e in await events_of(app, tenant, "lead.scored") if e["id"] == run["event_id"]]
    assert scored[0]["data"]["old"] < 40 <= scored[0]["data"]["new"]
    assert scored[0]["data"]["old_behavior_score"] == 30
    [run] = await runs_of(client, tenant, behaviour["id"])
    assert run["status"] == "fired"
    assert "hot" in (await get_lead(client, tenant, lead["id"]))["tags"]
    assert await runs_of(client, tenant, down["id"]) == []


async def test_intent_spike_by_points_fires_once_per_spike(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    automation = await add_automation(
        client, tenant, trigger={"intent_spike": {"points": 25, "within_hours": 48}}, actions=[TAG_HOT]
    )
    lead = await new_lead(client, tenant, "spike@acme.com")
    await post_event(client, tenant, lead["id"], "email_click")  # 10 points
    await post_event(client, tenant, lead["id"], "email_click")  # 20
    await run_automations(app, tenant)
    assert await runs_of(client, tenant, automation["id"]) == []
    await post_event(client, tenant, lead["id"], "email_click")  # 30: gained 30 >= 25
    await post_event(client, tenant, lead["id"], "content_download")  # 40: the same spike
    await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, automation["id"])
    assert run["event_type"] == "lead.scored"
    assert (await get_lead(client, tenant, lead["id"]))["tags"] == ["hot"]


async def test_intent_spike_by_events_counts_the_window(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    automation = await add_automation(
        client,
        tenant,
        trigger={"intent_spike": {"events": 3, "types": ["pricing_*"], "within_hours": 24}},
        actions=[NOTIFY],
    )
    lead = await new_lead(client, tenant, "burst@acme.com")
    now = clock()
    old = (now.replace(microsecond=0) - timedelta(hours=30)).isoformat()
    await post_event(client, tenant, lead["id"], "pricing_page_view", occurred_at=old)  # outside
    await post_event(client, tenant, lead["id"], "pricing_page_view")
    await post_event(client, tenant, lead["id"], "page_view")  # not counted
    await post_event(client, tenant, lead["id"], "pricing_calculator")
    await run_automations(app, tenant)
    assert await runs_of(client, tenant, automation["id"]) == []
    third = await post_event(client, tenant, lead["id"], "pricing_page_view")
    await post_event(client, tenant, lead["id"], "pricing_page_view")  # a fourth: same burst
    await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, automation["id"])
    assert run["event_id"] == third


# ---- limits --------------------------------------------------------------------------------------


async def test_once_per_lead(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    automation = await add_automation(
        client, tenant, trigger={"event": "ping"}, actions=[NOTIFY], limits={"once_per_lead": True}
    )
    ada = await new_lead(client, tenant, "ada@acme.com")
    bob = await new_lead(client, tenant, "bob@acme.com")
    for lead in (ada, ada, bob, ada):
        await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    runs = await runs_of(client, tenant, automation["id"])
    assert [(r["lead_id"], r["status"], r["reason"]) for r in runs] == [
        (ada["id"], "fired", None),
        (ada["id"], "skipped", "once_per_lead"),
        (bob["id"], "fired", None),
        (ada["id"], "skipped", "once_per_lead"),
    ]
    assert len(await events_of(app, tenant, "automation.notified")) == 2


async def test_cooldown(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock) -> None:
    automation = await add_automation(
        client, tenant, trigger={"event": "ping"}, actions=[NOTIFY], limits={"cooldown_minutes": 30}
    )
    lead = await new_lead(client, tenant, "cool@acme.com")
    await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    with clock.travel(minutes=10):
        await post_event(client, tenant, lead["id"], "ping")
        await run_automations(app, tenant)
    with clock.travel(minutes=31):
        await post_event(client, tenant, lead["id"], "ping")
        await run_automations(app, tenant)
    runs = await runs_of(client, tenant, automation["id"])
    assert [(r["status"], r["reason"]) for r in runs] == [
        ("fired", None),
        ("skipped", "cooldown"),
        ("fired", None),
    ]
    assert "cooling down until" in runs[1]["detail"]


async def test_max_runs_per_day(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    automation = await add_automation(
        client, tenant, trigger={"event": "ping"}, actions=[NOTIFY], limits={"max_runs_per_day": 2}
    )
    leads = [await new_lead(client, tenant, f"cap{i}@acme.com") for i in range(3)]
    for lead in leads:
        await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    with clock.travel(hours=25):
        await post_event(client, tenant, leads[2]["id"], "ping")
        await run_automations(app, tenant)
    runs = await runs_of(client, tenant, automation["id"])
    assert [r["reason"] for r in runs] == [None, None, "max_runs_per_day", None]


# ---- loops ---------------------------------------------------------------------------------------


async def test_two_automations_that_tag_each_other_end(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ping = await add_automation(
        client,
        tenant,
        name="ping",
        trigger={"event": "lead.updated"},
        when={"field": "tags", "op": "contains", "value": "pong"},
        actions=[{"type": "add_tags", "tags": ["ping"]}, {"type": "remove_tags", "tags": ["pong"]}],
    )
    pong = await add_automation(
        client,
        tenant,
        name="pong",
        trigger={"event": "lead.updated"},
        when={"field": "tags", "op": "contains", "value": "ping"},
        actions=[{"type": "add_tags", "tags": ["pong"]}, {"type": "remove_tags", "tags": ["ping"]}],
    )
    lead = await new_lead(client, tenant, "loop@acme.com")
    patched = await client.patch(f"/v1/leads/{lead['id']}", json={"tags": ["pong"]}, headers=tenant.write)
    assert patched.status_code == 200
    await run_automations(app, tenant)  # fails if the chain never ends
    runs = await runs_of(client, tenant, ping["id"]) + await runs_of(client, tenant, pong["id"])
    assert max(r["depth"] for r in fired(runs)) == 5
    stopped = [r for r in runs if r["reason"] == "depth"]
    assert stopped
    assert {r["depth"] for r in stopped} == {6}
    assert all(r["actions"] == [] for r in stopped)
    assert "at most 5" in stopped[0]["detail"]
    # Each run names the one whose event set it off.
    by_id = {r["id"]: r for r in runs}
    for run in runs:
        if run["depth"]:
            assert by_id[run["caused_by"]]["depth"] == run["depth"] - 1
    # Nothing is left for a later round.
    await run_automations(app, tenant)
    assert len(await runs_of(client, tenant, ping["id"]) + await runs_of(client, tenant, pong["id"])) == len(
        runs
    )


async def test_a_chain_stops_at_the_depth_setting(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    turn = {"field": "attributes.turn", "op": "eq"}
    ping = await add_automation(
        client,
        tenant,
        trigger={"event": "lead.updated"},
        when={**turn, "value": "pong"},
        actions=[{"type": "set_fields", "fields": {"attributes.turn": "ping"}}],
    )
    pong = await add_automation(
        client,
        tenant,
        trigger={"event": "lead.updated"},
        when={**turn, "value": "ping"},
        actions=[{"type": "set_fields", "fields": {"attributes.turn": "pong"}}],
    )
    lead = await new_lead(client, tenant, "turns@acme.com")
    await client.patch(f"/v1/leads/{lead['id']}", json={"attributes": {"turn": "pong"}}, headers=tenant.write)
    await run_automations(app, tenant)
    runs = sorted(
        await runs_of(client, tenant, ping["id"]) + await runs_of(client, tenant, pong["id"]),
        key=lambda r: (r["depth"], r["status"]),
    )
    assert [r["depth"] for r in fired(runs)] == [0, 1, 2, 3, 4, 5]
    assert [(r["depth"], r["reason"]) for r in runs if r["status"] == "skipped"] == [
        *((depth, "condition") for depth in range(6)),
        (6, "depth"),
        (6, "depth"),
    ]
    # The last run's change stands: the chain stopped, the lead is as its last action left it.
    assert (await get_lead(client, tenant, lead["id"]))["attributes"] == {"turn": "pong"}


async def test_an_automation_retriggering_itself_within_its_cooldown_stops(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    automation = await add_automation(
        client,
        tenant,
        trigger={"event": "lead.updated"},
        actions=[{"type": "add_tags", "tags": ["seen"]}, {"type": "remove_tags", "tags": ["seen"]}],
        limits={"cooldown_minutes": 60},
    )
    lead = await new_lead(client, tenant, "self@acme.com")
    await client.patch(f"/v1/leads/{lead['id']}", json={"city": "Oslo"}, headers=tenant.write)
    await run_automations(app, tenant)
    runs = await runs_of(client, tenant, automation["id"])
    assert [(r["status"], r["reason"], r["depth"]) for r in runs] == [
        ("fired", None, 0),
        ("skipped", "loop", 1),
        ("skipped", "loop", 1),
    ]
    assert runs[1]["caused_by"] == runs[0]["id"]


async def test_a_chain_carries_its_cause(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> None:
    first = await add_automation(client, tenant, trigger={"event": "demo_request"}, actions=[NOTIFY])
    second = await add_automation(client, tenant, trigger={"event": "automation.notified"}, actions=[TAG_HOT])
    lead = await new_lead(client, tenant, "chain@acme.com")
    await post_event(client, tenant, lead["id"], "demo_request")
    await run_automations(app, tenant)
    [one] = await runs_of(client, tenant, first["id"])
    [two] = await runs_of(client, tenant, second["id"])
    assert (two["depth"], two["caused_by"], two["status"]) == (1, one["id"], "fired")


# ---- exactly once --------------------------------------------------------------------------------


async def test_running_again_applies_nothing_twice(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    automation = await add_automation(
        client, tenant, trigger={"event": "ping"}, actions=[{"type": "add_tags", "tags": ["n"]}, NOTIFY]
    )
    lead = await new_lead(client, tenant, "once@acme.com")
    for _ in range(3):
        await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    await run_automations(app, tenant)  # nothing new
    assert len(await runs_of(client, tenant, automation["id"])) == 3
    # The position lost (as if its move had not committed): the runs already recorded stop a
    # second application of the same (automation, event).
    async with app.state.db.transaction() as conn:
        await conn.execute(
            update(AutomationCursor)
            .where(AutomationCursor.workspace_id == tenant.workspace_id)
            .values(position=0)
        )
    await run_automations(app, tenant)
    runs = await runs_of(client, tenant, automation["id"])
    assert len(runs) == 3
    assert len(await events_of(app, tenant, "automation.notified")) == 3
    # And the database refuses a second run of one (automation, event) outright.
    with pytest.raises(IntegrityError):
        async with app.state.db.transaction() as conn:
            await conn.execute(
                insert(AutomationRun).values(
                    {
                        **{k: v for k, v in runs[0].items() if k in AutomationRun.__table__.c},
                        "id": "arun_again",
                        "workspace_id": tenant.workspace_id,
                        "at": datetime.fromisoformat(runs[0]["at"]),
                    }
                )
            )


async def test_it_takes_the_events_of_its_lifetime(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "before@acme.com")
    await post_event(client, tenant, lead["id"], "ping")  # before the automation
    await app.state.sequencer.drain()
    automation = await add_automation(client, tenant, trigger={"event": "ping"}, actions=[NOTIFY])
    await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    assert len(await runs_of(client, tenant, automation["id"])) == 1
    # Switched off, it misses events; back on, it does not catch up on them.
    await client.patch(f"/v1/automations/{automation['id']}", json={"active": False}, headers=tenant.admin)
    await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    await client.patch(f"/v1/automations/{automation['id']}", json={"active": True}, headers=tenant.admin)
    await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    assert len(await runs_of(client, tenant, automation["id"])) == 2


async def test_two_consumers_at_once_run_each_event_once(
    app: FastAPI, client: httpx.AsyncClient, postgres_only: None
) -> None:
    tenants = [await make_tenant(app, f"busy{i}") for i in range(3)]
    expected = 0
    for n, tenant in enumerate(tenants):
        actions = [{"type": "add_tags", "tags": ["x"]}, NOTIFY]
        await add_automation(client, tenant, trigger={"event": "ping"}, actions=actions)
        for i in range(15):
            lead = await new_lead(client, tenant, f"w{n}-{i}@acme.com")
            await post_event(client, tenant, lead["id"], "ping")
            expected += 1
    await app.state.sequencer.drain()

    async def worker() -> None:
        flow_consumer = consumer(app)
        flow_consumer.batch = 4  # many small batches: the workers contend for every position
        while True:
            went = [await flow_consumer.run_once(t.workspace_id) for t in tenants]
            if not any(went):
                return

    await asyncio.gather(worker(), worker())
    notified = [e for t in tenants for e in await events_of(app, t, "automation.notified")]
    assert len(notified) == expected
    assert len({e["data"]["event_id"] for e in notified}) == expected
    for tenant in tenants:
        automation = (await client.get("/v1/automations", headers=tenant.read)).json()["data"][0]
        runs = await runs_of(client, tenant, automation["id"])
        assert len(runs) == 15
        assert len({r["event_id"] for r in runs}) == 15


# ---- lag -----------------------------------------------------------------------------------------


async def _gauges(client: httpx.AsyncClient) -> dict[str, float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith("leadapi_automation_lag")
    }


async def test_lag_is_in_metrics(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    await add_automation(client, tenant, trigger={"event": "ping"}, actions=[NOTIFY])
    lead = await new_lead(client, tenant, "lag@acme.com")
    await run_automations(app, tenant)
    before = await _gauges(client)
    for _ in range(3):
        await post_event(client, tenant, lead["id"], "ping")
    await app.state.sequencer.drain()
    with clock.travel(seconds=120):
        behind = await _gauges(client)
        assert behind["leadapi_automation_lag_events"] == before["leadapi_automation_lag_events"] + 3
        assert behind["leadapi_automation_lag_seconds"] >= 120
        await consumer(app).run_once(tenant.workspace_id)
        after = await _gauges(client)
    assert after["leadapi_automation_lag_events"] == before["leadapi_automation_lag_events"]


async def test_a_batch_cut_short_leaves_nothing_and_runs_once_later(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, database_url: str, postgres_only: None
) -> None:
    """The process dies mid-batch (here: its task is cancelled while it waits for a lead another
    transaction holds; the batch locks its leads together, before its first action, so the
    actions half done are the kill -9 test's, tests/e2e/test_automation_crash.py): nothing of
    the batch stays, and the next round applies every run once."""
    automation = await add_automation(client, tenant, trigger={"event": "ping"}, actions=[TAG_HOT, NOTIFY])
    leads = [await new_lead(client, tenant, f"cut{i}@acme.com") for i in range(10)]
    for lead in leads:
        await post_event(client, tenant, lead["id"], "ping")
    await app.state.sequencer.drain()
    holder = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT 1 FROM leads WHERE id = $1 FOR UPDATE", leads[5]["id"])
        cut = asyncio.create_task(consumer(app).run_once(tenant.workspace_id))
        for _ in range(200):  # until it waits on the held lead
            waiting = await holder.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid' "
                "AND pid <> pg_backend_pid()"
            )
            if waiting:
                break
            await asyncio.sleep(0.05)
        assert waiting
        cut.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cut
        await transaction.rollback()
    finally:
        await holder.close()
    assert await runs_of(client, tenant, automation["id"]) == []
    assert await events_of(app, tenant, "automation.notified") == []
    assert [(await get_lead(client, tenant, lead["id"]))["tags"] for lead in leads] == [[]] * len(leads)
    await run_automations(app, tenant)
    runs = await runs_of(client, tenant, automation["id"])
    assert sorted(r["lead_id"] for r in runs) == sorted(lead["id"] for lead in leads)
    assert len(await events_of(app, tenant, "automation.notified")) == len(leads)
    assert [(await get_lead(client, tenant, lead["id"]))["tags"] for lead in leads] == [["hot"]] * len(leads)


# ---- what a batch reads and writes ----------------------------------------------------------------


async def test_it_reads_only_the_types_its_triggers_take_and_moves_past_the_rest(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    automation = await add_automation(client, tenant, trigger={"event": "ping"}, actions=[NOTIFY])
    lead = await new_lead(client, tenant, "types@acme.com")
    await run_automations(app, tenant)
    for name in ("pong", "ping", "pong", "pong", "ping", "pong"):
        await post_event(client, tenant, lead["id"], name)
    await app.state.sequencer.drain()
    flow = services(app).automation_flow
    async with app.state.db.transaction() as conn:
        read = await flow.consume(conn, tenant.workspace_id)
    assert read == 2  # the pings: no pong was read
    async with app.state.db.read() as conn:
        ws = tenant.workspace_id
        position = await conn.scalar(
            select(AutomationCursor.position).where(AutomationCursor.workspace_id == ws)
        )
        last = await conn.scalar(select(EventSequence.last_seq).where(EventSequence.workspace_id == ws))
    assert position == last  # past the pongs after the last ping too
    assert [r["event_type"] for r in await runs_of(client, tenant, automation["id"])] == ["ping", "ping"]


async def test_a_later_event_in_the_batch_sees_what_an_earlier_run_did_to_the_lead(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """The batch reads its leads once; a lead an action changed is read again before the next
    event's conditions decide on it."""
    await add_automation(client, tenant, trigger={"event": "ping"}, actions=[TAG_HOT])
    hot = await add_automation(
        client,
        tenant,
        trigger={"event": "pong"},
        when={"field": "tags", "op": "contains", "value": "hot"},
        actions=[NOTIFY, {"type": "add_tags", "tags": ["hot"]}],
    )
    lead = await new_lead(client, tenant, "seen@acme.com")
    await post_event(client, tenant, lead["id"], "pong")  # not hot yet
    await post_event(client, tenant, lead["id"], "ping")
    await post_event(client, tenant, lead["id"], "pong")  # hot now, in the same batch
    await app.state.sequencer.drain()
    assert await consumer(app).run_once(tenant.workspace_id) is False  # one batch took them all
    runs = await runs_of(client, tenant, hot["id"])
    assert [(r["status"], r["reason"]) for r in runs] == [("skipped", "condition"), ("fired", None)]
    notified, tagged = runs[1]["actions"]
    assert notified["status"] == "done"
    assert tagged["status"] == "unchanged"
    notices = await events_of(app, tenant, "automation.notified")
    assert [(n["id"], n["caused_by"]) for n in notices] == [(notified["changes"]["event_id"], runs[1]["id"])]


# ---- tag changes kept by the batch ---------------------------------------------------------------


async def test_a_batchs_tag_changes_are_rescored_and_written_as_one_change_after_another(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Tag changes that leave the band are kept on the batch's copy of the lead and written when it
    ends (flows/batch_writes.py): each lead comes out rescored, at the version its changes make,
    with each change's `lead.updated` and the rescore's `lead.scored` carrying their runs; one
    UPDATE writes every lead."""
    await activate_model(app, client, tenant, TAGS_MODEL)
    warm = await add_automation(
        client, tenant, trigger={"event": "ping"}, actions=[{"type": "add_tags", "tags": ["warm"]}]
    )
    cool = await add_automation(
        client,
        tenant,
        trigger={"event": "ping"},
        actions=[{"type": "add_tags", "tags": ["cool"]}, {"type": "remove_tags", "tags": ["seed"]}],
    )
    leads = [await new_lead(client, tenant, f"kept{n}@acme.com", tags=["seed"]) for n in range(3)]
    for lead in leads:
        await post_event(client, tenant, lead["id"], "ping")
    await app.state.sequencer.drain()
    with statements_sent(app.state.db.engine.sync_engine) as seen:
        assert await consumer(app).run_once(tenant.workspace_id) is False  # one batch took them all
    assert len([s for s, _ in seen if s.lstrip().upper().startswith("UPDATE LEADS")]) == 1
    runs = {r["lead_id"]: r["id"] for r in await runs_of(client, tenant, warm["id"])}
    cool_runs = {r["lead_id"]: r["id"] for r in await runs_of(client, tenant, cool["id"])}
    updated = await events_of(app, tenant, "lead.updated")
    scored = await events_of(app, tenant, "lead.scored")
    for lead in leads:
        stored = await get_lead(client, tenant, lead["id"])
        assert stored["tags"] == ["warm", "cool"]
        assert (stored["score"], stored["band"]) == (10, "not_ready")
        assert stored["version"] == lead["version"] + 3
        mine = [e for e in updated if e["lead_id"] == lead["id"]]
        assert [(e["data"]["version"], e["caused_by"]) for e in mine] == [
            (lead["version"] + 1, runs[lead["id"]]),
            (lead["version"] + 2, cool_runs[lead["id"]]),
            (lead["version"] + 3, cool_runs[lead["id"]]),
        ]
        assert [e["data"]["changes"]["tags"] for e in mine] == [
            [["seed"], ["seed", "warm"]],
            [["seed", "warm"], ["seed", "warm", "cool"]],
            [["seed", "warm", "cool"], ["warm", "cool"]],
        ]
        [rescored] = [e for e in scored if e["lead_id"] == lead["id"] and e["caused_by"]]
        assert (rescored["data"]["old"], rescored["data"]["new"]) == (0, 10)
        assert rescored["caused_by"] == runs[lead["id"]]


async def test_a_tag_change_that_moves_the_band_does_what_a_patch_of_the_tags_does(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A change the rescore would take to another band goes the general way: the band's events,
    the promotion its pipeline makes, as a PATCH of the same tags gives a twin lead."""
    await activate_model(app, client, tenant, TAGS_MODEL)
    hot = await add_automation(
        client, tenant, trigger={"event": "ping"}, actions=[{"type": "add_tags", "tags": ["warm", "hot"]}]
    )
    lead = await new_lead(client, tenant, "hot@acme.com")
    twin = await new_lead(client, tenant, "twin@acme.com")
    patched = await client.patch(
        f"/v1/leads/{twin['id']}", json={"tags": ["warm", "hot"]}, headers=tenant.write
    )
    assert patched.status_code == 200, patched.text
    await post_event(client, tenant, lead["id"], "ping")
    await run_automations(app, tenant)
    [run] = await runs_of(client, tenant, hot["id"])
    stored, patched_twin = (
        await get_lead(client, tenant, lead["id"]),
        await get_lead(client, tenant, twin["id"]),
    )
    fields = ("tags", "score", "band", "stage", "owner_id", "version")
    assert {f: stored[f] for f in fields} == {f: patched_twin[f] for f in fields}
    assert stored["band"] == "mql"
    moved = await events_of(app, tenant, "lead.band_changed", "lead.stage_changed")
    assert sorted(e["type"] for e in moved if e["lead_id"] == lead["id"]) == sorted(
        e["type"] for e in moved if e["lead_id"] == twin["id"]
    )
    assert {e["caused_by"] for e in moved if e["lead_id"] == lead["id"]} == {run["id"]}


# ---- create_task ---------------------------------------------------------------------------------


async def test_create_task_gives_the_lead_owner_a_task_the_run_caused(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, clock: Clock
) -> None:
    owner = await add_owner(client, tenant, "Tasked")
    automation = await add_automation(
        client,
        tenant,
        trigger={"event": "pricing_page_view"},
        actions=[{"type": "create_task", "task_type": "call", "due_in_minutes": 60, "note": "call back"}],
    )
    owned = await new_lead(client, tenant, "owned-task@acme.com")
    assigned = await client.patch(
        f"/v1/leads/{owned['id']}", json={"owner_id": owner["id"]}, headers=tenant.write
    )
    assert assigned.status_code == 200, assigned.text
    orphan = await new_lead(client, tenant, "orphan-task@acme.com")
    at = (clock() + timedelta(days=1)).replace(second=0, microsecond=0)
    with clock.freeze(at):
        await post_event(client, tenant, owned["id"], "pricing_page_view")
        await post_event(client, tenant, orphan["id"], "pricing_page_view")
        await run_automations(app, tenant)
    runs = {run["lead_id"]: run for run in await runs_of(client, tenant, automation["id"])}
    [done] = runs[owned["id"]]["actions"]
    assert done["status"] == "done", done
    tasks = (await client.get(f"/v1/leads/{owned['id']}/tasks", headers=tenant.read)).json()["data"]
    assert [(t["id"], t["owner_id"], t["type"], t["note"]) for t in tasks] == [
        (done["changes"]["task_id"], owner["id"], "call", "call back")
    ]
    assert tasks[0]["due_at"] == f"{at + timedelta(minutes=60):%Y-%m-%dT%H:%M:%S}Z"  # the run's time + 60
    [created] = [e for e in await events_of(app, tenant, "task.created") if e["lead_id"] == owned["id"]]
    assert created["caused_by"] == runs[owned["id"]]["id"]
    # A lead without an owner and no owner named: refused, recorded, nothing stored.
    [refused] = runs[orphan["id"]]["actions"]
    assert refused["status"] == "refused", refused
    assert "owner" in refused["detail"], refused
    orphan_tasks = (await client.get(f"/v1/leads/{orphan['id']}/tasks", headers=tenant.read)).json()
    assert orphan_tasks["data"] == []


async def test_webhook_payloads_carry_the_run_that_caused_the_event(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    subscription = await subscribe(client, tenant, "http://127.0.0.1:9/hook", ["automation.*", "page_view"])
    automation = await add_automation(client, tenant, trigger={"event": "page_view"}, actions=[NOTIFY])
    lead = await new_lead(client, tenant, "hooked@acme.com")
    await post_event(client, tenant, lead["id"], "page_view")
    await run_automations(app, tenant)
    await fan_out(app)
    [run] = await runs_of(client, tenant, automation["id"])
    async with app.state.db.read() as conn:
        rows = await conn.execute(
            select(WebhookDelivery.payload).where(WebhookDelivery.subscription_id == subscription["id"])
        )
        causes = {p["type"]: p["data"]["caused_by"] for p in rows.scalars()}
    # Later tests send what is due: this subscription's target is a closed port.
    removed = await client.delete(f"/v1/webhooks/{subscription['id']}", headers=tenant.admin)
    assert removed.status_code == 204, removed.text
    # The notification the run appended names it; the visitor's own event was caused by nobody.
    assert causes == {"page_view": None, "automation.notified": run["id"]}
