from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.candidate_lead_reasons_item import CandidateLeadReasonsItem

T = TypeVar("T", bound="CandidateLead")


@_attrs_define
class CandidateLead:
    """
    Attributes:
        lead_id (str):
        reasons (list[CandidateLeadReasonsItem]):
        score (int):
    """

    lead_id: str
    reasons: list[CandidateLeadReasonsItem]
    score: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lead_id = self.lead_id

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.value
            reasons.append(reasons_item)

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lead_id": lead_id,
                "reasons": reasons,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        lead_id = d.pop("lead_id")

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = CandidateLeadReasonsItem(reasons_item_data)

            reasons.append(reasons_item)

        score = d.pop("score")

        candidate_lead = cls(
            lead_id=lead_id,
            reasons=reasons,
            score=score,
        )

        candidate_lead.additional_properties = d
        return candidate_lead

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
