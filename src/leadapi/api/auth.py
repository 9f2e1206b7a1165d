"""Authentication and scope checks as FastAPI dependencies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from leadapi.errors import ProblemError
from leadapi.workspaces.service import Principal, WorkspaceService

# auto_error=False: we answer missing credentials ourselves, as problem+json.
bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer lk_...`")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Alternative to Bearer.")

UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="leadapi"'}


def secret_from_headers(authorization: str | None, x_api_key: str | None) -> str | None:
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    return x_api_key.strip() if x_api_key else None


async def authenticate(
    request: Request,
    bearer_credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    x_api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    # The idempotency middleware may have authenticated this request already.
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None:
        return principal
    secret = bearer_credentials.credentials if bearer_credentials else (x_api_key or None)
    if not secret:
        raise ProblemError(
            401, "An API key is required: `Authorization: Bearer <key>`.", headers=UNAUTHORIZED_HEADERS
        )
    service: WorkspaceService = request.app.state.workspaces
    principal = await service.authenticate(secret.strip())
    if principal is None:
        raise ProblemError(401, "The API key is unknown or revoked.", headers=UNAUTHORIZED_HEADERS)
    request.state.principal = principal
    return principal


def require(scope: str) -> Callable[..., Awaitable[Principal]]:
    async def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.can(scope):
            raise ProblemError(403, f"This API key lacks the {scope!r} scope.", slug="missing-scope")
        return principal

    check.__name__ = f"require_{scope}"
    return check


Reader = Annotated[Principal, Depends(require("read"))]
Writer = Annotated[Principal, Depends(require("write"))]
Admin = Annotated[Principal, Depends(require("admin"))]
