"""API key contract."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from leadapi.api.schemas import RequestModel

Scope = Literal["read", "write", "admin"]


class ApiKeyCreate(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=3)] = Field(
        description="read: GET; write: read + changes; admin: write + API keys."
    )


class ApiKey(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str = Field(
        description="The key's first characters, to recognise it; the rest is never shown again."
    )
    scopes: list[Scope]
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKey):
    key: str = Field(description="The secret key. Shown once: store it now.")


class ApiKeyList(BaseModel):
    data: list[ApiKey]
    next_cursor: str | None
