from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reenroll_after import ReenrollAfter
    from ..models.step import Step
    from ..models.track_update_exit_when_type_0 import TrackUpdateExitWhenType0


T = TypeVar("T", bound="TrackUpdate")


@_attrs_define
class TrackUpdate:
    """Partial update: absent fields stay; `exit_when: null` removes the condition.

    Attributes:
        active (bool | Unset): Only active tracks take enrolments and send steps.
        allow_concurrent (bool | Unset): A lead may be in this track while in others (default false: one track at a
            time).
        exit_when (None | TrackUpdateExitWhenType0 | Unset): When this holds for the lead (on enrolment and at each due
            step), it leaves the track (`exit_when`). A condition (as in scoring, routing and automations) over the lead:
            `band`, `stage`, `owner_id`, `tags`, `unsubscribed`, `attributes.x`, ...
        name (str | Unset):
        reenroll (Literal['never'] | ReenrollAfter | Unset): "never" (the default), or {"after_days": N}: again N days
            after the last ended.
        steps (list[Step] | Unset):
    """

    active: bool | Unset = UNSET
    allow_concurrent: bool | Unset = UNSET
    exit_when: None | TrackUpdateExitWhenType0 | Unset = UNSET
    name: str | Unset = UNSET
    reenroll: Literal["never"] | ReenrollAfter | Unset = UNSET
    steps: list[Step] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.reenroll_after import ReenrollAfter  # noqa: PLC0415
        from ..models.track_update_exit_when_type_0 import TrackUpdateExitWhenType0  # noqa: PLC0415

        active = self.active

        allow_concurrent = self.allow_concurrent

        exit_when: dict[str, Any] | None | Unset
        if isinstance(self.exit_when, Unset):
            exit_when = UNSET
        elif isinstance(self.exit_when, TrackUpdateExitWhenType0):
            exit_when = self.exit_when.to_dict()
        else:
            exit_when = self.exit_when

        name = self.name

        reenroll: dict[str, Any] | Literal["never"] | Unset
        if isinstance(self.reenroll, Unset):
            reenroll = UNSET
        elif isinstance(self.reenroll, ReenrollAfter):
            reenroll = self.reenroll.to_dict()
        else:
            reenroll = self.reenroll

        steps: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.steps, Unset):
            steps = []
            for steps_item_data in self.steps:
                steps_item = steps_item_data.to_dict()
                steps.append(steps_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if allow_concurrent is not UNSET:
            field_dict["allow_concurrent"] = allow_concurrent
        if exit_when is not UNSET:
            field_dict["exit_when"] = exit_when
        if name is not UNSET:
            field_dict["name"] = name
        if reenroll is not UNSET:
            field_dict["reenroll"] = reenroll
        if steps is not UNSET:
            field_dict["steps"] = steps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reenroll_after import ReenrollAfter  # noqa: PLC0415
        from ..models.step import Step  # noqa: PLC0415
        from ..models.track_update_exit_when_type_0 import TrackUpdateExitWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active", UNSET)

        allow_concurrent = d.pop("allow_concurrent", UNSET)

        def _parse_exit_when(data: object) -> None | TrackUpdateExitWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                exit_when_type_0 = TrackUpdateExitWhenType0.from_dict(data)

                return exit_when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrackUpdateExitWhenType0 | Unset, data)

        exit_when = _parse_exit_when(d.pop("exit_when", UNSET))

        name = d.pop("name", UNSET)

        def _parse_reenroll(data: object) -> Literal["never"] | ReenrollAfter | Unset:
            if isinstance(data, Unset):
                return data
            reenroll_type_0 = cast(Literal["never"], data)
            if reenroll_type_0 != "never":
                raise ValueError(f"reenroll_type_0 must match const 'never', got '{reenroll_type_0}'")
            return reenroll_type_0
            if not isinstance(data, dict):
                raise TypeError()
            reenroll_type_1 = ReenrollAfter.from_dict(data)

            return reenroll_type_1

        reenroll = _parse_reenroll(d.pop("reenroll", UNSET))

        _steps = d.pop("steps", UNSET)
        steps: list[Step] | Unset = UNSET
        if _steps is not UNSET:
            steps = []
            for steps_item_data in _steps:
                steps_item = Step.from_dict(steps_item_data)

                steps.append(steps_item)

        track_update = cls(
            active=active,
            allow_concurrent=allow_concurrent,
            exit_when=exit_when,
            name=name,
            reenroll=reenroll,
            steps=steps,
        )

        return track_update
