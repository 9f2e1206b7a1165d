from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_result_status import ActionResultStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.action_result_changes_type_0 import ActionResultChangesType0


T = TypeVar("T", bound="ActionResult")


@_attrs_define
class ActionResult:
    """
    Attributes:
        index (int):
        status (ActionResultStatus):
        type_ (str):
        changes (ActionResultChangesType0 | None | Unset):
        detail (None | str | Unset):
    """

    index: int
    status: ActionResultStatus
    type_: str
    changes: ActionResultChangesType0 | None | Unset = UNSET
    detail: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.action_result_changes_type_0 import ActionResultChangesType0  # noqa: PLC0415

        index = self.index

        status = self.status.value

        type_ = self.type_

        changes: dict[str, Any] | None | Unset
        if isinstance(self.changes, Unset):
            changes = UNSET
        elif isinstance(self.changes, ActionResultChangesType0):
            changes = self.changes.to_dict()
        else:
            changes = self.changes

        detail: None | str | Unset
        if isinstance(self.detail, Unset):
            detail = UNSET
        else:
            detail = self.detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "status": status,
                "type": type_,
            }
        )
        if changes is not UNSET:
            field_dict["changes"] = changes
        if detail is not UNSET:
            field_dict["detail"] = detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action_result_changes_type_0 import ActionResultChangesType0  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        status = ActionResultStatus(d.pop("status"))

        type_ = d.pop("type")

        def _parse_changes(data: object) -> ActionResultChangesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                changes_type_0 = ActionResultChangesType0.from_dict(data)

                return changes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActionResultChangesType0 | None | Unset, data)

        changes = _parse_changes(d.pop("changes", UNSET))

        def _parse_detail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        detail = _parse_detail(d.pop("detail", UNSET))

        action_result = cls(
            index=index,
            status=status,
            type_=type_,
            changes=changes,
            detail=detail,
        )

        action_result.additional_properties = d
        return action_result

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
