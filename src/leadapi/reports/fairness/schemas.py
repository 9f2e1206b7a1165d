"""The routing fairness report's public contract. Shares are 0..1; durations are in seconds."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class RuleOwnerFigures(BaseModel):
    owner_id: str
    name: str | None = Field(description="Null: the owner has since been deleted.")
    assignments: int = Field(description="Leads this rule gave the owner in the range.")
    expected: float | None = Field(
        description="Of the rule's rotating picks, how many the owner was due: the sum, over each "
        "pick, of the owner's weight / the candidates' weights, when the owner was a candidate "
        "(active, in office, below capacity, in the pool). Null for rules that do not rotate."
    )
    expected_share: float | None = Field(description="expected / the rule's rotating picks.")
    actual_share: float | None = Field(description="The owner's rotating picks / the rule's.")
    deviation: float | None = Field(description="The owner's rotating picks less `expected`.")
    relative_deviation: float | None = Field(description="deviation / expected; null when nothing was due.")
    capacity_hits: int = Field(description="Times the rule passed the owner over at capacity.")
    out_of_office_skips: int = Field(description="Times the rule passed the owner over out of office.")
    reassignments: int = Field(description="Of `assignments`, those that took the lead from another owner.")
    touched: int = Field(description="Of `assignments`, those the owner has touched.")
    median_first_touch_seconds: float | None = Field(description="From assignment to first touch.")


class RuleFairness(BaseModel):
    rule_id: str
    rule_name: str | None
    strategy: str | None
    assignments: int = Field(description="Leads the rule assigned in the range.")
    rotating_assignments: int = Field(
        description="Of those, picks by turn (round robin, weighted, a territory's rotating tie "
        "breaker): the ones with an expected share."
    )
    found_nobody: int = Field(
        description="Times the rule's condition matched but every owner of its pool was skipped."
    )
    chi_square: float | None = Field(description="Pearson's statistic over the owners due a share.")
    degrees_of_freedom: int | None
    p_value: float | None = Field(
        description="The chance fair picks would deviate this much; below 0.01 the rotation is "
        "skewed. Null with fewer than two owners due a share."
    )
    owners: list[RuleOwnerFigures]


class OwnerFairness(BaseModel):
    owner_id: str
    name: str | None
    assignments: int = Field(description="Leads routing gave the owner in the range (every rule).")
    manual_assignments: int
    reassigned_away: int = Field(description="Assignments in the range that took a lead from the owner.")
    capacity_hits: int
    out_of_office_skips: int
    median_first_touch_seconds: float | None


class FairnessTotal(BaseModel):
    assignments: int = Field(description="Assignments made by a rule in the range.")
    manual_assignments: int
    unassigned: int = Field(description="Leads routing found nobody for (`lead.unassigned`).")


class RoutingReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: datetime = Field(alias="from", description="Start of the range (inclusive).")
    to: datetime = Field(description="End of the range (exclusive).")
    rule_id: str | None = Field(description="The one rule reported on; null: every rule.")
    total: FairnessTotal
    rules: list[RuleFairness]
    owners: list[OwnerFairness]
