"""Thin HTTP layer over LeadService: parse, call, shape the response."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.auth import Reader, Writer
from leadapi.api.deps import Reads, ReplicaReads, ServicesDep, Snapshot, Tx
from leadapi.api.pagination import decode_cursor, encode_cursor
from leadapi.errors import PROBLEM_JSON, PROBLEM_RESPONSES, ProblemError
from leadapi.leads.schemas import (
    FieldSource,
    Lead,
    LeadBatchIn,
    LeadBatchItem,
    LeadBatchOut,
    LeadCaptured,
    LeadCreate,
    LeadDetail,
    LeadList,
    LeadUpdate,
    MergeIn,
    Timeline,
    TimelineEvent,
)
from leadapi.leads.service import etag, parse_if_match
from leadapi.leads.transfer import MEDIA_TYPES, export_header, export_lines
from leadapi.principal import Principal
from leadapi.services import Services

router = APIRouter(prefix="/v1/leads", tags=["leads"], responses=PROBLEM_RESPONSES)

LIST_CONTROL_PARAMS = frozenset({"limit", "cursor", "sort", "q", "count"})
JSON = "application/json"
# What GET /v1/leads answers in, by the client's Accept; on equal preference, the first.
LIST_MEDIA_TYPES = {JSON: "json", **{media: fmt for fmt, media in MEDIA_TYPES.items()}}
# Page controls: an export is every matching lead, so it refuses them rather than ignore them.
PAGE_ONLY_PARAMS = ("limit", "cursor", "count")
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of leads (JSON), or with `Accept: text/csv` or `Accept: "
        "application/x-ndjson` every matching lead, streamed: a CSV header line and one line per "
        "lead, or one JSON object per line.",
        "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()},
    },
    406: {
        "description": "Not acceptable",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}
Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Cursor = Annotated[str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")]


@router.post(
    "",
    operation_id="create_lead",
    status_code=201,
    response_model=LeadCaptured,
    summary="Capture a lead (dedupes and merges)",
    responses={200: {"model": LeadCaptured, "description": "Matched an existing lead and merged into it."}},
)
async def create_lead(
    services: ServicesDep,
    conn: Tx,
    body: LeadCreate,
    principal: Writer,
    overwrite: Annotated[bool, Query(description="A matched lead takes the new non-empty values.")] = False,
) -> Response:
    """Same email, else same external id, else same phone: the request merges into that lead
    (200, `merged: true`; empty fields are filled, others kept unless `overwrite=true`).
    Otherwise a new lead (201)."""
    leads = services.leads
    captured = await leads.capture(conn, principal, leads.prepare(body), overwrite=overwrite)
    # Already shaped by the Lead schema in the service (it is also the event's payload).
    shown = {**captured.public(), "merged": captured.merged}
    headers = {"ETag": etag(shown["version"])}
    if not captured.merged:
        headers["Location"] = f"/v1/leads/{shown['id']}"
    return Response(
        to_json(shown),
        status_code=200 if captured.merged else 201,
        media_type="application/json",
        headers=headers,
    )


@router.post(
    "/batch",
    operation_id="create_leads_batch",
    response_model=LeadBatchOut,
    summary="Capture up to 1000 leads",
)
async def create_leads_batch(
    services: ServicesDep, conn: Tx, body: LeadBatchIn, principal: Writer
) -> LeadBatchOut:
    """Each lead is captured (deduped, merged) in a savepoint of its own: every item gets a
    result, one bad item never sinks the others, and the items that succeeded are committed
    together before the response is sent."""
    # Each item in a savepoint of the request's transaction (see LeadService.capture_batch).
    results = await services.leads.capture_batch(conn, principal, body.leads, overwrite=body.overwrite)
    items = [
        LeadBatchItem.model_validate({"index": i, "status": status, "lead_id": lead_id, "errors": errors})
        for i, (status, lead_id, errors) in enumerate(results)
    ]
    return LeadBatchOut(
        created=sum(1 for r in results if r[0] == "created"),
        merged=sum(1 for r in results if r[0] == "merged"),
        failed=sum(1 for r in results if r[0] == "error"),
        results=items,
    )


@router.get(
    "",
    operation_id="list_leads",
    response_model=LeadList,
    responses=LIST_RESPONSES,
    summary="List and filter leads, or export them",
)
async def list_leads(
    request: Request,
    services: ServicesDep,
    conn: ReplicaReads,
    principal: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
    sort: Annotated[
        str | None,
        Query(
            max_length=200,
            description="e.g. `-created_at` (the default) or `company,-score`. "
            "With `q` and no sort, best matches first.",
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Text search in email, names, company and domain (prefixes; typos "
            "tolerated on PostgreSQL).",
        ),
    ] = None,
    count: Annotated[
        Literal["estimate", "exact"] | None,
        Query(
            description="Also return `total`: `estimate` is the planner's (reads no rows), "
            "`exact` counts every matching lead."
        ),
    ] = None,
    include_archived: Annotated[
        Literal["true", "false"] | None,
        Query(description="`true`: archived leads too (by default a list leaves them out)."),
    ] = None,
) -> Response:
    """Filters: `field[op]=value` with eq, ne, gt, gte, lt, lte, in (comma-separated), contains,
    starts_with, exists; on lead fields, `tags`, and `attributes.<name>`. A bare `field=value` means eq.
    The README lists the filter and sort combinations an index serves.

    Export: with `Accept: text/csv` or `Accept: application/x-ndjson` the answer is every lead the
    filters, `q` and `sort` select, streamed in that order (CSV as `leadapi export` writes it:
    `tags` joined by `|`, `attributes` and `external_ids` as JSON; NDJSON one lead per line, as
    the JSON list shows it). `limit`, `cursor` and `count` page the JSON list and are refused
    (400) with an export."""
    fmt = _negotiate(request.headers.get("accept"))
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in LIST_CONTROL_PARAMS]
    if fmt != "json":
        return await _export(request, services, conn, principal, fmt, params, sort, q)
    page = await services.leads.list_leads(conn, principal, params, sort, q, limit, cursor, count)
    # Rows are read in the schema's columns and types already: straight to JSON, no models.
    body: dict[str, Any] = {"data": page.rows, "next_cursor": page.next_cursor}
    if count is not None:  # absent otherwise: the body is what it was before counts existed
        body["total"], body["total_is_estimate"] = page.total, page.total_is_estimate
    return Response(to_json(body), media_type="application/json", headers={"Vary": "Accept"})


async def _export(
    request: Request,
    services: Services,
    conn: AsyncConnection,
    principal: Principal,
    fmt: str,
    params: list[tuple[str, str]],
    sort: str | None,
    q: str | None,
) -> StreamingResponse:
    paging = [name for name in PAGE_ONLY_PARAMS if name in request.query_params]
    if paging:
        raise ProblemError(
            400,
            f"An export streams every matching lead: {', '.join(paging)} only page the JSON list.",
            slug="bad-query",
            errors=[{"field": name, "message": "does not apply to an export"} for name in paging],
        )
    leads = services.leads
    spec = leads.list_spec(params, sort, q)
    chunks = leads.export(principal, spec, first=conn)
    # The first chunk is read here, on the request's connection: whatever fails before a byte is
    # sent is answered as a problem, not as a cut-off stream.
    first = await anext(chunks, None)

    async def body() -> AsyncIterator[bytes]:
        try:
            yield export_header(fmt)
            chunk = first
            while chunk is not None:
                yield export_lines(fmt, chunk.names, chunk.records, json_text=chunk.json_text)
                chunk = await anext(chunks, None)
        finally:
            await chunks.aclose()

    media = MEDIA_TYPES[fmt]
    return StreamingResponse(
        body(),
        media_type=f"{media}; charset=utf-8" if fmt == "csv" else media,
        headers={"Vary": "Accept", "Content-Disposition": f'attachment; filename="leads.{fmt}"'},
    )


def _negotiate(accept: str | None) -> str:
    """The format the Accept header prefers among the list's (RFC 9110 12.5.1: each type takes
    the quality of the most specific range that matches it; q=0 refuses it): "json" for none."""
    if not accept or not accept.strip():
        return "json"
    ranges: list[tuple[str, str, float]] = []
    for item in accept.split(","):
        media, *parameters = (part.strip() for part in item.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not media or not slash:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((kind, subtype, quality))
    best, best_quality = None, 0.0
    for media, fmt in LIST_MEDIA_TYPES.items():
        kind, _, subtype = media.partition("/")
        matches = [
            (specificity, quality)
            for range_kind, range_subtype, quality in ranges
            for specificity in [
                2
                if (range_kind, range_subtype) == (kind, subtype)
                else 1
                if (range_kind, range_subtype) == (kind, "*")
                else 0
                if (range_kind, range_subtype) == ("*", "*")
                else -1
            ]
            if specificity >= 0
        ]
        if matches:
            quality = max(matches)[1]
            if quality > best_quality:
                best, best_quality = fmt, quality
    if best is None:
        offered = ", ".join(LIST_MEDIA_TYPES)
        raise ProblemError(
            406,
            f"This list is answered as {offered}; the Accept header allows none of them.",
            slug="not-acceptable",
            title="Not acceptable",
            errors=[{"field": "Accept", "message": f"accept one of {offered}"}],
        )
    return best


@router.get("/{lead_id}", operation_id="get_lead", response_model=LeadDetail, summary="Get a lead")
async def get_lead(
    services: ServicesDep,
    conn: Reads,
    lead_id: str,
    principal: Reader,
    include: Annotated[
        Literal["provenance"] | None,
        Query(description="`provenance`: also where each field's value came from, and when."),
    ] = None,
) -> Response:
    row = await services.leads.get(conn, principal, lead_id)
    lead = LeadDetail.model_validate(row)
    if include == "provenance":
        lead.provenance = {name: FieldSource.model_validate(v) for name, v in row["provenance"].items()}
        body = lead.model_dump_json()
    else:
        body = lead.model_dump_json(exclude={"provenance"})
    return Response(body, media_type="application/json", headers={"ETag": etag(lead.version)})


@router.patch("/{lead_id}", operation_id="update_lead", response_model=Lead, summary="Update a lead")
async def update_lead(
    services: ServicesDep,
    conn: Tx,
    lead_id: str,
    body: LeadUpdate,
    principal: Writer,
    if_match: Annotated[
        str | None, Header(description="ETag from a read; 412 if the lead changed since.")
    ] = None,
) -> Response:
    """Absent fields stay, `null` clears; `attributes` and `external_ids` merge key by key."""
    row = await services.leads.update(conn, principal, lead_id, body, parse_if_match(if_match))
    lead = Lead.model_validate(row)
    return Response(
        lead.model_dump_json(), media_type="application/json", headers={"ETag": etag(lead.version)}
    )


@router.delete("/{lead_id}", operation_id="delete_lead", status_code=204, summary="Erase a lead")
async def delete_lead(
    services: ServicesDep,
    conn: Tx,
    lead_id: str,
    principal: Writer,
    suppress: Annotated[
        bool,
        Query(
            description="Also suppress the person: keep only a keyed hash of the email and phone, "
            "and refuse (409) any later capture of them."
        ),
    ] = False,
) -> Response:
    """Right to erasure: the lead and everything about it go; a `lead.deleted` event without
    personal data records that it happened. With `suppress=true` the person is not captured
    again (REST, batch, forms, imports, events): a 409 `suppressed` problem."""
    await services.leads.delete(conn, principal, lead_id, suppress=suppress)
    return Response(status_code=204)


@router.post(
    "/{lead_id}/merge", operation_id="merge_leads", response_model=Lead, summary="Merge a duplicate in"
)
async def merge_leads(
    services: ServicesDep, conn: Tx, lead_id: str, body: MergeIn, principal: Writer
) -> JSONResponse:
    """Moves the duplicate's events, external ids and tags here, fills empty fields from it,
    deletes it and appends `lead.merged`."""
    lead = Lead.model_validate(await services.leads.merge(conn, principal, lead_id, body.duplicate_id))
    return JSONResponse(lead.model_dump(mode="json"), headers={"ETag": etag(lead.version)})


@router.get(
    "/{lead_id}/timeline", operation_id="get_lead_timeline", response_model=Timeline, summary="Lead events"
)
async def get_lead_timeline(
    services: ServicesDep,
    conn: Snapshot,
    lead_id: str,
    principal: Reader,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Timeline:
    """The lead's events, newest first."""
    after = decode_cursor(cursor, ["datetime", "id"]) if cursor else None
    rows = await services.leads.timeline(
        conn, principal, lead_id, limit + 1, (after[0], after[1]) if after else None
    )
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([rows[limit - 1]["occurred_at"], rows[limit - 1]["id"]])
    return Timeline(data=[TimelineEvent.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor)
