from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Enroll")


@_attrs_define
class Enroll:
    """
    Attributes:
        track_id (str): The nurture track the lead is enrolled in (the one-track rule and reenroll apply: a refused
            enrolment is recorded as refused).
        type_ (Literal['enroll']):
    """

    track_id: str
    type_: Literal["enroll"]

    def to_dict(self) -> dict[str, Any]:
        track_id = self.track_id

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "track_id": track_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        track_id = d.pop("track_id")

        type_ = cast(Literal["enroll"], d.pop("type"))
        if type_ != "enroll":
            raise ValueError(f"type must match const 'enroll', got '{type_}'")

        enroll = cls(
            track_id=track_id,
            type_=type_,
        )

        return enroll
