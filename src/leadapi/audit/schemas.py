"""Audit log contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Resource = Literal[
    "api_key",
    "scoring_model",
    "routing_rule",
    "routing_settings",
    "owner",
    "lifecycle_stages",
    "sla_policy",
    "source",
    "webhook",
    "automation",
    "track",
    "nurture_settings",
    "segment",
    "enrichment_provider",
]
Action = Literal["created", "updated", "deleted", "revoked", "activated", "rotated", "replaced"]


class AuditEntry(BaseModel):
    id: str
    at: datetime = Field(description="When the change was committed (the server's clock).")
    key_id: str | None = Field(description="The API key that made it; null: the command line.")
    action: Action
    resource: Resource
    resource_id: str = Field(description="The resource's id (the workspace's for workspace settings).")
    before: dict[str, Any] | None = Field(description="The resource before; null when it was created.")
    after: dict[str, Any] | None = Field(
        description="The resource after; null when it was deleted. Secrets are always masked."
    )


class AuditEntryList(BaseModel):
    data: list[AuditEntry]
    next_cursor: str | None
