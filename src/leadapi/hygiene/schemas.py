"""The hygiene settings' public contract."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from leadapi.api.schemas import RequestModel

StageKey = Annotated[str, StringConstraints(min_length=1, max_length=50)]


class HygieneSettingsIn(RequestModel):
    archive_inactive_after_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        description="Leads with no activity (no behaviour event, or none since they were created) for "
        "this many days are archived; null: never.",
    )
    only_stages: list[StageKey] = Field(
        default_factory=list, max_length=50, description="Only leads in these stages (empty: any stage)."
    )


class HygieneSettings(BaseModel):
    archive_inactive_after_days: int | None
    only_stages: list[str]
    updated_at: datetime | None = Field(description="Null: never set (nothing is archived).")
