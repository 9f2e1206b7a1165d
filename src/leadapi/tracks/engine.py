"""Nurture tracks' rules: when a step is due, whether a lead leaves, is skipped or must wait for the
weekly cap. Pure: no I/O.

Waits in business hours use the SLA engine's business-time arithmetic (one implementation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from leadapi.conditions import FieldSet, Predicate, compile_condition
from leadapi.leads.fields import CONDITION_FIELDS
from leadapi.sla.engine import BusinessHours
from leadapi.stages.engine import Pipeline

# Conditions read the lead, as automations' `when` does (its score's parts too).
TRACK_FIELDS = FieldSet(
    CONDITION_FIELDS | {"band", "fit_score", "behavior_score", "last_activity_at"}, ("attributes.",)
)
WINDOW = timedelta(days=7)
DEFAULT_WEEKLY_CAP = 3


def compile_track_condition(node: Any, path: str) -> Predicate:
    """The condition compiled (ConditionError names the bad node under `path`)."""
    return compile_condition(node, TRACK_FIELDS, path)


def due_after(start: datetime, step: Mapping[str, Any]) -> datetime:
    """When `step` is due, counting its wait from `start` (in its business hours, if it has them)."""
    hours = step.get("business_hours")
    minutes = int(step.get("wait_minutes") or 0)
    if hours is None:
        return start + timedelta(minutes=minutes)
    return BusinessHours.from_document(hours).add(start, minutes)


def in_sales(pipeline: Pipeline, lead: Mapping[str, Any]) -> bool:
    """Whether sales has the lead, so it is not nurtured: in a closed stage (won or lost), or owned
    and in an open funnel stage at or after the pipeline's accepted stage. The recycle stage is
    nurture's own, owned or not."""
    stage = str(lead.get("stage") or "")
    category = pipeline.category(stage)
    if category is not None and category != "open":
        return True
    if lead.get("owner_id") is None or stage == pipeline.recycle_stage or category is None:
        return False
    return not pipeline.before_acceptance(stage) and pipeline.stage(pipeline.accepted_stage) is not None


def deferred_until(touches: Sequence[datetime], cap: int, now: datetime) -> datetime | None:
    """None when another touch fits the cap in the 7 days before `now`; otherwise when enough of
    `touches` (times, oldest first) have left the window for one more."""
    recent = [at for at in touches if at > now - WINDOW]
    if len(recent) < cap:
        return None
    return recent[len(recent) - cap] + WINDOW


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a due step comes to: `exit` (reason), `skip` (reason), `defer` (until) or `due`."""

    kind: str
    reason: str | None = None
    until: datetime | None = None


def decide(
    *,
    step: Mapping[str, Any],
    lead: Mapping[str, Any],
    sales: bool,
    exit_when: Predicate | None,
    skip_when: Predicate | None,
    touches: Sequence[datetime],
    cap: int,
    now: datetime,
    email_consent: bool = True,
) -> Outcome:
    """The order: sales has it, then the track's exit condition, then the step's own skip, then
    consent (no email to an unsubscribed lead, nor, when the workspace requires it, to one whose
    email consent is not granted: `email_consent` False), then the weekly cap."""
    if sales:
        return Outcome("exit", "sales")
    if exit_when is not None and exit_when(lead):
        return Outcome("exit", "exit_when")
    if skip_when is not None and skip_when(lead):
        return Outcome("skip", "skip_when")
    if step["channel"] == "email" and lead.get("unsubscribed"):
        return Outcome("skip", "unsubscribed")
    if step["channel"] == "email" and not email_consent:
        return Outcome("skip", "no_email_consent")
    until = deferred_until(touches, cap, now)
    if until is not None:
        return Outcome("defer", "weekly_cap", until)
    return Outcome("due")


def reenroll_document(after_days: int | None) -> str | dict[str, int]:
    return "never" if after_days is None else {"after_days": after_days}
