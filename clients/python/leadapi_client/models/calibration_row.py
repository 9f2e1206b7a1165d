from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CalibrationRow")


@_attrs_define
class CalibrationRow:
    """
    Attributes:
        conversions (int):
        leads (int):
        mean_score (float | None):
        rate (float | None): conversions / leads; null without leads.
        rate_high (float | None):
        rate_low (float | None): The 95% Wilson interval's lower end.
        score_from (float):
        score_to (float): Exclusive, except for the last bucket.
    """

    conversions: int
    leads: int
    mean_score: float | None
    rate: float | None
    rate_high: float | None
    rate_low: float | None
    score_from: float
    score_to: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        conversions = self.conversions

        leads = self.leads

        mean_score: float | None
        mean_score = self.mean_score

        rate: float | None
        rate = self.rate

        rate_high: float | None
        rate_high = self.rate_high

        rate_low: float | None
        rate_low = self.rate_low

        score_from = self.score_from

        score_to = self.score_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "conversions": conversions,
                "leads": leads,
                "mean_score": mean_score,
                "rate": rate,
                "rate_high": rate_high,
                "rate_low": rate_low,
                "score_from": score_from,
                "score_to": score_to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        conversions = d.pop("conversions")

        leads = d.pop("leads")

        def _parse_mean_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean_score = _parse_mean_score(d.pop("mean_score"))

        def _parse_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate = _parse_rate(d.pop("rate"))

        def _parse_rate_high(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_high = _parse_rate_high(d.pop("rate_high"))

        def _parse_rate_low(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_low = _parse_rate_low(d.pop("rate_low"))

        score_from = d.pop("score_from")

        score_to = d.pop("score_to")

        calibration_row = cls(
            conversions=conversions,
            leads=leads,
            mean_score=mean_score,
            rate=rate,
            rate_high=rate_high,
            rate_low=rate_low,
            score_from=score_from,
            score_to=score_to,
        )

        calibration_row.additional_properties = d
        return calibration_row

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
