from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.fairness_total import FairnessTotal
    from ..models.owner_fairness import OwnerFairness
    from ..models.rule_fairness import RuleFairness


T = TypeVar("T", bound="RoutingReport")


@_attrs_define
class RoutingReport:
    """
    Attributes:
        from_ (datetime.datetime): Start of the range (inclusive).
        owners (list[OwnerFairness]):
        rule_id (None | str): The one rule reported on; null: every rule.
        rules (list[RuleFairness]):
        to (datetime.datetime): End of the range (exclusive).
        total (FairnessTotal):
    """

    from_: datetime.datetime
    owners: list[OwnerFairness]
    rule_id: None | str
    rules: list[RuleFairness]
    to: datetime.datetime
    total: FairnessTotal
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        owners = []
        for owners_item_data in self.owners:
            owners_item = owners_item_data.to_dict()
            owners.append(owners_item)

        rule_id: None | str
        rule_id = self.rule_id

        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)

        to = self.to.isoformat()

        total = self.total.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "owners": owners,
                "rule_id": rule_id,
                "rules": rules,
                "to": to,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fairness_total import FairnessTotal  # noqa: PLC0415
        from ..models.owner_fairness import OwnerFairness  # noqa: PLC0415
        from ..models.rule_fairness import RuleFairness  # noqa: PLC0415

        d = dict(src_dict)
        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        owners = []
        _owners = d.pop("owners")
        for owners_item_data in _owners:
            owners_item = OwnerFairness.from_dict(owners_item_data)

            owners.append(owners_item)

        def _parse_rule_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule_id = _parse_rule_id(d.pop("rule_id"))

        rules = []
        _rules = d.pop("rules")
        for rules_item_data in _rules:
            rules_item = RuleFairness.from_dict(rules_item_data)

            rules.append(rules_item)

        to = datetime.datetime.fromisoformat(d.pop("to"))

        total = FairnessTotal.from_dict(d.pop("total"))

        routing_report = cls(
            from_=from_,
            owners=owners,
            rule_id=rule_id,
            rules=rules,
            to=to,
            total=total,
        )

        routing_report.additional_properties = d
        return routing_report

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
