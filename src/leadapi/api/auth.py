"""Authentication and scope checks: one FastAPI dependency per route.

The dependency reads the headers itself instead of chaining FastAPI's security classes (each
link in a dependency chain costs on every request); the OpenAPI document still declares both
schemes, added in app.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from leadapi.errors import ProblemError
from leadapi.logs import current_request
from leadapi.principal import Principal
from leadapi.workspaces.service import WorkspaceService

UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="leadapi"'}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer lk_...`"},
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "Alternative to Bearer.",
    },
}


def secret_from_headers(authorization: str | None, x_api_key: str | None) -> str | None:
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    return x_api_key.strip() if x_api_key else None


async def principal_from_headers(
    workspaces: WorkspaceService, authorization: str | None, x_api_key: str | None
) -> Principal:
    """The key's principal, or a 401 problem saying what is missing: for REST and for /mcp."""
    secret = secret_from_headers(authorization, x_api_key)
    if not secret:
        raise ProblemError(
            401, "An API key is required: `Authorization: Bearer <key>`.", headers=UNAUTHORIZED_HEADERS
        )
    principal = await workspaces.authenticate(secret)
    if principal is None:
        raise ProblemError(401, "The API key is unknown or revoked.", headers=UNAUTHORIZED_HEADERS)
    return principal


async def authenticate(request: Request) -> Principal:
    # The idempotency middleware may have authenticated this request already.
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None:
        return principal
    headers = request.headers
    principal = await principal_from_headers(
        request.app.state.workspaces, headers.get("authorization"), headers.get("x-api-key")
    )
    request.state.principal = principal
    info = current_request.get()
    if info is not None:  # records logged from here on name the key and its workspace
        info.key_id, info.workspace = principal.key_id, principal.workspace_id
    return principal


def require(scope: str) -> Callable[..., Awaitable[Principal]]:
    async def check(request: Request) -> Principal:
        principal = await authenticate(request)
        if not principal.can(scope):
            raise ProblemError(403, f"This API key lacks the {scope!r} scope.", slug="missing-scope")
        return principal

    check.__name__ = f"require_{scope}"
    # The strict query check (api/params.py) runs this before refusing a query, so 401/403 win.
    check.scope = scope  # type: ignore[attr-defined]
    return check


Reader = Annotated[Principal, Depends(require("read"))]
Writer = Annotated[Principal, Depends(require("write"))]
Admin = Annotated[Principal, Depends(require("admin"))]
