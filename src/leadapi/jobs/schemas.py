"""The contract of background jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class Job(BaseModel):
    id: str
    kind: str = Field(examples=["scoring.rescore"])
    status: Literal["queued", "running", "succeeded", "failed"]
    params: dict[str, Any]
    progress: dict[str, Any] = Field(description="e.g. {total, done} while running.")
    result: dict[str, Any] | None
    error: str | None = Field(description="The last failure, if any (a job is retried a few times).")
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
