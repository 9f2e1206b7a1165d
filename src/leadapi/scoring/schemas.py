"""The contract of scoring models and previews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, field_validator

from leadapi.api.schemas import RequestModel
from leadapi.events.schemas import EventIn
from leadapi.leads.schemas import LeadFields
from leadapi.scoring.defaults import DEFAULT_MODEL

MODEL_DESCRIPTION = (
    "A scoring model: `name`, `score_range` {min, max}, `bands` (highest minimum first; the last may have "
    "`min: null`) and `rules` (fit: `when`; behavior: `event` {type, where}, `min_count`, `per_event`, "
    "`max_points`, `within_days`, `half_life_days`; inactivity: `days`). Invalid models answer 422 naming "
    "the exact node, e.g. `rules[3].when.any[1].op`."
)
ModelDocument = Annotated[dict[str, Any], Field(description=MODEL_DESCRIPTION, examples=[DEFAULT_MODEL])]


class ScoringModel(BaseModel):
    id: str
    version: int = Field(description="Increases by one per model created in the workspace.")
    name: str
    active: bool
    created_at: datetime
    document: dict[str, Any]


class ScoringModelList(BaseModel):
    data: list[ScoringModel]
    next_cursor: str | None


class PreviewEvent(EventIn):
    """An inline event (its external_id is ignored: nothing is stored)."""


class PreviewIn(RequestModel):
    lead_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        None, description="Score this stored lead with its stored events..."
    )
    lead: LeadFields | None = Field(None, description="...or this inline lead, with `events`.")
    events: Annotated[list[PreviewEvent], Field(max_length=1000)] = Field(default_factory=list)
    model: ModelDocument | None = Field(None, description="A draft model to try; default: the active model.")


class RuleHit(BaseModel):
    rule_id: str
    kind: str
    points: float
    evidence: dict[str, Any]


class ModelRef(BaseModel):
    id: str | None = Field(description="Null for an inline draft.")
    version: int | None
    name: str


class ScoreOut(BaseModel):
    score: int
    fit_score: float
    behavior_score: float
    band: str
    breakdown: list[RuleHit] = Field(description="Every rule that fired, its points and its evidence.")
    model: ModelRef


class BandOut(BaseModel):
    name: str
    min: float | None


class LeadScore(BaseModel):
    lead_id: str
    score: int
    fit_score: float
    behavior_score: float
    band: str
    scored_at: datetime | None = Field(description="When the score was computed; null if never stored yet.")
    model: ModelRef
    breakdown: list[RuleHit] = Field(
        description="Every rule that fired, its points (after decay and caps) and its evidence: "
        "the fields it read, or the events it counted; and every manual adjustment that counts now "
        "(kind `adjustment`, its id, reason, expiry and run). The points add up to fit + behaviour."
    )
    bands: list[BandOut] = Field(description="The model's bands, highest minimum first.")


class ScoreChange(BaseModel):
    event_id: str
    at: datetime
    score: int
    old_score: int | None
    fit_score: float
    behavior_score: float
    band: str
    old_band: str | None
    model_id: str
    model_version: int
    reason: str = Field(
        description="lead_created, lead_changed, event, model_activated, time or adjustment (manual points)."
    )


class ScoreHistory(BaseModel):
    data: list[ScoreChange]
    next_cursor: str | None


# ---- manual adjustments --------------------------------------------------------------------------


class ScoreAdjustmentIn(RequestModel):
    points: int = Field(
        ge=-100, le=100, description="Points added to the behaviour part (negative: taken away); not 0."
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="Why: shown in the score's breakdown.", examples=["Met at the trade fair"]
    )
    expires_in_days: int | None = Field(
        None, ge=1, le=3650, description="The points stop counting after this many days; none: never."
    )

    @field_validator("points")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("an adjustment of 0 points changes nothing")
        return value


class ScoreAdjustment(BaseModel):
    id: str = Field(examples=["sadj_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    lead_id: str
    points: int
    reason: str
    expires_at: datetime | None = Field(description="When the points stop counting; null: never.")
    active: bool = Field(description="Whether the points count now (not expired).")
    event_id: str = Field(description="The `lead.score_adjusted` event on the lead's timeline.")
    run_id: str | None = Field(description="The automation run whose `adjust_score` action made it.")
    created_at: datetime
    created_by: str | None = Field(description="The API key (or automation) that made it.")


class ScoreAdjustmentMade(ScoreAdjustment):
    score: int = Field(description="The lead's score with the adjustment.")
    band: str


class ScoreAdjustmentList(BaseModel):
    data: list[ScoreAdjustment]
    next_cursor: str | None
