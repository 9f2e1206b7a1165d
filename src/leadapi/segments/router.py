"""Segments over HTTP: thin over SegmentService."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from leadapi.api.auth import Admin, Reader
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import id_cursor, next_id_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.segments.schemas import (
    Segment,
    SegmentCreate,
    SegmentList,
    SegmentMember,
    SegmentMemberList,
    SegmentUpdate,
)

router = APIRouter(prefix="/v1/segments", tags=["segments"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=2000)]


@router.post("", operation_id="create_segment", status_code=201, response_model=Segment, summary="Add one")
async def create_segment(
    body: SegmentCreate, principal: Admin, services: ServicesDep, conn: Tx, response: Response
) -> Segment:
    """The leads that meet `when`, kept current as leads change (shortly after, by a consumer of
    the event log), each entering or leaving appending `segment.entered` / `segment.exited`. The
    leads there are already are found in the background (`filling` until done), without events."""
    row = await services.segments.create(conn, principal, body)
    response.headers["Location"] = f"/v1/segments/{row['id']}"
    return Segment.model_validate(row)


@router.get("", operation_id="list_segments", response_model=SegmentList, summary="Segments")
async def list_segments(
    principal: Reader, services: ServicesDep, conn: Snapshot, limit: Limit = 50, cursor: Cursor = None
) -> SegmentList:
    rows = await services.segments.page(conn, principal, limit + 1, id_cursor(cursor))
    return SegmentList(
        data=[Segment.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.get("/{segment_id}", operation_id="get_segment", response_model=Segment, summary="One")
async def get_segment(segment_id: str, principal: Reader, services: ServicesDep, conn: Snapshot) -> Segment:
    return Segment.model_validate(await services.segments.get(conn, principal, segment_id))


@router.patch("/{segment_id}", operation_id="update_segment", response_model=Segment, summary="Change one")
async def update_segment(
    segment_id: str, body: SegmentUpdate, principal: Admin, services: ServicesDep, conn: Tx
) -> Segment:
    """Absent fields stay. A changed `when` decides every lead again in the background (`filling`)."""
    return Segment.model_validate(await services.segments.update(conn, principal, segment_id, body))


@router.delete("/{segment_id}", operation_id="delete_segment", status_code=204, summary="Delete one")
async def delete_segment(segment_id: str, principal: Admin, services: ServicesDep, conn: Tx) -> Response:
    """Its memberships go with it (no `segment.exited` events). Refused (409) while an automation
    triggers on it."""
    await services.segment_flow.delete(conn, principal, segment_id)
    return Response(status_code=204)


@router.get(
    "/{segment_id}/leads",
    operation_id="list_segment_leads",
    response_model=SegmentMemberList,
    summary="Members",
)
async def list_segment_leads(
    segment_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> SegmentMemberList:
    """The segment's leads now, by lead id."""
    rows = await services.segments.members(conn, principal, segment_id, limit + 1, id_cursor(cursor))
    keyed = [{**r, "id": r["lead_id"]} for r in rows]
    return SegmentMemberList(
        data=[SegmentMember.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(keyed, limit)
    )
