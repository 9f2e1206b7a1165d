from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.automation_create import AutomationCreate
    from ..models.automation_preview_event import AutomationPreviewEvent
    from ..models.lead_fields import LeadFields


T = TypeVar("T", bound="AutomationPreviewIn")


@_attrs_define
class AutomationPreviewIn:
    """
    Attributes:
        automation (AutomationCreate | str): A stored automation's id, or one written out (not stored).
        event (AutomationPreviewEvent):
        lead (LeadFields | None | Unset): A lead written out (not stored), instead of lead_id.
        lead_id (None | str | Unset):
    """

    automation: AutomationCreate | str
    event: AutomationPreviewEvent
    lead: LeadFields | None | Unset = UNSET
    lead_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.automation_create import AutomationCreate  # noqa: PLC0415
        from ..models.lead_fields import LeadFields  # noqa: PLC0415

        automation: dict[str, Any] | str
        if isinstance(self.automation, AutomationCreate):
            automation = self.automation.to_dict()
        else:
            automation = self.automation

        event = self.event.to_dict()

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

        field_dict.update(
            {
                "automation": automation,
                "event": event,
            }
        )
        if lead is not UNSET:
            field_dict["lead"] = lead
        if lead_id is not UNSET:
            field_dict["lead_id"] = lead_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.automation_create import AutomationCreate  # noqa: PLC0415
        from ..models.automation_preview_event import AutomationPreviewEvent  # noqa: PLC0415
        from ..models.lead_fields import LeadFields  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_automation(data: object) -> AutomationCreate | str:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                automation_type_1 = AutomationCreate.from_dict(data)

                return automation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AutomationCreate | str, data)

        automation = _parse_automation(d.pop("automation"))

        event = AutomationPreviewEvent.from_dict(d.pop("event"))

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

        automation_preview_in = cls(
            automation=automation,
            event=event,
            lead=lead,
            lead_id=lead_id,
        )

        return automation_preview_in
