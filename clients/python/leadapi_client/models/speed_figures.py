from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.assignment_speed import AssignmentSpeed
    from ..models.lead_speed import LeadSpeed


T = TypeVar("T", bound="SpeedFigures")


@_attrs_define
class SpeedFigures:
    """
    Attributes:
        after_assignment (AssignmentSpeed):
        after_creation (LeadSpeed):
    """

    after_assignment: AssignmentSpeed
    after_creation: LeadSpeed
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        after_assignment = self.after_assignment.to_dict()

        after_creation = self.after_creation.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "after_assignment": after_assignment,
                "after_creation": after_creation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assignment_speed import AssignmentSpeed  # noqa: PLC0415
        from ..models.lead_speed import LeadSpeed  # noqa: PLC0415

        d = dict(src_dict)
        after_assignment = AssignmentSpeed.from_dict(d.pop("after_assignment"))

        after_creation = LeadSpeed.from_dict(d.pop("after_creation"))

        speed_figures = cls(
            after_assignment=after_assignment,
            after_creation=after_creation,
        )

        speed_figures.additional_properties = d
        return speed_figures

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
