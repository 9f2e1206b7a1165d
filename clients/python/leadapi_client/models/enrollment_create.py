from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EnrollmentCreate")


@_attrs_define
class EnrollmentCreate:
    """
    Attributes:
        track_id (str):
    """

    track_id: str

    def to_dict(self) -> dict[str, Any]:
        track_id = self.track_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "track_id": track_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        track_id = d.pop("track_id")

        enrollment_create = cls(
            track_id=track_id,
        )

        return enrollment_create
