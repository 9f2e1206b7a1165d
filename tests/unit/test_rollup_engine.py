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
    changes_of,
    gone,
    hour_of,
    periods,
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


def _hours(day: str, first: int, last: int) -> tuple[str, ...]:
    return tuple(f"{day}T{h:02d}" for h in range(first, last + 1))


def test_a_range_reads_whole_months_as_months_partial_days_as_hours_and_partial_hours_raw() -> None:
    found = plan(
        datetime(2026, 1, 30, 12, 17, tzinfo=UTC), datetime(2026, 4, 2, 6, 40, tzinfo=UTC), days_only=False
    )
    assert found.raw == (
        (datetime(2026, 1, 30, 12, 17, tzinfo=UTC), datetime(2026, 1, 30, 13, tzinfo=UTC)),
        (datetime(2026, 4, 2, 6, tzinfo=UTC), datetime(2026, 4, 2, 6, 40, tzinfo=UTC)),
    )
    assert found.hours == _hours("2026-01-30", 13, 23) + _hours("2026-04-02", 0, 5)
    assert found.months == ("2026-02", "2026-03")
    assert found.days == ("2026-01-31", "2026-04-01")
    by_day = plan(datetime(2026, 1, 30, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), days_only=True)
    assert (by_day.raw, by_day.months, len(by_day.days), by_day.hours) == ((), (), 61, ())
    inside = plan(datetime(2026, 1, 30, 1, tzinfo=UTC), datetime(2026, 1, 30, 2, tzinfo=UTC), days_only=False)
    assert (inside.months, inside.days, inside.hours, inside.raw) == ((), (), ("2026-01-30T01",), ())
    no_hours = plan(
        datetime(2026, 1, 30, 12, 17, tzinfo=UTC),
        datetime(2026, 4, 2, 6, 40, tzinfo=UTC),
        days_only=False,
        hours=False,
    )
    assert no_hours.hours == ()
    assert no_hours.raw == (
        (datetime(2026, 1, 30, 12, 17, tzinfo=UTC), datetime(2026, 1, 31, tzinfo=UTC)),
        (datetime(2026, 4, 2, tzinfo=UTC), datetime(2026, 4, 2, 6, 40, tzinfo=UTC)),
    )
    start, end = datetime(2026, 1, 30, 1, 5, tzinfo=UTC), datetime(2026, 1, 30, 1, 55, tzinfo=UTC)
    minutes = plan(start, end, days_only=False)
    assert (minutes.hours, minutes.raw) == ((), ((start, end),))


def test_time_buckets_are_the_reports() -> None:
    assert time_bucket("2026-03-04", "day") == "2026-03-04"
    assert time_bucket("2026-03-04", "week") == "2026-03-02"  # Monday
    assert time_bucket("2026-03-04", "month") == "2026-03-01"


def _random_contribution(rng: random.Random) -> Contribution:
    extra = [
        rng.choice(
            [
                ("asg", "2026-05-04T10", '["ow_a",null,"met","5"]'),
                ("asw", "2026-05-04T10", '["ow_a",1,300]'),
                ("stay", "2026-05-06T23", '["new",1,120]'),
                ("mv", "2026-06-01T00", '["mql",null,null]'),
                ("open", "now", '["ow_a","new"]'),
            ]
        )
        for _ in range(rng.randint(0, 4))
    ]
    hour = rng.choice(["2026-05-04T10", "2026-05-04T11", "2026-05-05T00", ""])
    if not hour:
        found = gone(extra)
        if found is not None:
            return found
        hour = "2026-05-04T10"
    return Contribution(
        hour,
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
        if rng.random() < 0.5:  # the same hour and keys: the facet-by-facet path
            after = replace(after, hour=before.hour, keys=before.keys) if before.hour else after
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
    # After the last local midnight (18:30 UTC), the local hour 00:00-01:00 ends at 19:30 UTC.
    assert found.hours == ("2026-05-06T00",)
    assert found.raw == ((datetime(2026, 5, 5, 19, 30, tzinfo=UTC), datetime(2026, 5, 5, 20, tzinfo=UTC)),)
    # New York's spring-forward day is 23 hours long: its whole day ends at its next local midnight.
    new_york = ZoneInfo("America/New_York")
    found = plan(
        datetime(2026, 3, 8, 5, tzinfo=UTC),
        datetime(2026, 3, 9, 4, tzinfo=UTC),
        days_only=True,
        zone=new_york,
    )
    assert (found.days, found.raw) == (("2026-03-08",), ())


def test_partial_days_read_local_hours_across_summer_time() -> None:
    new_york = ZoneInfo("America/New_York")
    # Summer time ends at 2:00 EDT on 2026-11-01: the local hour 01 runs twice (05:00-07:00 UTC),
    # so it is whole only when the range holds both passes.
    both = plan(
        datetime(2026, 11, 1, 4, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        days_only=True,
        zone=new_york,
    )
    assert both.hours == ("2026-11-01T01", "2026-11-01T02")
    assert both.raw == ((datetime(2026, 11, 1, 4, 30, tzinfo=UTC), datetime(2026, 11, 1, 5, tzinfo=UTC)),)
    first_pass = plan(
        datetime(2026, 11, 1, 5, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
        days_only=True,
        zone=new_york,
    )
    assert first_pass.hours == ()
    assert first_pass.raw == ((datetime(2026, 11, 1, 5, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)),)
    # Summer time begins at 2:00 EST on 2026-03-08: the local hour 02 never happens; 01 and 03 are
    # whole, and nothing is read twice or left out.
    spring = plan(
        datetime(2026, 3, 8, 6, tzinfo=UTC),
        datetime(2026, 3, 8, 8, tzinfo=UTC),
        days_only=True,
        zone=new_york,
    )
    assert spring.raw == ()
    assert spring.hours == ("2026-03-08T01", "2026-03-08T02", "2026-03-08T03")


def test_hour_of_is_the_local_wall_clock_hour() -> None:
    new_york = ZoneInfo("America/New_York")
    assert hour_of(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), new_york) == "2026-11-01T01"  # EDT
    assert hour_of(datetime(2026, 11, 1, 6, 30, tzinfo=UTC), new_york) == "2026-11-01T01"  # EST
    assert hour_of(datetime(2026, 5, 3, 18, 45, tzinfo=UTC), ZoneInfo("Asia/Kolkata")) == "2026-05-04T00"
    assert periods("2026-05-04T00") == ("h2026-05-04T00", "2026-05-04", "2026-05")
    assert periods("2026-05-04T00", "source") == ("h2026-05-04T00", "2026-05-04", "2026-05")
    assert periods("2026-05-04T00", "owner") == ("2026-05-04", "2026-05")  # no hours per owner
    assert periods("now") == ("now",)


def test_changes_of_many_leads_add_up_as_each_leads_changes() -> None:
    rng = random.Random(26)
    for _ in range(200):
        pool = [_random_contribution(rng) for _ in range(3)]
        moves = [(rng.choice([None, *pool]), rng.choice([None, *pool])) for _ in range(rng.randint(1, 30))]
        one_by_one: dict[Any, list[float]] = {}
        for before, after in moves:
            changes(before, after, one_by_one)
        together: dict[Any, list[float]] = {}
        changes_of(moves, together)
        assert _nonzero(together) == _nonzero(one_by_one)
