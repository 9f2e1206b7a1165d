from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.action_result import ActionResult


T = TypeVar("T", bound="AutomationPreview")


@_attrs_define
class AutomationPreview:
    """
    Attributes:
        actions (list[ActionResult]): What each action would do (`would`, `would_refuse`).
        condition_matched (bool | None): null: the trigger did not match, so not evaluated.
        detail (None | str):
        fires (bool): Whether the automation would fire for this lead and event now.
        reason (None | str): Why it would not fire: trigger, condition, a limit, depth.
        trigger_matched (bool):
        matching (int | None | Unset): With `matching=true`: how many of the workspace's leads the `when` matches now.
    """

    actions: list[ActionResult]
    condition_matched: bool | None
    detail: None | str
    fires: bool
    reason: None | str
    trigger_matched: bool
    matching: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actions = []
        for actions_item_data in self.actions:
            actions_item = actions_item_data.to_dict()
            actions.append(actions_item)

        condition_matched: bool | None
        condition_matched = self.condition_matched

        detail: None | str
        detail = self.detail

        fires = self.fires

        reason: None | str
        reason = self.reason

        trigger_matched = self.trigger_matched

        matching: int | None | Unset
        if isinstance(self.matching, Unset):
            matching = UNSET
        else:
            matching = self.matching

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actions": actions,
                "condition_matched": condition_matched,
                "detail": detail,
                "fires": fires,
                "reason": reason,
                "trigger_matched": trigger_matched,
            }
        )
        if matching is not UNSET:
            field_dict["matching"] = matching

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

        def _parse_condition_matched(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        condition_matched = _parse_condition_matched(d.pop("condition_matched"))

        def _parse_detail(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        detail = _parse_detail(d.pop("detail"))

        fires = d.pop("fires")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        trigger_matched = d.pop("trigger_matched")

        def _parse_matching(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        matching = _parse_matching(d.pop("matching", UNSET))

        automation_preview = cls(
            actions=actions,
            condition_matched=condition_matched,
            detail=detail,
            fires=fires,
            reason=reason,
            trigger_matched=trigger_matched,
            matching=matching,
        )

        automation_preview.additional_properties = d
        return automation_preview

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
