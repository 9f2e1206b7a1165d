"""What a backtest counts per lead instead of reading every event: the plan of one grouped statement
and the matching of event properties it leaves to Python. Pure: no I/O.

Scoring a lead needs, per behaviour rule, only how many of its events the rule matches up to the
moment scored (and the latest one's time, or every one's, for a rule whose points decay): a
statement can count those per lead, one row per lead instead of one per event. What a statement
cannot judge the same way the engine does is a rule's `where` (the conditions' semantics are
Python's), so each distinct combination of the values a type's `where` conditions read (the
event's source and the top-level properties they look into) is judged here, once, and the
statement is told which combinations match which rule, as bits: a combination it has not been
told about is sent back, judged, and the batch counted again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from leadapi.leads.fields import CONDITION_FIELDS
from leadapi.scoring.engine import ADJUSTED, CompiledModel, Counted, _BehaviorRule

LEAD_COLUMNS = CONDITION_FIELDS | {"attributes"}
MAX_WHERE_RULES = 62  # per event type: the bits of a bigint
# Combinations judged before a backtest gives up counting in the statement (events with properties
# all different, such as full URLs, would make the statement's list of them as long as the events).
MAX_COMBINATIONS = 20_000
FIXED_COLUMNS = 6  # lead id, last activity, the adjustments' ids, times and data, unjudged combinations


class NotCountableError(ValueError):
    """A model the statement cannot count for; the backtest reads events instead."""


@dataclass(frozen=True)
class Input:
    """One figure per lead the statement computes: the events of a type (those a `where` matches,
    by its bit, or all), from a window's start (by its index) or all up to the moment."""

    event_type: str
    bit: int | None
    window: int | None


@dataclass
class Judged:
    """The `where` rules of one event type and the property keys they read."""

    event_type: str
    keys: tuple[str, ...]
    rules: list[_BehaviorRule]

    def bits(self, source: Any, values: Sequence[Any]) -> int:
        view = {
            "type": self.event_type,
            "source": source,
            "properties": dict(zip(self.keys, values, strict=True)),
        }
        found = 0
        for index, rule in enumerate(self.rules):
            if rule.where is not None and rule.where(view):
                found |= 1 << index
        return found


@dataclass
class CountPlan:
    """The statement's figures for a set of models, and where each model's rules find theirs."""

    types: list[str]  # every event type the statement reads (the models' and adjustments)
    lead_columns: list[str]  # the lead columns the models read (and the id and creation time)
    windows: list[timedelta]
    inputs: list[Input]
    judged: dict[str, Judged]
    # Per input, its row positions: (count, last or None, times or None).
    places: list[tuple[int, int | None, int | None]] = field(default_factory=list)
    columns: list[list[Counted]] = field(default_factory=list)  # per model, per behaviour rule
    # Judged combinations: (type, key as the statement writes it) -> bits.
    known: dict[tuple[str, str], int] = field(default_factory=dict)
    limit: int = MAX_COMBINATIONS

    def judge(self, unknown: Sequence[str]) -> None:
        """Judge combinations the statement sent back (each `[type, key]` as JSON text)."""
        for item in unknown:
            event_type, key = json.loads(item)
            source, *values = json.loads(key)
            self.known[(event_type, key)] = self.judged[event_type].bits(source, values)
        if len(self.known) > self.limit:
            raise NotCountableError(f"more than {self.limit} combinations of properties")


def _property_key(name: str) -> str | None:
    """The top-level property a `where` field reads; None for the event's own type or source."""
    if name in ("type", "source"):
        return None
    head, _, rest = name.partition(".")
    if head != "properties" or not _:
        raise NotCountableError(f"unexpected field {name!r}")
    return rest.split(".", 1)[0]


def count_plan(models: Sequence[CompiledModel], limit: int = MAX_COMBINATIONS) -> CountPlan:
    """The plan for scoring `models` from counts. Raises NotCountableError."""
    types = sorted(set().union(*(model.event_type_list for model in models)))
    windows = sorted({rule.within for model in models for rule in model.behavior if rule.within is not None})
    judged: dict[str, Judged] = {}
    for model in models:
        for rule in model.behavior:
            if rule.where is None or rule.event_type == ADJUSTED:
                continue
            entry = judged.setdefault(rule.event_type, Judged(rule.event_type, (), []))
            keys = {key for name in rule.where_fields if (key := _property_key(name)) is not None}
            entry.keys = tuple(sorted(set(entry.keys) | keys))
            entry.rules.append(rule)
            if len(entry.rules) > MAX_WHERE_RULES:
                raise NotCountableError(f"more than {MAX_WHERE_RULES} rules look into {rule.event_type!r}")
    read = {field.split(".", 1)[0] for model in models for rule in model.fit for field in rule.fields}
    unknown_columns = read - LEAD_COLUMNS
    if unknown_columns:
        raise NotCountableError(f"unknown lead fields {sorted(unknown_columns)}")
    plan = CountPlan(types, sorted(read | {"id", "created_at"}), windows, [], judged, limit=limit)
    index: dict[Input, int] = {}
    needs: dict[Input, tuple[bool, bool]] = {}
    chosen: list[list[tuple[Input, _BehaviorRule]]] = []
    for model in models:
        mine = []
        for rule in model.behavior:
            bit = None if rule.where is None else judged[rule.event_type].rules.index(rule)
            if rule.event_type == ADJUSTED:
                bit = None
            window = None if rule.within is None else windows.index(rule.within)
            wanted = Input(rule.event_type, bit, window)
            if wanted not in index:
                index[wanted] = len(plan.inputs)
                plan.inputs.append(wanted)
            decays = rule.half_life_days is not None
            last, times = needs.get(wanted, (False, False))
            needs[wanted] = (last or (decays and not rule.per_event), times or (decays and rule.per_event))
            mine.append((wanted, rule))
        chosen.append(mine)
    position = FIXED_COLUMNS
    for wanted in plan.inputs:
        last, times = needs[wanted]
        count_at, position = position, position + 1
        last_at = times_at = None
        if last:
            last_at, position = position, position + 1
        if times:
            times_at, position = position, position + 1
        plan.places.append((count_at, last_at, times_at))
    for mine in chosen:
        plan.columns.append([Counted(*plan.places[index[wanted]]) for wanted, _ in mine])
    return plan


class FitJudge:
    """Which of a model's fit rules a lead meets, the lead as a page of them is read (its JSON
    columns as text). Rules are grouped by the columns they read, and each group judged once per
    distinct value of its columns: most leads share their title, country or industry with many
    others, and decoding every lead's JSON was most of the page's cost."""

    MAX_REMEMBERED = 100_000  # per group: beyond, it starts over

    def __init__(self, model: CompiledModel, json_columns: frozenset[str]) -> None:
        self.json_columns = json_columns
        self.size = len(model.fit)
        grouped: dict[tuple[str, ...], list[int]] = {}
        for index, rule in enumerate(model.fit):
            columns = tuple(sorted({name.split(".", 1)[0] for name in rule.fields}))
            grouped.setdefault(columns, []).append(index)
        self.groups: list[tuple[tuple[str, ...], list[tuple[int, Any]], dict[Any, list[tuple[int, bool]]]]]
        self.groups = [
            (columns, [(index, model.fit[index].when) for index in indexes], {})
            for columns, indexes in grouped.items()
        ]

    def fired(self, lead: Any) -> list[bool]:
        met = [False] * self.size
        for columns, rules, remembered in self.groups:
            key = lead.get(columns[0]) if len(columns) == 1 else tuple(lead.get(c) for c in columns)
            try:
                known = remembered.get(key)
            except TypeError:  # not hashable: judged each time
                known = None
                remembered = {}
                key = None
            if known is None:
                if len(remembered) >= self.MAX_REMEMBERED:
                    remembered.clear()
                known = remembered[key] = self._judge(lead, columns, rules)
            for index, hit in known:
                met[index] = hit
        return met

    def _judge(
        self, lead: Any, columns: tuple[str, ...], rules: list[tuple[int, Any]]
    ) -> list[tuple[int, bool]]:
        """The group's rules on the lead's columns they read, JSON decoded."""
        seen = {}
        for column in columns:
            value = lead.get(column)
            seen[column] = json.loads(value) if column in self.json_columns and value is not None else value
        return [(index, bool(when(seen))) for index, when in rules]
