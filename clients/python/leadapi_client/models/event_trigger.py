from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EventTrigger")


@_attrs_define
class EventTrigger:
    """
    Attributes:
        event (str): An event type, or a pattern with `*` (`lead.*`, `*`), as webhooks' event filters.
    """

    event: str

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event = d.pop("event")

        event_trigger = cls(
            event=event,
        )

        return event_trigger
