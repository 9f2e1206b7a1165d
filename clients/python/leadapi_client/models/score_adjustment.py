from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ScoreAdjustment")


@_attrs_define
class ScoreAdjustment:
    """
    Attributes:
        active (bool): Whether the points count now (not expired).
        created_at (datetime.datetime):
        created_by (None | str): The API key (or automation) that made it.
        event_id (str): The `lead.score_adjusted` event on the lead's timeline.
        expires_at (datetime.datetime | None): When the points stop counting; null: never.
        id (str):
        lead_id (str):
        points (int):
        reason (str):
        run_id (None | str): The automation run whose `adjust_score` action made it.
    """

    active: bool
    created_at: datetime.datetime
    created_by: None | str
    event_id: str
    expires_at: datetime.datetime | None
    id: str
    lead_id: str
    points: int
    reason: str
    run_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        created_at = self.created_at.isoformat()

        created_by: None | str
        created_by = self.created_by

        event_id = self.event_id

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id = self.id

        lead_id = self.lead_id

        points = self.points

        reason = self.reason

        run_id: None | str
        run_id = self.run_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "created_at": created_at,
                "created_by": created_by,
                "event_id": event_id,
                "expires_at": expires_at,
                "id": id,
                "lead_id": lead_id,
                "points": points,
                "reason": reason,
                "run_id": run_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        event_id = d.pop("event_id")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        points = d.pop("points")

        reason = d.pop("reason")

        def _parse_run_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        run_id = _parse_run_id(d.pop("run_id"))

        score_adjustment = cls(
            active=active,
            created_at=created_at,
            created_by=created_by,
            event_id=event_id,
            expires_at=expires_at,
            id=id,
            lead_id=lead_id,
            points=points,
            reason=reason,
            run_id=run_id,
        )

        score_adjustment.additional_properties = d
        return score_adjustment

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
