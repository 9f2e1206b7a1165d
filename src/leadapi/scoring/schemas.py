"""The contract of scoring models and previews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from leadapi.api.schemas import RequestModel
from leadapi.events.schemas import EventIn
from leadapi.leads.schemas import LeadFields
from leadapi.scoring.defaults import DEFAULT_MODEL
from leadapi.times import UtcDateTime

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


# ---- backtests and suggested models --------------------------------------------------------------

ModelChoice = Annotated[str, StringConstraints(min_length=1, max_length=64)] | ModelDocument


class OutcomeIn(RequestModel):
    stage: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")] | None = Field(
        None, description="The stage that counts as converted; default: any won stage of the pipeline."
    )
    within_days: int = Field(
        90, ge=1, le=3650, description="Converted within this many days of the reference."
    )


class BacktestIn(RequestModel):
    model: ModelChoice | None = Field(
        None, description="A model version's id, or an inline draft model; default: the active model."
    )
    compare_with: ModelChoice | None = Field(
        None, description="A second model (id or draft) scored on the same leads, shown beside the first."
    )
    from_: UtcDateTime | None = Field(
        None, alias="from", strict=False, description="Reference times at or after (default: the first lead)."
    )
    to: UtcDateTime | None = Field(
        None, strict=False, description="Reference times before (default: now less the horizon)."
    )
    outcome: OutcomeIn = Field(default_factory=OutcomeIn)
    as_of: Literal["created", "mql"] = Field(
        "created",
        description="The reference time: the lead's creation, or the first time it reached the MQL "
        "stage or one after it (leads that never did are left out).",
    )

    model_config = {**RequestModel.model_config, "populate_by_name": True}

    @model_validator(mode="after")
    def _ordered(self) -> BacktestIn:
        if self.from_ is not None and self.to is not None and self.to <= self.from_:
            raise ValueError("to must be after from")
        return self


class SuggestIn(BacktestIn):
    """The leads, outcome and reference as for a backtest; `model` is the one whose rules are
    refitted (default: the active model); `compare_with` is not taken."""

    @model_validator(mode="after")
    def _single(self) -> SuggestIn:
        if self.compare_with is not None:
            raise ValueError("a suggestion is compared with the model it refits: leave compare_with out")
        return self


class RateOut(BaseModel):
    leads: int
    conversions: int
    rate: float | None = Field(description="conversions / leads; null without leads.")
    rate_low: float | None = Field(description="The 95% Wilson interval's lower end.")
    rate_high: float | None


class BandRow(RateOut):
    band: str
    min: float | None


class CalibrationRow(RateOut):
    score_from: float
    score_to: float = Field(description="Exclusive, except for the last bucket.")
    mean_score: float | None


class RuleEvidence(BaseModel):
    rule_id: str
    fired: int = Field(description="Leads on which the rule fired at their reference time.")
    fired_share: float | None
    with_rule: RateOut
    without_rule: RateOut
    lift: float | None = Field(description="The rate with the rule over the rate without it.")


class BacktestResult(BaseModel):
    model: ModelRef
    leads: int
    conversions: int
    conversion_rate: float | None
    auc: float | None = Field(description="ROC AUC: the chance a converted lead outscores one that did not.")
    top_decile_lift: float | None = Field(
        description="The top tenth's conversion rate over the overall rate."
    )
    mean_score: float | None
    bands: list[BandRow]
    calibration: list[CalibrationRow] = Field(description="Ten equal score buckets over the model's range.")
    rules: list[RuleEvidence]


class Population(BaseModel):
    as_of: Literal["created", "mql"]
    from_: datetime | None = Field(alias="from", serialization_alias="from")
    to: datetime
    outcome_stages: list[str] = Field(description="The stages that count as converted.")
    within_days: int
    leads: int = Field(description="Leads scored: their reference time in range, their horizon over.")

    model_config = {"populate_by_name": True}


class BacktestOut(BaseModel):
    population: Population
    results: list[BacktestResult] = Field(description="One per model: `model`, then `compare_with`.")


class Coefficient(BaseModel):
    rule_id: str
    coefficient: float = Field(description="Log-odds of converting per unit of the rule's strength.")
    points_before: float
    points_after: float


class SuggestOut(BaseModel):
    draft: dict[str, Any] = Field(
        description="The suggested model document: never stored nor activated by this call; "
        "create it with POST /v1/scoring/models to keep it."
    )
    intercept: float
    coefficients: list[Coefficient]
    fitted_on: int = Field(
        description="Leads the regression was fitted on: the earlier 70% by reference time."
    )
    compared_on: Population = Field(
        description="The later 30%: the leads `current` and `suggested` are scored on."
    )
    current: BacktestResult
    suggested: BacktestResult
