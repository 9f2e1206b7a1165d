"""Imports over HTTP: upload a file (202, the job does the rest), follow it, read its report,
cancel it, list them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from pydantic_core import to_json

from leadapi.api.auth import Reader, Writer
from leadapi.api.deps import Reads, ServicesDep, Tx
from leadapi.api.pagination import decode_cursor, encode_cursor
from leadapi.errors import PROBLEM_RESPONSES, ProblemError, validation_errors, validation_problem
from leadapi.imports.engine import format_of
from leadapi.imports.multipart import MultipartUpload
from leadapi.imports.schemas import Import, ImportList, ImportOptions
from leadapi.imports.service import too_large
from leadapi.principal import Principal
from leadapi.services import Services

router = APIRouter(prefix="/v1/imports", tags=["imports"], responses=PROBLEM_RESPONSES)

NDJSON = "application/x-ndjson"
REPORT_PAGE = 1000
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The file: CSV (a header line, then a row per lead) or NDJSON (a JSON object "
        "per line), UTF-8; gzip with `Content-Encoding: gzip`, or as `application/gzip`. "
        "`application/octet-stream` (and gzip) take the format from the `format` parameter. Or "
        "`multipart/form-data`: an optional `options` part first (JSON: the options below, `mapping` "
        "an object), then the `file` part, its format by its Content-Type.",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in ("text/csv", NDJSON, "application/octet-stream")
        },
    }
}


def _options(
    mapping: str | None,
    dedupe: str,
    overwrite: bool,
    route: bool,
    dry_run: bool,
    source: str | None,
    tags: list[str] | None,
) -> ImportOptions:
    raw: dict[str, Any] = {
        "dedupe": dedupe,
        "overwrite": overwrite,
        "route": route,
        "dry_run": dry_run,
        "source": source,
        "tags": tags or [],
    }
    if mapping is not None:
        try:
            raw["mapping"] = json.loads(mapping)
        except (ValueError, RecursionError) as exc:
            raise validation_problem([{"field": "mapping", "message": "not a JSON object"}]) from exc
    try:
        return ImportOptions.model_validate(raw, strict=True)
    except ValidationError as exc:
        raise validation_problem(validation_errors(exc.errors())) from exc


def _boundary(content_type: str) -> str:
    for item in content_type.split(";")[1:]:
        key, _, value = item.strip().partition("=")
        if key.lower() == "boundary" and value:
            return value.strip('"')
    raise ProblemError(400, "The multipart Content-Type has no boundary.", slug="bad-multipart")


def _part_options(given: dict[str, Any]) -> ImportOptions:
    try:
        return ImportOptions.model_validate(given, strict=True)
    except ValidationError as exc:
        raise validation_problem(validation_errors(exc.errors())) from exc


@router.post(
    "",
    operation_id="create_import",
    status_code=202,
    response_model=Import,
    summary="Import a file of leads (a background job)",
    openapi_extra=UPLOAD_BODY,
)
async def create_import(
    request: Request,
    services: ServicesDep,
    conn: Tx,
    principal: Writer,
    format: Annotated[
        Literal["csv", "ndjson"] | None,
        Query(description="The format of an `application/gzip` body (default csv)."),
    ] = None,
    mapping: Annotated[
        str | None,
        Query(
            max_length=20_000,
            description="JSON object, column -> target, e.g. "
            '`{"E-mail": "email", "Tier": "attributes.tier"}`.',
        ),
    ] = None,
    dedupe: Annotated[Literal["merge", "skip_existing", "create_only"], Query()] = "merge",
    overwrite: Annotated[bool, Query(description="A merge replaces non-empty values.")] = False,
    route: Annotated[
        bool, Query(description="false: new leads are created unassigned (routing skipped).")
    ] = True,
    dry_run: Annotated[bool, Query(description="Report what would happen; write no lead.")] = False,
    source: Annotated[str | None, Query(max_length=100, description="`source` of rows without one.")] = None,
    tags: Annotated[list[str] | None, Query(max_length=50, description="Added to every row.")] = None,
) -> Response:
    """The file is stored before the answer (202, `Location: /v1/imports/{id}`), then a
    background job captures its rows as `POST /v1/leads` captures one: dedupe and merge, score,
    stage, routing, events. Follow it at the Location; refused rows are in its `errors` report.
    With `Idempotency-Key`, a retry of the same upload gets the first answer and imports nothing."""
    content_type = request.headers.get("content-type", "")
    declared = request.headers.get("content-length")
    limit = services.settings.import_max_bytes
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)  # before a byte of it is read
    body: AsyncIterator[bytes] = request.stream()
    if content_type.lower().startswith("multipart/form-data"):
        boundary = _boundary(content_type)
        upload = MultipartUpload(body, boundary, limit)
        given, content_type, body = await upload.options_and_file()
        if given is not None:
            options = _part_options(given)
        else:
            options = _options(mapping, dedupe, overwrite, route, dry_run, source, tags)
    else:
        options = _options(mapping, dedupe, overwrite, route, dry_run, source, tags)
    services.imports.check_options(options)
    fmt = format_of(content_type, format)
    if fmt is None:
        raise ProblemError(
            415,
            "Send the file as text/csv, application/x-ndjson, application/gzip or application/octet-stream.",
            slug="unsupported-media-type",
        )
    encoding = (request.headers.get("content-encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise ProblemError(415, "Content-Encoding may be gzip or none.", slug="unsupported-media-type")
    gzipped = encoding == "gzip" or content_type.lower().startswith("application/gzip")
    row = await services.imports.start(conn, principal, fmt, gzipped, body, options)
    shown = await services.imports.get(conn, principal, row["id"])
    return Response(
        shown.model_dump_json(),
        status_code=202,
        media_type="application/json",
        headers={"Location": f"/v1/imports/{row['id']}"},
    )


@router.get("", operation_id="list_imports", response_model=ImportList, summary="List imports")
async def list_imports(
    services: ServicesDep,
    conn: Reads,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ImportList:
    """Newest first."""
    after = None
    if cursor is not None:
        at, last = decode_cursor(cursor, ["datetime", "id"])
        after = (at, last)
    items, last_row = await services.imports.page(conn, principal, after, limit)
    return ImportList(data=items, next_cursor=encode_cursor(last_row) if last_row else None)


@router.get("/{import_id}", operation_id="get_import", response_model=Import, summary="An import")
async def get_import(import_id: str, services: ServicesDep, conn: Reads, principal: Reader) -> Import:
    """Status, rows read / created / merged / refused / skipped, rows per second and ETA."""
    return await services.imports.get(conn, principal, import_id)


@router.post(
    "/{import_id}/cancel", operation_id="cancel_import", response_model=Import, summary="Cancel an import"
)
async def cancel_import(import_id: str, services: ServicesDep, conn: Tx, principal: Writer) -> Import:
    """Stops after the chunk in flight: rows already committed stay, and `rows_read` says where it
    stopped. 409 when it has already finished."""
    return await services.imports.cancel(conn, principal, import_id)


REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "One JSON object per line.", "content": {NDJSON: {"schema": {"type": "string"}}}}
}


@router.get(
    "/{import_id}/errors",
    operation_id="get_import_errors",
    response_class=StreamingResponse,
    responses=REPORT_RESPONSES,
    summary="The rows an import refused (NDJSON)",
)
async def get_import_errors(
    import_id: str, services: ServicesDep, conn: Reads, principal: Reader
) -> StreamingResponse:
    """A line per problem: `{"row": 12, "field": "email", "message": "..."}` (row 1 is the first
    row after a CSV header); `field` is empty for a problem with the whole row."""
    return await _report(services, conn, principal, import_id, refused_only=True)


@router.get(
    "/{import_id}/outcomes",
    operation_id="get_import_outcomes",
    response_class=StreamingResponse,
    responses=REPORT_RESPONSES,
    summary="What a dry run found for each row (NDJSON)",
)
async def get_import_outcomes(
    import_id: str, services: ServicesDep, conn: Reads, principal: Reader
) -> StreamingResponse:
    """A dry run's line per row: `{"row", "outcome": created|merged|skipped|refused, "lead_id"
    (the lead it would merge into), "field", "message"}`; a real run's refused rows alone."""
    return await _report(services, conn, principal, import_id, refused_only=False)


async def _report(
    services: Services, conn: Any, principal: Principal, import_id: str, *, refused_only: bool
) -> StreamingResponse:
    first = await services.imports.outcome_page(
        conn, principal, import_id, (0, -1), REPORT_PAGE, refused_only=refused_only
    )

    async def lines() -> AsyncIterator[bytes]:
        page = first
        while True:
            for row in page:
                shown = {"row": row["row"], "field": row["field"], "message": row["message"]}
                if not refused_only:
                    shown = {"row": row["row"], "outcome": row["outcome"], "lead_id": row["lead_id"],
                             "field": row["field"], "message": row["message"]}  # fmt: skip
                yield to_json(shown) + b"\n"
            if len(page) < REPORT_PAGE:
                return
            after = (page[-1]["row"], page[-1]["ordinal"])
            # The request's connection is gone once the response starts: a page per statement.
            async with services.db.read_statements() as reads:
                page = await services.imports.outcome_page(
                    reads, principal, import_id, after, REPORT_PAGE, refused_only=refused_only
                )

    return StreamingResponse(lines(), media_type=NDJSON)
