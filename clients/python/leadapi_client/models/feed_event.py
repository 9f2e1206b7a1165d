from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.feed_event_data import FeedEventData


T = TypeVar("T", bound="FeedEvent")


@_attrs_define
class FeedEvent:
    """
    Attributes:
        actor (None | str):
        data (FeedEventData):
        external_id (None | str):
        id (str):
        lead_id (None | str):
        occurred_at (datetime.datetime):
        seq (int): The workspace's sequence number: increasing, never reused.
        source (None | str):
        type_ (str):
        caused_by (None | str | Unset): The automation run whose action appended this event (null: none did).
    """

    actor: None | str
    data: FeedEventData
    external_id: None | str
    id: str
    lead_id: None | str
    occurred_at: datetime.datetime
    seq: int
    source: None | str
    type_: str
    caused_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor: None | str
        actor = self.actor

        data = self.data.to_dict()

        external_id: None | str
        external_id = self.external_id

        id = self.id

        lead_id: None | str
        lead_id = self.lead_id

        occurred_at = self.occurred_at.isoformat()

        seq = self.seq

        source: None | str
        source = self.source

        type_ = self.type_

        caused_by: None | str | Unset
        if isinstance(self.caused_by, Unset):
            caused_by = UNSET
        else:
            caused_by = self.caused_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "data": data,
                "external_id": external_id,
                "id": id,
                "lead_id": lead_id,
                "occurred_at": occurred_at,
                "seq": seq,
                "source": source,
                "type": type_,
            }
        )
        if caused_by is not UNSET:
            field_dict["caused_by"] = caused_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feed_event_data import FeedEventData  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        data = FeedEventData.from_dict(d.pop("data"))

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        id = d.pop("id")

        def _parse_lead_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lead_id = _parse_lead_id(d.pop("lead_id"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        seq = d.pop("seq")

        def _parse_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source = _parse_source(d.pop("source"))

        type_ = d.pop("type")

        def _parse_caused_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        caused_by = _parse_caused_by(d.pop("caused_by", UNSET))

        feed_event = cls(
            actor=actor,
            data=data,
            external_id=external_id,
            id=id,
            lead_id=lead_id,
            occurred_at=occurred_at,
            seq=seq,
            source=source,
            type_=type_,
            caused_by=caused_by,
        )

        feed_event.additional_properties = d
        return feed_event

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
