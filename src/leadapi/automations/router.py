"""Automations over HTTP: thin over AutomationService (and the flow, for the dry run)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from leadapi.api.auth import Admin, Reader
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import id_cursor, next_id_cursor, next_time_cursor, time_cursor
from leadapi.automations.matching import preview_matching
from leadapi.automations.schemas import (
    Automation,
    AutomationCreate,
    AutomationList,
    AutomationPreview,
    AutomationPreviewIn,
    AutomationRun,
    AutomationRunList,
    AutomationUpdate,
)
from leadapi.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/automations", tags=["automations"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["automations"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=2000)]


def _runs(rows: list[dict[str, Any]], limit: int) -> AutomationRunList:
    return AutomationRunList(
        data=[AutomationRun.model_validate(r) for r in rows[:limit]],
        next_cursor=next_time_cursor(rows, limit, "at"),
    )


@router.post(
    "", operation_id="create_automation", status_code=201, response_model=Automation, summary="Add one"
)
async def create_automation(
    body: AutomationCreate, principal: Admin, services: ServicesDep, conn: Tx, response: Response
) -> Automation:
    """When the trigger takes an event of a lead and `when` holds, the actions run in order, once
    per (automation, event), shortly after the event (a consumer of the event log). It takes the
    events from now on."""
    row = await services.automations.create(conn, principal, body)
    response.headers["Location"] = f"/v1/automations/{row['id']}"
    return Automation.model_validate(row)


@router.get("", operation_id="list_automations", response_model=AutomationList, summary="Automations")
async def list_automations(
    principal: Reader, services: ServicesDep, conn: Snapshot, limit: Limit = 50, cursor: Cursor = None
) -> AutomationList:
    rows = await services.automations.page(conn, principal, limit + 1, id_cursor(cursor))
    return AutomationList(
        data=[Automation.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.post(
    "/preview", operation_id="preview_automation", response_model=AutomationPreview, summary="Dry run"
)
async def preview_automation(
    body: AutomationPreviewIn,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    matching: Annotated[
        bool,
        Query(
            description="Also count the workspace's leads the `when` matches now (`event.*` leaves "
            "on this event). A `when` SQL cannot count (attributes, `matches`, text outside ASCII) "
            "is a 422 naming the node."
        ),
    ] = False,
) -> AutomationPreview:
    """Would this automation (stored, or written out) fire for this lead (stored, or written out)
    and event, and what would each action do? Nothing is stored."""
    answer = await services.automation_flow.preview(conn, principal, body)
    if matching:
        answer["matching"] = await preview_matching(
            conn, principal, services.automations, services.clock, body
        )
    return AutomationPreview.model_validate(answer)


@router.get("/{automation_id}", operation_id="get_automation", response_model=Automation, summary="One")
async def get_automation(
    automation_id: str, principal: Reader, services: ServicesDep, conn: Snapshot
) -> Automation:
    return Automation.model_validate(await services.automations.get(conn, principal, automation_id))


@router.patch(
    "/{automation_id}", operation_id="update_automation", response_model=Automation, summary="Change one"
)
async def update_automation(
    automation_id: str, body: AutomationUpdate, principal: Admin, services: ServicesDep, conn: Tx
) -> Automation:
    """Absent fields stay; `when: null` removes the condition. Switched back on, it takes the
    events from then on, not those it missed."""
    return Automation.model_validate(await services.automations.update(conn, principal, automation_id, body))


@router.delete("/{automation_id}", operation_id="delete_automation", status_code=204, summary="Delete one")
async def delete_automation(
    automation_id: str, principal: Admin, services: ServicesDep, conn: Tx
) -> Response:
    """Its runs go with it."""
    await services.automations.delete(conn, principal, automation_id)
    return Response(status_code=204)


@router.get(
    "/{automation_id}/runs",
    operation_id="list_automation_runs",
    response_model=AutomationRunList,
    summary="Runs",
)
async def list_automation_runs(
    automation_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AutomationRunList:
    """Newest first: what each action did, or why the run was skipped."""
    rows = await services.automations.runs(conn, principal, automation_id, limit + 1, time_cursor(cursor))
    return _runs(rows, limit)


@lead_router.get(
    "/{lead_id}/automation-runs",
    operation_id="list_lead_automation_runs",
    response_model=AutomationRunList,
    summary="Automation runs of a lead",
)
async def list_lead_automation_runs(
    lead_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AutomationRunList:
    """Newest first: every automation that met one of the lead's events, and what it did."""
    rows = await services.automations.lead_runs(conn, principal, lead_id, limit + 1, time_cursor(cursor))
    return _runs(rows, limit)
