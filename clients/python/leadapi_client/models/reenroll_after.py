from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReenrollAfter")


@_attrs_define
class ReenrollAfter:
    """
    Attributes:
        after_days (int): Days after the last enrolment in the track ended.
    """

    after_days: int

    def to_dict(self) -> dict[str, Any]:
        after_days = self.after_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "after_days": after_days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        after_days = d.pop("after_days")

        reenroll_after = cls(
            after_days=after_days,
        )

        return reenroll_after
