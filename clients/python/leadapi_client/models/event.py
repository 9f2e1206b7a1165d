from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event_properties import EventProperties


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """
    Attributes:
        external_id (None | str):
        id (str):
        lead_id (str):
        occurred_at (datetime.datetime):
        properties (EventProperties):
        replayed (bool): True when `external_id` was already recorded: nothing was added.
        source (None | str):
        type_ (str):
    """

    external_id: None | str
    id: str
    lead_id: str
    occurred_at: datetime.datetime
    properties: EventProperties
    replayed: bool
    source: None | str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        external_id: None | str
        external_id = self.external_id

        id = self.id

        lead_id = self.lead_id

        occurred_at = self.occurred_at.isoformat()

        properties = self.properties.to_dict()

        replayed = self.replayed

        source: None | str
        source = self.source

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "external_id": external_id,
                "id": id,
                "lead_id": lead_id,
                "occurred_at": occurred_at,
                "properties": properties,
                "replayed": replayed,
                "source": source,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_properties import EventProperties  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        properties = EventProperties.from_dict(d.pop("properties"))

        replayed = d.pop("replayed")

        def _parse_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source = _parse_source(d.pop("source"))

        type_ = d.pop("type")

        event = cls(
            external_id=external_id,
            id=id,
            lead_id=lead_id,
            occurred_at=occurred_at,
            properties=properties,
            replayed=replayed,
            source=source,
            type_=type_,
        )

        event.additional_properties = d
        return event

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
