from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.track_exit_when_type_0 import TrackExitWhenType0
    from ..models.track_reenroll_type_1 import TrackReenrollType1
    from ..models.track_steps_item import TrackStepsItem


T = TypeVar("T", bound="Track")


@_attrs_define
class Track:
    """
    Attributes:
        active (bool):
        allow_concurrent (bool):
        created_at (datetime.datetime):
        exit_when (None | TrackExitWhenType0):
        id (str):
        name (str):
        reenroll (str | TrackReenrollType1): "never" or {"after_days": N}.
        steps (list[TrackStepsItem]):
        updated_at (datetime.datetime):
    """

    active: bool
    allow_concurrent: bool
    created_at: datetime.datetime
    exit_when: None | TrackExitWhenType0
    id: str
    name: str
    reenroll: str | TrackReenrollType1
    steps: list[TrackStepsItem]
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.track_exit_when_type_0 import TrackExitWhenType0  # noqa: PLC0415
        from ..models.track_reenroll_type_1 import TrackReenrollType1  # noqa: PLC0415

        active = self.active

        allow_concurrent = self.allow_concurrent

        created_at = self.created_at.isoformat()

        exit_when: dict[str, Any] | None
        if isinstance(self.exit_when, TrackExitWhenType0):
            exit_when = self.exit_when.to_dict()
        else:
            exit_when = self.exit_when

        id = self.id

        name = self.name

        reenroll: dict[str, Any] | str
        if isinstance(self.reenroll, TrackReenrollType1):
            reenroll = self.reenroll.to_dict()
        else:
            reenroll = self.reenroll

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "allow_concurrent": allow_concurrent,
                "created_at": created_at,
                "exit_when": exit_when,
                "id": id,
                "name": name,
                "reenroll": reenroll,
                "steps": steps,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.track_exit_when_type_0 import TrackExitWhenType0  # noqa: PLC0415
        from ..models.track_reenroll_type_1 import TrackReenrollType1  # noqa: PLC0415
        from ..models.track_steps_item import TrackStepsItem  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        allow_concurrent = d.pop("allow_concurrent")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_exit_when(data: object) -> None | TrackExitWhenType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                exit_when_type_0 = TrackExitWhenType0.from_dict(data)

                return exit_when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrackExitWhenType0, data)

        exit_when = _parse_exit_when(d.pop("exit_when"))

        id = d.pop("id")

        name = d.pop("name")

        def _parse_reenroll(data: object) -> str | TrackReenrollType1:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reenroll_type_1 = TrackReenrollType1.from_dict(data)

                return reenroll_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | TrackReenrollType1, data)

        reenroll = _parse_reenroll(d.pop("reenroll"))

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in _steps:
            steps_item = TrackStepsItem.from_dict(steps_item_data)

            steps.append(steps_item)

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        track = cls(
            active=active,
            allow_concurrent=allow_concurrent,
            created_at=created_at,
            exit_when=exit_when,
            id=id,
            name=name,
            reenroll=reenroll,
            steps=steps,
            updated_at=updated_at,
        )

        track.additional_properties = d
        return track

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
