from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SegmentEnteredTrigger")


@_attrs_define
class SegmentEnteredTrigger:
    """
    Attributes:
        segment_entered (str): A lead entered this segment (`segment.entered`); one of the workspace's segments.
    """

    segment_entered: str

    def to_dict(self) -> dict[str, Any]:
        segment_entered = self.segment_entered

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "segment_entered": segment_entered,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        segment_entered = d.pop("segment_entered")

        segment_entered_trigger = cls(
            segment_entered=segment_entered,
        )

        return segment_entered_trigger
