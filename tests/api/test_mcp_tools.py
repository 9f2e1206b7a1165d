"""The MCP server's tools and resources through the SDK's in-process client, on SQLite and
PostgreSQL.

Each test connects a server acting as one of its tenant's keys (as `leadapi mcp` does over stdio)
and checks what the tools answer against what the REST API answers for the same thing. The
default model makes a CTO or VP in the US 35 points (not ready) and a demo request 50 more (85:
sql, stage sql); route_on defaults to sql, so with a routing rule the demo request routes the
lead; the default SLA policy gives an sql lead 5 minutes and reassigns it on breach.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from mcp import Client
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import TextResourceContents
from sqlalchemy import func, select

from leadapi.events.models import Event
from leadapi.leads.models import Lead
from leadapi.mcp.server import build_server, key_authenticator
from leadapi.owners.models import Owner
from leadapi.principal import Principal
from leadapi.routing.models import Assignment
from leadapi.services import Services
from leadapi.sla.models import SlaBreach
from leadapi.stages.models import StageChange
from tests.conftest import Clock, Tenant
from tests.endpoints import MCP_TOOLS, text_of
from tests.factories import (
    CUSTOM,
    add_owner,
    add_rule,
    add_task,
    add_track,
    enroll,
    new_lead,
    post_event,
    run_duplicates,
    run_rollups,
    sweep,
)

Json = dict[str, Any]
ServerFor = Callable[[dict[str, str]], MCPServer[Any]]

TOOLS = MCP_TOOLS
READ_TOOLS = {
    "search_leads", "get_lead", "explain_score", "preview_routing", "list_owners",
    "list_sla_breaches", "funnel_report", "speed_to_lead_report", "list_tasks", "list_automations",
    "preview_automation", "list_segments", "routing_fairness", "find_duplicates", "backtest_model",
    "export_lead",
}  # fmt: skip
WRITE_TOOLS = TOOLS - READ_TOOLS
DESTRUCTIVE_TOOLS = {"delete_lead", "merge_leads", "merge_duplicate"}
RESOURCES = {"leadapi://scoring/model", "leadapi://stages", "leadapi://routing/rules"}
EXEC = {"title": "CTO", "country": "US"}  # 35 points under the default model
TAGGING = {
    "name": "tag demo requests",
    "trigger": {"event": "demo_request"},
    "when": {"field": "band", "op": "eq", "value": "sql"},
    "actions": [{"type": "add_tags", "tags": ["hot"]}],
}


# ---- helpers -----------------------------------------------------------------------------------


# The key the next in-process client's server acts as. Building a server registers every tool
# (about 0.1 s), so one server per app serves every test: a client's server runs in tasks started
# when the client connects, which copy this variable as it is then, and each message is checked
# against that key through `key_authenticator`, as `leadapi mcp` checks LEADAPI_API_KEY.
_acting_as: ContextVar[str] = ContextVar("acting_as")
_servers: dict[FastAPI, MCPServer[Any]] = {}


@pytest.fixture
def mcp_server(app: FastAPI) -> ServerFor:
    """A server acting as the API key of these headers, as `leadapi mcp` does with LEADAPI_API_KEY:
    connect a client to it before asking for another key's."""
    services: Services = app.state.services

    async def authenticate(ctx: ServerRequestContext[Any, Any]) -> Principal | None:
        return await key_authenticator(services, _acting_as.get())(ctx)

    def build(headers: dict[str, str]) -> MCPServer[Any]:
        _acting_as.set(headers["Authorization"].removeprefix("Bearer "))
        if app not in _servers:
            _servers[app] = build_server(services, authenticate)
        return _servers[app]

    return build


async def call(mcp: Client, tool: str, args: Json | None = None) -> Json:
    """A tool's answer (structured content), which must not be an error and must say the same as
    its text."""
    result = await mcp.call_tool(tool, args or {})
    text = text_of(result)
    assert not result.is_error, text
    data: Json | None = result.structured_content
    assert data is not None, text
    assert json.loads(text) == data
    return data


def error_prefix(tool: str) -> str:
    return f"Error executing tool {tool}: "


async def problem(mcp: Client, tool: str, args: Json, status: int) -> Json:
    """A refusal with the REST problem (status, title, detail, errors) after the SDK's prefix."""
    result = await mcp.call_tool(tool, args)
    text = text_of(result)
    assert result.is_error, text
    assert text.startswith(error_prefix(tool)), text
    body: Json = json.loads(text.removeprefix(error_prefix(tool)))
    assert result.structured_content == body  # programs read the problem without parsing text
    assert body["status"] == status, body
    assert body["title"], body
    assert body["detail"], body
    return body


async def schema_error(mcp: Client, tool: str, args: Json) -> str:
    """A call refused against the tool's argument schema, before the tool runs: the problem of
    any other bad input (422, the fields and their messages), not pydantic's text."""
    body = await problem(mcp, tool, args, 422)
    assert body["errors"], body
    assert "pydantic" not in json.dumps(body), body
    return json.dumps(body["errors"])


def fields_of(body: Json) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


async def rest(
    client: httpx.AsyncClient, method: str, url: str, headers: dict[str, str], status: int = 200, **kw: Any
) -> Any:
    response = await client.request(method, url, headers=headers, **kw)
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def rest_lead(client: httpx.AsyncClient, tenant: Tenant, lead_id: str) -> Json:
    lead: Json = await rest(client, "GET", f"/v1/leads/{lead_id}", tenant.read)
    return lead


def compact(lead: Json) -> Json:
    """A REST lead as the tools show one in full: fields that are empty are left out."""
    return {name: value for name, value in lead.items() if value is not None}


def summary_matches(summary: Json, lead: Json) -> None:
    """A search summary is a part of the lead: the same values, nothing the lead lacks."""
    assert {"id", "score", "band", "stage", "created_at"} <= summary.keys(), summary
    assert summary == {name: lead[name] for name in summary}
    assert None not in summary.values()


async def sales_ready(client: httpx.AsyncClient, tenant: Tenant, email: str, **fields: Any) -> Json:
    """A lead a demo request made sql (routed, when a rule applies)."""
    lead = await new_lead(client, tenant, email, **{**EXEC, **fields})
    await post_event(client, tenant, lead["id"], "demo_request")
    return await rest_lead(client, tenant, lead["id"])


async def two_owners(client: httpx.AsyncClient, tenant: Tenant) -> tuple[str, str]:
    """Ada and Bob under one round-robin rule (Ada first: owner ids are in creation order)."""
    ada = (await add_owner(client, tenant, "Ada"))["id"]
    bob = (await add_owner(client, tenant, "Bob"))["id"]
    await add_rule(client, tenant, name="everyone", position=1, strategy="round_robin")
    return ada, bob


async def footprint(app: FastAPI, workspace_id: str) -> Json:
    """What a write could change in a workspace: its leads' and owners' states, and the rows of
    events, assignments, stage changes and breaches."""
    async with app.state.db.read() as conn:
        leads = await conn.execute(
            select(Lead.id, Lead.version, Lead.stage, Lead.owner_id).where(Lead.workspace_id == workspace_id)
        )
        owners = await conn.execute(
            select(Owner.id, Owner.updated_at, Owner.away_from, Owner.away_until).where(
                Owner.workspace_id == workspace_id
            )
        )
        state: Json = {
            "leads": sorted(map(tuple, leads)),
            "owners": sorted(map(repr, owners)),
        }
        for table in (Event, Assignment, StageChange, SlaBreach):
            query = select(func.count()).select_from(table).where(table.workspace_id == workspace_id)
            state[table.__tablename__] = await conn.scalar(query)
    return state


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- the catalogue -----------------------------------------------------------------------------


async def test_tools_are_listed_with_descriptions_schemas_and_hints(
    mcp_server: ServerFor, tenant: Tenant
) -> None:
    async with Client(mcp_server(tenant.read)) as mcp:
        tools = {tool.name: tool for tool in (await mcp.list_tools()).tools}
    assert set(tools) == TOOLS
    for name, tool in tools.items():
        assert tool.description, name
        assert tool.description.strip(), name
        assert tool.input_schema["type"] == "object", name
        assert isinstance(tool.input_schema.get("properties", {}), dict), name
        hints = tool.annotations
        assert hints is not None, name
        assert hints.read_only_hint is (name in READ_TOOLS), name
        assert hints.destructive_hint is (name in DESTRUCTIVE_TOOLS), name
        assert hints.open_world_hint is False, name
    for name in DESTRUCTIVE_TOOLS:
        schema = tools[name].input_schema
        assert schema["properties"]["confirm"]["type"] == "boolean"
        assert "confirm" not in schema.get("required", [])  # refused with a 409 that explains
    assert tools["get_lead"].input_schema["required"] == ["lead_id"]
    assert set(tools["merge_leads"].input_schema["required"]) == {"lead_id", "duplicate_id"}
    assert "filters" in tools["search_leads"].input_schema["properties"]


async def test_an_unknown_tool_is_an_error(mcp_server: ServerFor, tenant: Tenant) -> None:
    async with Client(mcp_server(tenant.admin)) as mcp:
        body = await problem(mcp, "drop_all_leads", {}, 404)
    assert "drop_all_leads" in body["detail"]


async def test_every_tool_declares_and_enforces_its_arguments(
    app: FastAPI, client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    """An argument a tool does not have is refused (422 naming it), as the schema says, before
    anything runs: a misspelt `filter` must not find every lead, nor a report ignore `from`."""
    ids = await world(app, client, tenant)
    before = await footprint(app, tenant.workspace_id)
    async with Client(mcp_server(tenant.admin)) as mcp:
        schemas = {tool.name: tool.input_schema for tool in (await mcp.list_tools()).tools}
        for tool, args in valid_args(ids).items():
            assert schemas[tool]["additionalProperties"] is False, tool
            body = await problem(mcp, tool, {**args, "colour": "red"}, 422)
            assert fields_of(body) == ["colour"], (tool, body)
            assert all(name in body["errors"][0]["message"] for name in schemas[tool]["properties"])
        misspelt = await problem(mcp, "search_leads", {"filter": {"country": "US"}}, 422)
        assert fields_of(misspelt) == ["filter"]
        ranged = await problem(mcp, "funnel_report", {"from": "2026-01-01T00:00:00Z"}, 422)
        assert fields_of(ranged) == ["from"]
    assert await footprint(app, tenant.workspace_id) == before


async def test_routing_says_why_nobody_was_picked(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant, clock: Clock
) -> None:
    owner = await add_owner(client, tenant, "Ada")
    lead = await new_lead(client, tenant, "why@acme.com", **EXEC)
    async with Client(mcp_server(tenant.write)) as mcp:

        async def reason() -> str | None:
            preview = await call(mcp, "preview_routing", {"lead_id": lead["id"]})
            rest_preview = await rest(
                client, "POST", "/v1/routing/preview", tenant.read, json={"lead_id": lead["id"]}
            )
            assert preview == rest_preview
            assert preview["owner_id"] is None or preview["reason"] is None
            found: str | None = preview["reason"]
            return found

        assert await reason() == "no_rules"  # an owner, but no rule to route by
        routed = await call(mcp, "route_lead", {"lead_id": lead["id"]})
        assert (routed["assigned"], routed["decision"]["reason"]) == (False, "no_rules")
        rule = await add_rule(
            client,
            tenant,
            name="FR",
            position=1,
            strategy="round_robin",
            when={"field": "country", "op": "eq", "value": "FR"},
        )
        assert await reason() == "no_rule_matched"
        changed = await client.patch(
            f"/v1/routing/rules/{rule['id']}", json={"when": None}, headers=tenant.admin
        )
        assert changed.status_code == 200, changed.text
        away = {"until": iso(clock() + timedelta(days=3))}
        await call(mcp, "set_out_of_office", {"owner_id": owner["id"], "out_of_office": away})
        assert await reason() == "no_eligible_owner"
        await call(mcp, "set_out_of_office", {"owner_id": owner["id"], "out_of_office": None})
        assert await reason() is None


# ---- leads: capture, change, score ---------------------------------------------------------------


async def test_capture_update_record_and_read_a_lead(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    ada, bob = await two_owners(client, tenant)
    async with Client(mcp_server(tenant.write)) as mcp:
        created = await call(
            mcp, "create_lead", {"lead": {"email": " Grace@Hopper.dev ", "first_name": "Grace", **EXEC}}
        )
        assert created["merged"] is False
        lead_id = created["lead"]["id"]
        assert created["lead"] == compact(await rest_lead(client, tenant, lead_id))
        assert created["lead"]["email"] == "grace@hopper.dev"
        assert "owner_id" not in created["lead"]  # 35: not sales-ready, not routed

        again = await call(mcp, "create_lead", {"lead": {"email": "GRACE@hopper.dev", "company": "Navy"}})
        assert (again["merged"], again["lead"]["id"]) == (True, lead_id)
        version = (await rest_lead(client, tenant, lead_id))["version"]
        assert (await rest_lead(client, tenant, lead_id))["company"] == "Navy"

        changes = {"company": "Remington Rand", "tags": ["Vip"], "attributes": {"plan": "pro"}}
        updated = await call(
            mcp, "update_lead", {"lead_id": lead_id, "changes": changes, "expected_version": version}
        )
        assert updated == compact(await rest_lead(client, tenant, lead_id))
        assert (updated["company"], updated["version"]) == ("Remington Rand", version + 1)
        stale = await problem(
            mcp,
            "update_lead",
            {"lead_id": lead_id, "changes": {"company": "Stale"}, "expected_version": version},
            412,
        )
        assert str(version) in stale["detail"]
        assert (await rest_lead(client, tenant, lead_id))["company"] == "Remington Rand"

        recorded = await call(mcp, "record_event", {"lead_id": lead_id, "event": {"type": "demo_request"}})
        assert (recorded["event"]["type"], recorded["event"]["lead_id"]) == ("demo_request", lead_id)
        stored = await rest_lead(client, tenant, lead_id)
        summary_matches(recorded["lead"], stored)
        assert (recorded["lead"]["band"], recorded["lead"]["stage"]) == ("sql", "sql")
        assert recorded["lead"]["owner_id"] in {ada, bob}

        full = await call(mcp, "get_lead", {"lead_id": lead_id, "events": 4})
        explained = await call(mcp, "explain_score", {"lead_id": lead_id})

    assert full["lead"] == compact(stored)
    score = await rest(client, "GET", f"/v1/leads/{lead_id}/score", tenant.read)
    for answer in (full["score"], explained):
        assert {k: answer[k] for k in ("score", "fit_score", "behavior_score", "band", "model", "bands")} == {
            k: score[k] for k in ("score", "fit_score", "behavior_score", "band", "model", "bands")
        }
        assert answer["breakdown"] == score["breakdown"]
        assert datetime.fromisoformat(answer["scored_at"]) == datetime.fromisoformat(score["scored_at"])
    assert explained["lead_id"] == lead_id
    assert sum(hit["points"] for hit in full["score"]["breakdown"]) == full["score"]["score"] == 85
    assert full["score"]["score"] == stored["score"]

    owner = await rest(client, "GET", f"/v1/owners/{stored['owner_id']}", tenant.read)
    assert full["owner"] == {k: owner[k] for k in ("id", "name", "email", "active")}

    timeline = await rest(client, "GET", f"/v1/leads/{lead_id}/timeline", tenant.read, params={"limit": 4})
    assert full["recent_events"] == [
        {k: v for k, v in event.items() if k != "seq"} for event in timeline["data"]
    ]
    times = [datetime.fromisoformat(e["occurred_at"]) for e in full["recent_events"]]
    assert len(times) == 4
    assert times == sorted(times, reverse=True)

    async with Client(mcp_server(tenant.write)) as mcp:  # the owner calls: a first touch
        touched = await call(mcp, "record_event", {"lead_id": lead_id, "event": {"type": "call"}})
    assert touched["event"]["type"] == "call"
    assert (await rest_lead(client, tenant, lead_id))["first_touch_at"] is not None
    [assignment] = (await rest(client, "GET", f"/v1/leads/{lead_id}/assignments", tenant.read))["data"]
    assert assignment["sla_state"] == "met"  # and its SLA clock stops in time


async def test_get_lead_without_events_and_without_owner(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "quiet@acme.com")
    async with Client(mcp_server(tenant.read)) as mcp:
        full = await call(mcp, "get_lead", {"lead_id": lead["id"], "events": 0})
    assert (full["recent_events"], full["owner"]) == ([], None)
    assert full["lead"] == compact(await rest_lead(client, tenant, lead["id"]))


async def test_search_leads_filters_sorts_and_pages(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    people = [
        ("ada@acme.com", "CTO", "US", "Acme"),
        ("bob@acme.com", "Engineer", "GB", "Acme"),
        ("cy@globex.com", "VP Sales", "GB", "Globex"),
        ("di@initech.com", "Intern", "FR", "Initech"),
        ("ed@acme.io", "Director of IT", "DE", "Acme Labs"),
        ("fay@umbrella.com", "CEO", "CA", "Umbrella"),
        ("gus@hooli.com", None, None, "Hooli"),
    ]
    for email, title, country, company in people:
        await new_lead(client, tenant, email, title=title, country=country, company=company)
    everyone = (await rest(client, "GET", "/v1/leads", tenant.read, params={"limit": 100}))["data"]
    assert len(everyone) == len(people)
    by_id = {lead["id"]: lead for lead in everyone}

    async def rest_ids(**params: str) -> list[str]:
        page = await rest(client, "GET", "/v1/leads", tenant.read, params={"limit": "100", **params})
        return [lead["id"] for lead in page["data"]]

    async with Client(mcp_server(tenant.read)) as mcp:

        async def walk(limit: int, **args: Any) -> list[str]:
            ids: list[str] = []
            cursor = None
            for _ in range(len(people) + 1):
                page = await call(mcp, "search_leads", {**args, "limit": limit, "cursor": cursor})
                assert len(page["leads"]) <= limit
                for summary in page["leads"]:
                    summary_matches(summary, by_id[summary["id"]])
                ids += [summary["id"] for summary in page["leads"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    return ids
            raise AssertionError("the pages never end")

        cases: list[tuple[Json, dict[str, str]]] = [
            ({}, {}),
            ({"query": "acme"}, {"q": "acme"}),
            (
                {"filters": {"score[gte]": "30"}, "sort": "-score,email"},
                {"score[gte]": "30", "sort": "-score,email"},
            ),
            (
                {"filters": {"country[in]": "GB,FR", "company": "Acme"}},
                {"country[in]": "GB,FR", "company": "Acme"},
            ),
            ({"filters": {"title[exists]": "false"}}, {"title[exists]": "false"}),
            ({"sort": "company,-email"}, {"sort": "company,-email"}),
        ]
        for args, params in cases:
            expected = await rest_ids(**params)
            assert expected, (args, "the case must find something")
            if args:
                assert len(expected) < len(people) or "sort" in args, (args, "the case must filter")
            one_page = await call(mcp, "search_leads", {**args, "limit": 100})
            assert [s["id"] for s in one_page["leads"]] == expected, args
            assert one_page["next_cursor"] is None
            paged = await walk(2, **args)
            assert paged == expected, args  # in order, each once
            assert len(set(paged)) == len(paged)


# ---- routing, owners, stages -----------------------------------------------------------------


async def test_preview_and_route_a_lead_and_owners_away(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant, clock: Clock
) -> None:
    ada, bob = await two_owners(client, tenant)
    lead = await new_lead(client, tenant, "lin@acme.com", **EXEC)
    inline = {"email": "new@prospect.io", "title": "VP Sales", "country": "GB"}
    async with Client(mcp_server(tenant.write)) as mcp:
        preview = await call(mcp, "preview_routing", {"lead_id": lead["id"]})
        rest_preview = await rest(
            client, "POST", "/v1/routing/preview", tenant.read, json={"lead_id": lead["id"]}
        )
        assert preview == rest_preview
        assert preview["owner_id"] == ada  # the rotation starts at the first owner
        assert await call(mcp, "preview_routing", {"lead_id": lead["id"]}) == preview  # nothing moved
        sketch = await call(mcp, "preview_routing", {"lead": inline})
        assert sketch == await rest(client, "POST", "/v1/routing/preview", tenant.read, json={"lead": inline})
        assert sketch["owner_id"] in {ada, bob}
        assert await rest(client, "GET", "/v1/leads", tenant.read, params={"email": inline["email"]}) == {
            "data": [],
            "next_cursor": None,
        }

        routed = await call(mcp, "route_lead", {"lead_id": lead["id"]})
        assert (routed["lead_id"], routed["assigned"], routed["owner_id"]) == (lead["id"], True, ada)
        assert routed["decision"]["owner_id"] == ada
        assert routed["decision"]["candidates"] == [ada, bob]
        assert (await rest_lead(client, tenant, lead["id"]))["owner_id"] == ada

        owned = await problem(mcp, "route_lead", {"lead_id": lead["id"]}, 409)
        assert "force" in owned["detail"]
        assert (await rest_lead(client, tenant, lead["id"]))["owner_id"] == ada
        forced = await call(mcp, "route_lead", {"lead_id": lead["id"], "force": True})
        assert (forced["owner_id"], forced["assigned"]) == (bob, True)
        assert {"owner_id": ada, "reason": "excluded"} in forced["decision"]["skipped"]
        assert (await rest_lead(client, tenant, lead["id"]))["owner_id"] == bob

        owners = await call(mcp, "list_owners")
        listed = await rest(client, "GET", "/v1/owners", tenant.read)
        assert owners == {"owners": listed["data"], "next_cursor": None}
        assert {o["id"]: o["open_leads"] for o in owners["owners"]} == {ada: 0, bob: 1}
        first = await call(mcp, "list_owners", {"limit": 1})
        rest_of = await call(mcp, "list_owners", {"limit": 1, "cursor": first["next_cursor"]})
        assert [o["id"] for o in first["owners"] + rest_of["owners"]] == [ada, bob]
        assert rest_of["next_cursor"] is None

        until = clock() + timedelta(days=3)
        away = await call(mcp, "set_out_of_office", {"owner_id": bob, "out_of_office": {"until": iso(until)}})
        assert away == await rest(client, "GET", f"/v1/owners/{bob}", tenant.read)
        assert datetime.fromisoformat(away["out_of_office"]["until"]) == until.replace(microsecond=0)
        assert datetime.fromisoformat(away["out_of_office"]["from"]) <= clock()
        assert away["open_leads"] == 1  # the leads Bob holds stay his
        skipping = await call(mcp, "preview_routing", {"lead": inline})
        assert {"owner_id": bob, "reason": "out_of_office"} in skipping["skipped"]
        assert skipping["candidates"] == [ada]
        back = await call(mcp, "set_out_of_office", {"owner_id": bob, "out_of_office": None})
        assert back["out_of_office"] is None
        assert (await rest(client, "GET", f"/v1/owners/{bob}", tenant.read))["out_of_office"] is None
        again = await call(mcp, "preview_routing", {"lead": inline})
        assert bob not in [s["owner_id"] for s in again["skipped"]]
        assert again["candidates"] == [ada, bob]


async def test_accept_move_and_reject(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    ada, bob = await two_owners(client, tenant)
    pipeline = await rest(client, "GET", "/v1/stages", tenant.read)
    won = next(s["key"] for s in pipeline["stages"] if s["category"] == "won")
    lost = next(s["key"] for s in pipeline["stages"] if s["category"] == "lost")
    hot = await sales_ready(client, tenant, "hot@prospect.io")
    warm = await new_lead(client, tenant, "warm@prospect.io")
    returned = await sales_ready(client, tenant, "back@prospect.io")
    assert {hot["owner_id"], returned["owner_id"]} == {ada, bob}

    async def last_change(lead_id: str) -> Json:
        changes = await rest(client, "GET", f"/v1/leads/{lead_id}/stages", tenant.read)
        change: Json = changes["data"][0]
        return change

    async with Client(mcp_server(tenant.write)) as mcp:
        accepted = await call(mcp, "accept_lead", {"lead_id": hot["id"], "note": "on it"})
        stored = await rest_lead(client, tenant, hot["id"])
        summary_matches(accepted["lead"], stored)
        assert (stored["stage"], accepted["change"]["to_stage"]) == (pipeline["accepted_stage"],) * 2
        assert accepted["change"] == await last_change(hot["id"])
        assert accepted["change"]["note"] == "on it"
        assert stored["first_touch_at"] is not None  # acceptance is a first touch

        closed = await call(mcp, "move_stage", {"lead_id": hot["id"], "to": won, "amount": 1200.5})
        assert closed["change"] == await last_change(hot["id"])
        assert (closed["change"]["to_stage"], closed["change"]["amount"]) == (won, 1200.5)
        assert (await rest_lead(client, tenant, hot["id"]))["stage"] == won
        final = await problem(mcp, "move_stage", {"lead_id": hot["id"], "to": "mql"}, 409)
        assert "allowed" in final["detail"]

        reasonless = await problem(mcp, "move_stage", {"lead_id": warm["id"], "to": lost}, 422)
        assert fields_of(reasonless) == ["reason"]
        reason = pipeline["disqualification_reasons"][0]
        dropped = await call(
            mcp, "move_stage", {"lead_id": warm["id"], "to": lost, "reason": reason, "note": "no budget"}
        )
        assert dropped["change"] == await last_change(warm["id"])
        assert (dropped["change"]["reason"], dropped["lead"]["stage"]) == (reason, lost)

        rejected = await call(mcp, "reject_lead", {"lead_id": returned["id"], "reason": "not_ready"})
        after = await rest_lead(client, tenant, returned["id"])
        summary_matches(rejected["lead"], after)
        assert (after["stage"], after["owner_id"]) == (pipeline["recycle_stage"], None)
        assert rejected["change"] == await last_change(returned["id"])
        assert rejected["change"]["reason"] == "not_ready"
        assert rejected["change"]["by"]["kind"] == "owner"
        assert "owner_id" not in rejected["lead"]


async def test_sla_breaches(
    app: FastAPI, client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant, clock: Clock
) -> None:
    ada, bob = await two_owners(client, tenant)
    policy = {
        "name": "Hot leads",
        "position": 1,
        "when": {"field": "band", "op": "eq", "value": "sql"},
        "first_touch_within_minutes": 10,
        "on_breach": "notify",
    }
    await rest(client, "POST", "/v1/sla/policies", tenant.admin, 201, json=policy)
    first = await sales_ready(client, tenant, "first@prospect.io")
    second = await sales_ready(client, tenant, "second@prospect.io")
    assert (first["owner_id"], second["owner_id"]) == (ada, bob)

    async with Client(mcp_server(tenant.read)) as mcp:
        assert await call(mcp, "list_sla_breaches") == {"breaches": [], "next_cursor": None}
        with clock.travel(minutes=11):
            await sweep(app)
            await post_event(client, tenant, second["id"], "call")  # closes Bob's breach
        found = await call(mcp, "list_sla_breaches")
        listed = await rest(client, "GET", "/v1/sla/breaches", tenant.read)
        assert found == {"breaches": listed["data"], "next_cursor": None}
        assert {(b["lead_id"], b["owner_id"], b["action"]) for b in found["breaches"]} == {
            (first["id"], ada, "notify"),
            (second["id"], bob, "notify"),
        }
        by_lead = {b["lead_id"]: b for b in found["breaches"]}
        assert by_lead[first["id"]]["closed_at"] is None
        assert by_lead[second["id"]]["closed_at"] is not None

        open_ = await call(mcp, "list_sla_breaches", {"status": "open"})
        assert [b["lead_id"] for b in open_["breaches"]] == [first["id"]]
        closed = await call(mcp, "list_sla_breaches", {"status": "closed"})
        assert [b["lead_id"] for b in closed["breaches"]] == [second["id"]]
        mine = await call(mcp, "list_sla_breaches", {"owner_id": bob})
        assert [b["lead_id"] for b in mine["breaches"]] == [second["id"]]
        one = await call(mcp, "list_sla_breaches", {"lead_id": first["id"]})
        assert one["breaches"] == [by_lead[first["id"]]]
        breached_at = datetime.fromisoformat(found["breaches"][0]["breached_at"])
        window = {
            "start": iso(breached_at - timedelta(hours=1)),
            "end": iso(breached_at + timedelta(hours=1)),
        }
        assert (await call(mcp, "list_sla_breaches", window))["breaches"] == found["breaches"]
        before = {"end": iso(breached_at - timedelta(hours=1))}
        assert (await call(mcp, "list_sla_breaches", before))["breaches"] == []

        page = await call(mcp, "list_sla_breaches", {"limit": 1})
        rest_page = await rest(client, "GET", "/v1/sla/breaches", tenant.read, params={"limit": 1})
        assert page["breaches"] == rest_page["data"]
        assert page["next_cursor"] is not None
        last = await call(mcp, "list_sla_breaches", {"limit": 1, "cursor": page["next_cursor"]})
        assert (last["next_cursor"], page["breaches"] + last["breaches"]) == (None, found["breaches"])


@pytest.mark.parametrize(
    ("tool", "path"), [("funnel_report", "funnel"), ("speed_to_lead_report", "speed-to-lead")]
)
@pytest.mark.parametrize("rolled_up", [False, True])
async def test_reports_equal_the_rest_reports(
    app: FastAPI,
    client: httpx.AsyncClient,
    mcp_server: ServerFor,
    tenant: Tenant,
    clock: Clock,
    tool: str,
    path: str,
    rolled_up: bool,
) -> None:
    """The same answers as REST, from the rows and (`rolled_up`) from rollups and sketches."""
    start = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
    with clock.freeze(start):
        ada, _ = await two_owners(client, tenant)
        await new_lead(client, tenant, "cold@acme.com", source="ads")
        clock.advance(minutes=1)
        hot = await sales_ready(client, tenant, "hot@acme.com", source="ads", utm_campaign="spring")
        clock.advance(minutes=3)
        await post_event(client, tenant, hot["id"], "call")
        clock.advance(minutes=10)
        late = await sales_ready(client, tenant, "late@acme.com", source="webinar")
        clock.advance(hours=2)
        # Touched late: its SLA clock stops here (a running one would be swept, and reassigned,
        # by later tests that sweep every workspace).
        await post_event(client, tenant, late["id"], "call")
        if rolled_up:
            await run_rollups(app, tenant)
        queries: list[Json] = [
            {},
            {"group_by": "source"},
            {"source": "ads", "owner_id": ada},
            {"utm_campaign": "spring", "group_by": "owner"},
        ]
        async with Client(mcp_server(tenant.read)) as mcp:
            for query in queries:
                window = {"start": "2026-04-06T00:00:00Z", "end": "2026-04-07T00:00:00Z", **query}
                answer = await call(mcp, tool, window)
                params = {"from": window.pop("start"), "to": window.pop("end"), **window}
                expected = await rest(client, "GET", f"/v1/reports/{path}", tenant.read, params=params)
                assert answer == expected, query
            default_range = await call(mcp, tool)  # the last 30 days up to now
            assert default_range == await rest(client, "GET", f"/v1/reports/{path}", tenant.read)
            empty = {"start": "2025-04-06T00:00:00Z", "end": "2025-04-07T00:00:00Z"}
            assert (await call(mcp, tool, empty))["total"] != default_range["total"]
    if tool == "funnel_report":
        assert default_range["total"]["leads"] == 3
    else:
        assert (default_range["approximate"], default_range["relative_error"]) == (
            (True, 0.01) if rolled_up else (False, None)
        )


async def test_routing_fairness_equals_the_rest_report(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant, clock: Clock
) -> None:
    with clock.freeze(datetime(2026, 4, 6, 9, 0, tzinfo=UTC)):
        ada, _ = await two_owners(client, tenant)
        for index in range(5):
            clock.advance(minutes=1)
            await sales_ready(client, tenant, f"fair{index}@acme.com")
        rule_id = (await rest(client, "GET", "/v1/routing/rules", tenant.read))["data"][0]["id"]
        window = {"start": "2026-04-06T00:00:00Z", "end": "2026-04-07T00:00:00Z"}
        async with Client(mcp_server(tenant.read)) as mcp:
            answer = await call(mcp, "routing_fairness", window)
            only = await call(mcp, "routing_fairness", {**window, "rule_id": rule_id})
        params = {"from": window["start"], "to": window["end"]}
        assert answer == await rest(client, "GET", "/v1/reports/routing", tenant.read, params=params)
    assert answer == only | {"rule_id": None}
    [rule] = answer["rules"]
    assert {row["owner_id"]: row["assignments"] for row in rule["owners"]}[ada] == 3
    assert rule["p_value"] is not None


# ---- destructive tools ---------------------------------------------------------------------------


async def test_delete_and_merge_leads(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    doomed = await new_lead(client, tenant, "forget@me.com")
    keep = await new_lead(client, tenant, "keep@acme.com", tags=["a"], first_name="Kim")
    dup = await new_lead(
        client, tenant, "kim.dup@acme.com", tags=["b"], company="Acme", phone="+1 415 555 2671"
    )
    await post_event(client, tenant, dup["id"], "page_view", properties={"path": "/pricing"})
    async with Client(mcp_server(tenant.write)) as mcp:
        assert await call(mcp, "delete_lead", {"lead_id": doomed["id"], "confirm": True}) == {
            "deleted": doomed["id"]
        }
        await problem(mcp, "get_lead", {"lead_id": doomed["id"]}, 404)
        await rest(client, "GET", f"/v1/leads/{doomed['id']}", tenant.read, 404)
        await problem(mcp, "delete_lead", {"lead_id": doomed["id"], "confirm": True}, 404)

        merged = await call(
            mcp, "merge_leads", {"lead_id": keep["id"], "duplicate_id": dup["id"], "confirm": True}
        )
        survivor = await rest_lead(client, tenant, keep["id"])
        assert merged == compact(survivor)
        assert (merged["email"], merged["company"], merged["first_name"]) == ("keep@acme.com", "Acme", "Kim")
        assert sorted(merged["tags"]) == ["a", "b"]
        await rest(client, "GET", f"/v1/leads/{dup['id']}", tenant.read, 404)
        timeline = await call(mcp, "get_lead", {"lead_id": keep["id"], "events": 50})
        assert "page_view" in [e["type"] for e in timeline["recent_events"]]  # moved over


@pytest.mark.parametrize("tool", sorted(DESTRUCTIVE_TOOLS))
@pytest.mark.parametrize("confirm", [None, False])
async def test_destructive_tools_need_confirmation(
    app: FastAPI,
    client: httpx.AsyncClient,
    mcp_server: ServerFor,
    tenant: Tenant,
    tool: str,
    confirm: bool | None,
) -> None:
    lead = await new_lead(client, tenant, "stay@acme.com", tags=["a"])
    dup = await new_lead(client, tenant, "twin@acme.com", tags=["b"])
    args: Json = {"lead_id": lead["id"]}
    if tool == "merge_leads":
        args["duplicate_id"] = dup["id"]
    if tool == "merge_duplicate":  # a pair of the two (the check comes before the pair is read)
        args = {"pair_id": "dup_0"}
    if confirm is not None:
        args["confirm"] = confirm
    stored = [await rest_lead(client, tenant, lead["id"]), await rest_lead(client, tenant, dup["id"])]
    before = await footprint(app, tenant.workspace_id)
    async with Client(mcp_server(tenant.write)) as mcp:
        body = await problem(mcp, tool, args, 409)
    assert body["title"] == "Confirmation required"
    assert "confirm: true" in body["detail"]
    assert await footprint(app, tenant.workspace_id) == before
    assert [await rest_lead(client, tenant, lead["id"]), await rest_lead(client, tenant, dup["id"])] == stored


# ---- resources -----------------------------------------------------------------------------------


async def test_resources_are_the_rest_configuration(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    ada = (await add_owner(client, tenant, "Ada"))["id"]
    await add_rule(client, tenant, name="fixed", position=3, strategy="owner", owner_id=ada)
    await add_rule(client, tenant, name="rest", position=7, strategy="least_loaded")
    await rest(client, "PUT", "/v1/routing/settings", tenant.admin, json={"route_on": "mql"})
    assert (await rest(client, "PUT", "/v1/stages", tenant.admin, json=CUSTOM))["version"] == 1
    expected = {
        "leadapi://scoring/model": await rest(client, "GET", "/v1/scoring/active", tenant.read),
        "leadapi://stages": await rest(client, "GET", "/v1/stages", tenant.read),
        "leadapi://routing/rules": {
            "route_on": "mql",
            "rules": (await rest(client, "GET", "/v1/routing/rules", tenant.read))["data"],
        },
    }
    assert [r["name"] for r in expected["leadapi://routing/rules"]["rules"]] == ["fixed", "rest"]
    async with Client(mcp_server(tenant.read)) as mcp:
        listed = (await mcp.list_resources()).resources
        assert {str(r.uri) for r in listed} == RESOURCES
        assert {r.mime_type for r in listed} == {"application/json"}
        for uri, body in expected.items():
            [content] = (await mcp.read_resource(uri)).contents
            assert isinstance(content, TextResourceContents)
            assert json.loads(content.text) == body, uri


async def test_resource_errors(mcp_server: ServerFor, tenant: Tenant) -> None:
    async with Client(mcp_server(tenant.read)) as mcp:
        with pytest.raises(MCPError, match="leadapi://nothing"):
            await mcp.read_resource("leadapi://nothing")
    unknown = {"Authorization": "Bearer lk_" + "0" * 40}
    async with Client(mcp_server(unknown)) as mcp:
        for uri in sorted(RESOURCES):
            with pytest.raises(MCPError) as refused:
                await mcp.read_resource(uri)
            assert json.loads(str(refused.value))["status"] == 401


# ---- bad input ------------------------------------------------------------------------------------

SCHEMA_CASES: list[tuple[str, Json, str]] = [
    ("search_leads", {"limit": "many"}, "limit"),
    # Strict as the schema says: no "5" for 5, no "true" or 1 for true, no 5.0 for an integer.
    ("search_leads", {"limit": "5"}, "limit"),
    ("get_lead", {"lead_id": "ld_x", "events": 5.0}, "events"),
    ("delete_lead", {"lead_id": "ld_x", "confirm": "true"}, "confirm"),
    ("route_lead", {"lead_id": "ld_x", "force": 1}, "force"),
    ("move_stage", {"lead_id": "ld_x", "to": "customer", "amount": "5"}, "amount"),
    ("create_lead", {"lead": {"email": "ada@example.com", "consent": "yes"}}, "consent"),
    ("search_leads", {"limit": 0}, "limit"),
    ("search_leads", {"limit": 1000}, "limit"),
    ("search_leads", {"query": "x" * 201}, "query"),
    ("search_leads", {"filters": "score > 40"}, "filters"),
    ("search_leads", {"filters": {f"attributes.a{i}": "x" for i in range(51)}}, "filters"),
    ("search_leads", {"filters": {"score[gte]": 40}}, "filters"),
    ("search_leads", {"sort": ["score"]}, "sort"),
    ("get_lead", {}, "lead_id"),
    ("get_lead", {"lead_id": "l" * 33}, "lead_id"),
    ("get_lead", {"lead_id": ""}, "lead_id"),
    ("get_lead", {"lead_id": 12}, "lead_id"),
    ("get_lead", {"lead_id": "ld_x", "events": 51}, "events"),
    ("get_lead", {"lead_id": "ld_x", "events": -1}, "events"),
    ("create_lead", {}, "lead"),
    ("create_lead", {"lead": "ada@example.com"}, "lead"),
    ("create_lead", {"lead": {"email": "ada@example.com", "shoe_size": 44}}, "shoe_size"),
    ("create_lead", {"lead": {"email": "ada@example.com", "company_size": "big"}}, "company_size"),
    ("create_lead", {"lead": {"email": "ada@example.com"}, "overwrite": "perhaps"}, "overwrite"),
    ("update_lead", {"lead_id": "ld_x"}, "changes"),
    ("update_lead", {"lead_id": "ld_x", "changes": {"colour": "red"}}, "colour"),
    (
        "update_lead",
        {"lead_id": "ld_x", "changes": {"city": "Oslo"}, "expected_version": 0},
        "expected_version",
    ),
    ("record_event", {"lead_id": "ld_x"}, "event"),
    ("record_event", {"lead_id": "ld_x", "event": "demo_request"}, "event"),
    ("record_event", {"lead_id": "ld_x", "event": {"type": ""}}, "type"),
    ("explain_score", {}, "lead_id"),
    ("delete_lead", {}, "lead_id"),
    ("delete_lead", {"lead_id": "ld_x", "confirm": "yes please"}, "confirm"),
    ("merge_leads", {"lead_id": "ld_x"}, "duplicate_id"),
    ("merge_leads", {"lead_id": "ld_x", "duplicate_id": "d" * 33, "confirm": True}, "duplicate_id"),
    ("preview_routing", {"lead": "ada@example.com"}, "lead"),
    ("preview_routing", {"lead": {"email": "ada@example.com", "colour": "red"}}, "colour"),
    ("preview_routing", {"lead_id": "l" * 33}, "lead_id"),
    ("route_lead", {"lead_id": "ld_x", "force": "sometimes"}, "force"),
    ("move_stage", {"lead_id": "ld_x"}, "to"),
    ("move_stage", {"lead_id": "ld_x", "to": "customer", "amount": -1}, "amount"),
    ("move_stage", {"lead_id": "ld_x", "to": "customer", "amount": "lots"}, "amount"),
    ("move_stage", {"lead_id": "ld_x", "to": "s" * 51}, "to"),
    ("accept_lead", {"lead_id": "ld_x", "note": "n" * 2001}, "note"),
    ("reject_lead", {"lead_id": "ld_x"}, "reason"),
    ("reject_lead", {"lead_id": "ld_x", "reason": ""}, "reason"),
    ("list_owners", {"limit": 201}, "limit"),
    ("list_owners", {"cursor": "c" * 2001}, "cursor"),
    ("set_out_of_office", {"owner_id": "ow_x"}, "out_of_office"),
    ("set_out_of_office", {"owner_id": "ow_x", "out_of_office": "tomorrow"}, "out_of_office"),
    (
        "set_out_of_office",
        {
            "owner_id": "ow_x",
            "out_of_office": {"from": "2026-05-02T00:00:00Z", "until": "2026-05-01T00:00:00Z"},
        },
        "until must be after from",
    ),
    ("set_out_of_office", {"owner_id": "ow_x", "out_of_office": {"back": "soon"}}, "back"),
    ("list_sla_breaches", {"status": "maybe"}, "status"),
    ("list_sla_breaches", {"limit": 0}, "limit"),
    ("funnel_report", {"start": "yesterday"}, "start"),
    ("funnel_report", {"source": "s" * 101}, "source"),
    ("speed_to_lead_report", {"group_by": "g" * 21}, "group_by"),
    ("speed_to_lead_report", {"tag": ["vip"]}, "tag"),
    ("routing_fairness", {"rule_id": "r" * 33}, "rule_id"),
]


@pytest.mark.parametrize(("tool", "args", "mentions"), SCHEMA_CASES, ids=lambda v: str(v)[:40])
async def test_arguments_outside_the_schema_are_tool_errors(
    app: FastAPI, mcp_server: ServerFor, tenant: Tenant, tool: str, args: Json, mentions: str
) -> None:
    before = await footprint(app, tenant.workspace_id)
    async with Client(mcp_server(tenant.admin)) as mcp:
        text = await schema_error(mcp, tool, args)
    assert mentions in text
    assert await footprint(app, tenant.workspace_id) == before


# {lead}: a new lead nobody owns; {owner}: an owner; every case answers this status and names this field.
PROBLEM_CASES: list[tuple[str, Json, int, str | None]] = [
    ("search_leads", {"filters": {"shoe_size": "44"}}, 422, None),
    ("search_leads", {"filters": {"score[near]": "40"}}, 422, None),
    ("search_leads", {"filters": {"score[gte]": "lots"}}, 422, None),
    ("search_leads", {"sort": "shoe_size"}, 422, None),
    ("search_leads", {"cursor": "not-a-cursor"}, 400, "cursor"),
    ("list_owners", {"cursor": "not-a-cursor"}, 400, "cursor"),
    ("list_sla_breaches", {"cursor": "bm90LWEtY3Vyc29y"}, 400, "cursor"),
    ("list_sla_breaches", {"start": "2026-03-10T00:00:00Z", "end": "2026-03-01T00:00:00Z"}, 422, "end"),
    ("funnel_report", {"start": "2026-03-10T00:00:00Z", "end": "2026-03-01T00:00:00Z"}, 422, "start"),
    ("speed_to_lead_report", {"start": "2026-03-10T00:00:00Z", "end": "2026-03-01T00:00:00Z"}, 422, "start"),
    ("funnel_report", {"start": "2000-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, 422, "start"),
    ("funnel_report", {"group_by": "planet"}, 422, "group_by"),
    ("speed_to_lead_report", {"group_by": "planet"}, 422, "group_by"),
    ("funnel_report", {"owner_id": "ow_nobody"}, 422, "owner_id"),
    ("routing_fairness", {"start": "2026-03-10T00:00:00Z", "end": "2026-03-01T00:00:00Z"}, 422, "start"),
    ("routing_fairness", {"rule_id": "rr_nobody"}, 422, "rule_id"),
    ("preview_routing", {}, 422, "lead_id"),
    ("preview_routing", {"lead_id": "{lead}", "lead": {"email": "x@acme.com"}}, 422, "lead_id"),
    ("preview_routing", {"lead_id": "ld_nobody"}, 404, None),
    ("get_lead", {"lead_id": "ld_nobody"}, 404, None),
    ("explain_score", {"lead_id": "ld_nobody"}, 404, None),
    ("record_event", {"lead_id": "ld_nobody", "event": {"type": "page_view"}}, 404, None),
    (
        "record_event",
        {"lead_id": "{lead}", "event": {"type": "call", "occurred_at": "2999-01-01T00:00:00Z"}},
        422,
        "occurred_at",
    ),
    ("update_lead", {"lead_id": "{lead}", "changes": {"owner_id": "ow_nobody"}}, 422, "owner_id"),
    ("update_lead", {"lead_id": "{lead}", "changes": {"unsubscribed": None}}, 422, "changes.unsubscribed"),
    ("update_lead", {"lead_id": "{lead}", "changes": {"email": "taken@acme.com"}}, 409, None),
    ("create_lead", {"lead": {"email": "not an email"}}, 422, None),
    ("merge_leads", {"lead_id": "{lead}", "duplicate_id": "{lead}", "confirm": True}, 422, "duplicate_id"),
    ("merge_leads", {"lead_id": "{lead}", "duplicate_id": "ld_nobody", "confirm": True}, 422, "duplicate_id"),
    ("route_lead", {"lead_id": "ld_nobody"}, 404, None),
    ("move_stage", {"lead_id": "{lead}", "to": "nowhere"}, 422, "to"),
    ("move_stage", {"lead_id": "{lead}", "to": "disqualified"}, 422, "reason"),
    ("move_stage", {"lead_id": "{lead}", "to": "disqualified", "reason": "bored"}, 422, "reason"),
    ("accept_lead", {"lead_id": "{lead}"}, 409, None),
    ("reject_lead", {"lead_id": "ld_nobody", "reason": "not_ready"}, 404, None),
    ("set_out_of_office", {"owner_id": "ow_nobody", "out_of_office": None}, 404, None),
    ("list_automations", {"cursor": "not-a-cursor"}, 400, "cursor"),
    (
        "preview_automation",
        {"automation": "aut_nobody", "lead_id": "{lead}", "event": {"type": "x"}},
        404,
        None,
    ),
    (
        "preview_automation",
        {"automation": TAGGING, "lead_id": "ld_nobody", "event": {"type": "x"}},
        404,
        None,
    ),
    ("preview_automation", {"automation": TAGGING, "event": {"type": "x"}}, 422, None),
    (
        "preview_automation",
        {
            "automation": {**TAGGING, "actions": [{"type": "move_stage", "stage": "nowhere"}]},
            "lead_id": "{lead}",
            "event": {"type": "x"},
        },
        422,
        "actions[0].stage",  # as REST names it: checked against the pipeline after the schema
    ),
    (
        "preview_automation",
        {
            "automation": {**TAGGING, "actions": [{"type": "teleport"}]},
            "lead_id": "{lead}",
            "event": {"type": "x"},
        },
        422,
        "automation.actions[0]",
    ),
]


def fill(args: Json, ids: dict[str, str]) -> Json:
    text = json.dumps(args)
    for name, value in ids.items():
        text = text.replace("{" + name + "}", value)
    filled: Json = json.loads(text)
    return filled


@pytest.mark.parametrize(("tool", "args", "status", "field"), PROBLEM_CASES, ids=lambda v: str(v)[:40])
async def test_refusals_are_problems(
    app: FastAPI,
    client: httpx.AsyncClient,
    mcp_server: ServerFor,
    tenant: Tenant,
    tool: str,
    args: Json,
    status: int,
    field: str | None,
) -> None:
    lead = await new_lead(client, tenant, "plain@acme.com")
    await new_lead(client, tenant, "taken@acme.com")
    owner = await add_owner(client, tenant, "Ada")
    ids = {"lead": lead["id"], "owner": owner["id"]}
    before = await footprint(app, tenant.workspace_id)
    async with Client(mcp_server(tenant.admin)) as mcp:
        body = await problem(mcp, tool, fill(args, ids), status)
    if field is not None:
        assert field in fields_of(body), body
    assert await footprint(app, tenant.workspace_id) == before


def valid_args(ids: dict[str, str]) -> dict[str, Json]:
    """One well-formed call of every tool, on the ids given ({lead}, {dup}, {owner}, {task})."""
    lead, dup, owner = ids["lead"], ids["dup"], ids["owner"]
    return {
        "search_leads": {"query": "acme"},
        "get_lead": {"lead_id": lead},
        "export_lead": {"lead_id": lead},
        "create_lead": {"lead": {"email": "fresh@acme.com"}},
        "update_lead": {"lead_id": lead, "changes": {"city": "Oslo"}},
        "record_event": {"lead_id": lead, "event": {"type": "demo_request"}},
        "explain_score": {"lead_id": lead},
        "delete_lead": {"lead_id": lead, "confirm": True},
        "merge_leads": {"lead_id": lead, "duplicate_id": dup, "confirm": True},
        "preview_routing": {"lead_id": lead},
        "route_lead": {"lead_id": lead, "force": True},
        "move_stage": {"lead_id": lead, "to": "disqualified", "reason": "spam"},
        "accept_lead": {"lead_id": lead},
        "reject_lead": {"lead_id": lead, "reason": "not_ready"},
        "list_owners": {},
        "set_out_of_office": {"owner_id": owner, "out_of_office": {"until": "2099-01-01T00:00:00Z"}},
        "list_sla_breaches": {"owner_id": owner},
        "funnel_report": {"owner_id": owner},
        "speed_to_lead_report": {"group_by": "source"},
        "list_tasks": {"owner_id": owner, "status": "open"},
        "complete_task": {"task_id": ids["task"]},
        "enroll_lead": {"lead_id": dup, "track_id": ids["track"]},
        "exit_track": {"lead_id": lead, "reason": "replied"},
        "list_automations": {"limit": 10},
        "preview_automation": {"automation": TAGGING, "lead_id": lead, "event": {"type": "demo_request"}},
        "list_segments": {"limit": 10},
        "routing_fairness": {"start": "2026-01-01T00:00:00Z"},
        "find_duplicates": {"lead": {"email": "held+x@acme.com"}},
        "merge_duplicate": {"pair_id": ids["pair"], "confirm": True},
        "backtest_model": {"within_days": 30, "as_of": "created"},
    }


async def world(app: FastAPI, client: httpx.AsyncClient, tenant: Tenant) -> dict[str, str]:
    """A lead an owner holds (sql) with a call to make, a second lead, and the owner under a rule."""
    owner = await add_owner(client, tenant, "Ada")
    await add_rule(client, tenant, name="all", position=1, strategy="round_robin")
    lead = await sales_ready(client, tenant, "held@acme.com")
    dup = await new_lead(client, tenant, "twin@acme.com")
    assert lead["owner_id"] == owner["id"]
    task = await add_task(client, tenant, lead["id"])
    track = await add_track(client, tenant)
    # The held lead is nurtured in another track, for exit_track to take it out.
    nurturing = await add_track(client, tenant, name="nurturing")
    assert (await enroll(client, tenant, lead["id"], nurturing["id"])).status_code == 201
    # Two leads alike enough to be queued as a pair, for merge_duplicate.
    await new_lead(client, tenant, "held+promo@acme.com")
    await run_duplicates(app, tenant)
    [pair] = [p["id"] for p in (await client.get("/v1/duplicates", headers=tenant.read)).json()["data"]]
    return {
        "pair": pair,
        "lead": lead["id"],
        "dup": dup["id"],
        "owner": owner["id"],
        "task": task["id"],
        "track": track["id"],
    }


# The tools that take a lead's or an owner's id: another workspace's is not found (404).
FOREIGN = sorted(
    TOOLS
    - {
        "search_leads",
        "create_lead",
        "list_owners",
        "list_sla_breaches",
        "funnel_report",
        "speed_to_lead_report",
        "routing_fairness",  # their rule is a 422, as in REST (a report's filter, not a path)
        "list_tasks",  # their owner filters to nothing, as in REST
        "list_automations",
        "list_segments",  # takes no id
        "find_duplicates",  # takes no id
        "backtest_model",  # takes a model's id, not a lead's or an owner's (its own test)
    }
)


@pytest.mark.parametrize("tool", FOREIGN)
async def test_another_workspaces_ids_are_not_found(
    app: FastAPI,
    client: httpx.AsyncClient,
    mcp_server: ServerFor,
    tenant: Tenant,
    other_tenant: Tenant,
    tool: str,
) -> None:
    mine = await world(app, client, tenant)
    theirs = await world(app, client, other_tenant)
    args = valid_args(theirs)[tool]
    if tool == "merge_leads":  # their lead, my duplicate (mine into theirs: see the next test)
        args = {**args, "duplicate_id": mine["dup"]}
    mine_before = await footprint(app, tenant.workspace_id)
    theirs_before = await footprint(app, other_tenant.workspace_id)
    async with Client(mcp_server(tenant.admin)) as mcp:
        body = await problem(mcp, tool, args, 404)
    assert "does not exist" in body["detail"]
    assert await footprint(app, other_tenant.workspace_id) == theirs_before
    assert await footprint(app, tenant.workspace_id) == mine_before


async def test_another_workspaces_owners_and_leads_are_not_in_filters(
    app: FastAPI,
    client: httpx.AsyncClient,
    mcp_server: ServerFor,
    tenant: Tenant,
    other_tenant: Tenant,
    clock: Clock,
) -> None:
    """As in REST: assigning to their owner, merging their lead in or reporting on their owner is a
    422, and breaches filtered by their owner or lead are none."""
    mine = await world(app, client, tenant)
    theirs = await world(app, client, other_tenant)
    with clock.travel(minutes=6):
        await sweep(app)  # both workspaces breach (the default policy: 5 minutes)
    async with Client(mcp_server(tenant.admin)) as mcp:
        assigned = await problem(
            mcp, "update_lead", {"lead_id": mine["dup"], "changes": {"owner_id": theirs["owner"]}}, 422
        )
        assert fields_of(assigned) == ["owner_id"]
        merged = await problem(
            mcp, "merge_leads", {"lead_id": mine["lead"], "duplicate_id": theirs["dup"], "confirm": True}, 422
        )
        assert fields_of(merged) == ["duplicate_id"]
        for tool in ("funnel_report", "speed_to_lead_report"):
            assert fields_of(await problem(mcp, tool, {"owner_id": theirs["owner"]}, 422)) == ["owner_id"]
        assert len((await call(mcp, "list_sla_breaches"))["breaches"]) == 1
        for args in ({"owner_id": theirs["owner"]}, {"lead_id": theirs["lead"]}):
            assert (await call(mcp, "list_sla_breaches", args))["breaches"] == []
    async with Client(mcp_server(other_tenant.read)) as mcp:
        assert len((await call(mcp, "list_sla_breaches", {"lead_id": theirs["lead"]}))["breaches"]) == 1
    assert (await rest_lead(client, tenant, mine["dup"]))["owner_id"] is None


@pytest.mark.parametrize("tool", sorted(WRITE_TOOLS))
async def test_a_read_key_cannot_write(
    app: FastAPI, client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant, tool: str
) -> None:
    ids = await world(app, client, tenant)
    before = await footprint(app, tenant.workspace_id)
    async with Client(mcp_server(tenant.read)) as mcp:
        body = await problem(mcp, tool, valid_args(ids)[tool], 403)
    assert "'write'" in body["detail"]
    assert await footprint(app, tenant.workspace_id) == before
    async with Client(mcp_server(tenant.write)) as mcp:  # the same call with a write key goes through
        await call(mcp, tool, valid_args(ids)[tool])
    assert await footprint(app, tenant.workspace_id) != before


async def test_a_read_key_reads(
    app: FastAPI, client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    ids = await world(app, client, tenant)
    async with Client(mcp_server(tenant.read)) as mcp:
        for tool in sorted(READ_TOOLS):
            await call(mcp, tool, valid_args(ids)[tool])


async def test_a_revoked_or_unknown_key_is_refused(
    app: FastAPI, client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    ids = await world(app, client, tenant)
    key = await rest(
        client, "POST", "/v1/api-keys", tenant.admin, 201, json={"name": "agent", "scopes": ["write"]}
    )
    agent = {"Authorization": f"Bearer {key['key']}"}
    async with Client(mcp_server(agent)) as mcp:
        assert (await call(mcp, "get_lead", {"lead_id": ids["lead"]}))["lead"]["id"] == ids["lead"]
        await rest(client, "DELETE", f"/v1/api-keys/{key['id']}", tenant.admin, 204)
        before = await footprint(app, tenant.workspace_id)
        for tool, args in valid_args(ids).items():
            body = await problem(mcp, tool, args, 401)
            assert "revoked" in body["detail"], tool
        with pytest.raises(MCPError) as refused:
            await mcp.read_resource("leadapi://stages")
        assert json.loads(str(refused.value))["status"] == 401
    unknown = {"Authorization": "Bearer lk_" + "0" * 40}
    not_a_key = {"Authorization": "Bearer hunter2"}
    for headers in (unknown, not_a_key):
        async with Client(mcp_server(headers)) as mcp:
            for tool, args in valid_args(ids).items():
                await problem(mcp, tool, args, 401)
    assert await footprint(app, tenant.workspace_id) == before


# ---- once bugs, found by this file ---------------------------------------------------------------


async def test_preview_routing_with_an_empty_lead_id_is_bad_input(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    response = await client.post("/v1/routing/preview", json={"lead_id": ""}, headers=tenant.read)
    assert response.status_code == 422, response.text
    async with Client(mcp_server(tenant.read)) as mcp:
        assert "lead_id" in await schema_error(mcp, "preview_routing", {"lead_id": ""})


async def test_preview_routing_refuses_neither_or_both_subjects_as_rest_does(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "subject@acme.com")
    async with Client(mcp_server(tenant.read)) as mcp:
        for args in ({}, {"lead_id": lead["id"], "lead": {"email": "x@acme.com"}}):
            body = await problem(mcp, "preview_routing", args, 422)
            rest_body = await rest(client, "POST", "/v1/routing/preview", tenant.read, 422, json=args)
            assert (body["detail"], body["errors"]) == (rest_body["detail"], rest_body["errors"])
            assert body["errors"] == [{"field": "lead_id", "message": "give exactly one of lead_id and lead"}]


@pytest.mark.parametrize(
    "window",
    [
        {"start": "2026-03-01T00:00:00"},
        {"end": "2026-03-01T00:00:00"},
        {"start": "2026-03-01T00:00:00", "end": "2026-03-02T00:00:00"},
    ],
)
async def test_sla_breach_times_without_an_offset_are_not_a_crash(
    mcp_server: ServerFor, tenant: Tenant, window: Json
) -> None:
    async with Client(mcp_server(tenant.read)) as mcp:
        result = await mcp.call_tool("list_sla_breaches", window)
    text = text_of(result)
    assert result.is_error, text  # refused as REST refuses it
    assert text.startswith(error_prefix("list_sla_breaches") + "{"), text
    body = json.loads(text.removeprefix(error_prefix("list_sla_breaches")))
    assert body["status"] == 422
    assert {e["field"] for e in body["errors"]} == set(window)


async def test_record_event_text_is_its_structured_content(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "clicks@acme.com")
    async with Client(mcp_server(tenant.write)) as mcp:
        result = await mcp.call_tool("record_event", {"lead_id": lead["id"], "event": {"type": "page_view"}})
    assert not result.is_error
    assert json.loads(text_of(result)) == result.structured_content


async def test_a_tool_annotated_idempotent_has_no_further_effect_when_repeated(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "clicks@acme.com")
    args = {"lead_id": lead["id"], "event": {"type": "email_click"}}
    async with Client(mcp_server(tenant.write)) as mcp:
        [tool] = [t for t in (await mcp.list_tools()).tools if t.name == "record_event"]
        first = await call(mcp, "record_event", args)
        second = await call(mcp, "record_event", args)
    assert tool.annotations is not None
    assert second["lead"]["score"] > first["lead"]["score"]  # the second click counted too
    assert tool.annotations.idempotent_hint is False  # so the hint must not say otherwise


async def test_explain_score_is_the_rest_score(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    lead = await new_lead(client, tenant, "why@acme.com", **EXEC)
    async with Client(mcp_server(tenant.read)) as mcp:
        explained = await call(mcp, "explain_score", {"lead_id": lead["id"]})
    assert explained == await rest(client, "GET", f"/v1/leads/{lead['id']}/score", tenant.read)


# ---- nurture tracks ------------------------------------------------------------------------------


async def test_enroll_lead_and_exit_track(
    app: FastAPI, client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    track = await add_track(client, tenant, name="agent")
    lead = await new_lead(client, tenant, "nurtured@acme.com")
    async with Client(mcp_server(tenant.write)) as mcp:
        entry = await call(mcp, "enroll_lead", {"lead_id": lead["id"], "track_id": track["id"]})
        assert (entry["status"], entry["track_id"]) == ("active", track["id"])
        listed = await client.get(f"/v1/leads/{lead['id']}/enrollments", headers=tenant.read)
        assert listed.json()["data"] == [entry]
        again = await problem(mcp, "enroll_lead", {"lead_id": lead["id"], "track_id": track["id"]}, 409)
        assert "already" in again["detail"]
        missing = await problem(mcp, "enroll_lead", {"lead_id": lead["id"], "track_id": "trk_none"}, 422)
        assert missing["errors"][0]["field"] == "track_id"
        await problem(mcp, "exit_track", {"lead_id": lead["id"], "reason": " "}, 422)
        out = await call(
            mcp, "exit_track", {"lead_id": lead["id"], "track_id": track["id"], "reason": "replied"}
        )
        assert [(e["id"], e["status"], e["reason"]) for e in out["exited"]] == [
            (entry["id"], "exited", "replied")
        ]
        assert await call(mcp, "exit_track", {"lead_id": lead["id"], "reason": "replied"}) == {"exited": []}
        await problem(mcp, "exit_track", {"lead_id": "ld_none", "reason": "x"}, 404)


async def test_automations_are_listed_and_previewed_as_rest_does(
    app: FastAPI, client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    stored = [
        await rest(client, "POST", "/v1/automations", tenant.admin, 201, json={**TAGGING, "name": f"a{i}"})
        for i in range(3)
    ]
    hot = await sales_ready(client, tenant, "hot@acme.com")
    cold = await new_lead(client, tenant, "cold@acme.com")
    before = await footprint(app, tenant.workspace_id)
    async with Client(mcp_server(tenant.read)) as mcp:
        first = await call(mcp, "list_automations", {"limit": 2})
        rest_first = await rest(client, "GET", "/v1/automations?limit=2", tenant.read)
        assert first["automations"] == rest_first["data"]
        assert [a["id"] for a in first["automations"]] == [a["id"] for a in stored[:2]]
        second = await call(mcp, "list_automations", {"limit": 2, "cursor": first["next_cursor"]})
        assert [a["id"] for a in second["automations"]] == [stored[2]["id"]]
        assert second["next_cursor"] is None
        for automation in (stored[0]["id"], TAGGING):
            for lead in (hot, cold):
                args = {"automation": automation, "lead_id": lead["id"], "event": {"type": "demo_request"}}
                preview = await call(mcp, "preview_automation", args)
                assert preview == await rest(
                    client, "POST", "/v1/automations/preview", tenant.read, json=args
                )
                assert preview["fires"] is (lead is hot), preview
        inline = await call(
            mcp,
            "preview_automation",
            {"automation": TAGGING, "lead": {"email": "x@acme.com"}, "event": {"type": "x"}},
        )
        assert (inline["fires"], inline["reason"]) == (False, "trigger")
    assert (await call_fires(mcp_server, tenant, hot["id"]))["actions"][0]["status"] == "would"
    assert await footprint(app, tenant.workspace_id) == before  # a dry run stores nothing


async def call_fires(mcp_server: ServerFor, tenant: Tenant, lead_id: str) -> Json:
    async with Client(mcp_server(tenant.read)) as mcp:
        return await call(
            mcp,
            "preview_automation",
            {"automation": TAGGING, "lead_id": lead_id, "event": {"type": "demo_request"}},
        )


async def test_preview_automation_counts_the_matching_leads_as_rest_does(
    client: httpx.AsyncClient, mcp_server: ServerFor, tenant: Tenant
) -> None:
    await new_lead(client, tenant, "us@acme.com", country="US")
    await new_lead(client, tenant, "fr@acme.com", country="FR")
    when = {"field": "country", "op": "eq", "value": "us"}
    args: Json = {
        "automation": {**TAGGING, "when": when},
        "lead": {"email": "x@acme.com"},
        "event": {"type": "demo_request"},
    }
    async with Client(mcp_server(tenant.read)) as mcp:
        counted = await call(mcp, "preview_automation", {**args, "matching": True})
        assert counted["matching"] == 1
        assert counted == await rest(
            client, "POST", "/v1/automations/preview?matching=true", tenant.read, json=args
        )
        assert (await call(mcp, "preview_automation", args))["matching"] is None
        regex = {
            **args,
            "automation": {**TAGGING, "when": {"field": "email", "op": "matches", "value": "^u"}},
        }
        body = await problem(mcp, "preview_automation", {**regex, "matching": True}, 422)
        assert fields_of(body) == ["automation.when.op"]
