from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lead_fields import LeadFields


T = TypeVar("T", bound="RoutingPreviewIn")


@_attrs_define
class RoutingPreviewIn:
    """
    Attributes:
        lead (LeadFields | None | Unset): An inline lead, normalised as on capture.
        lead_id (None | str | Unset): A stored lead; or give `lead`.
    """

    lead: LeadFields | None | Unset = UNSET
    lead_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.lead_fields import LeadFields  # noqa: PLC0415

        lead: dict[str, Any] | None | Unset
        if isinstance(self.lead, Unset):
            lead = UNSET
        elif isinstance(self.lead, LeadFields):
            lead = self.lead.to_dict()
        else:
            lead = self.lead

        lead_id: None | str | Unset
        if isinstance(self.lead_id, Unset):
            lead_id = UNSET
        else:
            lead_id = self.lead_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if lead is not UNSET:
            field_dict["lead"] = lead
        if lead_id is not UNSET:
            field_dict["lead_id"] = lead_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_fields import LeadFields  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_lead(data: object) -> LeadFields | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lead_type_0 = LeadFields.from_dict(data)

                return lead_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LeadFields | None | Unset, data)

        lead = _parse_lead(d.pop("lead", UNSET))

        def _parse_lead_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lead_id = _parse_lead_id(d.pop("lead_id", UNSET))

        routing_preview_in = cls(
            lead=lead,
            lead_id=lead_id,
        )

        return routing_preview_in
