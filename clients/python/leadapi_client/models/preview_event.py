from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.preview_event_properties import PreviewEventProperties


T = TypeVar("T", bound="PreviewEvent")


@_attrs_define
class PreviewEvent:
    """An inline event (its external_id is ignored: nothing is stored).

    Attributes:
        type_ (str): A standard type (page_view, form_submit, email_open, email_click, content_download,
            webinar_attended, demo_request, unsubscribe, call, email_sent, meeting) or any snake_case or dotted custom type;
            system types (lead.*, sla.* ...) are reserved.
        external_id (None | str | Unset): The event's id in the sending system: a replay is acknowledged, not counted.
        occurred_at (datetime.datetime | None | Unset): When it happened (default: now); may be in the past. Without an
            offset, UTC.
        properties (PreviewEventProperties | Unset): Event details, e.g. `url`/`path` for page_view; at most 50 keys, 16
            KiB.
        source (None | str | Unset):
    """

    type_: str
    external_id: None | str | Unset = UNSET
    occurred_at: datetime.datetime | None | Unset = UNSET
    properties: PreviewEventProperties | Unset = UNSET
    source: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

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
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if occurred_at is not UNSET:
            field_dict["occurred_at"] = occurred_at
        if properties is not UNSET:
            field_dict["properties"] = properties
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_event_properties import PreviewEventProperties  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

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
        properties: PreviewEventProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = PreviewEventProperties.from_dict(_properties)

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        preview_event = cls(
            type_=type_,
            external_id=external_id,
            occurred_at=occurred_at,
            properties=properties,
            source=source,
        )

        return preview_event
