from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AdjustScore")


@_attrs_define
class AdjustScore:
    """Manual points, as `POST /v1/leads/{id}/score-adjustments` makes them: counted in the behaviour
    part until they expire, shown in the breakdown with the run that made them.

        Attributes:
            points (int): Points added to the behaviour part (negative: taken away); not 0.
            reason (str): Why: shown in the score's breakdown.
            type_ (Literal['adjust_score']):
            expires_in_days (int | None | Unset): The points stop counting after this many days; none: never.
    """

    points: int
    reason: str
    type_: Literal["adjust_score"]
    expires_in_days: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        points = self.points

        reason = self.reason

        type_ = self.type_

        expires_in_days: int | None | Unset
        if isinstance(self.expires_in_days, Unset):
            expires_in_days = UNSET
        else:
            expires_in_days = self.expires_in_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "points": points,
                "reason": reason,
                "type": type_,
            }
        )
        if expires_in_days is not UNSET:
            field_dict["expires_in_days"] = expires_in_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        points = d.pop("points")

        reason = d.pop("reason")

        type_ = cast(Literal["adjust_score"], d.pop("type"))
        if type_ != "adjust_score":
            raise ValueError(f"type must match const 'adjust_score', got '{type_}'")

        def _parse_expires_in_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_in_days = _parse_expires_in_days(d.pop("expires_in_days", UNSET))

        adjust_score = cls(
            points=points,
            reason=reason,
            type_=type_,
            expires_in_days=expires_in_days,
        )

        return adjust_score
