from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Coefficient")


@_attrs_define
class Coefficient:
    """
    Attributes:
        coefficient (float): Log-odds of converting per unit of the rule's strength.
        points_after (float):
        points_before (float):
        rule_id (str):
    """

    coefficient: float
    points_after: float
    points_before: float
    rule_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        coefficient = self.coefficient

        points_after = self.points_after

        points_before = self.points_before

        rule_id = self.rule_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "coefficient": coefficient,
                "points_after": points_after,
                "points_before": points_before,
                "rule_id": rule_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        coefficient = d.pop("coefficient")

        points_after = d.pop("points_after")

        points_before = d.pop("points_before")

        rule_id = d.pop("rule_id")

        coefficient = cls(
            coefficient=coefficient,
            points_after=points_after,
            points_before=points_before,
            rule_id=rule_id,
        )

        coefficient.additional_properties = d
        return coefficient

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
