"""Routing rules, settings, previews and a lead's assignments over HTTP: thin over RoutingService."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from leadapi.api.auth import Admin, Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import next_time_cursor, time_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.routing.engine import Decision as EngineDecision
from leadapi.routing.preview import preview_decision
from leadapi.routing.schemas import (
    Assignment,
    AssignmentList,
    Decision,
    RouteIn,
    RouteOut,
    RoutingPreviewIn,
    RoutingRule,
    RoutingRuleList,
    RoutingSettings,
    RuleCreate,
    RuleUpdate,
)

router = APIRouter(prefix="/v1/routing", tags=["routing"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["routing"], responses=PROBLEM_RESPONSES)


def _decision(decision: EngineDecision) -> Decision:
    return Decision.model_validate(decision.explanation())


@router.get(
    "/rules", operation_id="list_routing_rules", response_model=RoutingRuleList, summary="Rules, in order"
)
async def list_routing_rules(services: ServicesDep, conn: Snapshot, principal: Reader) -> RoutingRuleList:
    rows = await services.routing.rules(conn, principal)
    return RoutingRuleList(data=[RoutingRule.model_validate(r) for r in rows])


@router.post(
    "/rules",
    operation_id="create_routing_rule",
    status_code=201,
    response_model=RoutingRule,
    summary="Add a rule",
)
async def create_routing_rule(
    services: ServicesDep, conn: Tx, body: RuleCreate, principal: Admin, response: Response
) -> RoutingRule:
    """Rules are tried by position, lowest first; positions are distinct (409 when taken)."""
    row = await services.routing.create_rule(conn, principal, body)
    response.headers["Location"] = f"/v1/routing/rules/{row['id']}"
    return RoutingRule.model_validate(row)


@router.get("/rules/{rule_id}", operation_id="get_routing_rule", response_model=RoutingRule, summary="A rule")
async def get_routing_rule(
    services: ServicesDep, conn: Snapshot, rule_id: str, principal: Reader
) -> RoutingRule:
    return RoutingRule.model_validate(await services.routing.rule(conn, principal, rule_id))


@router.patch(
    "/rules/{rule_id}",
    operation_id="update_routing_rule",
    response_model=RoutingRule,
    summary="Change a rule",
)
async def update_routing_rule(
    services: ServicesDep, conn: Tx, rule_id: str, body: RuleUpdate, principal: Admin
) -> RoutingRule:
    """A new strategy or pool starts the rule's rotation afresh."""
    return RoutingRule.model_validate(await services.routing.update_rule(conn, principal, rule_id, body))


@router.delete(
    "/rules/{rule_id}", operation_id="delete_routing_rule", status_code=204, summary="Remove a rule"
)
async def delete_routing_rule(services: ServicesDep, conn: Tx, rule_id: str, principal: Admin) -> Response:
    await services.routing.delete_rule(conn, principal, rule_id)
    return Response(status_code=204)


@router.get(
    "/settings", operation_id="get_routing_settings", response_model=RoutingSettings, summary="Settings"
)
async def get_routing_settings(services: ServicesDep, conn: Snapshot, principal: Reader) -> RoutingSettings:
    route_on = await services.routing.route_on(conn, principal.workspace_id)
    return RoutingSettings.model_validate({"route_on": route_on})


@router.put(
    "/settings", operation_id="put_routing_settings", response_model=RoutingSettings, summary="Settings"
)
async def put_routing_settings(
    services: ServicesDep, conn: Tx, body: RoutingSettings, principal: Admin
) -> RoutingSettings:
    await services.routing.set_route_on(conn, principal, body.route_on)
    return body


@router.post("/preview", operation_id="preview_routing", response_model=Decision, summary="Who would get it")
async def preview_routing(
    services: ServicesDep, conn: Tx, body: RoutingPreviewIn, principal: Reader
) -> Decision:
    """The decision for a stored lead or an inline one (scored by the active model, so band
    conditions apply), storing nothing and moving no rotation."""
    decision = await preview_decision(
        conn, principal, services.leads, services.routing, body.lead_id, body.lead
    )
    return _decision(decision)


@lead_router.post(
    "/{lead_id}/route", operation_id="route_lead", response_model=RouteOut, summary="Route a lead"
)
async def route_lead(
    services: ServicesDep,
    conn: Tx,
    lead_id: str,
    principal: Writer,
    body: Annotated[RouteIn | None, Body()] = None,
) -> RouteOut:
    """Route now with the rules; an owned lead only with `force: true`, never back to its owner."""
    force = body.force if body is not None else False
    lead, decision = await services.routing.route(conn, principal, lead_id, force)
    return RouteOut(
        lead_id=lead_id,
        owner_id=lead["owner_id"],
        assigned=decision.owner_id is not None,
        decision=_decision(decision),
    )


@lead_router.get(
    "/{lead_id}/assignments",
    operation_id="list_lead_assignments",
    response_model=AssignmentList,
    summary="Assignments",
)
async def list_lead_assignments(
    services: ServicesDep,
    conn: Snapshot,
    lead_id: str,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> AssignmentList:
    """Newest first: who got the lead, by what (routing, manual, reassign) and why."""
    before = time_cursor(cursor)
    rows = await services.routing.assignments(conn, principal, lead_id, limit + 1, before)
    next_cursor = next_time_cursor(rows, limit, "created_at")
    return AssignmentList(data=[Assignment.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor)
