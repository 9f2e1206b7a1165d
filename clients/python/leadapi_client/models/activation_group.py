from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ActivationGroup")


@_attrs_define
class ActivationGroup:
    """
    Attributes:
        activated_30d (int):
        activated_7d (int): Leads with a behaviour event within 7 days of entry.
        key (None | str): The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value split by.
        leads (int):
        rate_30d (float | None):
        rate_7d (float | None):
        label (None | str | Unset): The owner's name, when split by owner.
    """

    activated_30d: int
    activated_7d: int
    key: None | str
    leads: int
    rate_30d: float | None
    rate_7d: float | None
    label: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        activated_30d = self.activated_30d

        activated_7d = self.activated_7d

        key: None | str
        key = self.key

        leads = self.leads

        rate_30d: float | None
        rate_30d = self.rate_30d

        rate_7d: float | None
        rate_7d = self.rate_7d

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activated_30d": activated_30d,
                "activated_7d": activated_7d,
                "key": key,
                "leads": leads,
                "rate_30d": rate_30d,
                "rate_7d": rate_7d,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        activated_30d = d.pop("activated_30d")

        activated_7d = d.pop("activated_7d")

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

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

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        activation_group = cls(
            activated_30d=activated_30d,
            activated_7d=activated_7d,
            key=key,
            leads=leads,
            rate_30d=rate_30d,
            rate_7d=rate_7d,
            label=label,
        )

        activation_group.additional_properties = d
        return activation_group

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
