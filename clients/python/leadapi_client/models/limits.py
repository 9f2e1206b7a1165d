from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Limits")


@_attrs_define
class Limits:
    """
    Attributes:
        cooldown_minutes (int | None | Unset): After firing for a lead, not again for it for this long.
        max_runs_per_day (int | None | Unset): Fire at most this many times in any 24 hours (all leads).
        once_per_lead (bool | Unset): Fire at most once for a lead, ever. Default: False.
    """

    cooldown_minutes: int | None | Unset = UNSET
    max_runs_per_day: int | None | Unset = UNSET
    once_per_lead: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        cooldown_minutes: int | None | Unset
        if isinstance(self.cooldown_minutes, Unset):
            cooldown_minutes = UNSET
        else:
            cooldown_minutes = self.cooldown_minutes

        max_runs_per_day: int | None | Unset
        if isinstance(self.max_runs_per_day, Unset):
            max_runs_per_day = UNSET
        else:
            max_runs_per_day = self.max_runs_per_day

        once_per_lead = self.once_per_lead

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cooldown_minutes is not UNSET:
            field_dict["cooldown_minutes"] = cooldown_minutes
        if max_runs_per_day is not UNSET:
            field_dict["max_runs_per_day"] = max_runs_per_day
        if once_per_lead is not UNSET:
            field_dict["once_per_lead"] = once_per_lead

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_cooldown_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cooldown_minutes = _parse_cooldown_minutes(d.pop("cooldown_minutes", UNSET))

        def _parse_max_runs_per_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_runs_per_day = _parse_max_runs_per_day(d.pop("max_runs_per_day", UNSET))

        once_per_lead = d.pop("once_per_lead", UNSET)

        limits = cls(
            cooldown_minutes=cooldown_minutes,
            max_runs_per_day=max_runs_per_day,
            once_per_lead=once_per_lead,
        )

        return limits
