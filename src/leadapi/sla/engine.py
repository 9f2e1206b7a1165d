"""First-touch SLAs: which policy covers a lead, and when its clock runs out. Pure.

A clock counts only business time when its policy has business hours: a lead assigned on Friday
evening with 240 business minutes is due on Monday morning, in the policy's time zone (daylight
saving included: windows are laid out in local time, the arithmetic is done in UTC).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from leadapi.conditions.engine import Predicate
from leadapi.routing.engine import compile_rule_condition

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ON_BREACH = ("notify", "reassign")
# The defaults every new workspace starts with: hot leads are called within five minutes, or
# someone else gets them; marketing-qualified ones within four hours.
DEFAULT_POLICIES: tuple[dict[str, Any], ...] = (
    {
        "name": "Sales-ready leads",
        "position": 10,
        "when": {"field": "band", "op": "eq", "value": "sql"},
        "first_touch_within_minutes": 5,
        "business_hours": None,
        "on_breach": "reassign",
    },
    {
        "name": "Marketing-qualified leads",
        "position": 20,
        "when": {"field": "band", "op": "eq", "value": "mql"},
        "first_touch_within_minutes": 240,
        "business_hours": None,
        "on_breach": "notify",
    },
)


@dataclass(frozen=True, slots=True)
class BusinessHours:
    zone: ZoneInfo
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> BusinessHours:
        return cls(
            zone=ZoneInfo(doc["timezone"]),
            days=frozenset(DAYS.index(d) for d in doc["days"]),
            start=time.fromisoformat(doc["start"]),
            end=time.fromisoformat(doc["end"]),
        )

    def _window(self, day: date) -> tuple[datetime, datetime]:
        opens = datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)
        return opens, closes

    def add(self, start: datetime, minutes: int) -> datetime:
        """`start` plus `minutes` of business time."""
        left = timedelta(minutes=minutes)
        day = start.astimezone(self.zone).date() - timedelta(days=1)  # a window may span midnight UTC
        cursor = start
        # A week without business days is refused on write; 400 weeks bounds any policy we accept.
        for _ in range(7 * 400):
            if day.weekday() in self.days:
                opens, closes = self._window(day)
                begin = max(cursor, opens)
                if begin < closes:
                    if begin + left <= closes:
                        return begin + left
                    left -= closes - begin
                    cursor = closes
            day += timedelta(days=1)
        raise ValueError("business hours never open")


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    when: Predicate | None
    minutes: int
    hours: BusinessHours | None
    on_breach: str

    def due(self, start: datetime) -> datetime:
        if self.hours is None:
            return start + timedelta(minutes=self.minutes)
        return self.hours.add(start, self.minutes)


def compile_policy(row: Mapping[str, Any]) -> Policy:
    hours = row.get("business_hours")
    return Policy(
        id=row["id"],
        name=row["name"],
        when=None if row["when"] is None else compile_rule_condition(row["when"]),
        minutes=row["first_touch_within_minutes"],
        hours=None if hours is None else BusinessHours.from_document(hours),
        on_breach=row["on_breach"],
    )


def covering(policies: Sequence[Policy], lead: Mapping[str, Any]) -> Policy | None:
    """The first policy (in order) whose condition the lead meets."""
    for policy in policies:
        if policy.when is None or policy.when(lead):
            return policy
    return None
