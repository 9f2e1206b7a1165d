from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RuleOwnerFigures")


@_attrs_define
class RuleOwnerFigures:
    """
    Attributes:
        actual_share (float | None): The owner's rotating picks / the rule's.
        assignments (int): Leads this rule gave the owner in the range.
        capacity_hits (int): Times the rule passed the owner over at capacity.
        deviation (float | None): The owner's rotating picks less `expected`.
        expected (float | None): Of the rule's rotating picks, how many the owner was due: the sum, over each pick, of
            the owner's weight / the candidates' weights, when the owner was a candidate (active, in office, below capacity,
            in the pool). Null for rules that do not rotate.
        expected_share (float | None): expected / the rule's rotating picks.
        median_first_touch_seconds (float | None): From assignment to first touch.
        name (None | str): Null: the owner has since been deleted.
        out_of_office_skips (int): Times the rule passed the owner over out of office.
        owner_id (str):
        reassignments (int): Of `assignments`, those that took the lead from another owner.
        relative_deviation (float | None): deviation / expected; null when nothing was due.
        touched (int): Of `assignments`, those the owner has touched.
    """

    actual_share: float | None
    assignments: int
    capacity_hits: int
    deviation: float | None
    expected: float | None
    expected_share: float | None
    median_first_touch_seconds: float | None
    name: None | str
    out_of_office_skips: int
    owner_id: str
    reassignments: int
    relative_deviation: float | None
    touched: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actual_share: float | None
        actual_share = self.actual_share

        assignments = self.assignments

        capacity_hits = self.capacity_hits

        deviation: float | None
        deviation = self.deviation

        expected: float | None
        expected = self.expected

        expected_share: float | None
        expected_share = self.expected_share

        median_first_touch_seconds: float | None
        median_first_touch_seconds = self.median_first_touch_seconds

        name: None | str
        name = self.name

        out_of_office_skips = self.out_of_office_skips

        owner_id = self.owner_id

        reassignments = self.reassignments

        relative_deviation: float | None
        relative_deviation = self.relative_deviation

        touched = self.touched

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actual_share": actual_share,
                "assignments": assignments,
                "capacity_hits": capacity_hits,
                "deviation": deviation,
                "expected": expected,
                "expected_share": expected_share,
                "median_first_touch_seconds": median_first_touch_seconds,
                "name": name,
                "out_of_office_skips": out_of_office_skips,
                "owner_id": owner_id,
                "reassignments": reassignments,
                "relative_deviation": relative_deviation,
                "touched": touched,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_actual_share(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        actual_share = _parse_actual_share(d.pop("actual_share"))

        assignments = d.pop("assignments")

        capacity_hits = d.pop("capacity_hits")

        def _parse_deviation(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        deviation = _parse_deviation(d.pop("deviation"))

        def _parse_expected(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        expected = _parse_expected(d.pop("expected"))

        def _parse_expected_share(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        expected_share = _parse_expected_share(d.pop("expected_share"))

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

        reassignments = d.pop("reassignments")

        def _parse_relative_deviation(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        relative_deviation = _parse_relative_deviation(d.pop("relative_deviation"))

        touched = d.pop("touched")

        rule_owner_figures = cls(
            actual_share=actual_share,
            assignments=assignments,
            capacity_hits=capacity_hits,
            deviation=deviation,
            expected=expected,
            expected_share=expected_share,
            median_first_touch_seconds=median_first_touch_seconds,
            name=name,
            out_of_office_skips=out_of_office_skips,
            owner_id=owner_id,
            reassignments=reassignments,
            relative_deviation=relative_deviation,
            touched=touched,
        )

        rule_owner_figures.additional_properties = d
        return rule_owner_figures

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
