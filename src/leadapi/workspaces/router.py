"""API key management (admin scope)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from leadapi.api.auth import Admin
from leadapi.api.deps import Reads, ServicesDep, Tx
from leadapi.api.pagination import decode_cursor, encode_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.workspaces.schemas import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList, ApiKeyUpdate

router = APIRouter(prefix="/v1/api-keys", tags=["api-keys"], responses=PROBLEM_RESPONSES)


@router.post(
    "",
    operation_id="create_api_key",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Create an API key",
)
async def create_api_key(
    body: ApiKeyCreate, principal: Admin, services: ServicesDep, conn: Tx, response: Response
) -> ApiKeyCreated:
    """The key is in this response only: it is stored hashed and cannot be shown again."""
    row, secret = await services.workspaces.create_key(
        conn, principal, body.name, body.scopes, body.rate_limit
    )
    response.headers["Location"] = f"/v1/api-keys/{row.id}"
    return ApiKeyCreated.model_validate({**ApiKey.model_validate(row).model_dump(), "key": secret})


@router.get("", operation_id="list_api_keys", response_model=ApiKeyList, summary="List API keys")
async def list_api_keys(
    principal: Admin,
    services: ServicesDep,
    conn: Reads,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ApiKeyList:
    after = decode_cursor(cursor, ["datetime", "id"]) if cursor else None
    rows = await services.workspaces.list_keys(
        conn, principal, limit + 1, (after[0], after[1]) if after else None
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].created_at, rows[-1].id])
    return ApiKeyList(data=[ApiKey.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.patch("/{key_id}", operation_id="update_api_key", response_model=ApiKey, summary="Change an API key")
async def update_api_key(
    key_id: str, body: ApiKeyUpdate, principal: Admin, services: ServicesDep, conn: Tx
) -> ApiKey:
    """Rename a key or set its own rate limit (`rate_limit: null`: back to the server's default)."""
    changes = body.model_dump(exclude_unset=True)
    row = await services.workspaces.update_key(conn, principal, key_id, changes)
    return ApiKey.model_validate(row)


@router.delete("/{key_id}", operation_id="revoke_api_key", status_code=204, summary="Revoke an API key")
async def revoke_api_key(key_id: str, principal: Admin, services: ServicesDep, conn: Tx) -> Response:
    await services.workspaces.revoke_key(conn, principal, key_id)
    return Response(status_code=204)
