from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.automation_actions_item import AutomationActionsItem
    from ..models.automation_limits import AutomationLimits
    from ..models.automation_trigger import AutomationTrigger
    from ..models.automation_when_type_0 import AutomationWhenType0


T = TypeVar("T", bound="Automation")


@_attrs_define
class Automation:
    """
    Attributes:
        actions (list[AutomationActionsItem]):
        active (bool):
        created_at (datetime.datetime):
        id (str):
        limits (AutomationLimits):
        name (str):
        trigger (AutomationTrigger):
        updated_at (datetime.datetime):
        when (AutomationWhenType0 | None):
        inactive_reason (None | str | Unset): Why leadapi switched it off: an action names an owner or a stage that is
            gone.
    """

    actions: list[AutomationActionsItem]
    active: bool
    created_at: datetime.datetime
    id: str
    limits: AutomationLimits
    name: str
    trigger: AutomationTrigger
    updated_at: datetime.datetime
    when: AutomationWhenType0 | None
    inactive_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.automation_when_type_0 import AutomationWhenType0  # noqa: PLC0415

        actions = []
        for actions_item_data in self.actions:
            actions_item = actions_item_data.to_dict()
            actions.append(actions_item)

        active = self.active

        created_at = self.created_at.isoformat()

        id = self.id

        limits = self.limits.to_dict()

        name = self.name

        trigger = self.trigger.to_dict()

        updated_at = self.updated_at.isoformat()

        when: dict[str, Any] | None
        if isinstance(self.when, AutomationWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        inactive_reason: None | str | Unset
        if isinstance(self.inactive_reason, Unset):
            inactive_reason = UNSET
        else:
            inactive_reason = self.inactive_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actions": actions,
                "active": active,
                "created_at": created_at,
                "id": id,
                "limits": limits,
                "name": name,
                "trigger": trigger,
                "updated_at": updated_at,
                "when": when,
            }
        )
        if inactive_reason is not UNSET:
            field_dict["inactive_reason"] = inactive_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.automation_actions_item import AutomationActionsItem  # noqa: PLC0415
        from ..models.automation_limits import AutomationLimits  # noqa: PLC0415
        from ..models.automation_trigger import AutomationTrigger  # noqa: PLC0415
        from ..models.automation_when_type_0 import AutomationWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        actions = []
        _actions = d.pop("actions")
        for actions_item_data in _actions:
            actions_item = AutomationActionsItem.from_dict(actions_item_data)

            actions.append(actions_item)

        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        limits = AutomationLimits.from_dict(d.pop("limits"))

        name = d.pop("name")

        trigger = AutomationTrigger.from_dict(d.pop("trigger"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_when(data: object) -> AutomationWhenType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = AutomationWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AutomationWhenType0 | None, data)

        when = _parse_when(d.pop("when"))

        def _parse_inactive_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        inactive_reason = _parse_inactive_reason(d.pop("inactive_reason", UNSET))

        automation = cls(
            actions=actions,
            active=active,
            created_at=created_at,
            id=id,
            limits=limits,
            name=name,
            trigger=trigger,
            updated_at=updated_at,
            when=when,
            inactive_reason=inactive_reason,
        )

        automation.additional_properties = d
        return automation

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
