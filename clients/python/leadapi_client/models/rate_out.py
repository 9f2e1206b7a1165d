from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RateOut")


@_attrs_define
class RateOut:
    """
    Attributes:
        conversions (int):
        leads (int):
        rate (float | None): conversions / leads; null without leads.
        rate_high (float | None):
        rate_low (float | None): The 95% Wilson interval's lower end.
    """

    conversions: int
    leads: int
    rate: float | None
    rate_high: float | None
    rate_low: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        conversions = self.conversions

        leads = self.leads

        rate: float | None
        rate = self.rate

        rate_high: float | None
        rate_high = self.rate_high

        rate_low: float | None
        rate_low = self.rate_low

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "conversions": conversions,
                "leads": leads,
                "rate": rate,
                "rate_high": rate_high,
                "rate_low": rate_low,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        conversions = d.pop("conversions")

        leads = d.pop("leads")

        def _parse_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate = _parse_rate(d.pop("rate"))

        def _parse_rate_high(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_high = _parse_rate_high(d.pop("rate_high"))

        def _parse_rate_low(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_low = _parse_rate_low(d.pop("rate_low"))

        rate_out = cls(
            conversions=conversions,
            leads=leads,
            rate=rate,
            rate_high=rate_high,
            rate_low=rate_low,
        )

        rate_out.additional_properties = d
        return rate_out

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
