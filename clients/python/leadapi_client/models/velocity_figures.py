from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stage_time import StageTime
    from ..models.time_to_customer import TimeToCustomer


T = TypeVar("T", bound="VelocityFigures")


@_attrs_define
class VelocityFigures:
    """
    Attributes:
        stages (list[StageTime]):
        to_customer (TimeToCustomer):
    """

    stages: list[StageTime]
    to_customer: TimeToCustomer
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)

        to_customer = self.to_customer.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "stages": stages,
                "to_customer": to_customer,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stage_time import StageTime  # noqa: PLC0415
        from ..models.time_to_customer import TimeToCustomer  # noqa: PLC0415

        d = dict(src_dict)
        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = StageTime.from_dict(stages_item_data)

            stages.append(stages_item)

        to_customer = TimeToCustomer.from_dict(d.pop("to_customer"))

        velocity_figures = cls(
            stages=stages,
            to_customer=to_customer,
        )

        velocity_figures.additional_properties = d
        return velocity_figures

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
