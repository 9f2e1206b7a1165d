"""Times the API accepts: one range, one parser, one error, for bodies, query parameters, list
filters, report ranges, cursors and conditions alike.

A time is an ISO 8601 date-time; one without an offset is UTC. Accepted are the times from
1900-01-01T00:00:00Z to 9999-01-01T00:00:00Z, both included, measured in UTC. The calendar's own
edges are not enough: 0001-01-01T00:00:00+14:00 is a valid date-time whose UTC form falls before
year 1, so converting it overflows, and so would storing it (PostgreSQL's driver converts to UTC)
or comparing it with a stored time in SQL. A range well inside the calendar leaves every offset
room, and no lead system has a reason to record an earlier or later moment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "times must be from 1900-01-01T00:00:00Z to 9999-01-01T00:00:00Z (in UTC)"
NOT_A_TIME = "expected an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z"


def to_utc(value: datetime) -> datetime:
    """The time in UTC (a naive one is read as UTC); ValueError when it is outside the accepted
    range, including the times whose conversion to UTC would overflow."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(OUT_OF_RANGE) from None
    if not EARLIEST <= utc <= LATEST:
        raise ValueError(OUT_OF_RANGE)
    return utc


def parse_time(raw: str) -> datetime:
    """A time from text (a query parameter, a filter value, a condition): ISO 8601, `Z` for UTC,
    checked and converted by `to_utc`. ValueError with the sentence to show the caller."""
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(NOT_A_TIME) from None
    return to_utc(value)


def _checked_keeping_naive(value: datetime) -> datetime:
    utc = to_utc(value)
    return value if value.tzinfo is None else utc


# A time field of a request body or a query parameter: parsed by pydantic, then checked and
# turned into UTC here (a ValueError becomes a 422 naming the field).
UtcDateTime = Annotated[datetime, AfterValidator(to_utc)]
# The same check, but a time without an offset stays without one: for callers that refuse such
# times themselves with their own message (SLA breach windows).
OffsetDateTime = Annotated[datetime, AfterValidator(_checked_keeping_naive)]
