from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.breach_action import BreachAction

T = TypeVar("T", bound="Breach")


@_attrs_define
class Breach:
    """
    Attributes:
        action (BreachAction):
        assignment_id (str):
        breached_at (datetime.datetime):
        closed_at (datetime.datetime | None): The lead's first touch after the breach; null: open.
        due_at (datetime.datetime):
        id (str):
        lead_id (str):
        owner_id (str): The owner who did not touch the lead in time.
        policy_id (None | str):
        reassigned_to (None | str): Who got the lead instead (reassign policies).
    """

    action: BreachAction
    assignment_id: str
    breached_at: datetime.datetime
    closed_at: datetime.datetime | None
    due_at: datetime.datetime
    id: str
    lead_id: str
    owner_id: str
    policy_id: None | str
    reassigned_to: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        assignment_id = self.assignment_id

        breached_at = self.breached_at.isoformat()

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        due_at = self.due_at.isoformat()

        id = self.id

        lead_id = self.lead_id

        owner_id = self.owner_id

        policy_id: None | str
        policy_id = self.policy_id

        reassigned_to: None | str
        reassigned_to = self.reassigned_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "assignment_id": assignment_id,
                "breached_at": breached_at,
                "closed_at": closed_at,
                "due_at": due_at,
                "id": id,
                "lead_id": lead_id,
                "owner_id": owner_id,
                "policy_id": policy_id,
                "reassigned_to": reassigned_to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = BreachAction(d.pop("action"))

        assignment_id = d.pop("assignment_id")

        breached_at = datetime.datetime.fromisoformat(d.pop("breached_at"))

        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closed_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        owner_id = d.pop("owner_id")

        def _parse_policy_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        policy_id = _parse_policy_id(d.pop("policy_id"))

        def _parse_reassigned_to(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reassigned_to = _parse_reassigned_to(d.pop("reassigned_to"))

        breach = cls(
            action=action,
            assignment_id=assignment_id,
            breached_at=breached_at,
            closed_at=closed_at,
            due_at=due_at,
            id=id,
            lead_id=lead_id,
            owner_id=owner_id,
            policy_id=policy_id,
            reassigned_to=reassigned_to,
        )

        breach.additional_properties = d
        return breach

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
