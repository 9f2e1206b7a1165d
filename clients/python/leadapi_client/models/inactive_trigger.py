from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="InactiveTrigger")


@_attrs_define
class InactiveTrigger:
    """
    Attributes:
        inactive_for_days (int): A lead's last activity (a behaviour event; its creation if it never had one) is this
            many days old: found by a sweep, it fires once per quiet spell (new activity starts another), through an
            `automation.inactivity` event on the lead. Leads that turn inactive after the automation is made (or switched
            on, or its days changed), not those already quiet then.
    """

    inactive_for_days: int

    def to_dict(self) -> dict[str, Any]:
        inactive_for_days = self.inactive_for_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "inactive_for_days": inactive_for_days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        inactive_for_days = d.pop("inactive_for_days")

        inactive_trigger = cls(
            inactive_for_days=inactive_for_days,
        )

        return inactive_trigger
