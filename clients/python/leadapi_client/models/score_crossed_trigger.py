from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.score_crossed_spec import ScoreCrossedSpec


T = TypeVar("T", bound="ScoreCrossedTrigger")


@_attrs_define
class ScoreCrossedTrigger:
    """
    Attributes:
        score_crossed (ScoreCrossedSpec):
    """

    score_crossed: ScoreCrossedSpec

    def to_dict(self) -> dict[str, Any]:
        score_crossed = self.score_crossed.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "score_crossed": score_crossed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.score_crossed_spec import ScoreCrossedSpec  # noqa: PLC0415

        d = dict(src_dict)
        score_crossed = ScoreCrossedSpec.from_dict(d.pop("score_crossed"))

        score_crossed_trigger = cls(
            score_crossed=score_crossed,
        )

        return score_crossed_trigger
