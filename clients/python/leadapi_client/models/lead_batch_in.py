from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lead_create import LeadCreate


T = TypeVar("T", bound="LeadBatchIn")


@_attrs_define
class LeadBatchIn:
    """
    Attributes:
        leads (list[LeadCreate]):
        overwrite (bool | Unset): Matched leads take the new non-empty values. Default: False.
    """

    leads: list[LeadCreate]
    overwrite: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        leads = []
        for leads_item_data in self.leads:
            leads_item = leads_item_data.to_dict()
            leads.append(leads_item)

        overwrite = self.overwrite

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "leads": leads,
            }
        )
        if overwrite is not UNSET:
            field_dict["overwrite"] = overwrite

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_create import LeadCreate  # noqa: PLC0415

        d = dict(src_dict)
        leads = []
        _leads = d.pop("leads")
        for leads_item_data in _leads:
            leads_item = LeadCreate.from_dict(leads_item_data)

            leads.append(leads_item)

        overwrite = d.pop("overwrite", UNSET)

        lead_batch_in = cls(
            leads=leads,
            overwrite=overwrite,
        )

        return lead_batch_in
