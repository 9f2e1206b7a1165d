"""The rollups' pure arithmetic: percentiles from sketch buckets against the sorted computation,
and how a range splits into raw partial days, whole days and whole months."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadapi.reports.rollup_engine import (
    KEY_COLUMNS,
    MAPPING,
    RELATIVE_ERROR,
    Contribution,
    add_delta,
    changes,
    gone,
    plan,
    quantile,
    time_bucket,
    touch_value,
    unpack,
)


def interpolated(values: list[float], q: float) -> float:
    """PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    fraction = position - low
    if fraction == 0:
        return ordered[low]
    return ordered[low] * (1 - fraction) + ordered[low + 1] * fraction


def buckets_of(values: list[float]) -> dict[tuple[int, int], int]:
    out: dict[tuple[int, int], int] = {}
    for v in values:
        _, sign, key = unpack(touch_value(v))
        out[(sign, key)] = out.get((sign, key), 0) + 1
    return out


@given(
    st.lists(
        st.one_of(st.floats(0.001, 3e7), st.just(0.0), st.floats(-3600, -0.001)), min_size=1, max_size=60
    ),
    st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]),
)
def test_quantiles_are_within_the_stated_error(values: list[float], q: float) -> None:
    exact = interpolated(values, q)
    found = quantile(buckets_of(values), q)
    assert found is not None
    # Each rank's estimate is within the error of its value; their interpolation too (the
    # error bound is on each rank, so it is relative to the larger of the two in magnitude).
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    scale = max(abs(ordered[int(position)]), abs(ordered[min(int(position) + 1, len(ordered) - 1)]))
    assert abs(found - exact) <= RELATIVE_ERROR * scale + 1e-9


def test_quantiles_of_many_waits() -> None:
    rng = random.Random(3)
    values = [rng.lognormvariate(6, 2) for _ in range(5000)]
    for q in (0.5, 0.9):
        assert quantile(buckets_of(values), q) == pytest.approx(interpolated(values, q), rel=RELATIVE_ERROR)
    assert quantile({}, 0.5) is None


def test_touch_classes_follow_the_reports_thresholds() -> None:
    assert unpack(touch_value(None)) == ["n", 0, 0]
    assert unpack(touch_value(300.0))[0] == "5"
    assert unpack(touch_value(300.001))[0] == "h"
    assert unpack(touch_value(3600.0))[0] == "h"
    assert unpack(touch_value(3600.5)) == ["l", 1, MAPPING.key(3600.5)]


def test_a_range_reads_partial_days_raw_whole_months_as_months() -> None:
    found = plan(datetime(2026, 1, 30, 12, tzinfo=UTC), datetime(2026, 4, 2, 6, tzinfo=UTC), days_only=False)
    assert found.raw == (
        (datetime(2026, 1, 30, 12, tzinfo=UTC), datetime(2026, 1, 31, tzinfo=UTC)),
        (datetime(2026, 4, 2, tzinfo=UTC), datetime(2026, 4, 2, 6, tzinfo=UTC)),
    )
    assert found.months == ("2026-02", "2026-03")
    assert found.days == ("2026-01-31", "2026-04-01")
    by_day = plan(datetime(2026, 1, 30, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), days_only=True)
    assert (by_day.raw, by_day.months, len(by_day.days)) == ((), (), 61)
    inside = plan(datetime(2026, 1, 30, 1, tzinfo=UTC), datetime(2026, 1, 30, 2, tzinfo=UTC), days_only=False)
    assert (inside.months, inside.days) == ((), ())


def test_time_buckets_are_the_reports() -> None:
    assert time_bucket("2026-03-04", "day") == "2026-03-04"
    assert time_bucket("2026-03-04", "week") == "2026-03-02"  # Monday
    assert time_bucket("2026-03-04", "month") == "2026-03-01"


def _random_contribution(rng: random.Random) -> Contribution:
    extra = [
        rng.choice(
            [
                ("asg", "2026-05-04", '["ow_a",null,"met","5"]'),
                ("asw", "2026-05-04", '["ow_a",1,300]'),
                ("stay", "2026-05-06", '["new",1,120]'),
                ("mv", "2026-06-01", '["mql",null,null]'),
                ("open", "now", '["ow_a","new"]'),
            ]
        )
        for _ in range(rng.randint(0, 4))
    ]
    day = rng.choice(["2026-05-04", "2026-05-05", ""])
    if not day:
        found = gone(extra)
        if found is not None:
            return found
        day = "2026-05-04"
    return Contribution(
        day,
        {c: rng.choice(["-", "=ads", "=web"]) for c in KEY_COLUMNS},
        rng.choice(["1", "3"]),
        rng.choice([0.0, 10.5]),
        rng.choice(["a", "b"]),
        rng.choice(["x", "y"]),
        "[0,0]",
        tuple(sorted(extra)),
    )


def _nonzero(delta: dict[Any, list[float]]) -> dict[Any, tuple[int, float]]:
    return {k: (int(v[0]), round(v[1], 6)) for k, v in delta.items() if v[0] or round(v[1], 6)}


def test_changes_move_only_what_differs_and_add_up_as_taking_all_back_and_adding_all_again() -> None:
    rng = random.Random(25)
    for _ in range(2000):
        before, after = _random_contribution(rng), _random_contribution(rng)
        if rng.random() < 0.5:  # the same day and keys: the facet-by-facet path
            after = replace(after, day=before.day, keys=before.keys) if before.day else after
        full: dict[Any, list[float]] = {}
        add_delta(full, before, -1)
        add_delta(full, after, +1)
        found: dict[Any, list[float]] = {}
        changes(before, after, found)
        assert _nonzero(found) == _nonzero(full)


def test_whole_days_are_the_time_zones() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # +05:30
    found = plan(
        datetime(2026, 5, 3, 18, 30, tzinfo=UTC),
        datetime(2026, 5, 5, 20, tzinfo=UTC),
        days_only=True,
        zone=kolkata,
    )
    assert found.days == ("2026-05-04", "2026-05-05")
    assert found.raw == ((datetime(2026, 5, 5, 18, 30, tzinfo=UTC), datetime(2026, 5, 5, 20, tzinfo=UTC)),)
    # New York's spring-forward day is 23 hours long: its whole day ends at its next local midnight.
    new_york = ZoneInfo("America/New_York")
    found = plan(
        datetime(2026, 3, 8, 5, tzinfo=UTC),
        datetime(2026, 3, 9, 4, tzinfo=UTC),
        days_only=True,
        zone=new_york,
    )
    assert (found.days, found.raw) == (("2026-03-08",), ())
