from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.create_task_task_type import CreateTaskTaskType
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateTask")


@_attrs_define
class CreateTask:
    """
    Attributes:
        due_in_minutes (int): Due this many minutes after the run (at most a year).
        task_type (CreateTaskTaskType): The task's type.
        type_ (Literal['create_task']):
        note (None | str | Unset):
        owner_id (None | str | Unset): Whose task it is; none: the lead's owner (a lead without one: refused).
    """

    due_in_minutes: int
    task_type: CreateTaskTaskType
    type_: Literal["create_task"]
    note: None | str | Unset = UNSET
    owner_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        due_in_minutes = self.due_in_minutes

        task_type = self.task_type.value

        type_ = self.type_

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        owner_id: None | str | Unset
        if isinstance(self.owner_id, Unset):
            owner_id = UNSET
        else:
            owner_id = self.owner_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "due_in_minutes": due_in_minutes,
                "task_type": task_type,
                "type": type_,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if owner_id is not UNSET:
            field_dict["owner_id"] = owner_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        due_in_minutes = d.pop("due_in_minutes")

        task_type = CreateTaskTaskType(d.pop("task_type"))

        type_ = cast(Literal["create_task"], d.pop("type"))
        if type_ != "create_task":
            raise ValueError(f"type must match const 'create_task', got '{type_}'")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_owner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner_id = _parse_owner_id(d.pop("owner_id", UNSET))

        create_task = cls(
            due_in_minutes=due_in_minutes,
            task_type=task_type,
            type_=type_,
            note=note,
            owner_id=owner_id,
        )

        return create_task
