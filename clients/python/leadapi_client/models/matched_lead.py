from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.matched_lead_matched_on import MatchedLeadMatchedOn

T = TypeVar("T", bound="MatchedLead")


@_attrs_define
class MatchedLead:
    """
    Attributes:
        lead_id (str):
        matched_on (MatchedLeadMatchedOn):
    """

    lead_id: str
    matched_on: MatchedLeadMatchedOn
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lead_id = self.lead_id

        matched_on = self.matched_on.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lead_id": lead_id,
                "matched_on": matched_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        lead_id = d.pop("lead_id")

        matched_on = MatchedLeadMatchedOn(d.pop("matched_on"))

        matched_lead = cls(
            lead_id=lead_id,
            matched_on=matched_on,
        )

        matched_lead.additional_properties = d
        return matched_lead

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
