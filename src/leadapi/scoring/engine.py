"""The scoring engine: a model (versioned JSON data) compiled once into a scorer. Pure: no I/O.

score = fit points (rules over lead fields) + behaviour points (rules over events, negative ones
included), clamped to the model's range; the band is the first band, highest minimum first, whose
minimum the score reaches. Every result carries its breakdown: each rule that fired, its points
and its evidence, and the breakdown's points add up to the unclamped total.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from itertools import repeat
from operator import attrgetter
from typing import Any, cast

from leadapi.conditions import ConditionError, FieldSet, PatternTally, Predicate, compile_condition
from leadapi.leads.fields import CONDITION_FIELDS

LEAD_FIELDS = FieldSet(CONDITION_FIELDS, ("attributes.",))
EVENT_FIELDS = FieldSet(frozenset({"type", "source"}), ("properties.",))
RULE_KINDS = ("fit", "behavior", "inactivity")
# Manual points (a person's or an automation's `adjust_score`) live in the event log as this
# event, so every path that loads a lead's scoring facts (the rescoring, the events' one-statement
# fast path, the breakdown) loads them with the behaviour events, and the score stays one function
# of the lead and its events. They count in the behaviour part until they expire.
ADJUSTED = "lead.score_adjusted"
MAX_RULES = 200
# Decaying points change continuously; the stored score is refreshed this often (at most daily,
# at least hourly) while a decaying rule still contributes half a point or more.
DECAY_REFRESH_MAX = timedelta(days=1)
DECAY_REFRESH_MIN = timedelta(hours=1)
_EVENT_ORDER = attrgetter("occurred_at", "id")  # time, then id: a total order whatever the arrival
_OCCURRED_AT = attrgetter("occurred_at")


class ModelError(ValueError):
    """An invalid model; `path` names the bad node, e.g. `rules[3].when.any[1].op`."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class EventFact:
    id: str
    type: str
    occurred_at: datetime
    properties: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None


@dataclass(slots=True, eq=False)  # not frozen: a frozen __init__ costs 3x, on every rule that fires
class RuleHit:
    rule_id: str
    kind: str
    points: float
    # What made the rule fire, gathered only when asked for: most scorings are stored, not
    # explained, and gathering evidence for every hit was a third of the engine's time.
    explain: Callable[[], dict[str, Any]] = field(repr=False)

    @property
    def evidence(self) -> dict[str, Any]:
        return self.explain()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleHit):
            return NotImplemented
        mine = (self.rule_id, self.kind, self.points, self.evidence)
        return mine == (other.rule_id, other.kind, other.points, other.evidence)

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    min: float | None


@dataclass(slots=True)  # not frozen, for the same reason as RuleHit; nothing mutates one
class ScoreResult:
    score: int
    fit_score: float
    behavior_score: float
    unclamped: float
    band: str
    hits: tuple[RuleHit, ...]
    # The earliest moment time alone can change this result (a window ends, points decay, a
    # lead turns inactive, a future-dated event happens); None if only new facts can.
    next_change_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class _FitRule:
    id: str
    points: float
    when: Predicate
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _BehaviorRule:
    id: str
    points: float
    event_type: str
    where: Predicate | None
    min_count: int
    per_event: bool
    max_points: float | None
    within: timedelta | None
    half_life_days: float | None
    # The fields `where` reads (`type`, `source`, `properties.x...`): all it can tell events by.
    where_fields: tuple[str, ...] = ()
    # Fires at once for its points when enough events of its type exist: no filter, window, decay.
    simple: bool = field(init=False)

    def __post_init__(self) -> None:
        simple = self.where is None and self.within is None and self.half_life_days is None
        object.__setattr__(self, "simple", simple and not self.per_event)


@dataclass(frozen=True, slots=True)
class _InactivityRule:
    id: str
    points: float
    days: timedelta


@dataclass(frozen=True, slots=True)
class Counted:
    """Where a behaviour rule's facts are in a row counted elsewhere (a backtest's grouped
    statement): the number of the lead's events the rule matches up to the moment scored, and,
    when the rule needs them, the latest one's time and every one's time, oldest first."""

    count: int
    last: int | None = None
    times: int | None = None


@dataclass(frozen=True)
class CompiledModel:
    name: str
    minimum: float
    maximum: float
    bands: tuple[Band, ...]  # highest minimum first; the last one may have no minimum
    fit: tuple[_FitRule, ...]
    behavior: tuple[_BehaviorRule, ...]
    inactivity: tuple[_InactivityRule, ...]

    @cached_property
    def event_types(self) -> frozenset[str]:
        """The event types behaviour rules read: the only events a scoring has to load."""
        return frozenset(rule.event_type for rule in self.behavior)

    @cached_property
    def event_type_list(self) -> list[str]:
        """The event types a scoring loads, sorted (a stable statement parameter): those behaviour
        rules read, and score adjustments."""
        return sorted(self.event_types | {ADJUSTED})

    def band_of(self, score: float) -> str:
        for band in self.bands:
            if band.min is None or score >= band.min:
                return band.name
        return self.bands[-1].name

    def score(
        self,
        lead: Mapping[str, Any],
        events: Sequence[EventFact],
        now: datetime,
        last_activity: datetime | None = None,
    ) -> ScoreResult:
        """Score a lead from its events at `now`.

        `events` need only hold the types in `event_types`; `last_activity` is the time of the
        lead's latest behaviour event of any type (for inactivity), when the caller knows it.
        """
        hits: list[RuleHit] = []
        adjusted: list[EventFact] = []
        if events and any(event.type == ADJUSTED for event in events):
            # Not behaviour: they neither match rules nor count as the lead's activity.
            adjusted = [event for event in events if event.type == ADJUSTED]
            events = [event for event in events if event.type != ADJUSTED]
        for rule in self.fit:
            if rule.when(lead):
                hits.append(RuleHit(rule.id, "fit", rule.points, partial(_fit_evidence, lead, rule.fields)))
        fit_total = sum(hit.points for hit in hits)
        # Index the events once per scoring, not once per rule: a rule only looks at its type.
        # Sorted once by (time, id) so every per-type list is in order, and the result does not
        # depend on the order events arrive in.
        changes: list[datetime] = []
        ordered = sorted(events, key=_EVENT_ORDER)
        if ordered and ordered[-1].occurred_at > now:
            # Dated in the future: not happened yet; each will count (and change the score) then.
            cut = bisect_right(ordered, now, key=_OCCURRED_AT)
            changes.extend(event.occurred_at for event in ordered[cut:])
            del ordered[cut:]
        by_type: defaultdict[str, list[EventFact]] = defaultdict(list)
        for event in ordered:
            by_type[event.type].append(event)
        if last_activity is not None and last_activity > now:
            last_activity = None
        if ordered and (last_activity is None or ordered[-1].occurred_at > last_activity):
            last_activity = ordered[-1].occurred_at
        views: dict[str, list[Mapping[str, Any]]] = {}  # events as condition data, built once per type
        for behavior in self.behavior:
            typed = by_type.get(behavior.event_type)  # .get: reading must not add empty lists
            if typed is None or len(typed) < behavior.min_count:
                continue
            if behavior.simple:
                evidence = partial(_behavior_evidence, typed)
                hits.append(RuleHit(behavior.id, "behavior", behavior.points, evidence))
                continue
            hit = _behavior_hit(behavior, typed, views, now, changes)
            if hit is not None:
                hits.append(hit)
        for idle in self.inactivity:
            hit = _inactivity_hit(idle, lead, last_activity, now, changes)
            if hit is not None:
                hits.append(hit)
        for adjustment in sorted(adjusted, key=_EVENT_ORDER):
            hit = _adjustment_hit(adjustment, now, changes)
            if hit is not None:
                hits.append(hit)
        behavior_total = sum(hit.points for hit in hits) - fit_total
        unclamped = fit_total + behavior_total
        score = round(min(self.maximum, max(self.minimum, unclamped)))
        return ScoreResult(
            score,
            fit_total,
            behavior_total,
            unclamped,
            self.band_of(score),
            tuple(hits),
            min(changes) if changes else None,
        )

    def score_counted(
        self,
        lead: Mapping[str, Any],
        now: datetime,
        fired: Sequence[bool],
        row: Sequence[Any],
        columns: Sequence[Counted],
        last_activity: datetime | None,
        adjustments: Sequence[EventFact],
    ) -> tuple[int, str, list[tuple[str, float]]]:
        """`score` from counts instead of events, with the same figures: (score, band, each rule
        that fired with its points). `fired` says which fit rules the lead meets, in the model's
        order (the caller may know it cheaper than asking each rule); `columns` are the behaviour
        rules' places in `row`, in the
        model's order; `last_activity` is the latest behaviour event up to `now`, `adjustments`
        the score adjustments made up to then. The points add up in `score`'s order (fit,
        behaviour, inactivity, adjustments), so the float sums are the same too."""
        hits: list[tuple[str, float]] = []
        points: list[float] = []
        for fit, met in zip(self.fit, fired, strict=True):
            if met:
                hits.append((fit.id, fit.points))
                points.append(fit.points)
        fit_total = sum(points)
        for rule, column in zip(self.behavior, columns, strict=True):
            count: int = row[column.count]
            if count < rule.min_count:
                continue
            gained: float
            if rule.per_event:
                if rule.half_life_days is None:
                    gained = sum(repeat(rule.points, count))
                else:
                    half_life = rule.half_life_days
                    times: Sequence[datetime] = row[cast(int, column.times)]
                    gained = sum(_decayed(rule.points, at, now, half_life) for at in times)
                if rule.max_points is not None:
                    gained = max(-rule.max_points, min(rule.max_points, gained))
            elif rule.half_life_days is None:
                gained = rule.points
            else:
                gained = _decayed(rule.points, row[cast(int, column.last)], now, rule.half_life_days)
            hits.append((rule.id, gained))
            points.append(gained)
        for idle in self.inactivity:
            hit = _inactivity_hit(idle, lead, last_activity, now, [])
            if hit is not None:
                hits.append((hit.rule_id, hit.points))
                points.append(hit.points)
        for adjustment in sorted(adjustments, key=_EVENT_ORDER):
            hit = _adjustment_hit(adjustment, now, [])
            if hit is not None:
                points.append(hit.points)
        unclamped = fit_total + (sum(points) - fit_total)
        score = round(min(self.maximum, max(self.minimum, unclamped)))
        return score, self.band_of(score), hits


def _lookup(data: Mapping[str, Any], name: str) -> Any:
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _fit_evidence(lead: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {"fields": {name: _plain(_lookup(lead, name)) for name in fields}}


def _behavior_evidence(matching: Sequence[EventFact]) -> dict[str, Any]:
    return {"count": len(matching), "event_ids": [event.id for event in matching[-20:]]}


def _event_views(events: Sequence[EventFact]) -> list[Mapping[str, Any]]:
    return [{"type": e.type, "source": e.source, "properties": e.properties} for e in events]


def _decayed(points: float, occurred_at: datetime, now: datetime, half_life_days: float | None) -> float:
    if half_life_days is None:
        return points
    age_days = max(0.0, (now - occurred_at).total_seconds() / 86400)
    return points * math.pow(0.5, age_days / half_life_days)


def _behavior_hit(
    rule: _BehaviorRule,
    events: list[EventFact],
    views: dict[str, list[Mapping[str, Any]]],
    now: datetime,
    changes: list[datetime],
) -> RuleHit | None:
    """The rule's hit, if it fires; appends to `changes` when time alone will change it.

    `events` are the lead's events of the rule's type that have happened, in (time, id) order;
    `views` caches them as condition data per type, shared by the rules that read that type.
    """
    since = None if rule.within is None else now - rule.within
    where = rule.where
    if where is None:
        matching = events if since is None else [event for event in events if event.occurred_at >= since]
    else:
        data = views.get(rule.event_type)
        if data is None:
            data = views[rule.event_type] = _event_views(events)
        matching = [
            event
            for event, view in zip(events, data, strict=True)
            if (since is None or event.occurred_at >= since) and where(view)
        ]
    if len(matching) < rule.min_count:
        return None
    if rule.within is not None:  # the oldest event leaving the window changes (or may end) the hit
        changes.append(matching[0].occurred_at + rule.within)
    if rule.per_event:
        points = sum(_decayed(rule.points, event.occurred_at, now, rule.half_life_days) for event in matching)
        if rule.max_points is not None:
            points = max(-rule.max_points, min(rule.max_points, points))
    else:
        points = _decayed(rule.points, matching[-1].occurred_at, now, rule.half_life_days)
    if rule.half_life_days is not None and abs(points) >= 0.5:
        step = timedelta(days=rule.half_life_days / 8)
        changes.append(now + max(DECAY_REFRESH_MIN, min(DECAY_REFRESH_MAX, step)))
    return RuleHit(rule.id, "behavior", points, partial(_behavior_evidence, matching))


def _inactivity_hit(
    rule: _InactivityRule,
    lead: Mapping[str, Any],
    last: datetime | None,
    now: datetime,
    changes: list[datetime],
) -> RuleHit | None:
    created = lead.get("created_at")
    if not isinstance(created, datetime):
        return None
    idle_from = created + rule.days if last is None else max(created, last) + rule.days
    if now < idle_from:
        changes.append(idle_from)  # turns inactive then, unless something happens first
        return None
    evidence = {"last_activity_at": _plain(last), "days": rule.days.days}
    return RuleHit(rule.id, "inactivity", rule.points, evidence.copy)


def _adjustment_hit(event: EventFact, now: datetime, changes: list[datetime]) -> RuleHit | None:
    """A manual adjustment's points while it holds: from when it was made until it expires (the
    expiry is a moment time alone changes the score)."""
    data = event.properties
    points = data.get("points")
    if isinstance(points, bool) or not isinstance(points, int | float):
        return None
    if event.occurred_at > now:
        changes.append(event.occurred_at)
        return None
    expires_at = _moment(data.get("expires_at"))
    if expires_at is not None:
        if now >= expires_at:
            return None
        changes.append(expires_at)
    evidence = {
        "reason": data.get("reason"),
        "made_at": _plain(event.occurred_at),
        "expires_at": _plain(expires_at),
        "run_id": data.get("run_id"),
        "event_id": event.id,
    }
    return RuleHit(str(data.get("adjustment_id") or event.id), "adjustment", float(points), evidence.copy)


def _moment(value: Any) -> datetime | None:
    """A time stored in an event's JSON data (ISO 8601), as an aware datetime."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# ---- compiling -----------------------------------------------------------------------------------


def _number(value: Any, path: str, *, positive: bool = False, integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelError(path, "expected a number")
    if integer and not float(value).is_integer():
        raise ModelError(path, "expected a whole number")
    if positive and value <= 0:
        raise ModelError(path, "must be above 0")
    if abs(value) > 1_000_000:
        raise ModelError(path, "out of range")
    return float(value)


def _condition(node: Any, fields: FieldSet, path: str, patterns: PatternTally) -> Predicate:
    try:
        return compile_condition(node, fields, path, patterns)
    except ConditionError as exc:
        raise ModelError(exc.path, exc.message) from None


def _condition_fields(node: Any) -> tuple[str, ...]:
    """The lead fields a condition reads: the evidence shown when it fires."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, Mapping):
            if isinstance(item.get("field"), str):
                found.append(item["field"])
            for key in ("all", "any"):
                for child in item.get(key) or []:
                    walk(child)
            if "not" in item:
                walk(item["not"])

    walk(node)
    return tuple(dict.fromkeys(found))


def _expect_keys(node: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in node:
        if key not in allowed:
            raise ModelError(f"{path}.{key}", f"unknown key; allowed: {', '.join(sorted(allowed))}")


def compile_model(model: Any) -> CompiledModel:
    """Validate a model document and compile it; raises ModelError naming the first bad node."""
    if not isinstance(model, Mapping):
        raise ModelError("model", "a model is an object")
    _expect_keys(model, {"name", "score_range", "bands", "rules"}, "model")
    name = model.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ModelError("name", "a name of 1 to 200 characters is required")
    minimum, maximum = _range(model.get("score_range", {"min": 0, "max": 100}))
    bands = _bands(model.get("bands"), minimum, maximum)
    rules = model.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ModelError("rules", "a non-empty list of rules")
    if len(rules) > MAX_RULES:
        raise ModelError("rules", f"at most {MAX_RULES} rules")
    fit: list[_FitRule] = []
    behavior: list[_BehaviorRule] = []
    inactivity: list[_InactivityRule] = []
    seen: set[str] = set()
    patterns = PatternTally()  # the model's regular expressions, all rules together
    for index, rule in enumerate(rules):
        path = f"rules[{index}]"
        if not isinstance(rule, Mapping):
            raise ModelError(path, "a rule is an object")
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id or len(rule_id) > 100:
            raise ModelError(f"{path}.id", "an id of 1 to 100 characters is required")
        if rule_id in seen:
            raise ModelError(f"{path}.id", f"duplicate rule id {rule_id!r}")
        seen.add(rule_id)
        kind = rule.get("kind")
        points = _number(rule.get("points"), f"{path}.points")
        if kind == "fit":
            _expect_keys(rule, {"id", "kind", "points", "when"}, path)
            when = _condition(rule.get("when"), LEAD_FIELDS, f"{path}.when", patterns)
            fit.append(_FitRule(rule_id, points, when, _condition_fields(rule.get("when"))))
        elif kind == "behavior":
            behavior.append(_behavior_rule(rule, rule_id, points, path, patterns))
        elif kind == "inactivity":
            _expect_keys(rule, {"id", "kind", "points", "days"}, path)
            days = _number(rule.get("days"), f"{path}.days", positive=True, integer=True)
            inactivity.append(_InactivityRule(rule_id, points, timedelta(days=days)))
        else:
            raise ModelError(f"{path}.kind", f"one of {', '.join(RULE_KINDS)}")
    return CompiledModel(name, minimum, maximum, bands, tuple(fit), tuple(behavior), tuple(inactivity))


def _range(node: Any) -> tuple[float, float]:
    if not isinstance(node, Mapping):
        raise ModelError("score_range", "an object {min, max}")
    _expect_keys(node, {"min", "max"}, "score_range")
    low = _number(node.get("min"), "score_range.min")
    high = _number(node.get("max"), "score_range.max")
    if low >= high:
        raise ModelError("score_range", "min must be below max")
    return low, high


def _bands(node: Any, minimum: float, maximum: float) -> tuple[Band, ...]:
    if not isinstance(node, list) or not node:
        raise ModelError("bands", "a non-empty list of {name, min}")
    bands: list[Band] = []
    for index, band in enumerate(node):
        path = f"bands[{index}]"
        if not isinstance(band, Mapping):
            raise ModelError(path, "a band is an object {name, min}")
        _expect_keys(band, {"name", "min"}, path)
        name = band.get("name")
        if not isinstance(name, str) or not name or len(name) > 50:
            raise ModelError(f"{path}.name", "a name of 1 to 50 characters is required")
        low = band.get("min")
        bands.append(Band(name, None if low is None else _number(low, f"{path}.min")))
    if len({band.name for band in bands}) != len(bands):
        raise ModelError("bands", "band names must be unique")
    floors = [band for band in bands if band.min is None]
    if len(floors) > 1 or (floors and bands[-1].min is not None):
        raise ModelError("bands", "only the last band may have no minimum")
    ordered = [band.min for band in bands if band.min is not None]
    if ordered != sorted(ordered, reverse=True) or len(set(ordered)) != len(ordered):
        raise ModelError("bands", "list bands from the highest minimum down, each minimum once")
    if not floors and ordered[-1] > minimum:
        raise ModelError("bands", "some scores fall in no band: give the last band no minimum")
    del maximum
    return tuple(bands)


def _behavior_rule(
    rule: Mapping[str, Any], rule_id: str, points: float, path: str, patterns: PatternTally
) -> _BehaviorRule:
    _expect_keys(
        rule,
        {
            "id",
            "kind",
            "points",
            "event",
            "min_count",
            "per_event",
            "max_points",
            "within_days",
            "half_life_days",
        },
        path,
    )
    event = rule.get("event")
    if not isinstance(event, Mapping):
        raise ModelError(f"{path}.event", "an object {type, where?}")
    _expect_keys(event, {"type", "where"}, f"{path}.event")
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type or len(event_type) > 100:
        raise ModelError(f"{path}.event.type", "an event type is required")
    where = (
        _condition(event["where"], EVENT_FIELDS, f"{path}.event.where", patterns)
        if "where" in event
        else None
    )
    min_count = int(_number(rule.get("min_count", 1), f"{path}.min_count", positive=True, integer=True))
    per_event = rule.get("per_event", False)
    if not isinstance(per_event, bool):
        raise ModelError(f"{path}.per_event", "true or false")
    max_points = rule.get("max_points")
    cap = None if max_points is None else _number(max_points, f"{path}.max_points", positive=True)
    if cap is not None and not per_event:
        raise ModelError(f"{path}.max_points", "caps only apply to per_event rules")
    within = rule.get("within_days")
    window = None if within is None else timedelta(days=_number(within, f"{path}.within_days", positive=True))
    half_life = rule.get("half_life_days")
    decay = None if half_life is None else _number(half_life, f"{path}.half_life_days", positive=True)
    fields = _condition_fields(event["where"]) if "where" in event else ()
    return _BehaviorRule(rule_id, points, event_type, where, min_count, per_event, cap, window, decay, fields)
