"""Behaviour events over HTTP: thin over EventService."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic_core import to_json

from leadapi.api.auth import Reader, Writer
from leadapi.api.deps import ServicesDep, Tx
from leadapi.errors import PROBLEM_RESPONSES, validation_problem
from leadapi.events.schemas import (
    Event,
    EventBatchIn,
    EventBatchItem,
    EventBatchOut,
    EventIn,
    FeedEvent,
    FeedPage,
    TrackedEventIn,
    type_patterns,
)

router = APIRouter(tags=["events"], responses=PROBLEM_RESPONSES)

REPLAYED: dict[int | str, dict[str, Any]] = {
    200: {"model": Event, "description": "This external_id was recorded before: nothing was added."}
}


def _reply(event: dict[str, Any]) -> Response:
    # The service built the dict in Event's shape from its own writes; serialised directly, as
    # validating it again was a visible cost on this endpoint.
    return Response(
        to_json(event), status_code=200 if event["replayed"] else 201, media_type="application/json"
    )


@router.post(
    "/v1/leads/{lead_id}/events",
    operation_id="record_lead_event",
    status_code=201,
    response_model=Event,
    responses=REPLAYED,
    summary="Record what a lead did",
)
async def record_lead_event(
    services: ServicesDep, conn: Tx, lead_id: str, body: EventIn, principal: Writer
) -> Response:
    """`occurred_at` may be in the past (backfill). An `external_id` seen before is acknowledged
    (200, `replayed: true`) and not counted twice. `unsubscribe` sets the lead's flag."""
    return _reply(await services.events.record_for_lead(conn, principal, lead_id, body))


@router.post(
    "/v1/events",
    operation_id="record_event",
    status_code=201,
    response_model=Event,
    responses=REPLAYED,
    summary="Record an event, naming the lead by id, email or external id",
)
async def record_event(services: ServicesDep, conn: Tx, body: TrackedEventIn, principal: Writer) -> Response:
    """Exactly one of `lead_id`, `email`, `lead_external_id`; with `create_lead: true` an unknown
    email creates the lead first (same transaction)."""
    return _reply(await services.events.record(conn, principal, body))


@router.get("/v1/events", operation_id="list_events", response_model=FeedPage, summary="The change feed")
async def list_events(
    services: ServicesDep,
    principal: Reader,
    after: Annotated[
        int, Query(ge=0, le=2**62, description="Events numbered after this (0: from the start).")
    ] = 0,
    types: Annotated[
        str | None,
        Query(max_length=2000, description="Comma-separated types or patterns: `lead.*,sla.breached`."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    wait: Annotated[
        float, Query(ge=0, le=30, description="Seconds to wait for new events when none are there.")
    ] = 0,
) -> FeedPage:
    """The workspace's events in sequence order, every state change included (lead.*, sla.*, and
    behaviour events): a CRM syncs by calling again with `after=next`, and never misses or
    reorders a change. Events are numbered within about a tenth of a second of their commit."""
    try:
        patterns = type_patterns(types)
    except ValueError as exc:
        raise validation_problem([{"field": "types", "message": str(exc)}]) from exc
    rows = await services.events.feed(principal, after, patterns, limit, wait)
    return FeedPage(
        data=[FeedEvent.model_validate(row) for row in rows], next=rows[-1]["seq"] if rows else after
    )


@router.post(
    "/v1/events/batch",
    operation_id="record_events_batch",
    response_model=EventBatchOut,
    summary="Up to 1000 events",
)
async def record_events_batch(
    services: ServicesDep, conn: Tx, body: EventBatchIn, principal: Writer
) -> EventBatchOut:
    """Each event in a savepoint of its own, each with its result: one bad item never sinks the
    rest, and the events recorded are committed together before the response is sent."""
    # Each item in a savepoint of the request's transaction (see EventService.record_batch).
    results = await services.events.record_batch(conn, principal, body.events)
    items = [
        EventBatchItem(
            index=index,
            status=status,
            event_id=event["id"] if event else None,
            lead_id=event["lead_id"] if event else None,
            errors=errors,
        )
        for index, (status, event, errors) in enumerate(results)
    ]
    return EventBatchOut(
        created=sum(1 for r in results if r[0] == "created"),
        replayed=sum(1 for r in results if r[0] == "replayed"),
        failed=sum(1 for r in results if r[0] == "error"),
        results=items,
    )
