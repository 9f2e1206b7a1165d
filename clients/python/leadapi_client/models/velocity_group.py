from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stage_time import StageTime
    from ..models.time_to_customer import TimeToCustomer


T = TypeVar("T", bound="VelocityGroup")


@_attrs_define
class VelocityGroup:
    """
    Attributes:
        key (None | str): The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value split by.
        stages (list[StageTime]):
        to_customer (TimeToCustomer):
        label (None | str | Unset): The owner's name, when split by owner.
    """

    key: None | str
    stages: list[StageTime]
    to_customer: TimeToCustomer
    label: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key: None | str
        key = self.key

        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)

        to_customer = self.to_customer.to_dict()

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "stages": stages,
                "to_customer": to_customer,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stage_time import StageTime  # noqa: PLC0415
        from ..models.time_to_customer import TimeToCustomer  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = StageTime.from_dict(stages_item_data)

            stages.append(stages_item)

        to_customer = TimeToCustomer.from_dict(d.pop("to_customer"))

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        velocity_group = cls(
            key=key,
            stages=stages,
            to_customer=to_customer,
            label=label,
        )

        velocity_group.additional_properties = d
        return velocity_group

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
