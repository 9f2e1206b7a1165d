"""The reports' public contract. Shares are 0..1 rounded to 4 places and null when there is
nothing to divide by; durations are in seconds."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leadapi.api.schemas import RequestModel

Share = float | None


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


class ReportSettingsIn(RequestModel):
    time_zone: str = Field(
        max_length=64,
        description="An IANA time zone (e.g. America/New_York): report days, and the day, week and "
        "month splits, run from midnight to midnight there. Changing it makes the rollups again "
        "(reports read the rows meanwhile; `rollups_ready` says when they are back).",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _zones():
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Paris)")
        ZoneInfo(value)
        return value


class ReportSettingsOut(BaseModel):
    time_zone: str
    rollups_ready: bool = Field(
        description="Whether reports read rollups: false while they are being made again after a "
        "change of time zone (or before the first events were taken in)."
    )
    updated_at: datetime | None = Field(description="Null: never set (UTC).")


class ReportFrame(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: datetime = Field(alias="from", description="Start of the range (inclusive).")
    to: datetime = Field(description="End of the range (exclusive).")
    filters: dict[str, str] = Field(description="The lead filters applied.")
    group_by: str | None = Field(description="How `groups` splits the range; null: not split.")
    approximate: bool = Field(
        False,
        description="True when percentiles come from mergeable sketches over the rollups (counts are "
        "exact either way); `exact=true` asks for the sorted computation over the rows.",
    )
    relative_error: float | None = Field(
        None, description="The most an approximate percentile is off, as a share of its value (0.01: 1%)."
    )


class GroupKey(BaseModel):
    key: str | None = Field(
        description="The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value "
        "split by."
    )
    label: str | None = Field(None, description="The owner's name, when split by owner.")


# -- funnel ---------------------------------------------------------------------------------


class FunnelStage(BaseModel):
    stage: str
    name: str
    category: str
    entered: int = Field(description="Leads of the cohort that were ever in this stage.")
    reached: int | None = Field(
        description="Funnel stages: leads that got this far (entered it or any later funnel stage)."
    )
    conversion: Share = Field(description="reached / reached of the funnel stage before it.")


class FunnelRates(BaseModel):
    lead_to_mql: Share
    mql_to_sql: Share
    sql_acceptance: Share = Field(description="accepted / (accepted + rejected).")
    lead_to_customer: Share


class FunnelFigures(BaseModel):
    leads: int = Field(description="Leads created in the range (the cohort).")
    stages: list[FunnelStage]
    accepted: int = Field(description="Leads of the cohort that sales accepted.")
    rejected: int = Field(description="Leads of the cohort that sales rejected (at least once).")
    customers: int = Field(description="Leads that reached a won stage.")
    revenue: float = Field(description="The sum of won amounts.")
    rates: FunnelRates


class FunnelGroup(GroupKey, FunnelFigures):
    pass


class FunnelReport(ReportFrame):
    total: FunnelFigures
    groups: list[FunnelGroup]


# -- speed to lead ----------------------------------------------------------------------------


class SpeedStats(BaseModel):
    touched: int
    median_seconds: float | None
    p90_seconds: float | None
    within_5m: Share
    within_1h: Share
    never_touched: Share


class LeadSpeed(SpeedStats):
    leads: int = Field(description="Leads created in the range; times run from their creation.")


class AssignmentSpeed(SpeedStats):
    assignments: int = Field(description="Assignments made in the range; times run from each one.")


class SpeedFigures(BaseModel):
    after_creation: LeadSpeed
    after_assignment: AssignmentSpeed


class SpeedGroup(GroupKey, SpeedFigures):
    pass


class OwnerSpeed(BaseModel):
    owner_id: str
    name: str | None
    after_assignment: AssignmentSpeed


class SpeedReport(ReportFrame):
    total: SpeedFigures
    groups: list[SpeedGroup]
    owners: list[OwnerSpeed]


# -- SLA ------------------------------------------------------------------------------------


class SlaFigures(BaseModel):
    covered: int = Field(description="Assignments made in the range with an SLA clock.")
    met: int
    breached: int
    running: int
    stopped: int = Field(description="The lead moved on (reassigned, rejected, won, lost) before a verdict.")
    compliance: Share = Field(description="met / (met + breached).")


class SlaGroup(GroupKey, SlaFigures):
    pass


class SlaPolicyFigures(SlaFigures):
    policy_id: str
    name: str | None = Field(description="Null when the policy has been deleted since.")


class SlaOwnerFigures(SlaFigures):
    owner_id: str
    name: str | None


class SlaReport(ReportFrame):
    total: SlaFigures
    groups: list[SlaGroup]
    policies: list[SlaPolicyFigures]
    owners: list[SlaOwnerFigures]


# -- stage velocity ---------------------------------------------------------------------------


class StageTime(BaseModel):
    stage: str
    name: str
    stays: int = Field(description="Stays in the stage that ended in the range.")
    median_seconds: float | None
    p90_seconds: float | None


class TimeToCustomer(BaseModel):
    leads: int = Field(description="Leads won in the range; times run from their creation.")
    median_seconds: float | None
    p90_seconds: float | None


class VelocityFigures(BaseModel):
    stages: list[StageTime]
    to_customer: TimeToCustomer


class VelocityGroup(GroupKey, VelocityFigures):
    pass


class VelocityReport(ReportFrame):
    total: VelocityFigures
    groups: list[VelocityGroup]


# -- sources ----------------------------------------------------------------------------------


class SourceFigures(BaseModel):
    leads: int
    mql: int | None = Field(description="Leads that reached the mql stage; null without one.")
    sql: int | None
    customers: int
    revenue: float
    lead_to_mql: Share
    mql_to_sql: Share
    lead_to_customer: Share


class SourceGroup(GroupKey, SourceFigures):
    pass


class SourcesReport(ReportFrame):
    total: SourceFigures
    groups: list[SourceGroup]


# -- owners -----------------------------------------------------------------------------------


class OwnerFigures(BaseModel):
    owner_id: str
    name: str | None
    assigned: int = Field(description="Assignments to the owner made in the range.")
    touched: int = Field(description="Of those, the ones the owner touched.")
    open: int = Field(description="Leads the owner holds in an open stage now.")
    accepted: int = Field(description="Leads the owner accepted in the range.")
    rejected: int = Field(description="Leads the owner rejected in the range.")
    won: int = Field(description="The owner's leads won in the range.")
    sla_met: int
    sla_breached: int
    sla_compliance: Share
    median_speed_seconds: float | None = Field(description="Median wait from assignment to first touch.")


class OwnersReport(ReportFrame):
    owners: list[OwnerFigures]


# -- scores ---------------------------------------------------------------------------------


class ScoreBucket(BaseModel):
    bucket: str = Field(description="Score range, e.g. 40-49 (the last is 90-100).")
    leads: int


class BandFigures(BaseModel):
    band: str | None = Field(description="Null: not scored.")
    leads: int
    share: Share
    customers: int
    conversion: Share = Field(description="customers / leads: is the model predictive?")


class ScoreFigures(BaseModel):
    leads: int
    scored: int
    buckets: list[ScoreBucket]
    bands: list[BandFigures]


class ScoreGroup(GroupKey, ScoreFigures):
    pass


class ScoresReport(ReportFrame):
    total: ScoreFigures
    groups: list[ScoreGroup]


# -- activation -------------------------------------------------------------------------------


class ActivationFigures(BaseModel):
    leads: int
    activated_7d: int = Field(description="Leads with a behaviour event within 7 days of entry.")
    rate_7d: Share
    activated_30d: int
    rate_30d: Share


class ActivationGroup(GroupKey, ActivationFigures):
    pass


class IntentFigures(BaseModel):
    """What leadapi did about intent in the range (not split by `group_by`)."""

    spikes: int = Field(description="Intent spikes found: runs of intent-spike automations, fired or not.")
    spike_leads: int = Field(description="Leads a spike was found on.")
    reached_sql_30d: int = Field(description="Of those, leads whose band became sql within 30 days of one.")
    sql_rate_30d: Share
    tasks_created: int = Field(description="Tasks made in the range (by anyone).")
    tasks_by_automations: int = Field(description="Of those, made by an automation's `create_task`.")
    tasks_done: int
    tasks_done_on_time: int = Field(description="Done by their due time.")
    on_time_rate: Share = Field(description="Done on time, of the tasks made.")


class TrackFigures(BaseModel):
    """A nurture track's enrolments made in the range, by how they stand now."""

    track_id: str
    name: str
    enrolled: int
    active: int
    paused: int
    completed: int
    exited: int
    exit_reasons: dict[str, int] = Field(
        description="Exits by reason: exit_when, sales, manual, or the reason given."
    )
    reached_sql: int = Field(description="Enrolled leads whose band became sql after enrolling.")
    sql_rate: Share


class ActivationReport(ReportFrame):
    total: ActivationFigures
    groups: list[ActivationGroup]
    intent: IntentFigures
    tracks: list[TrackFigures] = Field(description="Tracks with enrolments in the range.")
