from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LeadSpeed")


@_attrs_define
class LeadSpeed:
    """
    Attributes:
        leads (int): Leads created in the range; times run from their creation.
        median_seconds (float | None):
        never_touched (float | None):
        p90_seconds (float | None):
        touched (int):
        within_1h (float | None):
        within_5m (float | None):
    """

    leads: int
    median_seconds: float | None
    never_touched: float | None
    p90_seconds: float | None
    touched: int
    within_1h: float | None
    within_5m: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        leads = self.leads

        median_seconds: float | None
        median_seconds = self.median_seconds

        never_touched: float | None
        never_touched = self.never_touched

        p90_seconds: float | None
        p90_seconds = self.p90_seconds

        touched = self.touched

        within_1h: float | None
        within_1h = self.within_1h

        within_5m: float | None
        within_5m = self.within_5m

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "leads": leads,
                "median_seconds": median_seconds,
                "never_touched": never_touched,
                "p90_seconds": p90_seconds,
                "touched": touched,
                "within_1h": within_1h,
                "within_5m": within_5m,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        leads = d.pop("leads")

        def _parse_median_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        median_seconds = _parse_median_seconds(d.pop("median_seconds"))

        def _parse_never_touched(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        never_touched = _parse_never_touched(d.pop("never_touched"))

        def _parse_p90_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p90_seconds = _parse_p90_seconds(d.pop("p90_seconds"))

        touched = d.pop("touched")

        def _parse_within_1h(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        within_1h = _parse_within_1h(d.pop("within_1h"))

        def _parse_within_5m(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        within_5m = _parse_within_5m(d.pop("within_5m"))

        lead_speed = cls(
            leads=leads,
            median_seconds=median_seconds,
            never_touched=never_touched,
            p90_seconds=p90_seconds,
            touched=touched,
            within_1h=within_1h,
            within_5m=within_5m,
        )

        lead_speed.additional_properties = d
        return lead_speed

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
