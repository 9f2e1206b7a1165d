"""The accepted times (api/times.py): one range, and nothing but ValueError outside it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from leadapi.times import (
    EARLIEST,
    LATEST,
    OUT_OF_RANGE,
    OffsetDateTime,
    UtcDateTime,
    parse_time,
    to_utc,
)

OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
ZERO = timedelta()
ANY_TIME = st.datetimes(
    min_value=datetime.min, max_value=datetime.max, timezones=st.one_of(st.none(), OFFSETS)
)


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+14:00",  # its UTC form is before year 1: converting overflowed
        "9999-12-31T23:59:59-14:00",  # after year 9999
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59.999999-23:59",
        "0001-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
        "9999-01-01T00:00:00.000001Z",
        "9999-12-31T23:59:59",
    ],
)
def test_times_outside_the_range_are_refused_with_the_range(text: str) -> None:
    with pytest.raises(ValueError, match="1900-01-01T00:00:00Z to 9999-01-01T00:00:00Z"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1900-01-01T00:00:00Z", EARLIEST),
        ("1900-01-01T01:00:00+01:00", EARLIEST),
        ("9999-01-01T00:00:00Z", LATEST),
        ("9998-12-31T23:00:00-01:00", LATEST),
        ("2026-01-31T12:00:00", datetime(2026, 1, 31, 12, tzinfo=UTC)),  # no offset: UTC
        (" 2026-01-31T13:00:00+01:00 ", datetime(2026, 1, 31, 12, tzinfo=UTC)),
        ("2026-01-31T12:00:00z", datetime(2026, 1, 31, 12, tzinfo=UTC)),
    ],
)
def test_times_inside_the_range_come_back_in_utc(text: str, expected: datetime) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "\ud800"])
def test_what_is_not_a_time_says_so(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_time(text)


@given(ANY_TIME)
def test_every_time_of_the_calendar_in_every_offset_is_accepted_or_refused_never_overflows(
    moment: datetime,
) -> None:
    # Where the time falls, in durations from the earliest accepted (no datetime arithmetic,
    # which is what overflows).
    since_earliest = (
        moment.replace(tzinfo=None) - EARLIEST.replace(tzinfo=None) - (moment.utcoffset() or ZERO)
    )
    if not ZERO <= since_earliest <= LATEST - EARLIEST:
        with pytest.raises(ValueError, match=re.escape(OUT_OF_RANGE)):
            to_utc(moment)
    else:
        utc = to_utc(moment)
        assert utc.tzinfo is UTC
        assert EARLIEST <= utc <= LATEST
        assert utc == (moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        assert parse_time(moment.isoformat()) == utc  # the text form agrees


@given(ANY_TIME)
def test_the_pydantic_type_agrees_with_to_utc(moment: datetime) -> None:
    adapter: TypeAdapter[datetime] = TypeAdapter(UtcDateTime)
    try:
        expected = to_utc(moment)
    except ValueError:
        with pytest.raises(ValidationError, match="1900-01-01"):
            adapter.validate_python(moment.isoformat())
    else:
        assert adapter.validate_python(moment.isoformat()) == expected


def test_offset_times_keep_a_missing_offset_for_callers_that_refuse_it() -> None:
    adapter: TypeAdapter[datetime] = TypeAdapter(OffsetDateTime)
    assert adapter.validate_python("2026-03-01T00:00:00").tzinfo is None
    assert adapter.validate_python("2026-03-01T01:00:00+01:00") == datetime(2026, 3, 1, tzinfo=UTC)
    for text in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59"):
        with pytest.raises(ValidationError, match="1900-01-01"):
            adapter.validate_python(text)
