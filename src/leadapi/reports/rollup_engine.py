"""Rollup arithmetic that needs no database: what one lead adds to the rollups, which periods a
range reads from them, and percentiles from their sketches. Pure.

Days are the workspace's time zone's: a lead created at 23:30 in New York counts on that day there,
and a range's whole days are its local midnights to midnights. The figures not split by a key, and
those by source (the sources and activation reports' default split), are kept per local hour too
('2026-03-04T23'), so the partial first and last days of such a report read hour rows and only its
partial hours raw rows: what it reads stays bounded however many leads a day holds. Hours under
every key would be about as many rows again as leads (most hours' values are few leads'), so
reports split or filtered by another key read their partial days raw.

Percentiles come from DDSketch's logarithmic mapping (the `ddsketch` library): a wait of v seconds
is counted in bucket key(v), and value(key) is within RELATIVE_ERROR of every v in that bucket.
The buckets are rows the database sums (a sketch per period and key is its rows), so sketches
merge with GROUP BY, and a quantile is read off the merged counts here.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from ddsketch.mapping import LogarithmicMapping

from leadapi.reports.engine import FAST_SECONDS, HOUR_SECONDS

RELATIVE_ERROR = 0.01
MAPPING = LogarithmicMapping(relative_accuracy=RELATIVE_ERROR)
# key(v) = ceil(log2(v) * SKETCH_MULTIPLIER): the factor the SQL of a rebuild computes keys with.
SKETCH_MULTIPLIER = float(MAPPING._multiplier)

TOTAL = ""  # the dimension of the figures not split by a lead's key
GONE = "x"  # its key for what a lead no longer there left behind ('-' for the others)
# Split or filter name -> the rollup dimension (and the snapshot column) that holds it.
DIMENSIONS = {
    "source": "source",
    "owner": "owner",
    "owner_id": "owner",
    "utm_campaign": "utm_campaign",
    "utm_source": "utm_source",
    "utm_medium": "utm_medium",
}
KEY_COLUMNS = ("source", "owner", "utm_campaign", "utm_source", "utm_medium")
# The dimensions kept per hour too: the unsplit figures and the default split of two reports.
HOURLY_DIMENSIONS = (TOTAL, "source")
FACETS = ("mask", "score", "touch", "active")
# Facets of what happens to a lead after its creation, each in the hour it happened: assignments
# (counts, and the sketch of the wait for their touch), stage moves (the stay each one ended, the
# time from the lead's creation to it, who made it), rejections, and the lead's owner and stage now
# (period NOW: a figure of the present, not of a day).
ASSIGNMENT_FACETS = ("asg", "asw")
MOVE_FACETS = ("stay", "to", "mv")
NOW = "now"
HOUR_PREFIX = "h"  # an hour's period: 'h2026-03-04T23' (see hour_period)
UTC_ZONE: tzinfo = UTC


def zone_of(name: str | None) -> tzinfo:
    return UTC if name in (None, "UTC") else ZoneInfo(name)


def encode_key(value: str | None) -> str:
    """A group's value as a primary key column: '-' for none, '=' + the value otherwise."""
    return "-" if value is None else f"={value}"


def decode_key(stored: str) -> str | None:
    return None if stored == "-" else stored[1:]


def day_of(at: datetime, zone: tzinfo = UTC) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d")


def hour_of(at: datetime, zone: tzinfo = UTC) -> str:
    """The local hour an instant falls in ('2026-03-04T23'); the repeated hour of a change back
    from summer time is one hour key over both."""
    return at.astimezone(zone).strftime("%Y-%m-%dT%H")


def hour_period(hour: str) -> str:
    """An hour's rollup period: prefixed so that a facet's hours sort after all its days and months,
    and a range of days reads no hour rows in between."""
    return f"{HOUR_PREFIX}{hour}"


def periods(hour: str, dimension: str = TOTAL) -> tuple[str, ...]:
    """The rollup periods a count at this hour (or NOW) goes to under a dimension: its day and
    month, and under an hourly dimension the hour itself."""
    if hour == NOW:
        return (NOW,)
    if dimension in HOURLY_DIMENSIONS:
        return (hour_period(hour), hour[:10], hour[:7])
    return (hour[:10], hour[:7])


def period_day(period: str) -> str:
    """The day a stored period starts on (an hour's, a day itself, a month's first)."""
    if period.startswith(HOUR_PREFIX):
        return period[len(HOUR_PREFIX) : len(HOUR_PREFIX) + 10]
    return period if len(period) == 10 else f"{period}-01"


def _pack(*parts: Any) -> str:
    return json.dumps(parts, separators=(",", ":"))


def unpack(value: str) -> list[Any]:
    found: list[Any] = json.loads(value)
    return found


def score_bucket(score: int | None) -> int | None:
    """Scores in tens, as the scores report counts them (90-100 is the last)."""
    if score is None:
        return None
    return 9 if score >= 90 else int(score) // 10


def touch_value(wait: float | None) -> str:
    """A lead's first touch: never, within 5 minutes, within the hour, or later; and the sketch
    bucket of its wait (sign, key: waits can be 0, and negative when a touch is backdated)."""
    if wait is None:
        return _pack("n", 0, 0)
    speed = "5" if wait <= FAST_SECONDS else "h" if wait <= HOUR_SECONDS else "l"
    if wait > 0:
        return _pack(speed, 1, MAPPING.key(wait))
    if wait < 0:
        return _pack(speed, -1, MAPPING.key(-wait))
    return _pack(speed, 0, 0)


def speed_of(wait: float | None) -> str:
    """Never touched ('n'), within 5 minutes ('5'), within the hour ('h'), later ('l')."""
    if wait is None:
        return "n"
    return "5" if wait <= FAST_SECONDS else "h" if wait <= HOUR_SECONDS else "l"


def sketch_key(wait: float) -> tuple[int, int]:
    """A duration's sketch bucket as (sign, key)."""
    if wait > 0:
        return 1, int(MAPPING.key(wait))
    if wait < 0:
        return -1, int(MAPPING.key(-wait))
    return 0, 0


def bucket_estimate(sign: int, key: int) -> float:
    return 0.0 if sign == 0 else sign * float(MAPPING.value(key))


Extra = tuple[str, str, str]  # facet, local hour (or NOW), value


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one lead adds: 1 to one row per facet and period of its creation's hour (its day and
    month, and under the hourly dimensions the hour) under its keys, and 1 per `extra` (its
    assignments, moves, rejections, owner now) under that one's periods and the same keys.
    A lead that is gone but left assignments behind (a merged duplicate's) has no hour ('') and
    counts those under the total alone, as the rows' computation, which cannot join them to a
    lead, does."""

    hour: str
    keys: dict[str, str]  # snapshot column -> encoded key
    mask: str
    amount: float
    score: str
    touch: str
    active: str
    extra: tuple[Extra, ...] = ()

    def facets(self) -> dict[str, str]:
        return {"mask": self.mask, "score": self.score, "touch": self.touch, "active": self.active}

    def identity(self) -> tuple[Any, ...]:
        """Everything the contribution is, hashable (its keys are a dict)."""
        keys = tuple(sorted(self.keys.items()))
        return (self.hour, keys, self.mask, self.amount, self.score, self.touch, self.active, self.extra)

    def as_row(self) -> dict[str, Any]:
        extra = json.dumps([list(e) for e in self.extra], separators=(",", ":"))
        return {"hour": self.hour, **self.keys, "amount": self.amount, **self.facets(), "extra": extra}

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> Contribution:
        """From a stored snapshot row."""
        return cls(
            row["hour"],
            {c: row[c] for c in KEY_COLUMNS},
            row["mask"],
            float(row["amount"] or 0.0),
            row["score"],
            row["touch"],
            row["active"],
            tuple((f, h, v) for f, h, v in json.loads(row["extra"] or "[]")),
        )


def gone(extra: Iterable[Extra]) -> Contribution | None:
    """What a lead no longer there adds: the rows it left behind, under the total alone."""
    found = tuple(sorted(extra))
    if not found:
        return None
    none = encode_key(None)
    return Contribution("", dict.fromkeys(KEY_COLUMNS, none), "", 0.0, "", "", "", found)


def facet_value(lead: Mapping[str, Any], facet: str) -> str:
    """What a lead adds to one facet (a report over partial days works out only the one it reads)."""
    if facet == "mask":
        return str(int(lead["stages_mask"] or 0))
    if facet == "score":
        return _pack(lead["band"], score_bucket(lead["score"]), lead["stage"])
    if facet == "touch":
        return touch_value(None if lead["wait"] is None else float(lead["wait"]))
    return _pack(int(lead["d7"] or 0), int(lead["d30"] or 0))


# A split's snapshot column -> the lead's column.
LEAD_COLUMN = {"source": "source", "owner": "owner_id", "utm_campaign": "utm_campaign",
               "utm_source": "utm_source", "utm_medium": "utm_medium"}  # fmt: skip


def assignment_extras(a: Mapping[str, Any], zone: tzinfo = UTC) -> list[Extra]:
    """An assignment: its owner, SLA policy and clock, how fast it was touched; and its wait's
    sketch bucket, per owner, when it was."""
    hour = hour_of(a["created_at"], zone)
    wait = None if a["wait"] is None else float(a["wait"])
    out = [("asg", hour, _pack(a["owner_id"], a["policy_id"], a["sla_state"], speed_of(wait)))]
    if wait is not None:
        out.append(("asw", hour, _pack(a["owner_id"], *sketch_key(wait))))
    return out


def move_extras(m: Mapping[str, Any], zone: tzinfo = UTC) -> list[Extra]:
    """A stage move: where to, the owner who made it (if one did) and the lead's owner; the stay it
    ended in its from-stage; the time from the lead's creation to it."""
    hour = hour_of(m["at"], zone)
    by_owner = m["by_id"] if m["by_kind"] == "owner" else None
    out = [("mv", hour, _pack(m["to_stage"], by_owner, m["lead_owner"]))]
    if m["stay"] is not None:
        out.append(("stay", hour, stay_value(m["from_stage"], float(m["stay"]))))
    if m["to_wait"] is not None:
        out.append(("to", hour, _pack(m["to_stage"], *sketch_key(float(m["to_wait"])))))
    return out


def stay_value(from_stage: str, stay: float) -> str:
    """A stay that a move ended: its stage and its duration's sketch bucket."""
    return _pack(from_stage, *sketch_key(stay))


def rejection_extra(e: Mapping[str, Any], zone: tzinfo = UTC) -> Extra:
    return ("rej", hour_of(e["occurred_at"], zone), _pack(e["owner_id"]))


def open_extra(lead: Mapping[str, Any]) -> list[Extra]:
    """The lead's owner and stage now (the owners report's open leads), when it has an owner."""
    return [] if lead["owner_id"] is None else [("open", NOW, _pack(lead["owner_id"], lead["stage"]))]


def contribution(lead: Mapping[str, Any], zone: tzinfo = UTC, extra: Iterable[Extra] = ()) -> Contribution:
    """A lead's contribution from its report columns (`wait`, `d7`, `d30` computed by the same SQL
    as the exact reports', so both count the same leads as fast or active), and what happened to
    it since (`extra`)."""
    return Contribution(
        hour=hour_of(lead["created_at"], zone),
        keys={
            "source": encode_key(lead["source"]),
            "owner": encode_key(lead["owner_id"]),
            "utm_campaign": encode_key(lead["utm_campaign"]),
            "utm_source": encode_key(lead["utm_source"]),
            "utm_medium": encode_key(lead["utm_medium"]),
        },
        mask=facet_value(lead, "mask"),
        amount=float(lead["won_amount"] or 0.0),
        score=facet_value(lead, "score"),
        touch=facet_value(lead, "touch"),
        active=facet_value(lead, "active"),
        extra=tuple(sorted([*extra, *open_extra(lead)])),
    )


RowKey = tuple[str, str, str, str, str]  # dimension, facet, period, key, value
Delta = dict[RowKey, list[float]]  # -> [leads, amount]


def _dims(c: Contribution) -> tuple[tuple[str, str], ...]:
    """The (dimension, key) pairs a contribution counts under: the total, and each of its keys;
    a gone lead's, the total alone (key GONE)."""
    if not c.hour:
        return ((TOTAL, GONE),)
    return ((TOTAL, "-"), *((name, c.keys[name]) for name in KEY_COLUMNS))


def _facet_rows(c: Contribution, facets: Iterable[str]) -> Iterable[tuple[RowKey, float]]:
    values = c.facets()
    dims = _dims(c)
    for facet in facets:
        amount = c.amount if facet == "mask" else 0.0
        for dimension, key in dims:
            for period in periods(c.hour, dimension):
                yield (dimension, facet, period, key, values[facet]), amount


def _extra_rows(c: Contribution, extra: Iterable[Extra]) -> Iterable[tuple[RowKey, float]]:
    dims = _dims(c)
    for facet, hour, value in extra:
        for dimension, key in dims:
            for period in periods(hour, dimension):
                yield (dimension, facet, period, key, value), 0.0


def rows_of(c: Contribution) -> Iterable[tuple[RowKey, float]]:
    """The rollup rows a contribution adds 1 to (with its amount on the mask facet)."""
    if c.hour:
        yield from _facet_rows(c, FACETS)
    yield from _extra_rows(c, c.extra)


def _add(delta: Delta, rows: Iterable[tuple[RowKey, float]], times: int) -> None:
    for row, amount in rows:
        counts = delta.setdefault(row, [0, 0.0])
        counts[0] += times
        counts[1] += times * amount


def add_delta(delta: Delta, c: Contribution, times: int) -> None:
    _add(delta, rows_of(c), times)


def changes(before: Contribution | None, after: Contribution | None, delta: Delta, times: int = 1) -> None:
    """What the rollups must add when a lead (or `times` leads) goes from `before` to `after`
    (None: not counted). When its hour and keys are the same (most events: a touch, a move, a page
    view), only the facets and extras that differ move: a handful of rows, not the hundred or so the
    lead counts in."""
    if before == after:
        return
    if before is None or after is None or before.hour != after.hour or before.keys != after.keys:
        if before is not None:
            add_delta(delta, before, -times)
        if after is not None:
            add_delta(delta, after, times)
        return
    if after.hour:
        old, new = before.facets(), after.facets()
        moved = [f for f in FACETS if old[f] != new[f] or (f == "mask" and before.amount != after.amount)]
        _add(delta, _facet_rows(before, moved), -times)
        _add(delta, _facet_rows(after, moved), times)
    if before.extra != after.extra:
        was, now = Counter(before.extra), Counter(after.extra)
        _add(delta, _extra_rows(before, (was - now).elements()), -times)
        _add(delta, _extra_rows(after, (now - was).elements()), times)


def changes_of(moves: Iterable[tuple[Contribution | None, Contribution | None]], delta: Delta) -> None:
    """What the rollups must add for many leads' changes (`changes` of each). Leads that make the
    same change are worked out once and counted that many times: the new leads of a batch mostly
    share their hour, keys and facets, and each would otherwise add its hundred or so rows."""
    alike: dict[tuple[Any, Any], list[Any]] = {}
    for before, after in moves:
        key = (None if before is None else before.identity(), None if after is None else after.identity())
        same = alike.get(key)
        if same is None:
            alike[key] = [before, after, 1]
        else:
            same[2] += 1
    for before, after, times in alike.values():
        changes(before, after, delta, times)


# -- reading ----------------------------------------------------------------------------------


Ranges = tuple[tuple[datetime, datetime], ...]  # [start, end) instants, in order


@dataclass(frozen=True, slots=True)
class Plan:
    """How a range is read: `raw` sub-ranges from the rows, whole `months`, `days` and local `hours`
    from rollups."""

    raw: Ranges
    months: tuple[str, ...]
    days: tuple[str, ...]
    hours: tuple[str, ...] = ()


def _midnight(d: date, zone: tzinfo = UTC) -> datetime:
    """The day's first instant in the zone (after a gap, if one skips midnight), in UTC."""
    return datetime.combine(d, time(), zone).astimezone(UTC)


def _hour_start(wall: datetime, zone: tzinfo) -> datetime:
    """The first instant of a local hour (a naive wall-clock hour), in UTC: the hour repeated when
    summer time ends starts at its first pass, and an hour skipped when it begins is empty."""
    return datetime.combine(wall.date(), time(wall.hour), zone).astimezone(UTC)


def _whole_hours(start: datetime, end: datetime, zone: tzinfo) -> tuple[Ranges, tuple[str, ...]]:
    """The local hours wholly inside [start, end) (consecutive), and the parts of it outside them."""
    local = start.astimezone(zone)
    wall = datetime(local.year, local.month, local.day, local.hour)
    hours: list[str] = []
    first: datetime | None = None
    last = start
    while (hour_end := _hour_start(wall + timedelta(hours=1), zone)) <= end:
        hour_start = _hour_start(wall, zone)
        if hour_start >= start:
            first = hour_start if first is None else first
            last = hour_end
            hours.append(wall.strftime("%Y-%m-%dT%H"))
        wall += timedelta(hours=1)
    if first is None:
        return ((start, end),), ()
    return tuple(r for r in ((start, first), (last, end)) if r[0] < r[1]), tuple(hours)


def plan(start: datetime, end: datetime, *, days_only: bool, zone: tzinfo = UTC, hours: bool = True) -> Plan:
    """The whole days (in the zone) of [start, end) read rollups (whole months as month rows unless
    `days_only`); of the partial first and last days, the whole local hours read hour rows (if
    `hours`: the figures have them) and the rest raw rows."""
    first = start.astimezone(zone).date()
    if _midnight(first, zone) < start:
        first += timedelta(days=1)
    last = end.astimezone(zone).date()  # exclusive
    if first >= last:
        raw, whole = _whole_hours(start, end, zone) if hours else (((start, end),), ())
        return Plan(raw, (), (), whole)
    raw_parts: list[tuple[datetime, datetime]] = []
    hour_parts: list[str] = []
    for edge in ((start, _midnight(first, zone)), (_midnight(last, zone), end)):
        if edge[0] < edge[1]:
            raw, whole = _whole_hours(*edge, zone) if hours else ((edge,), ())
            raw_parts.extend(raw)
            hour_parts.extend(whole)
    months: list[str] = []
    days: list[str] = []
    d = first
    while d < last:
        month_end = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        if not days_only and d.day == 1 and month_end <= last:
            months.append(d.strftime("%Y-%m"))
            d = month_end
        else:
            days.append(d.isoformat())
            d += timedelta(days=1)
    return Plan(tuple(raw_parts), tuple(months), tuple(days), tuple(hour_parts))


def time_bucket(day: str, unit: str) -> str:
    """The report's UTC time bucket (YYYY-MM-DD) of a day: itself, its Monday, its month's first."""
    if unit == "day":
        return day
    if unit == "month":
        return f"{day[:7]}-01"
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


def spread(buckets: Mapping[tuple[int, int], int]) -> dict[str, Any]:
    """n, median and p90 of the durations counted in (sign, key) buckets."""
    return {
        "n": sum(buckets.values()),
        "p50": quantile(buckets, 0.5),
        "p90": quantile(buckets, 0.9),
    }


def quantile(buckets: Mapping[tuple[int, int], int], q: float) -> float | None:
    """The q-quantile, interpolated between the two nearest ranks as percentile_cont does, of the
    waits counted in (sign, key) buckets; each of the two ranks is read as its bucket's estimate,
    within RELATIVE_ERROR of the wait, so their interpolation is too."""
    ordered = sorted(
        ((bucket_estimate(sign, key), n) for (sign, key), n in buckets.items() if n > 0),
        key=lambda pair: pair[0],
    )
    total = sum(n for _, n in ordered)
    if total == 0:
        return None
    position = q * (total - 1)
    low = math.floor(position)
    fraction = position - low
    low_value = _at_rank(ordered, low)
    if fraction == 0:
        return low_value
    return low_value * (1 - fraction) + _at_rank(ordered, low + 1) * fraction


def _at_rank(ordered: Sequence[tuple[float, int]], rank: int) -> float:
    seen = 0
    for value, n in ordered:
        seen += n
        if rank < seen:
            return value
    return ordered[-1][0]
