from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OwnerFairness")


@_attrs_define
class OwnerFairness:
    """
    Attributes:
        assignments (int): Leads routing gave the owner in the range (every rule).
        capacity_hits (int):
        manual_assignments (int):
        median_first_touch_seconds (float | None):
        name (None | str):
        out_of_office_skips (int):
        owner_id (str):
        reassigned_away (int): Assignments in the range that took a lead from the owner.
    """

    assignments: int
    capacity_hits: int
    manual_assignments: int
    median_first_touch_seconds: float | None
    name: None | str
    out_of_office_skips: int
    owner_id: str
    reassigned_away: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignments = self.assignments

        capacity_hits = self.capacity_hits

        manual_assignments = self.manual_assignments

        median_first_touch_seconds: float | None
        median_first_touch_seconds = self.median_first_touch_seconds

        name: None | str
        name = self.name

        out_of_office_skips = self.out_of_office_skips

        owner_id = self.owner_id

        reassigned_away = self.reassigned_away

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assignments": assignments,
                "capacity_hits": capacity_hits,
                "manual_assignments": manual_assignments,
                "median_first_touch_seconds": median_first_touch_seconds,
                "name": name,
                "out_of_office_skips": out_of_office_skips,
                "owner_id": owner_id,
                "reassigned_away": reassigned_away,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assignments = d.pop("assignments")

        capacity_hits = d.pop("capacity_hits")

        manual_assignments = d.pop("manual_assignments")

        def _parse_median_first_touch_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        median_first_touch_seconds = _parse_median_first_touch_seconds(d.pop("median_first_touch_seconds"))

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        out_of_office_skips = d.pop("out_of_office_skips")

        owner_id = d.pop("owner_id")

        reassigned_away = d.pop("reassigned_away")

        owner_fairness = cls(
            assignments=assignments,
            capacity_hits=capacity_hits,
            manual_assignments=manual_assignments,
            median_first_touch_seconds=median_first_touch_seconds,
            name=name,
            out_of_office_skips=out_of_office_skips,
            owner_id=owner_id,
            reassigned_away=reassigned_away,
        )

        owner_fairness.additional_properties = d
        return owner_fairness

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
