from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.business_hours_days_item import BusinessHoursDaysItem

T = TypeVar("T", bound="BusinessHours")


@_attrs_define
class BusinessHours:
    """The clock runs only inside these hours (local time of `timezone`).

    Attributes:
        days (list[BusinessHoursDaysItem]): Working days, e.g. mon..fri.
        end (str): Closing time, HH:MM, after `start`.
        start (str): Opening time, HH:MM.
        timezone (str): An IANA time zone, e.g. Europe/Paris.
    """

    days: list[BusinessHoursDaysItem]
    end: str
    start: str
    timezone: str

    def to_dict(self) -> dict[str, Any]:
        days = []
        for days_item_data in self.days:
            days_item = days_item_data.value
            days.append(days_item)

        end = self.end

        start = self.start

        timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "days": days,
                "end": end,
                "start": start,
                "timezone": timezone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = BusinessHoursDaysItem(days_item_data)

            days.append(days_item)

        end = d.pop("end")

        start = d.pop("start")

        timezone = d.pop("timezone")

        business_hours = cls(
            days=days,
            end=end,
            start=start,
            timezone=timezone,
        )

        return business_hours
