from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rate_out import RateOut


T = TypeVar("T", bound="RuleEvidence")


@_attrs_define
class RuleEvidence:
    """
    Attributes:
        fired (int): Leads on which the rule fired at their reference time.
        fired_share (float | None):
        lift (float | None): The rate with the rule over the rate without it.
        rule_id (str):
        with_rule (RateOut):
        without_rule (RateOut):
    """

    fired: int
    fired_share: float | None
    lift: float | None
    rule_id: str
    with_rule: RateOut
    without_rule: RateOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fired = self.fired

        fired_share: float | None
        fired_share = self.fired_share

        lift: float | None
        lift = self.lift

        rule_id = self.rule_id

        with_rule = self.with_rule.to_dict()

        without_rule = self.without_rule.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fired": fired,
                "fired_share": fired_share,
                "lift": lift,
                "rule_id": rule_id,
                "with_rule": with_rule,
                "without_rule": without_rule,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_out import RateOut  # noqa: PLC0415

        d = dict(src_dict)
        fired = d.pop("fired")

        def _parse_fired_share(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        fired_share = _parse_fired_share(d.pop("fired_share"))

        def _parse_lift(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        lift = _parse_lift(d.pop("lift"))

        rule_id = d.pop("rule_id")

        with_rule = RateOut.from_dict(d.pop("with_rule"))

        without_rule = RateOut.from_dict(d.pop("without_rule"))

        rule_evidence = cls(
            fired=fired,
            fired_share=fired_share,
            lift=lift,
            rule_id=rule_id,
            with_rule=with_rule,
            without_rule=without_rule,
        )

        rule_evidence.additional_properties = d
        return rule_evidence

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
