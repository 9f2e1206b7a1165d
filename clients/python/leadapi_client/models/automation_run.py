from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.automation_run_status import AutomationRunStatus

if TYPE_CHECKING:
    from ..models.action_result import ActionResult


T = TypeVar("T", bound="AutomationRun")


@_attrs_define
class AutomationRun:
    """
    Attributes:
        actions (list[ActionResult]): What each action did, in order.
        at (datetime.datetime):
        automation_id (str):
        caused_by (None | str): The run whose action appended the triggering event.
        depth (int): How many automation runs led to the triggering event.
        detail (None | str):
        event_id (str):
        event_seq (int):
        event_type (str):
        id (str):
        lead_id (None | str):
        reason (None | str): Why it was skipped: condition, once_per_lead, cooldown, max_runs_per_day, depth, loop.
        status (AutomationRunStatus):
    """

    actions: list[ActionResult]
    at: datetime.datetime
    automation_id: str
    caused_by: None | str
    depth: int
    detail: None | str
    event_id: str
    event_seq: int
    event_type: str
    id: str
    lead_id: None | str
    reason: None | str
    status: AutomationRunStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actions = []
        for actions_item_data in self.actions:
            actions_item = actions_item_data.to_dict()
            actions.append(actions_item)

        at = self.at.isoformat()

        automation_id = self.automation_id

        caused_by: None | str
        caused_by = self.caused_by

        depth = self.depth

        detail: None | str
        detail = self.detail

        event_id = self.event_id

        event_seq = self.event_seq

        event_type = self.event_type

        id = self.id

        lead_id: None | str
        lead_id = self.lead_id

        reason: None | str
        reason = self.reason

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actions": actions,
                "at": at,
                "automation_id": automation_id,
                "caused_by": caused_by,
                "depth": depth,
                "detail": detail,
                "event_id": event_id,
                "event_seq": event_seq,
                "event_type": event_type,
                "id": id,
                "lead_id": lead_id,
                "reason": reason,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action_result import ActionResult  # noqa: PLC0415

        d = dict(src_dict)
        actions = []
        _actions = d.pop("actions")
        for actions_item_data in _actions:
            actions_item = ActionResult.from_dict(actions_item_data)

            actions.append(actions_item)

        at = datetime.datetime.fromisoformat(d.pop("at"))

        automation_id = d.pop("automation_id")

        def _parse_caused_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        caused_by = _parse_caused_by(d.pop("caused_by"))

        depth = d.pop("depth")

        def _parse_detail(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        detail = _parse_detail(d.pop("detail"))

        event_id = d.pop("event_id")

        event_seq = d.pop("event_seq")

        event_type = d.pop("event_type")

        id = d.pop("id")

        def _parse_lead_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lead_id = _parse_lead_id(d.pop("lead_id"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        status = AutomationRunStatus(d.pop("status"))

        automation_run = cls(
            actions=actions,
            at=at,
            automation_id=automation_id,
            caused_by=caused_by,
            depth=depth,
            detail=detail,
            event_id=event_id,
            event_seq=event_seq,
            event_type=event_type,
            id=id,
            lead_id=lead_id,
            reason=reason,
            status=status,
        )

        automation_run.additional_properties = d
        return automation_run

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
