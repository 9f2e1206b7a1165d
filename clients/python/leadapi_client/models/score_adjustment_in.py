from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScoreAdjustmentIn")


@_attrs_define
class ScoreAdjustmentIn:
    """
    Attributes:
        points (int): Points added to the behaviour part (negative: taken away); not 0.
        reason (str): Why: shown in the score's breakdown.
        expires_in_days (int | None | Unset): The points stop counting after this many days; none: never.
    """

    points: int
    reason: str
    expires_in_days: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        points = self.points

        reason = self.reason

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

        def _parse_expires_in_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_in_days = _parse_expires_in_days(d.pop("expires_in_days", UNSET))

        score_adjustment_in = cls(
            points=points,
            reason=reason,
            expires_in_days=expires_in_days,
        )

        return score_adjustment_in
