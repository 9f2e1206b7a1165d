from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.changed_by import ChangedBy


T = TypeVar("T", bound="StageChange")


@_attrs_define
class StageChange:
    """
    Attributes:
        amount (float | None):
        at (datetime.datetime):
        by (ChangedBy):
        from_stage (None | str):
        id (str):
        lead_id (str):
        note (None | str):
        reason (None | str):
        to_stage (str):
    """

    amount: float | None
    at: datetime.datetime
    by: ChangedBy
    from_stage: None | str
    id: str
    lead_id: str
    note: None | str
    reason: None | str
    to_stage: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount: float | None
        amount = self.amount

        at = self.at.isoformat()

        by = self.by.to_dict()

        from_stage: None | str
        from_stage = self.from_stage

        id = self.id

        lead_id = self.lead_id

        note: None | str
        note = self.note

        reason: None | str
        reason = self.reason

        to_stage = self.to_stage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "at": at,
                "by": by,
                "from_stage": from_stage,
                "id": id,
                "lead_id": lead_id,
                "note": note,
                "reason": reason,
                "to_stage": to_stage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.changed_by import ChangedBy  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_amount(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        amount = _parse_amount(d.pop("amount"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        by = ChangedBy.from_dict(d.pop("by"))

        def _parse_from_stage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_stage = _parse_from_stage(d.pop("from_stage"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        to_stage = d.pop("to_stage")

        stage_change = cls(
            amount=amount,
            at=at,
            by=by,
            from_stage=from_stage,
            id=id,
            lead_id=lead_id,
            note=note,
            reason=reason,
            to_stage=to_stage,
        )

        stage_change.additional_properties = d
        return stage_change

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
