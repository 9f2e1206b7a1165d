from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ScoreChange")


@_attrs_define
class ScoreChange:
    """
    Attributes:
        at (datetime.datetime):
        band (str):
        behavior_score (float):
        event_id (str):
        fit_score (float):
        model_id (str):
        model_version (int):
        old_band (None | str):
        old_score (int | None):
        reason (str): lead_created, lead_changed, event, model_activated, time or adjustment (manual points).
        score (int):
    """

    at: datetime.datetime
    band: str
    behavior_score: float
    event_id: str
    fit_score: float
    model_id: str
    model_version: int
    old_band: None | str
    old_score: int | None
    reason: str
    score: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        band = self.band

        behavior_score = self.behavior_score

        event_id = self.event_id

        fit_score = self.fit_score

        model_id = self.model_id

        model_version = self.model_version

        old_band: None | str
        old_band = self.old_band

        old_score: int | None
        old_score = self.old_score

        reason = self.reason

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "band": band,
                "behavior_score": behavior_score,
                "event_id": event_id,
                "fit_score": fit_score,
                "model_id": model_id,
                "model_version": model_version,
                "old_band": old_band,
                "old_score": old_score,
                "reason": reason,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        band = d.pop("band")

        behavior_score = d.pop("behavior_score")

        event_id = d.pop("event_id")

        fit_score = d.pop("fit_score")

        model_id = d.pop("model_id")

        model_version = d.pop("model_version")

        def _parse_old_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        old_band = _parse_old_band(d.pop("old_band"))

        def _parse_old_score(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        old_score = _parse_old_score(d.pop("old_score"))

        reason = d.pop("reason")

        score = d.pop("score")

        score_change = cls(
            at=at,
            band=band,
            behavior_score=behavior_score,
            event_id=event_id,
            fit_score=fit_score,
            model_id=model_id,
            model_version=model_version,
            old_band=old_band,
            old_score=old_score,
            reason=reason,
            score=score,
        )

        score_change.additional_properties = d
        return score_change

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
