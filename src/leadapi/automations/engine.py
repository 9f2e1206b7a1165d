"""Automations' rules: which events a trigger takes, what a condition reads, which limit or loop
guard stops a run, and how a notification's template is filled in. Pure: no I/O.

The flow (flows/automations.py) reads what these need from the database (the lead, the lead's
score history for a spike, the automation's earlier runs) and writes what they decide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

from leadapi.conditions import FieldSet, Predicate, compile_condition
from leadapi.leads.fields import CONDITION_FIELDS

# `when` reads the lead (as routing conditions do, the score's parts too) and the triggering event.
WHEN_FIELDS = FieldSet(
    CONDITION_FIELDS
    | {"band", "fit_score", "behavior_score", "last_activity_at"}
    | {"event.type", "event.source", "event.actor", "event.occurred_at"},
    ("attributes.", "event.properties.", "event.data."),
)
SCORED = "lead.scored"
# What the inactivity sweep appends for a lead an `inactive_for_days` automation finds quiet: the
# consumer runs the automation on it, so a run is still one (automation, event), exactly once.
INACTIVITY = "automation.inactivity"
SEGMENT_ENTERED = "segment.entered"
DAY = timedelta(hours=24)
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]{0,200})\s*\}\}")
MAX_RENDERED = 2000


def compile_when(node: Any, path: str = "when") -> Predicate:
    """The condition compiled (ConditionError names the bad node)."""
    return compile_condition(node, WHEN_FIELDS, path)


def when_context(lead: Mapping[str, Any], event: Mapping[str, Any]) -> dict[str, Any]:
    """What `when` reads: the lead's fields, and the event under `event` (its data as both
    `properties`, a behaviour event's name for it, and `data`)."""
    data = event.get("data") or {}
    return {
        **lead,
        "event": {
            "type": event.get("type"),
            "source": event.get("source"),
            "actor": event.get("actor"),
            "occurred_at": event.get("occurred_at"),
            "properties": data,
            "data": data,
        },
    }


# ---- triggers ------------------------------------------------------------------------------------


def trigger_kind(trigger: Mapping[str, Any]) -> str:
    return str(next(iter(trigger)))


def type_matches(patterns: Sequence[str], event_type: str) -> bool:
    return any(fnmatchcase(event_type, pattern) for pattern in patterns)


def may_fire(trigger: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether the event is of the kind the trigger looks at (no database needed to say no): the
    flow then checks the rest (a spike's window) for these alone."""
    kind = trigger_kind(trigger)
    event_type = str(event["type"])
    if kind == "event":
        return fnmatchcase(event_type, str(trigger["event"]))
    if kind == "score_crossed":
        return event_type == SCORED
    if kind == "inactive_for_days":
        return event_type == INACTIVITY
    if kind == "segment_entered":
        data = event.get("data") or {}
        return event_type == SEGMENT_ENTERED and data.get("segment_id") == trigger["segment_entered"]
    spec = trigger["intent_spike"]
    if spec.get("points") is not None:
        data = event.get("data") or {}
        new, old = _number(data.get("behavior_score")), _number(data.get("old_behavior_score"))
        return event_type == SCORED and new is not None and new > (old or 0.0)
    return type_matches(spec.get("types") or [], event_type)


def trigger_types(triggers: Sequence[Mapping[str, Any]]) -> list[str] | None:
    """The event types (or `*` patterns) that any of these triggers may take, for the consumer to
    read only those from the log (None: every type). A superset of what `may_fire` says yes to:
    it still decides each event, this only spares reading the ones no trigger can take (most of
    the log is the changes automations and requests make: `lead.updated`, notifications)."""
    types: set[str] = set()
    for trigger in triggers:
        kind = trigger_kind(trigger)
        if kind == "event":
            types.add(str(trigger["event"]))
        elif kind in ("score_crossed",):
            types.add(SCORED)
        elif kind == "inactive_for_days":
            types.add(INACTIVITY)
        elif kind == "segment_entered":
            types.add(SEGMENT_ENTERED)
        else:
            spec = trigger["intent_spike"]
            if spec.get("points") is not None:
                types.add(SCORED)
            else:
                types.update(str(t) for t in spec.get("types") or [])
    if "*" in types:
        return None
    return sorted(types)


def meant_for(automation: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """An inactivity event is one automation's finding: only that automation's trigger takes it
    (another with the same days finds the lead on its own mark)."""
    if trigger_kind(automation["trigger"]) != "inactive_for_days":
        return True
    return bool((event.get("data") or {}).get("automation_id") == automation["id"])


def quiet_since(lead: Mapping[str, Any]) -> datetime | None:
    """When a lead's current quiet spell began: its last activity, or its creation."""
    for name in ("last_activity_at", "created_at"):
        value = lead.get(name)
        if isinstance(value, datetime):
            return value
    return None


def inactive(lead: Mapping[str, Any], days: int, at: datetime) -> bool:
    """Whether the lead has been quiet for `days` at `at`."""
    since = quiet_since(lead)
    return since is not None and since <= at - timedelta(days=days)


def inactivity_data(automation_id: str, days: int, since: datetime) -> dict[str, Any]:
    """The data of `automation.inactivity`."""
    return {"automation_id": automation_id, "days": days, "inactive_since": since.isoformat()}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


SCORE_KEYS = {
    "score": ("old", "new"),
    "fit_score": ("old_fit_score", "fit_score"),
    "behavior_score": ("old_behavior_score", "behavior_score"),
}


def score_crossed(spec: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    """A `lead.scored` event's score went across the threshold in the direction asked. A new
    lead's first score comes from nothing: it crosses upwards when it starts at or above it. An
    event recorded before the parts' old values were (no `old_fit_score` key) crosses nothing."""
    old_key, new_key = SCORE_KEYS[spec["field"]]
    if old_key not in data:
        return False
    new, old = _number(data.get(new_key)), _number(data.get(old_key))
    threshold = float(spec["threshold"])
    if new is None:
        return False
    if spec.get("direction", "up") == "up":
        return (old is None or old < threshold) and new >= threshold
    return old is not None and old >= threshold and new < threshold


def points_spike(spec: Mapping[str, Any], data: Mapping[str, Any], baseline: float) -> bool:
    """Behaviour points gained since the window opened (`baseline`: the behaviour score then) reach
    `points` with this rescoring, and did not before it: one spike fires once."""
    new = _number(data.get("behavior_score"))
    old = _number(data.get("old_behavior_score")) or 0.0
    if new is None:
        return False
    points = float(spec["points"])
    return old - baseline < points <= new - baseline


def events_spike(spec: Mapping[str, Any], earlier_in_window: int) -> bool:
    """The triggering event is the `events`-th of its types within the window: it fires as the
    count reaches the number (more events in the same window do not fire again)."""
    return earlier_in_window + 1 == int(spec["events"])


def window_start(spec: Mapping[str, Any], at: datetime) -> datetime:
    return at - timedelta(hours=int(spec["within_hours"]))


# ---- limits and loops ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str  # condition, once_per_lead, cooldown, max_runs_per_day, depth, loop
    detail: str


@dataclass(frozen=True, slots=True)
class Cause:
    """The run whose action appended the triggering event."""

    run_id: str
    automation_id: str
    lead_id: str | None
    depth: int
    at: datetime


def loop_guard(
    automation_id: str,
    lead_id: str,
    cause: Cause | None,
    cooldown_minutes: int | None,
    max_depth: int,
    now: datetime,
) -> tuple[int, Skip | None]:
    """The run's depth (how many runs led to its event), and why it must not run: the chain is too
    long, or the automation set itself off on the same lead within its cooldown."""
    if cause is None:
        return 0, None
    depth = cause.depth + 1
    if depth > max_depth:
        return depth, Skip(
            "depth", f"{depth} automation runs led to this event (at most {max_depth}); the chain stops here."
        )
    if (
        cause.automation_id == automation_id
        and cause.lead_id == lead_id
        and cooldown_minutes is not None
        and now - cause.at < timedelta(minutes=cooldown_minutes)
    ):
        return depth, Skip(
            "loop",
            f"Its own run {cause.run_id} caused this event within the {cooldown_minutes}-minute cooldown.",
        )
    return depth, None


def limit_skip(
    limits: Mapping[str, Any],
    last_fired_for_lead: datetime | None,
    fired_last_day: int,
    now: datetime,
) -> Skip | None:
    """Which limit stops the automation firing for this lead now (None: none)."""
    if limits.get("once_per_lead") and last_fired_for_lead is not None:
        return Skip("once_per_lead", f"It fired for this lead already ({last_fired_for_lead.isoformat()}).")
    cooldown = limits.get("cooldown_minutes")
    if cooldown is not None and last_fired_for_lead is not None:
        until = last_fired_for_lead + timedelta(minutes=cooldown)
        if now < until:
            return Skip(
                "cooldown",
                f"It fired for this lead at {last_fired_for_lead.isoformat()}; "
                f"cooling down until {until.isoformat()}.",
            )
    cap = limits.get("max_runs_per_day")
    if cap is not None and fired_last_day >= cap:
        return Skip(
            "max_runs_per_day", f"It fired {fired_last_day} times in the last 24 hours (at most {cap})."
        )
    return None


# ---- actions -------------------------------------------------------------------------------------


def tags_added(current: Sequence[str], tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*current, *tags]))


def tags_removed(current: Sequence[str], tags: Sequence[str]) -> list[str]:
    gone = {tag.casefold() for tag in tags}
    return [tag for tag in current if tag.casefold() not in gone]


def field_update(fields: Mapping[str, Any]) -> dict[str, Any]:
    """`set_fields` as a lead update: `attributes.x` keys merged into `attributes`."""
    update: dict[str, Any] = {}
    for key, value in fields.items():
        if key.startswith("attributes."):
            update.setdefault("attributes", {})[key.removeprefix("attributes.")] = value
        else:
            update[key] = value
    return update


def render(template: str, context: Mapping[str, Any]) -> str:
    """`{{lead.email}}`, `{{event.data.url}}`... filled in from `context` (a missing value: empty)."""

    def value(match: re.Match[str]) -> str:
        found: Any = context
        for part in match.group(1).split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        if found is None:
            return ""
        if isinstance(found, datetime):
            return found.isoformat()
        return str(found)

    return _PLACEHOLDER.sub(value, template)[:MAX_RENDERED]


def notification(
    action: Mapping[str, Any],
    automation: Mapping[str, Any],
    run_id: str,
    lead: Mapping[str, Any],
    event: Mapping[str, Any],
) -> dict[str, Any]:
    """The data of `automation.notified`: the filled-in message and values, and what caused it."""
    context = {
        "lead": lead,
        "event": {**event, "properties": event.get("data") or {}},
        "automation": {"id": automation["id"], "name": automation["name"]},
    }
    return {
        "automation_id": automation["id"],
        "automation_name": automation["name"],
        "run_id": run_id,
        "to": action.get("to"),
        "message": render(action["message"], context),
        "data": {key: render(template, context) for key, template in (action.get("data") or {}).items()},
        "event_id": event.get("id"),
        "event_type": event.get("type"),
        "owner_id": lead.get("owner_id"),
    }
