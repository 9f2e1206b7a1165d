from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.duplicate_pair import DuplicatePair
    from ..models.lead import Lead


T = TypeVar("T", bound="MergedPair")


@_attrs_define
class MergedPair:
    """
    Attributes:
        lead (Lead):
        pair (DuplicatePair):
    """

    lead: Lead
    pair: DuplicatePair
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lead = self.lead.to_dict()

        pair = self.pair.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lead": lead,
                "pair": pair,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.duplicate_pair import DuplicatePair  # noqa: PLC0415
        from ..models.lead import Lead  # noqa: PLC0415

        d = dict(src_dict)
        lead = Lead.from_dict(d.pop("lead"))

        pair = DuplicatePair.from_dict(d.pop("pair"))

        merged_pair = cls(
            lead=lead,
            pair=pair,
        )

        merged_pair.additional_properties = d
        return merged_pair

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
