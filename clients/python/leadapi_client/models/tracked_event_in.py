from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lead_external_ref import LeadExternalRef
    from ..models.tracked_event_in_properties import TrackedEventInProperties


T = TypeVar("T", bound="TrackedEventIn")


@_attrs_define
class TrackedEventIn:
    """An event that names its lead: by `lead_id`, `email` or `lead_external_id` (exactly one).

    Attributes:
        type_ (str): A standard type (page_view, form_submit, email_open, email_click, content_download,
            webinar_attended, demo_request, unsubscribe, call, email_sent, meeting) or any snake_case or dotted custom type;
            system types (lead.*, sla.* ...) are reserved.
        create_lead (bool | Unset): With `email`: an unknown email creates the lead. Default: False.
        email (None | str | Unset):
        external_id (None | str | Unset): The event's id in the sending system: a replay is acknowledged, not counted.
        lead_external_id (LeadExternalRef | None | Unset): e.g. `{"system": "hubspot", "id": "123"}`
        lead_id (None | str | Unset):
        occurred_at (datetime.datetime | None | Unset): When it happened (default: now); may be in the past. Without an
            offset, UTC.
        properties (TrackedEventInProperties | Unset): Event details, e.g. `url`/`path` for page_view; at most 50 keys,
            16 KiB.
        source (None | str | Unset):
    """

    type_: str
    create_lead: bool | Unset = False
    email: None | str | Unset = UNSET
    external_id: None | str | Unset = UNSET
    lead_external_id: LeadExternalRef | None | Unset = UNSET
    lead_id: None | str | Unset = UNSET
    occurred_at: datetime.datetime | None | Unset = UNSET
    properties: TrackedEventInProperties | Unset = UNSET
    source: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.lead_external_ref import LeadExternalRef  # noqa: PLC0415

        type_ = self.type_

        create_lead = self.create_lead

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        lead_external_id: dict[str, Any] | None | Unset
        if isinstance(self.lead_external_id, Unset):
            lead_external_id = UNSET
        elif isinstance(self.lead_external_id, LeadExternalRef):
            lead_external_id = self.lead_external_id.to_dict()
        else:
            lead_external_id = self.lead_external_id

        lead_id: None | str | Unset
        if isinstance(self.lead_id, Unset):
            lead_id = UNSET
        else:
            lead_id = self.lead_id

        occurred_at: None | str | Unset
        if isinstance(self.occurred_at, Unset):
            occurred_at = UNSET
        elif isinstance(self.occurred_at, datetime.datetime):
            occurred_at = self.occurred_at.isoformat()
        else:
            occurred_at = self.occurred_at

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )
        if create_lead is not UNSET:
            field_dict["create_lead"] = create_lead
        if email is not UNSET:
            field_dict["email"] = email
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if lead_external_id is not UNSET:
            field_dict["lead_external_id"] = lead_external_id
        if lead_id is not UNSET:
            field_dict["lead_id"] = lead_id
        if occurred_at is not UNSET:
            field_dict["occurred_at"] = occurred_at
        if properties is not UNSET:
            field_dict["properties"] = properties
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead_external_ref import LeadExternalRef  # noqa: PLC0415
        from ..models.tracked_event_in_properties import TrackedEventInProperties  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        create_lead = d.pop("create_lead", UNSET)

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_lead_external_id(data: object) -> LeadExternalRef | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lead_external_id_type_0 = LeadExternalRef.from_dict(data)

                return lead_external_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LeadExternalRef | None | Unset, data)

        lead_external_id = _parse_lead_external_id(d.pop("lead_external_id", UNSET))

        def _parse_lead_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lead_id = _parse_lead_id(d.pop("lead_id", UNSET))

        def _parse_occurred_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                occurred_at_type_0 = datetime.datetime.fromisoformat(data)

                return occurred_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        occurred_at = _parse_occurred_at(d.pop("occurred_at", UNSET))

        _properties = d.pop("properties", UNSET)
        properties: TrackedEventInProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = TrackedEventInProperties.from_dict(_properties)

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        tracked_event_in = cls(
            type_=type_,
            create_lead=create_lead,
            email=email,
            external_id=external_id,
            lead_external_id=lead_external_id,
            lead_id=lead_id,
            occurred_at=occurred_at,
            properties=properties,
            source=source,
        )

        return tracked_event_in
