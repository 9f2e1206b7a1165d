"""The contract of routing: rules, settings, assignments, previews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from leadapi.api.schemas import RequestModel
from leadapi.leads.schemas import LeadFields

Strategy = Literal["round_robin", "weighted", "least_loaded", "territory", "account_owner", "owner"]
TieBreaker = Literal["round_robin", "least_loaded"]
RouteOn = Literal["created", "mql", "sql"]
OwnerId = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class Pool(RequestModel):
    """Owners a rule picks from: these ids, and owners with any of these tags (both empty: all)."""

    owner_ids: list[OwnerId] = Field(default_factory=list, max_length=1000)
    tags: list[Tag] = Field(default_factory=list, max_length=50)

    @field_validator("tags")
    @classmethod
    def _folded(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(tag.casefold() for tag in value))  # as owners' tags are stored


class RuleFields(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    position: int | None = Field(None, ge=0, le=1_000_000, description="Rules are tried lowest first.")
    active: bool | None = None
    when: dict[str, Any] | None = Field(
        None, description="A condition on the lead (as in scoring rules; `band` included); null: every lead."
    )
    strategy: Strategy | None = None
    pool: Pool | None = None
    owner_id: OwnerId | None = Field(None, description="The owner of an `owner` rule.")
    tie_breaker: TieBreaker | None = Field(None, description="How `territory` picks among matching owners.")


class RuleCreate(RuleFields):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    position: int = Field(ge=0, le=1_000_000, description="Rules are tried lowest first.")
    strategy: Strategy


class RuleUpdate(RuleFields):
    """Partial update; absent fields stay."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "position", "active", "strategy", "tie_breaker"}
    )  # `when`, `pool` and `owner_id` clear


class RoutingRule(BaseModel):
    id: str
    name: str
    position: int
    active: bool
    when: dict[str, Any] | None
    strategy: Strategy
    pool: dict[str, list[str]]
    owner_id: str | None
    tie_breaker: TieBreaker
    created_at: datetime
    updated_at: datetime


class RoutingRuleList(BaseModel):
    data: list[RoutingRule]


class RoutingSettings(RequestModel):
    route_on: RouteOn = Field(
        description="When a lead goes to sales: on creation, on reaching the mql band (or sql), or "
        "on reaching sql (the default: marketing keeps leads until they are sales-ready)."
    )


class SkippedOwner(BaseModel):
    owner_id: str
    reason: str = Field(
        description="inactive, out_of_office, at_capacity, no_territory_match, no_account_match or "
        "excluded (the owner the lead is taken from); owners outside the pool are only counted "
        "(`not_in_pool`), but older assignments list them with reason not_in_pool."
    )


class RuleTried(BaseModel):
    rule_id: str
    outcome: Literal["not_matched", "no_eligible_owner", "assigned"]
    skipped: list[SkippedOwner] | None = Field(
        None,
        description="For a rule that found no eligible owner: its pool's owners and why each was "
        "skipped (the picking rule's are the decision's `skipped`).",
    )
    not_in_pool: int | None = Field(
        None, description="For a rule that found no eligible owner: how many owners are outside its pool."
    )


class Decision(BaseModel):
    owner_id: str | None = Field(description="The pick; null when no rule yields an owner.")
    rule_id: str | None
    rule_name: str | None
    strategy: str | None
    candidates: list[str] = Field(description="The eligible owners the picking rule chose among.")
    turn: int | None = Field(
        None,
        description=(
            "A rotating rule's (round robin, weighted) count of earlier picks since its rotation "
            "started: the pick is the turn-th of its turns over the candidates. Null for other strategies."
        ),
    )
    skipped: list[SkippedOwner] = Field(
        description="The picking rule's pool owners who could not take the lead, and why."
    )
    not_in_pool: int = Field(0, description="How many owners are outside the picking rule's pool.")
    rules_tried: list[RuleTried]
    weights: dict[str, int] | None = Field(
        None, description="A weighted rotation's candidate weights at the pick (owner id -> weight)."
    )
    reason: Literal["no_rules", "no_rule_matched", "no_eligible_owner"] | None = Field(
        None,
        description="Why nobody was picked: the workspace has no active routing rules, no rule's "
        "condition matched the lead, or the matching rules found no eligible owner (see `skipped` "
        "and `rules_tried`). Null when an owner was picked.",
    )


class Assignment(BaseModel):
    id: str
    lead_id: str
    owner_id: str
    previous_owner_id: str | None
    by: Literal["routing", "manual", "reassign", "sla_escalation"]
    rule_id: str | None
    strategy: str | None
    explanation: dict[str, Any]
    created_at: datetime
    actor: str | None
    sla_policy_id: str | None = Field(description="The first-touch SLA policy that covered the lead.")
    due_at: datetime | None = Field(description="When the owner must have touched the lead by.")
    touched_at: datetime | None = Field(description="The first touch while this owner held the lead.")
    sla_state: Literal["running", "met", "breached", "stopped"] | None = Field(
        description="The first-touch clock: stopped when the lead moved on first; null without a policy."
    )


class AssignmentList(BaseModel):
    data: list[Assignment]
    next_cursor: str | None


class RouteIn(RequestModel):
    force: bool = Field(False, description="Route again a lead that already has an owner.")


class RouteOut(BaseModel):
    lead_id: str
    owner_id: str | None
    assigned: bool = Field(description="False when no rule yielded an owner (or the lead kept its owner).")
    decision: Decision


class RoutingPreviewIn(RequestModel):
    lead_id: OwnerId | None = Field(None, description="A stored lead; or give `lead`.")
    lead: LeadFields | None = Field(None, description="An inline lead, normalised as on capture.")
