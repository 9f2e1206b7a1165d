from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lead_fields import LeadFields
    from ..models.preview_event import PreviewEvent
    from ..models.preview_in_model_type_0 import PreviewInModelType0


T = TypeVar("T", bound="PreviewIn")


@_attrs_define
class PreviewIn:
    """
    Attributes:
        events (list[PreviewEvent] | Unset):
        lead (LeadFields | None | Unset): ...or this inline lead, with `events`.
        lead_id (None | str | Unset): Score this stored lead with its stored events...
        model (None | PreviewInModelType0 | Unset): A draft model to try; default: the active model.
    """

    events: list[PreviewEvent] | Unset = UNSET
    lead: LeadFields | None | Unset = UNSET
    lead_id: None | str | Unset = UNSET
    model: None | PreviewInModelType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.lead_fields import LeadFields  # noqa: PLC0415
        from ..models.preview_in_model_type_0 import PreviewInModelType0  # noqa: PLC0415

        events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.to_dict()
                events.append(events_item)

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

        model: dict[str, Any] | None | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        elif isinstance(self.model, PreviewInModelType0):
            model = self.model.to_dict()
        else:
            model = self.model

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if events is not UNSET:
            field_dict["events"] = events
        if lead is not UNSET:
            field_dict["lead"] = lead
        if lead_id is not UNSET:
            field_dict["lead_id"] = lead_id
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_fields import LeadFields  # noqa: PLC0415
        from ..models.preview_event import PreviewEvent  # noqa: PLC0415
        from ..models.preview_in_model_type_0 import PreviewInModelType0  # noqa: PLC0415

        d = dict(src_dict)
        _events = d.pop("events", UNSET)
        events: list[PreviewEvent] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = PreviewEvent.from_dict(events_item_data)

                events.append(events_item)

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

        def _parse_model(data: object) -> None | PreviewInModelType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_type_0 = PreviewInModelType0.from_dict(data)

                return model_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PreviewInModelType0 | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        preview_in = cls(
            events=events,
            lead=lead,
            lead_id=lead_id,
            model=model,
        )

        return preview_in
