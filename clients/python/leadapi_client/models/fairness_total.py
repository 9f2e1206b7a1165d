from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FairnessTotal")


@_attrs_define
class FairnessTotal:
    """
    Attributes:
        assignments (int): Assignments made by a rule in the range.
        manual_assignments (int):
        unassigned (int): Leads routing found nobody for (`lead.unassigned`).
    """

    assignments: int
    manual_assignments: int
    unassigned: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignments = self.assignments

        manual_assignments = self.manual_assignments

        unassigned = self.unassigned

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assignments": assignments,
                "manual_assignments": manual_assignments,
                "unassigned": unassigned,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assignments = d.pop("assignments")

        manual_assignments = d.pop("manual_assignments")

        unassigned = d.pop("unassigned")

        fairness_total = cls(
            assignments=assignments,
            manual_assignments=manual_assignments,
            unassigned=unassigned,
        )

        fairness_total.additional_properties = d
        return fairness_total

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
