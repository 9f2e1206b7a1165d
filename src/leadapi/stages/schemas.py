"""The contract of the lifecycle: the pipeline, stage moves, sales acceptance and rejection."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from leadapi.api.schemas import RequestModel
from leadapi.events.schemas import EVENT_TYPE, RESERVED_PREFIXES
from leadapi.leads.schemas import Lead
from leadapi.stages import engine

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
Category = Literal["open", "won", "lost"]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
MAX_STAGES = 50


class StageIn(RequestModel):
    key: Key = Field(description="snake_case, unique in the pipeline; what `stage` on a lead holds.")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    category: Category = Field(description="open (being worked), won or lost (done).")


class PipelineIn(RequestModel):
    stages: list[StageIn] = Field(
        min_length=3, max_length=MAX_STAGES, description="In order; new leads enter the first."
    )
    disqualification_reasons: list[Key] = Field(
        default_factory=lambda: list(engine.DEFAULT_DISQUALIFICATION_REASONS),
        max_length=100,
        description="Reason codes a move to a lost stage must give.",
    )
    touch_types: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=lambda: list(engine.DEFAULT_TOUCH_TYPES),
        max_length=50,
        description="Event types that count as sales touching the lead (acceptance always does).",
    )
    accepted_stage: Key = Field(engine.DEFAULT_ACCEPTED_STAGE, description="Where `accept` moves a lead.")
    recycle_stage: Key = Field(
        engine.DEFAULT_RECYCLE_STAGE, description="Where `reject` sends a lead, and recycled leads wait."
    )

    @field_validator("touch_types")
    @classmethod
    def _event_types(cls, value: list[str]) -> list[str]:
        for item in value:
            if not EVENT_TYPE.match(item) or item.split(".", 1)[0] in RESERVED_PREFIXES:
                raise ValueError(f"{item!r} is not a type clients can post")
        return list(dict.fromkeys(value))


class StageOut(BaseModel):
    key: str
    name: str
    category: Category


class PipelineOut(BaseModel):
    stages: list[StageOut]
    disqualification_reasons: list[str]
    touch_types: list[str]
    accepted_stage: str
    recycle_stage: str
    version: int = Field(description="Bumped by every change; 0 while the workspace has the defaults.")


class StageMoveIn(RequestModel):
    to: Key = Field(description="The target stage's key.")
    reason: Reason | None = Field(None, description="Required (a disqualification reason) for lost stages.")
    note: Note | None = None
    amount: float | None = Field(
        None, ge=0, le=1e12, description="Won stages only: the deal's value, for revenue by source."
    )


class AcceptIn(RequestModel):
    note: Note | None = None


class RejectIn(RequestModel):
    reason: Reason = Field(description="Why sales gives the lead back, e.g. not_ready or wrong_contact.")
    note: Note | None = None


class ChangedBy(BaseModel):
    kind: Literal["api_key", "owner", "system"]
    id: str | None = Field(description="The key or owner id; for system, what moved it (scoring).")


class StageChange(BaseModel):
    id: str
    lead_id: str
    from_stage: str | None
    to_stage: str
    at: datetime
    by: ChangedBy
    reason: str | None
    note: str | None
    amount: float | None


class StageChangeList(BaseModel):
    data: list[StageChange]
    next_cursor: str | None


class StageMoveOut(BaseModel):
    lead: Lead
    change: StageChange
