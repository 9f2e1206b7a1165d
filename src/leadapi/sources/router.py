"""Form sources, their submissions, and the hook providers post to: thin over SourceService."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from leadapi.api.auth import Admin, Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import next_time_cursor, time_cursor
from leadapi.api.problems import problem_response
from leadapi.errors import PROBLEM_RESPONSES, ProblemError
from leadapi.sources.schemas import (
    HookReply,
    Source,
    SourceCreate,
    SourceList,
    SourceUpdate,
    SourceWithSecret,
    Submission,
    SubmissionList,
)

router = APIRouter(prefix="/v1/sources", tags=["sources"], responses=PROBLEM_RESPONSES)
hook_router = APIRouter(prefix="/v1/hooks", tags=["sources"], responses=PROBLEM_RESPONSES)


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "hook_url": f"/v1/hooks/{row['id']}"}


@router.post(
    "", operation_id="create_source", status_code=201, response_model=SourceWithSecret, summary="Add one"
)
async def create_source(
    services: ServicesDep, conn: Tx, body: SourceCreate, principal: Admin, response: Response
) -> SourceWithSecret:
    """A form source: point the provider at `hook_url` with the signing secret."""
    row = await services.sources.create(conn, principal, body)
    response.headers["Location"] = f"/v1/sources/{row['id']}"
    return SourceWithSecret.model_validate(_shown(row))


@router.get("", operation_id="list_sources", response_model=SourceList, summary="Sources")
async def list_sources(services: ServicesDep, conn: Snapshot, principal: Reader) -> SourceList:
    return SourceList(
        data=[Source.model_validate(_shown(r)) for r in await services.sources.all(conn, principal)]
    )


@router.get("/{source_id}", operation_id="get_source", response_model=Source, summary="A source")
async def get_source(services: ServicesDep, conn: Snapshot, source_id: str, principal: Reader) -> Source:
    return Source.model_validate(_shown(await services.sources.get(conn, principal, source_id)))


@router.patch("/{source_id}", operation_id="update_source", response_model=Source, summary="Change one")
async def update_source(
    services: ServicesDep, conn: Tx, source_id: str, body: SourceUpdate, principal: Admin
) -> Source:
    return Source.model_validate(_shown(await services.sources.update(conn, principal, source_id, body)))


@router.delete("/{source_id}", operation_id="delete_source", status_code=204, summary="Delete one")
async def delete_source(services: ServicesDep, conn: Tx, source_id: str, principal: Admin) -> Response:
    await services.sources.delete(conn, principal, source_id)
    return Response(status_code=204)


@router.get(
    "/{source_id}/submissions",
    operation_id="list_source_submissions",
    response_model=SubmissionList,
    summary="Submissions",
)
async def list_source_submissions(
    services: ServicesDep,
    conn: Snapshot,
    source_id: str,
    principal: Reader,
    status: Literal["accepted", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> SubmissionList:
    """Newest first, each with its raw payload; failed ones with the reason."""
    before = time_cursor(cursor)
    rows = await services.sources.submissions(conn, principal, source_id, status, limit + 1, before)
    next_cursor = next_time_cursor(rows, limit, "received_at")
    return SubmissionList(data=[Submission.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor)


@router.post(
    "/{source_id}/submissions/{submission_id}/replay",
    operation_id="replay_source_submission",
    response_model=HookReply,
    summary="Map a failed submission again",
)
async def replay_source_submission(
    request: Request, services: ServicesDep, conn: Tx, source_id: str, submission_id: str, principal: Writer
) -> HookReply | Response:
    """After fixing the mapping: the stored payload is mapped again; 422 if it still fails."""
    return _answer(request, await services.sources.replay(conn, principal, source_id, submission_id))


@hook_router.post(
    "/{source_id}",
    operation_id="receive_submission",
    response_model=HookReply,
    summary="A provider posts a submission",
    openapi_extra={"security": []},
)
async def receive_submission(
    request: Request, services: ServicesDep, conn: Tx, source_id: str
) -> HookReply | Response:
    """No API key: the provider's signature authenticates (generic: `X-Leadapi-Signature`,
    typeform: `Typeform-Signature`, hubspot: `X-HubSpot-Signature-v3`). JSON or form-encoded.
    The lead is upserted and `form_submit` appended in one transaction; a retry is acknowledged
    with `replayed: true`; a payload the mapping cannot use is kept as failed (422)."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    reply = await services.sources.receive(conn, source_id, request.method, str(request.url), headers, body)
    return _answer(request, reply)


def _answer(request: Request, outcome: dict[str, Any] | ProblemError) -> HookReply | Response:
    """The reply, or the refusal of a submission kept as failed: answered, not raised, so the
    request's transaction commits what was kept."""
    if isinstance(outcome, ProblemError):
        return problem_response(outcome, request)
    return HookReply.model_validate(outcome)
