from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NurtureSettings")


@_attrs_define
class NurtureSettings:
    """
    Attributes:
        weekly_touch_cap (int): Touches (`track.step_due`) per lead in any 7 days, across all tracks.
    """

    weekly_touch_cap: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        weekly_touch_cap = self.weekly_touch_cap

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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

        nurture_settings = cls(
            weekly_touch_cap=weekly_touch_cap,
        )

        nurture_settings.additional_properties = d
        return nurture_settings

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
