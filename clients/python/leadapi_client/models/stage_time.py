from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StageTime")


@_attrs_define
class StageTime:
    """
    Attributes:
        median_seconds (float | None):
        name (str):
        p90_seconds (float | None):
        stage (str):
        stays (int): Stays in the stage that ended in the range.
    """

    median_seconds: float | None
    name: str
    p90_seconds: float | None
    stage: str
    stays: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        median_seconds: float | None
        median_seconds = self.median_seconds

        name = self.name

        p90_seconds: float | None
        p90_seconds = self.p90_seconds

        stage = self.stage

        stays = self.stays

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "median_seconds": median_seconds,
                "name": name,
                "p90_seconds": p90_seconds,
                "stage": stage,
                "stays": stays,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_median_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        median_seconds = _parse_median_seconds(d.pop("median_seconds"))

        name = d.pop("name")

        def _parse_p90_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p90_seconds = _parse_p90_seconds(d.pop("p90_seconds"))

        stage = d.pop("stage")

        stays = d.pop("stays")

        stage_time = cls(
            median_seconds=median_seconds,
            name=name,
            p90_seconds=p90_seconds,
            stage=stage,
            stays=stays,
        )

        stage_time.additional_properties = d
        return stage_time

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
