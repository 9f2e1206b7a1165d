from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.task_create_type import TaskCreateType
from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskCreate")


@_attrs_define
class TaskCreate:
    """
    Attributes:
        due_at (datetime.datetime): ISO 8601; without an offset: UTC.
        lead_id (str):
        type_ (TaskCreateType): call | email | follow_up | custom. Completing a task whose type is one of the pipeline's
            touch types (GET /v1/stages: `call` by default) is the owner's touch of the lead for its first-touch SLA.
        note (None | str | Unset):
        owner_id (None | str | Unset): An owner of the workspace; absent or null: the lead's owner.
    """

    due_at: datetime.datetime
    lead_id: str
    type_: TaskCreateType
    note: None | str | Unset = UNSET
    owner_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        due_at = self.due_at.isoformat()

        lead_id = self.lead_id

        type_ = self.type_.value

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
                "due_at": due_at,
                "lead_id": lead_id,
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
        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        lead_id = d.pop("lead_id")

        type_ = TaskCreateType(d.pop("type"))

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

        task_create = cls(
            due_at=due_at,
            lead_id=lead_id,
            type_=type_,
            note=note,
            owner_id=owner_id,
        )

        return task_create
