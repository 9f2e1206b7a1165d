from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionUpdate")


@_attrs_define
class SubscriptionUpdate:
    """Partial update; absent fields stay.

    Attributes:
        active (bool | Unset): Setting true again re-enables a disabled subscription.
        description (None | str | Unset):
        events (list[str] | Unset): Event types or patterns: `lead.*`, `sla.breached`.
        url (str | Unset): Where to POST: http(s), not a private address.
    """

    active: bool | Unset = UNSET
    description: None | str | Unset = UNSET
    events: list[str] | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = self.events

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if description is not UNSET:
            field_dict["description"] = description
        if events is not UNSET:
            field_dict["events"] = events
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active", UNSET)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        events = cast(list[str], d.pop("events", UNSET))

        url = d.pop("url", UNSET)

        subscription_update = cls(
            active=active,
            description=description,
            events=events,
            url=url,
        )

        return subscription_update
