"""The pipeline, stage moves, acceptance and rejection over HTTP: thin over StageService, and over
the lead-change flow for the moves (it follows a move up in the other domains: the SLA clock)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from leadapi.api.auth import Admin, Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import next_time_cursor, time_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.leads.schemas import Lead
from leadapi.leads.service import etag, public
from leadapi.stages.engine import Pipeline
from leadapi.stages.schemas import (
    AcceptIn,
    PipelineIn,
    PipelineOut,
    RejectIn,
    StageChange,
    StageChangeList,
    StageMoveIn,
    StageMoveOut,
)

router = APIRouter(prefix="/v1/stages", tags=["lifecycle"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["lifecycle"], responses=PROBLEM_RESPONSES)


def _pipeline(pipeline: Pipeline) -> PipelineOut:
    return PipelineOut.model_validate({**pipeline.document(), "version": pipeline.version})


def _moved(response: Response, lead: dict[str, Any], change: dict[str, Any]) -> StageMoveOut:
    response.headers["ETag"] = etag(lead["version"])
    return StageMoveOut(lead=Lead.model_validate(public(lead)), change=StageChange.model_validate(change))


@router.get("", operation_id="get_stages", response_model=PipelineOut, summary="The pipeline")
async def get_stages(services: ServicesDep, conn: Snapshot, principal: Reader) -> PipelineOut:
    """The workspace's stages in order, its disqualification reasons and touch types."""
    return _pipeline(await services.stages.pipeline(conn, principal.workspace_id))


@router.put("", operation_id="put_stages", response_model=PipelineOut, summary="Replace the pipeline")
async def put_stages(services: ServicesDep, conn: Tx, body: PipelineIn, principal: Admin) -> PipelineOut:
    """Removing a stage that leads are in answers 409 with the counts: move those leads first."""
    return _pipeline(await services.stages.set_pipeline(conn, principal, body))


@lead_router.post(
    "/{lead_id}/stage", operation_id="move_lead_stage", response_model=StageMoveOut, summary="Move a lead"
)
async def move_lead_stage(
    services: ServicesDep, conn: Tx, lead_id: str, body: StageMoveIn, principal: Writer, response: Response
) -> StageMoveOut:
    """Forward in the funnel, back to the recycle stage, to a lost stage (`reason` from the
    disqualification reasons) or a won one (`amount` optional). A move the pipeline does not allow
    answers 409 with the allowed targets."""
    lead, change = await services.flow.move_stage(conn, principal, lead_id, body)
    return _moved(response, lead, change)


@lead_router.post(
    "/{lead_id}/accept", operation_id="accept_lead", response_model=StageMoveOut, summary="Sales accepts"
)
async def accept_lead(
    services: ServicesDep,
    conn: Tx,
    lead_id: str,
    principal: Writer,
    response: Response,
    body: Annotated[AcceptIn | None, Body()] = None,
) -> StageMoveOut:
    """The lead's owner takes it: it moves to the accepted stage, and that is a first touch
    (the SLA clock stops)."""
    lead, change = await services.flow.accept(conn, principal, lead_id, body.note if body else None)
    return _moved(response, lead, change)


@lead_router.post(
    "/{lead_id}/reject", operation_id="reject_lead", response_model=StageMoveOut, summary="Sales rejects"
)
async def reject_lead(
    services: ServicesDep, conn: Tx, lead_id: str, body: RejectIn, principal: Writer, response: Response
) -> StageMoveOut:
    """Sales gives the lead back: recycle stage, no owner, `lead.rejected` appended."""
    lead, change = await services.flow.reject(conn, principal, lead_id, body.reason, body.note)
    return _moved(response, lead, change)


@lead_router.get(
    "/{lead_id}/stages",
    operation_id="list_lead_stage_changes",
    response_model=StageChangeList,
    summary="Moves",
)
async def list_lead_stage_changes(
    services: ServicesDep,
    conn: Snapshot,
    lead_id: str,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> StageChangeList:
    """Newest first: every move with who made it (api key, owner, system) and why."""
    before = time_cursor(cursor)
    rows = await services.stages.history(conn, principal, lead_id, limit + 1, before)
    next_cursor = next_time_cursor(rows, limit, "at")
    return StageChangeList(
        data=[StageChange.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor
    )
