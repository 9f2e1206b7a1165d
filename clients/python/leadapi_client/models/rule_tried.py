from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rule_tried_outcome import RuleTriedOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.skipped_owner import SkippedOwner


T = TypeVar("T", bound="RuleTried")


@_attrs_define
class RuleTried:
    """
    Attributes:
        outcome (RuleTriedOutcome):
        rule_id (str):
        not_in_pool (int | None | Unset): For a rule that found no eligible owner: how many owners are outside its pool.
        skipped (list[SkippedOwner] | None | Unset): For a rule that found no eligible owner: its pool's owners and why
            each was skipped (the picking rule's are the decision's `skipped`).
    """

    outcome: RuleTriedOutcome
    rule_id: str
    not_in_pool: int | None | Unset = UNSET
    skipped: list[SkippedOwner] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        rule_id = self.rule_id

        not_in_pool: int | None | Unset
        if isinstance(self.not_in_pool, Unset):
            not_in_pool = UNSET
        else:
            not_in_pool = self.not_in_pool

        skipped: list[dict[str, Any]] | None | Unset
        if isinstance(self.skipped, Unset):
            skipped = UNSET
        elif isinstance(self.skipped, list):
            skipped = []
            for skipped_type_0_item_data in self.skipped:
                skipped_type_0_item = skipped_type_0_item_data.to_dict()
                skipped.append(skipped_type_0_item)

        else:
            skipped = self.skipped

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outcome": outcome,
                "rule_id": rule_id,
            }
        )
        if not_in_pool is not UNSET:
            field_dict["not_in_pool"] = not_in_pool
        if skipped is not UNSET:
            field_dict["skipped"] = skipped

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.skipped_owner import SkippedOwner  # noqa: PLC0415

        d = dict(src_dict)
        outcome = RuleTriedOutcome(d.pop("outcome"))

        rule_id = d.pop("rule_id")

        def _parse_not_in_pool(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        not_in_pool = _parse_not_in_pool(d.pop("not_in_pool", UNSET))

        def _parse_skipped(data: object) -> list[SkippedOwner] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                skipped_type_0 = []
                _skipped_type_0 = data
                for skipped_type_0_item_data in _skipped_type_0:
                    skipped_type_0_item = SkippedOwner.from_dict(skipped_type_0_item_data)

                    skipped_type_0.append(skipped_type_0_item)

                return skipped_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[SkippedOwner] | None | Unset, data)

        skipped = _parse_skipped(d.pop("skipped", UNSET))

        rule_tried = cls(
            outcome=outcome,
            rule_id=rule_id,
            not_in_pool=not_in_pool,
            skipped=skipped,
        )

        rule_tried.additional_properties = d
        return rule_tried

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
