from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="IntentSpikeSpec")


@_attrs_define
class IntentSpikeSpec:
    """Either `points` (behaviour points gained within the window) or `events` (that many events of
    `types` within the window).

        Attributes:
            within_hours (int): The window, ending at the triggering event.
            events (int | None | Unset): Events of `types` counted.
            points (float | None | Unset): Behaviour points gained.
            types (list[str] | None | Unset): With `events`: the types (or patterns) counted.
    """

    within_hours: int
    events: int | None | Unset = UNSET
    points: float | None | Unset = UNSET
    types: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        within_hours = self.within_hours

        events: int | None | Unset
        if isinstance(self.events, Unset):
            events = UNSET
        else:
            events = self.events

        points: float | None | Unset
        if isinstance(self.points, Unset):
            points = UNSET
        else:
            points = self.points

        types: list[str] | None | Unset
        if isinstance(self.types, Unset):
            types = UNSET
        elif isinstance(self.types, list):
            types = self.types

        else:
            types = self.types

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "within_hours": within_hours,
            }
        )
        if events is not UNSET:
            field_dict["events"] = events
        if points is not UNSET:
            field_dict["points"] = points
        if types is not UNSET:
            field_dict["types"] = types

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        within_hours = d.pop("within_hours")

        def _parse_events(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        events = _parse_events(d.pop("events", UNSET))

        def _parse_points(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        points = _parse_points(d.pop("points", UNSET))

        def _parse_types(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                types_type_0 = cast(list[str], data)

                return types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        types = _parse_types(d.pop("types", UNSET))

        intent_spike_spec = cls(
            within_hours=within_hours,
            events=events,
            points=points,
            types=types,
        )

        return intent_spike_spec
