from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.assignment_by import AssignmentBy
from ..models.assignment_sla_state_type_0 import AssignmentSlaStateType0

if TYPE_CHECKING:
    from ..models.assignment_explanation import AssignmentExplanation


T = TypeVar("T", bound="Assignment")


@_attrs_define
class Assignment:
    """
    Attributes:
        actor (None | str):
        by (AssignmentBy):
        created_at (datetime.datetime):
        due_at (datetime.datetime | None): When the owner must have touched the lead by.
        explanation (AssignmentExplanation):
        id (str):
        lead_id (str):
        owner_id (str):
        previous_owner_id (None | str):
        rule_id (None | str):
        sla_policy_id (None | str): The first-touch SLA policy that covered the lead.
        sla_state (AssignmentSlaStateType0 | None): The first-touch clock: stopped when the lead moved on first; null
            without a policy.
        strategy (None | str):
        touched_at (datetime.datetime | None): The first touch while this owner held the lead.
    """

    actor: None | str
    by: AssignmentBy
    created_at: datetime.datetime
    due_at: datetime.datetime | None
    explanation: AssignmentExplanation
    id: str
    lead_id: str
    owner_id: str
    previous_owner_id: None | str
    rule_id: None | str
    sla_policy_id: None | str
    sla_state: AssignmentSlaStateType0 | None
    strategy: None | str
    touched_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor: None | str
        actor = self.actor

        by = self.by.value

        created_at = self.created_at.isoformat()

        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        explanation = self.explanation.to_dict()

        id = self.id

        lead_id = self.lead_id

        owner_id = self.owner_id

        previous_owner_id: None | str
        previous_owner_id = self.previous_owner_id

        rule_id: None | str
        rule_id = self.rule_id

        sla_policy_id: None | str
        sla_policy_id = self.sla_policy_id

        sla_state: None | str
        if isinstance(self.sla_state, AssignmentSlaStateType0):
            sla_state = self.sla_state.value
        else:
            sla_state = self.sla_state

        strategy: None | str
        strategy = self.strategy

        touched_at: None | str
        if isinstance(self.touched_at, datetime.datetime):
            touched_at = self.touched_at.isoformat()
        else:
            touched_at = self.touched_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "by": by,
                "created_at": created_at,
                "due_at": due_at,
                "explanation": explanation,
                "id": id,
                "lead_id": lead_id,
                "owner_id": owner_id,
                "previous_owner_id": previous_owner_id,
                "rule_id": rule_id,
                "sla_policy_id": sla_policy_id,
                "sla_state": sla_state,
                "strategy": strategy,
                "touched_at": touched_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assignment_explanation import AssignmentExplanation  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        by = AssignmentBy(d.pop("by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        due_at = _parse_due_at(d.pop("due_at"))

        explanation = AssignmentExplanation.from_dict(d.pop("explanation"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        owner_id = d.pop("owner_id")

        def _parse_previous_owner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_owner_id = _parse_previous_owner_id(d.pop("previous_owner_id"))

        def _parse_rule_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule_id = _parse_rule_id(d.pop("rule_id"))

        def _parse_sla_policy_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sla_policy_id = _parse_sla_policy_id(d.pop("sla_policy_id"))

        def _parse_sla_state(data: object) -> AssignmentSlaStateType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sla_state_type_0 = AssignmentSlaStateType0(data)

                return sla_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssignmentSlaStateType0 | None, data)

        sla_state = _parse_sla_state(d.pop("sla_state"))

        def _parse_strategy(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        strategy = _parse_strategy(d.pop("strategy"))

        def _parse_touched_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                touched_at_type_0 = datetime.datetime.fromisoformat(data)

                return touched_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        touched_at = _parse_touched_at(d.pop("touched_at"))

        assignment = cls(
            actor=actor,
            by=by,
            created_at=created_at,
            due_at=due_at,
            explanation=explanation,
            id=id,
            lead_id=lead_id,
            owner_id=owner_id,
            previous_owner_id=previous_owner_id,
            rule_id=rule_id,
            sla_policy_id=sla_policy_id,
            sla_state=sla_state,
            strategy=strategy,
            touched_at=touched_at,
        )

        assignment.additional_properties = d
        return assignment

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
