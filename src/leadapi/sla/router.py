"""SLA policies and breaches over HTTP: thin over SlaService."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from leadapi.api.auth import Admin, Reader
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import next_time_cursor, time_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.sla.schemas import Breach, BreachList, Policy, PolicyCreate, PolicyList, PolicyUpdate
from leadapi.times import OffsetDateTime

router = APIRouter(prefix="/v1/sla", tags=["sla"], responses=PROBLEM_RESPONSES)


@router.get("/policies", operation_id="list_sla_policies", response_model=PolicyList, summary="Policies")
async def list_sla_policies(services: ServicesDep, conn: Snapshot, principal: Reader) -> PolicyList:
    """In order: the first policy whose condition a lead meets at assignment sets its clock."""
    rows = await services.sla.policies(conn, principal)
    return PolicyList(data=[Policy.model_validate(r) for r in rows])


@router.post(
    "/policies", operation_id="create_sla_policy", status_code=201, response_model=Policy, summary="Add one"
)
async def create_sla_policy(
    services: ServicesDep, conn: Tx, body: PolicyCreate, principal: Admin, response: Response
) -> Policy:
    row = await services.sla.create_policy(conn, principal, body)
    response.headers["Location"] = f"/v1/sla/policies/{row['id']}"
    return Policy.model_validate(row)


@router.get("/policies/{policy_id}", operation_id="get_sla_policy", response_model=Policy, summary="A policy")
async def get_sla_policy(services: ServicesDep, conn: Snapshot, policy_id: str, principal: Reader) -> Policy:
    return Policy.model_validate(await services.sla.policy(conn, principal, policy_id))


@router.patch(
    "/policies/{policy_id}", operation_id="update_sla_policy", response_model=Policy, summary="Change one"
)
async def update_sla_policy(
    services: ServicesDep, conn: Tx, policy_id: str, body: PolicyUpdate, principal: Admin
) -> Policy:
    """Applies to later assignments; clocks already running keep their due time."""
    return Policy.model_validate(await services.sla.update_policy(conn, principal, policy_id, body))


@router.delete(
    "/policies/{policy_id}", operation_id="delete_sla_policy", status_code=204, summary="Delete one"
)
async def delete_sla_policy(services: ServicesDep, conn: Tx, policy_id: str, principal: Admin) -> Response:
    await services.sla.delete_policy(conn, principal, policy_id)
    return Response(status_code=204)


@router.get("/breaches", operation_id="list_sla_breaches", response_model=BreachList, summary="Breaches")
async def list_sla_breaches(
    services: ServicesDep,
    conn: Snapshot,
    principal: Reader,
    owner_id: Annotated[str | None, Query(max_length=32, description="The owner who breached.")] = None,
    lead_id: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[
        Literal["open", "closed"] | None, Query(description="open: the lead is still untouched.")
    ] = None,
    from_: Annotated[OffsetDateTime | None, Query(alias="from", description="Breached at or after.")] = None,
    to: Annotated[OffsetDateTime | None, Query(description="Breached before.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> BreachList:
    """Newest first."""
    before = time_cursor(cursor)
    rows = await services.sla.breaches(
        conn,
        principal,
        owner_id=owner_id,
        is_open=None if status is None else status == "open",
        since=from_,
        until=to,
        lead_id=lead_id,
        limit=limit + 1,
        before=before,
    )
    next_cursor = next_time_cursor(rows, limit, "breached_at")
    return BreachList(data=[Breach.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor)
