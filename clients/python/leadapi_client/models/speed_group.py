from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.assignment_speed import AssignmentSpeed
    from ..models.lead_speed import LeadSpeed


T = TypeVar("T", bound="SpeedGroup")


@_attrs_define
class SpeedGroup:
    """
    Attributes:
        after_assignment (AssignmentSpeed):
        after_creation (LeadSpeed):
        key (None | str): The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value split by.
        label (None | str | Unset): The owner's name, when split by owner.
    """

    after_assignment: AssignmentSpeed
    after_creation: LeadSpeed
    key: None | str
    label: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        after_assignment = self.after_assignment.to_dict()

        after_creation = self.after_creation.to_dict()

        key: None | str
        key = self.key

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "after_assignment": after_assignment,
                "after_creation": after_creation,
                "key": key,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assignment_speed import AssignmentSpeed  # noqa: PLC0415
        from ..models.lead_speed import LeadSpeed  # noqa: PLC0415

        d = dict(src_dict)
        after_assignment = AssignmentSpeed.from_dict(d.pop("after_assignment"))

        after_creation = LeadSpeed.from_dict(d.pop("after_creation"))

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        speed_group = cls(
            after_assignment=after_assignment,
            after_creation=after_creation,
            key=key,
            label=label,
        )

        speed_group.additional_properties = d
        return speed_group

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
