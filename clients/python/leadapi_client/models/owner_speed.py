from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.assignment_speed import AssignmentSpeed


T = TypeVar("T", bound="OwnerSpeed")


@_attrs_define
class OwnerSpeed:
    """
    Attributes:
        after_assignment (AssignmentSpeed):
        name (None | str):
        owner_id (str):
    """

    after_assignment: AssignmentSpeed
    name: None | str
    owner_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        after_assignment = self.after_assignment.to_dict()

        name: None | str
        name = self.name

        owner_id = self.owner_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "after_assignment": after_assignment,
                "name": name,
                "owner_id": owner_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assignment_speed import AssignmentSpeed  # noqa: PLC0415

        d = dict(src_dict)
        after_assignment = AssignmentSpeed.from_dict(d.pop("after_assignment"))

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        owner_id = d.pop("owner_id")

        owner_speed = cls(
            after_assignment=after_assignment,
            name=name,
            owner_id=owner_id,
        )

        owner_speed.additional_properties = d
        return owner_speed

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
