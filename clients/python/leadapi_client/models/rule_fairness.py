from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rule_owner_figures import RuleOwnerFigures


T = TypeVar("T", bound="RuleFairness")


@_attrs_define
class RuleFairness:
    """
    Attributes:
        assignments (int): Leads the rule assigned in the range.
        chi_square (float | None): Pearson's statistic over the owners due a share.
        degrees_of_freedom (int | None):
        found_nobody (int): Times the rule's condition matched but every owner of its pool was skipped.
        owners (list[RuleOwnerFigures]):
        p_value (float | None): The chance fair picks would deviate this much; below 0.01 the rotation is skewed. Null
            with fewer than two owners due a share.
        rotating_assignments (int): Of those, picks by turn (round robin, weighted, a territory's rotating tie breaker):
            the ones with an expected share.
        rule_id (str):
        rule_name (None | str):
        strategy (None | str):
    """

    assignments: int
    chi_square: float | None
    degrees_of_freedom: int | None
    found_nobody: int
    owners: list[RuleOwnerFigures]
    p_value: float | None
    rotating_assignments: int
    rule_id: str
    rule_name: None | str
    strategy: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignments = self.assignments

        chi_square: float | None
        chi_square = self.chi_square

        degrees_of_freedom: int | None
        degrees_of_freedom = self.degrees_of_freedom

        found_nobody = self.found_nobody

        owners = []
        for owners_item_data in self.owners:
            owners_item = owners_item_data.to_dict()
            owners.append(owners_item)

        p_value: float | None
        p_value = self.p_value

        rotating_assignments = self.rotating_assignments

        rule_id = self.rule_id

        rule_name: None | str
        rule_name = self.rule_name

        strategy: None | str
        strategy = self.strategy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assignments": assignments,
                "chi_square": chi_square,
                "degrees_of_freedom": degrees_of_freedom,
                "found_nobody": found_nobody,
                "owners": owners,
                "p_value": p_value,
                "rotating_assignments": rotating_assignments,
                "rule_id": rule_id,
                "rule_name": rule_name,
                "strategy": strategy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_owner_figures import RuleOwnerFigures  # noqa: PLC0415

        d = dict(src_dict)
        assignments = d.pop("assignments")

        def _parse_chi_square(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        chi_square = _parse_chi_square(d.pop("chi_square"))

        def _parse_degrees_of_freedom(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        degrees_of_freedom = _parse_degrees_of_freedom(d.pop("degrees_of_freedom"))

        found_nobody = d.pop("found_nobody")

        owners = []
        _owners = d.pop("owners")
        for owners_item_data in _owners:
            owners_item = RuleOwnerFigures.from_dict(owners_item_data)

            owners.append(owners_item)

        def _parse_p_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p_value = _parse_p_value(d.pop("p_value"))

        rotating_assignments = d.pop("rotating_assignments")

        rule_id = d.pop("rule_id")

        def _parse_rule_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule_name = _parse_rule_name(d.pop("rule_name"))

        def _parse_strategy(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        strategy = _parse_strategy(d.pop("strategy"))

        rule_fairness = cls(
            assignments=assignments,
            chi_square=chi_square,
            degrees_of_freedom=degrees_of_freedom,
            found_nobody=found_nobody,
            owners=owners,
            p_value=p_value,
            rotating_assignments=rotating_assignments,
            rule_id=rule_id,
            rule_name=rule_name,
            strategy=strategy,
        )

        rule_fairness.additional_properties = d
        return rule_fairness

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
