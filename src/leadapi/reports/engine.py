"""Report arithmetic that needs no database: the funnel's order, rates, and rows for CSV. Pure.

The database does the counting and the percentiles (reports/repository.py); what comes back is
a handful of numbers per group, which this module turns into the figures a report shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from leadapi.stages.engine import Pipeline

# Dimensions a report can be split by. Time buckets are of the thing the report counts (a lead's
# creation, an assignment), in UTC; weeks start on Monday.
TIME_BUCKETS = ("day", "week", "month")
LEAD_DIMENSIONS = ("source", "owner", "utm_campaign", "utm_source", "utm_medium")
GROUP_BYS = TIME_BUCKETS + LEAD_DIMENSIONS


# The same names as a type, so the OpenAPI document (one shared schema) and the MCP tools list
# them as an enum. Callers pass on its `.value`: the queries take plain strings.
class GroupBy(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SOURCE = "source"
    OWNER = "owner"
    UTM_CAMPAIGN = "utm_campaign"
    UTM_SOURCE = "utm_source"
    UTM_MEDIUM = "utm_medium"


# Speed to lead: the thresholds the industry quotes (a lead called within 5 minutes is many
# times likelier to convert than one called after an hour).
FAST_SECONDS = 5 * 60
HOUR_SECONDS = 60 * 60
ACTIVATION_WINDOWS_DAYS = (7, 30)
SCORE_BUCKET_WIDTH = 10
MAX_RANGE = timedelta(days=3 * 366)


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What every report takes: a half-open time range, lead filters, and an optional split."""

    start: datetime
    end: datetime
    source: str | None = None
    owner_id: str | None = None
    utm_campaign: str | None = None
    tag: str | None = None
    group_by: str | None = None
    # The sorted computation of percentiles over the raw rows, not rollups and sketches.
    exact: bool = False

    def filters(self) -> dict[str, str]:
        pairs = {
            "source": self.source,
            "owner_id": self.owner_id,
            "utm_campaign": self.utm_campaign,
            "tag": self.tag,
        }
        return {k: v for k, v in pairs.items() if v is not None}


@dataclass(frozen=True, slots=True)
class FunnelOrder:
    """Where each stage sits in the funnel, for 'reached': a lead that got to a stage has passed
    every funnel stage before it, even if it skipped some (a demo request may go straight to sql).
    Funnel stages are the open stages but the recycle stage, in pipeline order, then the won
    stages, which share the last rank. Lost stages and the recycle stage have no rank."""

    ranks: dict[str, int]
    funnel: tuple[str, ...]
    won: tuple[str, ...]
    lost: tuple[str, ...]
    recycle: str
    accepted: str

    @classmethod
    def of(cls, pipeline: Pipeline) -> FunnelOrder:
        open_funnel = [
            s.key for s in pipeline.stages if s.category == "open" and s.key != pipeline.recycle_stage
        ]
        won = tuple(s.key for s in pipeline.stages if s.category == "won")
        lost = tuple(s.key for s in pipeline.stages if s.category == "lost")
        ranks = {key: i for i, key in enumerate(open_funnel)}
        ranks.update({key: len(open_funnel) for key in won})
        return cls(ranks, (*open_funnel, *won), won, lost, pipeline.recycle_stage, pipeline.accepted_stage)


def rate(numerator: float | None, denominator: float | None) -> float | None:
    """A share rounded to 4 places; None when there is nothing to divide by (not 0: 'no leads'
    and 'no conversions' are different answers)."""
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 4)


def seconds(value: float | None) -> float | None:
    # SQLite measures durations through julianday() floats: 3 places hide its rounding.
    return None if value is None else round(float(value), 3)


def funnel_stages(
    order: FunnelOrder, pipeline: Pipeline, entered: Mapping[str, int], reached: Mapping[int, int]
) -> list[dict[str, Any]]:
    """Each stage of the pipeline with the leads that entered it and, for funnel stages, the
    leads that reached its rank (got at least that far) and the conversion from the funnel
    stage before it."""
    rows: list[dict[str, Any]] = []
    previous: int | None = None
    for stage in pipeline.stages:
        rank = order.ranks.get(stage.key)
        row: dict[str, Any] = {
            "stage": stage.key,
            "name": stage.name,
            "category": stage.category,
            "entered": entered.get(stage.key, 0),
            "reached": None,
            "conversion": None,
        }
        if rank is not None:
            row["reached"] = reached.get(rank, 0)
            row["conversion"] = rate(row["reached"], previous) if previous is not None else None
            # Won stages share one rank: each converts from the last open funnel stage.
            if stage.category == "open":
                previous = row["reached"]
        rows.append(row)
    return rows


def funnel_from_masks(
    order: FunnelOrder, pipeline: Pipeline, masks: Mapping[int, int]
) -> tuple[int, dict[str, int], dict[int, int], int, int]:
    """From leads per stages_mask: (leads, leads ever in each stage, leads that reached each
    funnel rank, leads accepted, leads rejected)."""
    leads = sum(masks.values())
    entered = {s.key: 0 for s in pipeline.stages}
    reached = dict.fromkeys(set(order.ranks.values()), 0)
    rank_bits: dict[int, int] = {}  # the stages of each rank, and those of every later rank
    for key, rank in order.ranks.items():
        for lower in range(rank + 1):
            rank_bits[lower] = rank_bits.get(lower, 0) | pipeline.mask(key)
    accepted_bit = pipeline.mask(pipeline.accepted_stage)
    rejected_bit = pipeline.mask(rejected=True)
    accepted = rejected = 0
    for mask, count in masks.items():
        for key in entered:
            if mask & pipeline.mask(key):
                entered[key] += count
        for rank, bits in rank_bits.items():
            if mask & bits:
                reached[rank] += count
        accepted += count if mask & accepted_bit else 0
        rejected += count if mask & rejected_bit else 0
    return leads, entered, reached, accepted, rejected


def merge_counts(parts: Iterable[Mapping[Any, int]]) -> dict[Any, int]:
    """Counts of several groups summed: the whole range's, when every row is in one group."""
    total: dict[Any, int] = {}
    for part in parts:
        for key, count in part.items():
            total[key] = total.get(key, 0) + count
    return total


def stage_reached(stages: Sequence[Mapping[str, Any]], key: str) -> int | None:
    for row in stages:
        if row["stage"] == key:
            found: int = row["reached"] if row["reached"] is not None else row["entered"]
            return found
    return None


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested report row as flat CSV columns: {"rates": {"a": 1}} -> {"rates.a": 1}; a list of
    keyed rows (stages, bands, buckets) spreads by each item's key."""
    flat: dict[str, Any] = {}
    for name, value in row.items():
        column = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{column}."))
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            for item in value:
                label = _item_key(item)
                rest = {k: v for k, v in item.items() if k not in _ITEM_KEYS}
                flat.update(flatten(rest, f"{column}.{label}."))
        elif isinstance(value, list):
            flat[column] = "|".join(str(v) for v in value)
        else:
            flat[column] = value
    return flat


_ITEM_KEYS = ("stage", "band", "bucket", "policy_id", "owner_id", "key", "name", "category", "label")


def _item_key(item: Mapping[str, Any]) -> str:
    for key in ("stage", "band", "bucket", "policy_id", "owner_id", "key"):
        if key in item:
            return str(item[key])
    return "?"


def csv_rows(report: Mapping[str, Any], sections: Iterable[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """One CSV line per row of the report's `sections` (the total first, then each group or
    owner), with the union of their columns in first-seen order."""
    lines: list[dict[str, Any]] = []
    for section in sections:
        value = report.get(section)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            flat = {"section": section, **flatten(item)}
            lines.append(flat)
    columns: dict[str, None] = {"section": None}  # a header even when there is no row
    for line in lines:
        columns.update(dict.fromkeys(line))
    return list(columns), lines
