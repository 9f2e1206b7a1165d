from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ActivationFigures")


@_attrs_define
class ActivationFigures:
    """
    Attributes:
        activated_30d (int):
        activated_7d (int): Leads with a behaviour event within 7 days of entry.
        leads (int):
        rate_30d (float | None):
        rate_7d (float | None):
    """

    activated_30d: int
    activated_7d: int
    leads: int
    rate_30d: float | None
    rate_7d: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        activated_30d = self.activated_30d

        activated_7d = self.activated_7d

        leads = self.leads

        rate_30d: float | None
        rate_30d = self.rate_30d

        rate_7d: float | None
        rate_7d = self.rate_7d

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activated_30d": activated_30d,
                "activated_7d": activated_7d,
                "leads": leads,
                "rate_30d": rate_30d,
                "rate_7d": rate_7d,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        activated_30d = d.pop("activated_30d")

        activated_7d = d.pop("activated_7d")

        leads = d.pop("leads")

        def _parse_rate_30d(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_30d = _parse_rate_30d(d.pop("rate_30d"))

        def _parse_rate_7d(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_7d = _parse_rate_7d(d.pop("rate_7d"))

        activation_figures = cls(
            activated_30d=activated_30d,
            activated_7d=activated_7d,
            leads=leads,
            rate_30d=rate_30d,
            rate_7d=rate_7d,
        )

        activation_figures.additional_properties = d
        return activation_figures

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
