from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.automation_preview_event_data import AutomationPreviewEventData


T = TypeVar("T", bound="AutomationPreviewEvent")


@_attrs_define
class AutomationPreviewEvent:
    """
    Attributes:
        type_ (str):
        data (AutomationPreviewEventData | Unset): A behaviour event's properties, or a system event's data
            (`lead.scored`: old, new, fit_score, old_fit_score, behavior_score, old_behavior_score).
        occurred_at (datetime.datetime | None | Unset): Default: now.
    """

    type_: str
    data: AutomationPreviewEventData | Unset = UNSET
    occurred_at: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        occurred_at: None | str | Unset
        if isinstance(self.occurred_at, Unset):
            occurred_at = UNSET
        elif isinstance(self.occurred_at, datetime.datetime):
            occurred_at = self.occurred_at.isoformat()
        else:
            occurred_at = self.occurred_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )
        if data is not UNSET:
            field_dict["data"] = data
        if occurred_at is not UNSET:
            field_dict["occurred_at"] = occurred_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.automation_preview_event_data import AutomationPreviewEventData  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        _data = d.pop("data", UNSET)
        data: AutomationPreviewEventData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = AutomationPreviewEventData.from_dict(_data)

        def _parse_occurred_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                occurred_at_type_0 = datetime.datetime.fromisoformat(data)

                return occurred_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        occurred_at = _parse_occurred_at(d.pop("occurred_at", UNSET))

        automation_preview_event = cls(
            type_=type_,
            data=data,
            occurred_at=occurred_at,
        )

        return automation_preview_event
