from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.band_out import BandOut
    from ..models.model_ref import ModelRef
    from ..models.rule_hit import RuleHit


T = TypeVar("T", bound="LeadScore")


@_attrs_define
class LeadScore:
    """
    Attributes:
        band (str):
        bands (list[BandOut]): The model's bands, highest minimum first.
        behavior_score (float):
        breakdown (list[RuleHit]): Every rule that fired, its points (after decay and caps) and its evidence: the fields
            it read, or the events it counted; and every manual adjustment that counts now (kind `adjustment`, its id,
            reason, expiry and run). The points add up to fit + behaviour.
        fit_score (float):
        lead_id (str):
        model (ModelRef):
        score (int):
        scored_at (datetime.datetime | None): When the score was computed; null if never stored yet.
    """

    band: str
    bands: list[BandOut]
    behavior_score: float
    breakdown: list[RuleHit]
    fit_score: float
    lead_id: str
    model: ModelRef
    score: int
    scored_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        band = self.band

        bands = []
        for bands_item_data in self.bands:
            bands_item = bands_item_data.to_dict()
            bands.append(bands_item)

        behavior_score = self.behavior_score

        breakdown = []
        for breakdown_item_data in self.breakdown:
            breakdown_item = breakdown_item_data.to_dict()
            breakdown.append(breakdown_item)

        fit_score = self.fit_score

        lead_id = self.lead_id

        model = self.model.to_dict()

        score = self.score

        scored_at: None | str
        if isinstance(self.scored_at, datetime.datetime):
            scored_at = self.scored_at.isoformat()
        else:
            scored_at = self.scored_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "band": band,
                "bands": bands,
                "behavior_score": behavior_score,
                "breakdown": breakdown,
                "fit_score": fit_score,
                "lead_id": lead_id,
                "model": model,
                "score": score,
                "scored_at": scored_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.band_out import BandOut  # noqa: PLC0415
        from ..models.model_ref import ModelRef  # noqa: PLC0415
        from ..models.rule_hit import RuleHit  # noqa: PLC0415

        d = dict(src_dict)
        band = d.pop("band")

        bands = []
        _bands = d.pop("bands")
        for bands_item_data in _bands:
            bands_item = BandOut.from_dict(bands_item_data)

            bands.append(bands_item)

        behavior_score = d.pop("behavior_score")

        breakdown = []
        _breakdown = d.pop("breakdown")
        for breakdown_item_data in _breakdown:
            breakdown_item = RuleHit.from_dict(breakdown_item_data)

            breakdown.append(breakdown_item)

        fit_score = d.pop("fit_score")

        lead_id = d.pop("lead_id")

        model = ModelRef.from_dict(d.pop("model"))

        score = d.pop("score")

        def _parse_scored_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                scored_at_type_0 = datetime.datetime.fromisoformat(data)

                return scored_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        scored_at = _parse_scored_at(d.pop("scored_at"))

        lead_score = cls(
            band=band,
            bands=bands,
            behavior_score=behavior_score,
            breakdown=breakdown,
            fit_score=fit_score,
            lead_id=lead_id,
            model=model,
            score=score,
            scored_at=scored_at,
        )

        lead_score.additional_properties = d
        return lead_score

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
