from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FunnelStage")


@_attrs_define
class FunnelStage:
    """
    Attributes:
        category (str):
        conversion (float | None): reached / reached of the funnel stage before it.
        entered (int): Leads of the cohort that were ever in this stage.
        name (str):
        reached (int | None): Funnel stages: leads that got this far (entered it or any later funnel stage).
        stage (str):
    """

    category: str
    conversion: float | None
    entered: int
    name: str
    reached: int | None
    stage: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        conversion: float | None
        conversion = self.conversion

        entered = self.entered

        name = self.name

        reached: int | None
        reached = self.reached

        stage = self.stage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "conversion": conversion,
                "entered": entered,
                "name": name,
                "reached": reached,
                "stage": stage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

        def _parse_conversion(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        conversion = _parse_conversion(d.pop("conversion"))

        entered = d.pop("entered")

        name = d.pop("name")

        def _parse_reached(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        reached = _parse_reached(d.pop("reached"))

        stage = d.pop("stage")

        funnel_stage = cls(
            category=category,
            conversion=conversion,
            entered=entered,
            name=name,
            reached=reached,
            stage=stage,
        )

        funnel_stage.additional_properties = d
        return funnel_stage

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
