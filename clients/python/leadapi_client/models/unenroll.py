from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Unenroll")


@_attrs_define
class Unenroll:
    """
    Attributes:
        reason (str): Kept on the exited enrolment and in `track.exited`.
        type_ (Literal['unenroll']):
        track_id (None | str | Unset): The track the lead leaves; none: every track it is in.
    """

    reason: str
    type_: Literal["unenroll"]
    track_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        type_ = self.type_

        track_id: None | str | Unset
        if isinstance(self.track_id, Unset):
            track_id = UNSET
        else:
            track_id = self.track_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "type": type_,
            }
        )
        if track_id is not UNSET:
            field_dict["track_id"] = track_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        type_ = cast(Literal["unenroll"], d.pop("type"))
        if type_ != "unenroll":
            raise ValueError(f"type must match const 'unenroll', got '{type_}'")

        def _parse_track_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        track_id = _parse_track_id(d.pop("track_id", UNSET))

        unenroll = cls(
            reason=reason,
            type_=type_,
            track_id=track_id,
        )

        return unenroll
