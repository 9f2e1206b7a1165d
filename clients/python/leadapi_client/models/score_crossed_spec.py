from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.score_crossed_spec_direction import ScoreCrossedSpecDirection
from ..models.score_crossed_spec_field import ScoreCrossedSpecField
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScoreCrossedSpec")


@_attrs_define
class ScoreCrossedSpec:
    """
    Attributes:
        threshold (float):
        direction (ScoreCrossedSpecDirection | Unset): up: from below the threshold to at or above it; down: the other
            way. Default: ScoreCrossedSpecDirection.UP.
        field (ScoreCrossedSpecField | Unset): Which score: the total, or its fit or behaviour part. Default:
            ScoreCrossedSpecField.SCORE.
    """

    threshold: float
    direction: ScoreCrossedSpecDirection | Unset = ScoreCrossedSpecDirection.UP
    field: ScoreCrossedSpecField | Unset = ScoreCrossedSpecField.SCORE

    def to_dict(self) -> dict[str, Any]:
        threshold = self.threshold

        direction: str | Unset = UNSET
        if not isinstance(self.direction, Unset):
            direction = self.direction.value

        field: str | Unset = UNSET
        if not isinstance(self.field, Unset):
            field = self.field.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "threshold": threshold,
            }
        )
        if direction is not UNSET:
            field_dict["direction"] = direction
        if field is not UNSET:
            field_dict["field"] = field

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        threshold = d.pop("threshold")

        _direction = d.pop("direction", UNSET)
        direction: ScoreCrossedSpecDirection | Unset
        if isinstance(_direction, Unset):
            direction = UNSET
        else:
            direction = ScoreCrossedSpecDirection(_direction)

        _field = d.pop("field", UNSET)
        field: ScoreCrossedSpecField | Unset
        if isinstance(_field, Unset):
            field = UNSET
        else:
            field = ScoreCrossedSpecField(_field)

        score_crossed_spec = cls(
            threshold=threshold,
            direction=direction,
            field=field,
        )

        return score_crossed_spec
