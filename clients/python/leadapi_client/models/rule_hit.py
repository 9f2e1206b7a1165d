from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rule_hit_evidence import RuleHitEvidence


T = TypeVar("T", bound="RuleHit")


@_attrs_define
class RuleHit:
    """
    Attributes:
        evidence (RuleHitEvidence):
        kind (str):
        points (float):
        rule_id (str):
    """

    evidence: RuleHitEvidence
    kind: str
    points: float
    rule_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evidence = self.evidence.to_dict()

        kind = self.kind

        points = self.points

        rule_id = self.rule_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evidence": evidence,
                "kind": kind,
                "points": points,
                "rule_id": rule_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_hit_evidence import RuleHitEvidence  # noqa: PLC0415

        d = dict(src_dict)
        evidence = RuleHitEvidence.from_dict(d.pop("evidence"))

        kind = d.pop("kind")

        points = d.pop("points")

        rule_id = d.pop("rule_id")

        rule_hit = cls(
            evidence=evidence,
            kind=kind,
            points=points,
            rule_id=rule_id,
        )

        rule_hit.additional_properties = d
        return rule_hit

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
