from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.lead_fields import LeadFields


T = TypeVar("T", bound="MatchIn")


@_attrs_define
class MatchIn:
    """
    Attributes:
        leads (list[LeadFields]):
    """

    leads: list[LeadFields]

    def to_dict(self) -> dict[str, Any]:
        leads = []
        for leads_item_data in self.leads:
            leads_item = leads_item_data.to_dict()
            leads.append(leads_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "leads": leads,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_fields import LeadFields  # noqa: PLC0415

        d = dict(src_dict)
        leads = []
        _leads = d.pop("leads")
        for leads_item_data in _leads:
            leads_item = LeadFields.from_dict(leads_item_data)

            leads.append(leads_item)

        match_in = cls(
            leads=leads,
        )

        return match_in
