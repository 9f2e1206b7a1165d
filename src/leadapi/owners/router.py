"""Owners over HTTP: thin over OwnerService."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from leadapi.api.auth import Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import id_cursor, next_id_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.owners.schemas import Owner, OwnerCreate, OwnerList, OwnerUpdate

router = APIRouter(prefix="/v1/owners", tags=["owners"], responses=PROBLEM_RESPONSES)

Reassign = Annotated[
    bool,
    Query(description="An owner with open leads can be deactivated or deleted only with reassign=true, "
          "which routes each of those leads to someone else."),
]  # fmt: skip


@router.post("", operation_id="create_owner", status_code=201, response_model=Owner, summary="Add an owner")
async def create_owner(
    body: OwnerCreate, principal: Writer, services: ServicesDep, conn: Tx, response: Response
) -> Owner:
    """Email is unique per workspace (409 when taken)."""
    row = await services.owners.create(conn, principal, body)
    response.headers["Location"] = f"/v1/owners/{row['id']}"
    return Owner.model_validate(row)


@router.get("", operation_id="list_owners", response_model=OwnerList, summary="Owners")
async def list_owners(
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> OwnerList:
    rows = await services.owners.page(conn, principal, limit + 1, id_cursor(cursor))
    return OwnerList(
        data=[Owner.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.get("/{owner_id}", operation_id="get_owner", response_model=Owner, summary="An owner")
async def get_owner(owner_id: str, principal: Reader, services: ServicesDep, conn: Snapshot) -> Owner:
    return Owner.model_validate(await services.owners.get(conn, principal, owner_id))


@router.patch("/{owner_id}", operation_id="update_owner", response_model=Owner, summary="Change an owner")
async def update_owner(
    owner_id: str,
    body: OwnerUpdate,
    principal: Writer,
    services: ServicesDep,
    conn: Tx,
    reassign: Reassign = False,
) -> Owner:
    """Absent fields stay; `null` clears capacity (no cap) and out_of_office."""
    row = await services.owners.update(conn, principal, owner_id, body, reassign=reassign)
    return Owner.model_validate(row)


@router.delete("/{owner_id}", operation_id="delete_owner", status_code=204, summary="Remove an owner")
async def delete_owner(
    owner_id: str, principal: Writer, services: ServicesDep, conn: Tx, reassign: Reassign = False
) -> Response:
    """409 while routing rules name the owner as their fixed owner; the owner leaves every pool."""
    await services.owners.delete(conn, principal, owner_id, reassign=reassign)
    return Response(status_code=204)
