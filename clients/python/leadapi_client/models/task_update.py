from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.task_update_status import TaskUpdateStatus
from ..models.task_update_type import TaskUpdateType
from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskUpdate")


@_attrs_define
class TaskUpdate:
    """Partial update: absent fields stay; `null` clears the note.

    Attributes:
        due_at (datetime.datetime | Unset): A new due time; the task may then be reported overdue again.
        note (None | str | Unset):
        owner_id (str | Unset): Hand the task to another owner of the workspace.
        status (TaskUpdateStatus | Unset): open -> done or cancelled; done or cancelled -> open (reopened). done ->
            cancelled and cancelled -> done go through open.
        type_ (TaskUpdateType | Unset): call | email | follow_up | custom. Completing a task whose type is one of the
            pipeline's touch types (GET /v1/stages: `call` by default) is the owner's touch of the lead for its first-touch
            SLA.
    """

    due_at: datetime.datetime | Unset = UNSET
    note: None | str | Unset = UNSET
    owner_id: str | Unset = UNSET
    status: TaskUpdateStatus | Unset = UNSET
    type_: TaskUpdateType | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        due_at: str | Unset = UNSET
        if not isinstance(self.due_at, Unset):
            due_at = self.due_at.isoformat()

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        owner_id = self.owner_id

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if due_at is not UNSET:
            field_dict["due_at"] = due_at
        if note is not UNSET:
            field_dict["note"] = note
        if owner_id is not UNSET:
            field_dict["owner_id"] = owner_id
        if status is not UNSET:
            field_dict["status"] = status
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _due_at = d.pop("due_at", UNSET)
        due_at: datetime.datetime | Unset
        if isinstance(_due_at, Unset):
            due_at = UNSET
        else:
            due_at = datetime.datetime.fromisoformat(_due_at)

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        owner_id = d.pop("owner_id", UNSET)

        _status = d.pop("status", UNSET)
        status: TaskUpdateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TaskUpdateStatus(_status)

        _type_ = d.pop("type", UNSET)
        type_: TaskUpdateType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = TaskUpdateType(_type_)

        task_update = cls(
            due_at=due_at,
            note=note,
            owner_id=owner_id,
            status=status,
            type_=type_,
        )

        return task_update
