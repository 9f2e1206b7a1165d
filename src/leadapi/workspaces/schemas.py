"""API key contract."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from leadapi.api.ratelimit import check_limits
from leadapi.api.schemas import RequestModel

Scope = Literal["read", "write", "admin"]
RateLimit = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(check_limits),
    Field(
        description="Requests this key may make, in `limits` notation (`<count>/<period>` joined by "
        "`;`, e.g. `100/second;3000/minute`); null: the server's `rate_limit` setting.",
        examples=["100/second;3000/minute"],
    ),
]


class ApiKeyCreate(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=3)] = Field(
        description="read: GET; write: read + changes; admin: write + API keys."
    )
    rate_limit: RateLimit | None = None


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class ApiKeyUpdate(RequestModel):
    """Partial update; absent fields stay. `rate_limit: null` returns the key to the default."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        default=None,  # type: ignore[assignment]  # absent means unchanged; null is refused
        json_schema_extra=_no_default,
    )
    rate_limit: RateLimit | None = None


class ApiKey(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str = Field(
        description="The key's first characters, to recognise it; the rest is never shown again."
    )
    scopes: list[Scope]
    rate_limit: str | None = Field(description="The key's own rate limit; null: the server's default.")
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKey):
    key: str = Field(description="The secret key. Shown once: store it now.")


class ApiKeyList(BaseModel):
    data: list[ApiKey]
    next_cursor: str | None
