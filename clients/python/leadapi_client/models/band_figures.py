from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BandFigures")


@_attrs_define
class BandFigures:
    """
    Attributes:
        band (None | str): Null: not scored.
        conversion (float | None): customers / leads: is the model predictive?
        customers (int):
        leads (int):
        share (float | None):
    """

    band: None | str
    conversion: float | None
    customers: int
    leads: int
    share: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        band: None | str
        band = self.band

        conversion: float | None
        conversion = self.conversion

        customers = self.customers

        leads = self.leads

        share: float | None
        share = self.share

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "band": band,
                "conversion": conversion,
                "customers": customers,
                "leads": leads,
                "share": share,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        band = _parse_band(d.pop("band"))

        def _parse_conversion(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        conversion = _parse_conversion(d.pop("conversion"))

        customers = d.pop("customers")

        leads = d.pop("leads")

        def _parse_share(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        share = _parse_share(d.pop("share"))

        band_figures = cls(
            band=band,
            conversion=conversion,
            customers=customers,
            leads=leads,
            share=share,
        )

        band_figures.additional_properties = d
        return band_figures

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
