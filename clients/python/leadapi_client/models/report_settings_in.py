from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReportSettingsIn")


@_attrs_define
class ReportSettingsIn:
    """
    Attributes:
        time_zone (str): An IANA time zone (e.g. America/New_York): report days, and the day, week and month splits, run
            from midnight to midnight there. Changing it makes the rollups again (reports read the rows meanwhile;
            `rollups_ready` says when they are back).
    """

    time_zone: str

    def to_dict(self) -> dict[str, Any]:
        time_zone = self.time_zone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "time_zone": time_zone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        time_zone = d.pop("time_zone")

        report_settings_in = cls(
            time_zone=time_zone,
        )

        return report_settings_in
