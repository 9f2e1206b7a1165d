from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.timeline_event_data import TimelineEventData


T = TypeVar("T", bound="TimelineEvent")


@_attrs_define
class TimelineEvent:
    """
    Attributes:
        actor (None | str):
        data (TimelineEventData): A behaviour event's properties, or what a lead.* event changed.
        id (str):
        occurred_at (datetime.datetime):
        seq (int | None): Position in the workspace's change feed; null for a moment after commit.
        type_ (str):
        caused_by (None | str | Unset): The automation run whose action appended this event (null: none did).
        external_id (None | str | Unset):
        source (None | str | Unset):
    """

    actor: None | str
    data: TimelineEventData
    id: str
    occurred_at: datetime.datetime
    seq: int | None
    type_: str
    caused_by: None | str | Unset = UNSET
    external_id: None | str | Unset = UNSET
    source: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor: None | str
        actor = self.actor

        data = self.data.to_dict()

        id = self.id

        occurred_at = self.occurred_at.isoformat()

        seq: int | None
        seq = self.seq

        type_ = self.type_

        caused_by: None | str | Unset
        if isinstance(self.caused_by, Unset):
            caused_by = UNSET
        else:
            caused_by = self.caused_by

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "data": data,
                "id": id,
                "occurred_at": occurred_at,
                "seq": seq,
                "type": type_,
            }
        )
        if caused_by is not UNSET:
            field_dict["caused_by"] = caused_by
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeline_event_data import TimelineEventData  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        data = TimelineEventData.from_dict(d.pop("data"))

        id = d.pop("id")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        def _parse_seq(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seq = _parse_seq(d.pop("seq"))

        type_ = d.pop("type")

        def _parse_caused_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        caused_by = _parse_caused_by(d.pop("caused_by", UNSET))

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        timeline_event = cls(
            actor=actor,
            data=data,
            id=id,
            occurred_at=occurred_at,
            seq=seq,
            type_=type_,
            caused_by=caused_by,
            external_id=external_id,
            source=source,
        )

        timeline_event.additional_properties = d
        return timeline_event

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
