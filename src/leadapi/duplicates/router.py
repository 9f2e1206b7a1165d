"""Duplicates over HTTP: the review queue, merging or dismissing a pair, and the batch match."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from leadapi.api.auth import Admin, Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import decode_cursor, encode_cursor
from leadapi.duplicates.schemas import (
    DedupePolicy,
    DedupePolicyIn,
    DuplicatePair,
    DuplicatePairList,
    MatchIn,
    MatchItem,
    MatchOut,
)
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.leads.schemas import Lead

router = APIRouter(prefix="/v1/duplicates", tags=["duplicates"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["duplicates"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Cursor = Annotated[str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")]
Score = Annotated[int | None, Query(ge=0, le=100)]


class MergedPair(BaseModel):
    lead: Lead = Field(description="The lead that remains, with the other's fields and history.")
    pair: DuplicatePair


@router.get("", operation_id="list_duplicates", response_model=DuplicatePairList, summary="Review queue")
async def list_duplicates(
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    status: Literal["pending", "merged", "dismissed"] = "pending",
    min_score: Score = None,
    max_score: Score = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DuplicatePairList:
    """Pairs of leads that look like one person (found shortly after a lead is captured or
    changed, and by a sweep), highest score first, each with the reasons that matched."""
    after = None
    if cursor:
        score, pair_id = decode_cursor(cursor, ["int", "id"])
        after = (int(score), str(pair_id))
    rows = await services.duplicates.page(conn, principal, status, min_score, max_score, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return DuplicatePairList(
        data=[DuplicatePair.model_validate(r) for r in rows],
        next_cursor=encode_cursor([rows[-1]["score"], rows[-1]["id"]]) if more else None,
    )


@router.post("/sweep", operation_id="sweep_duplicates", status_code=202, summary="Look again at every lead")
async def sweep_duplicates(principal: Admin, services: ServicesDep, conn: Tx) -> Response:
    """Every lead of the workspace filed under its keys and paired again, in the background (a
    batch per transaction); dismissed pairs stay dismissed. A workspace is swept once by itself
    when duplicates first look at it."""
    await services.duplicates.start_sweep(conn, principal)
    return Response(status_code=202)


@router.get("/policy", operation_id="get_dedupe_policy", response_model=DedupePolicy, summary="Dedupe policy")
async def get_dedupe_policy(principal: Reader, services: ServicesDep, conn: Snapshot) -> DedupePolicy:
    """What a capture does when it matches a lead by an exact key (merge, or create and queue the
    pair), and which keys count: the workspace's, and each form source's own."""
    return DedupePolicy.model_validate(await services.duplicates.policy(conn, principal))


@router.put(
    "/policy", operation_id="put_dedupe_policy", response_model=DedupePolicy, summary="Set the dedupe policy"
)
async def put_dedupe_policy(
    body: DedupePolicyIn, principal: Admin, services: ServicesDep, conn: Tx
) -> DedupePolicy:
    """Replace the dedupe policy. `flag_only` creates the new lead although it matches one and
    queues the pair (reason `same_<key>`, score 100) for a reviewer; `sources` gives a form
    source its own policy. 422 naming a source that is not the workspace's."""
    return DedupePolicy.model_validate(await services.duplicates.save_policy(conn, principal, body))


@router.get("/{pair_id}", operation_id="get_duplicate", response_model=DuplicatePair, summary="One pair")
async def get_duplicate(
    pair_id: str, principal: Reader, services: ServicesDep, conn: Snapshot
) -> DuplicatePair:
    return DuplicatePair.model_validate(await services.duplicates.get(conn, principal, pair_id))


@router.post(
    "/{pair_id}/merge", operation_id="merge_duplicate", response_model=MergedPair, summary="Merge the pair"
)
async def merge_duplicate(pair_id: str, principal: Writer, services: ServicesDep, conn: Tx) -> MergedPair:
    """The newer lead merged into the older one: its empty fields filled, and its events, scores,
    stage moves, assignments, tasks and track enrolments kept under the survivor; `lead.merged`
    names both. 409 when the pair is not pending (or one of its leads is gone)."""
    merged = await services.duplicate_flow.merge(conn, principal, pair_id)
    return MergedPair(
        lead=Lead.model_validate(merged["lead"]), pair=DuplicatePair.model_validate(merged["pair"])
    )


@router.post(
    "/{pair_id}/dismiss",
    operation_id="dismiss_duplicate",
    response_model=DuplicatePair,
    summary="Not a duplicate",
)
async def dismiss_duplicate(
    pair_id: str, principal: Writer, services: ServicesDep, conn: Tx
) -> DuplicatePair:
    """Two different people: the pair leaves the queue and never comes back, whatever the two
    leads become. 409 for a merged pair."""
    return DuplicatePair.model_validate(await services.duplicates.dismiss(conn, principal, pair_id))


@lead_router.post(
    "/match", operation_id="match_leads", response_model=MatchOut, summary="Match up to 1000 leads"
)
async def match_leads(body: MatchIn, principal: Reader, services: ServicesDep, conn: Snapshot) -> MatchOut:
    """For each input lead: the existing lead a capture would merge into (same email, else
    external id, else phone), and the candidates that look like the same person, with score and
    reasons. Stores nothing; a bad item is reported in its result."""
    results = await services.duplicates.match(conn, principal, body.leads)
    return MatchOut(results=[MatchItem.model_validate(r) for r in results])
