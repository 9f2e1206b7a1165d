from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_ref import ModelRef
    from ..models.rule_hit import RuleHit


T = TypeVar("T", bound="ScoreOut")


@_attrs_define
class ScoreOut:
    """
    Attributes:
        band (str):
        behavior_score (float):
        breakdown (list[RuleHit]): Every rule that fired, its points and its evidence.
        fit_score (float):
        model (ModelRef):
        score (int):
    """

    band: str
    behavior_score: float
    breakdown: list[RuleHit]
    fit_score: float
    model: ModelRef
    score: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        band = self.band

        behavior_score = self.behavior_score

        breakdown = []
        for breakdown_item_data in self.breakdown:
            breakdown_item = breakdown_item_data.to_dict()
            breakdown.append(breakdown_item)

        fit_score = self.fit_score

        model = self.model.to_dict()

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "band": band,
                "behavior_score": behavior_score,
                "breakdown": breakdown,
                "fit_score": fit_score,
                "model": model,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_ref import ModelRef  # noqa: PLC0415
        from ..models.rule_hit import RuleHit  # noqa: PLC0415

        d = dict(src_dict)
        band = d.pop("band")

        behavior_score = d.pop("behavior_score")

        breakdown = []
        _breakdown = d.pop("breakdown")
        for breakdown_item_data in _breakdown:
            breakdown_item = RuleHit.from_dict(breakdown_item_data)

            breakdown.append(breakdown_item)

        fit_score = d.pop("fit_score")

        model = ModelRef.from_dict(d.pop("model"))

        score = d.pop("score")

        score_out = cls(
            band=band,
            behavior_score=behavior_score,
            breakdown=breakdown,
            fit_score=fit_score,
            model=model,
            score=score,
        )

        score_out.additional_properties = d
        return score_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
