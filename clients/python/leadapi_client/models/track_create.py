from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reenroll_after import ReenrollAfter
    from ..models.step import Step
    from ..models.track_create_exit_when_type_0 import TrackCreateExitWhenType0


T = TypeVar("T", bound="TrackCreate")


@_attrs_define
class TrackCreate:
    """
    Attributes:
        name (str):
        steps (list[Step]):
        active (bool | None | Unset): Only active tracks take enrolments and send steps.
        allow_concurrent (bool | None | Unset): A lead may be in this track while in others (default false: one track at
            a time).
        exit_when (None | TrackCreateExitWhenType0 | Unset): When this holds for the lead (on enrolment and at each due
            step), it leaves the track (`exit_when`). A condition (as in scoring, routing and automations) over the lead:
            `band`, `stage`, `owner_id`, `tags`, `unsubscribed`, `attributes.x`, ...
        reenroll (Literal['never'] | None | ReenrollAfter | Unset): "never" (the default), or {"after_days": N}: again N
            days after the last ended.
    """

    name: str
    steps: list[Step]
    active: bool | None | Unset = UNSET
    allow_concurrent: bool | None | Unset = UNSET
    exit_when: None | TrackCreateExitWhenType0 | Unset = UNSET
    reenroll: Literal["never"] | None | ReenrollAfter | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.reenroll_after import ReenrollAfter  # noqa: PLC0415
        from ..models.track_create_exit_when_type_0 import TrackCreateExitWhenType0  # noqa: PLC0415

        name = self.name

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        allow_concurrent: bool | None | Unset
        if isinstance(self.allow_concurrent, Unset):
            allow_concurrent = UNSET
        else:
            allow_concurrent = self.allow_concurrent

        exit_when: dict[str, Any] | None | Unset
        if isinstance(self.exit_when, Unset):
            exit_when = UNSET
        elif isinstance(self.exit_when, TrackCreateExitWhenType0):
            exit_when = self.exit_when.to_dict()
        else:
            exit_when = self.exit_when

        reenroll: dict[str, Any] | Literal["never"] | None | Unset
        if isinstance(self.reenroll, Unset):
            reenroll = UNSET
        elif isinstance(self.reenroll, ReenrollAfter):
            reenroll = self.reenroll.to_dict()
        else:
            reenroll = self.reenroll

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "steps": steps,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if allow_concurrent is not UNSET:
            field_dict["allow_concurrent"] = allow_concurrent
        if exit_when is not UNSET:
            field_dict["exit_when"] = exit_when
        if reenroll is not UNSET:
            field_dict["reenroll"] = reenroll

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reenroll_after import ReenrollAfter  # noqa: PLC0415
        from ..models.step import Step  # noqa: PLC0415
        from ..models.track_create_exit_when_type_0 import TrackCreateExitWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in _steps:
            steps_item = Step.from_dict(steps_item_data)

            steps.append(steps_item)

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_allow_concurrent(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        allow_concurrent = _parse_allow_concurrent(d.pop("allow_concurrent", UNSET))

        def _parse_exit_when(data: object) -> None | TrackCreateExitWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                exit_when_type_0 = TrackCreateExitWhenType0.from_dict(data)

                return exit_when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrackCreateExitWhenType0 | Unset, data)

        exit_when = _parse_exit_when(d.pop("exit_when", UNSET))

        def _parse_reenroll(data: object) -> Literal["never"] | None | ReenrollAfter | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            reenroll_type_0_type_0 = cast(Literal["never"], data)
            if reenroll_type_0_type_0 != "never":
                raise ValueError(f"reenroll_type_0_type_0 must match const 'never', got '{reenroll_type_0_type_0}'")
            return reenroll_type_0_type_0
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reenroll_type_0_type_1 = ReenrollAfter.from_dict(data)

                return reenroll_type_0_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Literal["never"] | None | ReenrollAfter | Unset, data)

        reenroll = _parse_reenroll(d.pop("reenroll", UNSET))

        track_create = cls(
            name=name,
            steps=steps,
            active=active,
            allow_concurrent=allow_concurrent,
            exit_when=exit_when,
            reenroll=reenroll,
        )

        return track_create
