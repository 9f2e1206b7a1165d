"""Segments' rules: what a segment's `when` reads, and who enters and leaves. Pure: no I/O.

The condition language has no time relative to now (no "created more than 30 days ago"): every
condition is decided by the lead's stored values alone, so membership changes only when a lead
does, and no sweep over time is needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from leadapi.conditions import FieldSet, Predicate, compile_condition
from leadapi.leads.fields import CONDITION_FIELDS

# `when` reads the lead as routing and automations do (the score's parts too), not an event.
SEGMENT_FIELDS = FieldSet(
    CONDITION_FIELDS | {"band", "fit_score", "behavior_score", "last_activity_at"}, ("attributes.",)
)


def compile_when(node: Any, path: str = "when") -> Predicate:
    """The condition compiled (ConditionError names the bad node)."""
    return compile_condition(node, SEGMENT_FIELDS, path)


def changes(
    predicates: Mapping[str, Predicate],
    lead: Mapping[str, Any] | None,
    member_of: Iterable[str],
) -> tuple[list[str], list[str]]:
    """The segments the lead enters and those it leaves (a lead that is gone leaves them all)."""
    now_in = set(member_of)
    should = set() if lead is None else {sid for sid, predicate in predicates.items() if predicate(lead)}
    entered = sorted(s for s in should - now_in if s in predicates)
    exited = sorted(s for s in now_in - should if s in predicates or lead is None)
    return entered, exited
