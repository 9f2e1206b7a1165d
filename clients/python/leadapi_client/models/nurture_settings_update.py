from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="NurtureSettingsUpdate")


@_attrs_define
class NurtureSettingsUpdate:
    """
    Attributes:
        weekly_touch_cap (int):
    """

    weekly_touch_cap: int

    def to_dict(self) -> dict[str, Any]:
        weekly_touch_cap = self.weekly_touch_cap

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "weekly_touch_cap": weekly_touch_cap,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        weekly_touch_cap = d.pop("weekly_touch_cap")

        nurture_settings_update = cls(
            weekly_touch_cap=weekly_touch_cap,
        )

        return nurture_settings_update
