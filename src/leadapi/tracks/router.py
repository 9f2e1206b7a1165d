"""Nurture tracks over HTTP: thin over TrackService."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from leadapi.api.auth import Admin, Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import id_cursor, next_id_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.tracks.schemas import (
    Enrollment,
    EnrollmentAction,
    EnrollmentCreate,
    EnrollmentList,
    EnrollmentStatus,
    NurtureSettings,
    NurtureSettingsUpdate,
    Track,
    TrackCreate,
    TrackList,
    TrackUpdate,
)

router = APIRouter(prefix="/v1/tracks", tags=["tracks"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["tracks"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Cursor = Annotated[str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")]


def _enrollments(rows: list[dict[str, Any]], limit: int) -> EnrollmentList:
    return EnrollmentList(
        data=[Enrollment.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.post("", operation_id="create_track", status_code=201, response_model=Track, summary="Add a track")
async def create_track(
    body: TrackCreate, principal: Admin, services: ServicesDep, conn: Tx, response: Response
) -> Track:
    """Ordered steps, each due `wait_minutes` after the previous one (the first: after enrolment),
    counted in business hours when the step has them; `track.step_due` tells the sender."""
    row = await services.tracks.create(conn, principal, body)
    response.headers["Location"] = f"/v1/tracks/{row['id']}"
    return Track.model_validate(row)


@router.get("", operation_id="list_tracks", response_model=TrackList, summary="Tracks")
async def list_tracks(
    principal: Reader, services: ServicesDep, conn: Snapshot, limit: Limit = 50, cursor: Cursor = None
) -> TrackList:
    rows = await services.tracks.page(conn, principal, limit + 1, id_cursor(cursor))
    return TrackList(
        data=[Track.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.get(
    "/settings",
    operation_id="get_nurture_settings",
    response_model=NurtureSettings,
    summary="Nurture settings",
)
async def get_nurture_settings(principal: Reader, services: ServicesDep, conn: Snapshot) -> NurtureSettings:
    """The weekly touch cap: `track.step_due` per lead in any 7 days, across all tracks (default 3).
    A step over it waits until the oldest touch leaves the window (`track.step_deferred`)."""
    return NurtureSettings.model_validate(await services.tracks.settings(conn, principal.workspace_id))


@router.patch(
    "/settings",
    operation_id="update_nurture_settings",
    response_model=NurtureSettings,
    summary="Change nurture settings",
)
async def update_nurture_settings(
    body: NurtureSettingsUpdate, principal: Admin, services: ServicesDep, conn: Tx
) -> NurtureSettings:
    row = await services.tracks.update_settings(conn, principal, body.weekly_touch_cap)
    return NurtureSettings.model_validate(row)


@router.get("/{track_id}", operation_id="get_track", response_model=Track, summary="A track")
async def get_track(track_id: str, principal: Reader, services: ServicesDep, conn: Snapshot) -> Track:
    return Track.model_validate(await services.tracks.get(conn, principal, track_id))


@router.patch("/{track_id}", operation_id="update_track", response_model=Track, summary="Change a track")
async def update_track(
    track_id: str, body: TrackUpdate, principal: Admin, services: ServicesDep, conn: Tx
) -> Track:
    """Absent fields stay; `exit_when: null` removes the condition. Enrolments go on at the step
    they are at (a track with fewer steps completes them at their next due step)."""
    return Track.model_validate(await services.tracks.update(conn, principal, track_id, body))


@router.delete("/{track_id}", operation_id="delete_track", status_code=204, summary="Delete a track")
async def delete_track(track_id: str, principal: Admin, services: ServicesDep, conn: Tx) -> Response:
    """Its enrolments go with it. The automations that enrol leads in it (or take them out of it)
    are switched off, with the reason on them and in an `automation.disabled` event."""
    await services.tracks.delete(conn, principal, track_id)
    return Response(status_code=204)


@router.get(
    "/{track_id}/enrollments",
    operation_id="list_track_enrollments",
    response_model=EnrollmentList,
    summary="A track's enrolments",
)
async def list_track_enrollments(
    track_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    status: Annotated[EnrollmentStatus | None, Query(description="Only enrolments in this status.")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> EnrollmentList:
    """Oldest enrolment first."""
    rows = await services.tracks.track_enrollments(
        conn, principal, track_id, status, limit + 1, id_cursor(cursor)
    )
    return _enrollments(rows, limit)


@lead_router.post(
    "/{lead_id}/enrollments",
    operation_id="enroll_lead",
    status_code=201,
    response_model=Enrollment,
    summary="Enrol a lead in a track",
)
async def enroll_lead(
    lead_id: str, body: EnrollmentCreate, principal: Writer, services: ServicesDep, conn: Tx
) -> Enrollment:
    """`track.enrolled`; the first step is due after its wait. A lead sales has, or that meets the
    track's `exit_when`, exits at once (status exited). 409: the track is inactive, the lead is in
    another track (unless this one has `allow_concurrent`) or in this one, or was in it before and
    `reenroll` does not take it again yet."""
    row = await services.tracks.enroll(
        conn, principal.workspace_id, lead_id, body.track_id, actor=principal.key_id
    )
    return Enrollment.model_validate(row)


@lead_router.get(
    "/{lead_id}/enrollments",
    operation_id="list_lead_enrollments",
    response_model=EnrollmentList,
    summary="A lead's enrolments",
)
async def list_lead_enrollments(
    lead_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> EnrollmentList:
    """Oldest first."""
    rows = await services.tracks.lead_enrollments(conn, principal, lead_id, limit + 1, id_cursor(cursor))
    return _enrollments(rows, limit)


@lead_router.post(
    "/{lead_id}/enrollments/{enrollment_id}/pause",
    operation_id="pause_enrollment",
    response_model=Enrollment,
    summary="Pause an enrolment",
)
async def pause_enrollment(
    lead_id: str,
    enrollment_id: str,
    principal: Writer,
    services: ServicesDep,
    conn: Tx,
    body: EnrollmentAction | None = None,
) -> Enrollment:
    """No step is sent while paused; `track.paused`. 409 unless active."""
    reason = body.reason if body is not None else None
    row = await services.tracks.pause(
        conn, principal.workspace_id, lead_id, enrollment_id, principal.key_id, reason
    )
    return Enrollment.model_validate(row)


@lead_router.post(
    "/{lead_id}/enrollments/{enrollment_id}/resume",
    operation_id="resume_enrollment",
    response_model=Enrollment,
    summary="Resume an enrolment",
)
async def resume_enrollment(
    lead_id: str,
    enrollment_id: str,
    principal: Writer,
    services: ServicesDep,
    conn: Tx,
    body: EnrollmentAction | None = None,
) -> Enrollment:
    """Active again (a step that fell due meanwhile is due now); `track.resumed`. 409 unless paused."""
    reason = body.reason if body is not None else None
    row = await services.tracks.resume(
        conn, principal.workspace_id, lead_id, enrollment_id, principal.key_id, reason
    )
    return Enrollment.model_validate(row)


@lead_router.post(
    "/{lead_id}/enrollments/{enrollment_id}/exit",
    operation_id="exit_enrollment",
    response_model=Enrollment,
    summary="Take a lead out of a track",
)
async def exit_enrollment(
    lead_id: str,
    enrollment_id: str,
    principal: Writer,
    services: ServicesDep,
    conn: Tx,
    body: EnrollmentAction | None = None,
) -> Enrollment:
    """Exited with the reason given (default `manual`); `track.exited`. 409 once ended."""
    reason = body.reason if body is not None else None
    row = await services.tracks.exit(
        conn, principal.workspace_id, lead_id, enrollment_id, reason, principal.key_id
    )
    return Enrollment.model_validate(row)
