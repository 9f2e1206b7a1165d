"""API key management (admin scope)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from leadapi.api.auth import Admin
from leadapi.api.pagination import decode_cursor, encode_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.workspaces.schemas import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList, ApiKeyUpdate
from leadapi.workspaces.service import WorkspaceService

router = APIRouter(prefix="/v1/api-keys", tags=["api-keys"], responses=PROBLEM_RESPONSES)


def _service(request: Request) -> WorkspaceService:
    service: WorkspaceService = request.app.state.workspaces
    return service


@router.post(
    "",
    operation_id="create_api_key",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Create an API key",
)
async def create_api_key(
    request: Request, body: ApiKeyCreate, principal: Admin, response: Response
) -> ApiKeyCreated:
    """The key is in this response only: it is stored hashed and cannot be shown again."""
    row, secret = await _service(request).create_key(
        principal.workspace_id, body.name, body.scopes, body.rate_limit, actor=principal.key_id
    )
    response.headers["Location"] = f"/v1/api-keys/{row.id}"
    return ApiKeyCreated.model_validate({**ApiKey.model_validate(row).model_dump(), "key": secret})


@router.get("", operation_id="list_api_keys", response_model=ApiKeyList, summary="List API keys")
async def list_api_keys(
    request: Request,
    principal: Admin,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ApiKeyList:
    after = decode_cursor(cursor, ["datetime", "id"]) if cursor else None
    rows = await _service(request).list_keys(
        principal.workspace_id, limit + 1, (after[0], after[1]) if after else None
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].created_at, rows[-1].id])
    return ApiKeyList(data=[ApiKey.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.patch("/{key_id}", operation_id="update_api_key", response_model=ApiKey, summary="Change an API key")
async def update_api_key(request: Request, key_id: str, body: ApiKeyUpdate, principal: Admin) -> ApiKey:
    """Rename a key or set its own rate limit (`rate_limit: null`: back to the server's default)."""
    changes = body.model_dump(exclude_unset=True)
    row = await _service(request).update_key(principal.workspace_id, key_id, changes, actor=principal.key_id)
    return ApiKey.model_validate(row)


@router.delete("/{key_id}", operation_id="revoke_api_key", status_code=204, summary="Revoke an API key")
async def revoke_api_key(request: Request, key_id: str, principal: Admin) -> Response:
    await _service(request).revoke_key(principal.workspace_id, key_id, actor=principal.key_id)
    return Response(status_code=204)
