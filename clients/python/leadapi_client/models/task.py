from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Task")


@_attrs_define
class Task:
    """
    Attributes:
        caused_by (None | str): What made it, when not an API call (an automation's run).
        completed_at (datetime.datetime | None): When it was done (null unless done).
        created_at (datetime.datetime):
        due_at (datetime.datetime):
        id (str):
        lead_id (str):
        note (None | str):
        overdue_at (datetime.datetime | None): When it was reported overdue (`task.overdue`); null: not reported.
        owner_id (str):
        status (str):
        type_ (str):
        updated_at (datetime.datetime):
        version (int): Bumped by every change; the ETag.
    """

    caused_by: None | str
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    due_at: datetime.datetime
    id: str
    lead_id: str
    note: None | str
    overdue_at: datetime.datetime | None
    owner_id: str
    status: str
    type_: str
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caused_by: None | str
        caused_by = self.caused_by

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at = self.created_at.isoformat()

        due_at = self.due_at.isoformat()

        id = self.id

        lead_id = self.lead_id

        note: None | str
        note = self.note

        overdue_at: None | str
        if isinstance(self.overdue_at, datetime.datetime):
            overdue_at = self.overdue_at.isoformat()
        else:
            overdue_at = self.overdue_at

        owner_id = self.owner_id

        status = self.status

        type_ = self.type_

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caused_by": caused_by,
                "completed_at": completed_at,
                "created_at": created_at,
                "due_at": due_at,
                "id": id,
                "lead_id": lead_id,
                "note": note,
                "overdue_at": overdue_at,
                "owner_id": owner_id,
                "status": status,
                "type": type_,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_caused_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        caused_by = _parse_caused_by(d.pop("caused_by"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        def _parse_overdue_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                overdue_at_type_0 = datetime.datetime.fromisoformat(data)

                return overdue_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        overdue_at = _parse_overdue_at(d.pop("overdue_at"))

        owner_id = d.pop("owner_id")

        status = d.pop("status")

        type_ = d.pop("type")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        task = cls(
            caused_by=caused_by,
            completed_at=completed_at,
            created_at=created_at,
            due_at=due_at,
            id=id,
            lead_id=lead_id,
            note=note,
            overdue_at=overdue_at,
            owner_id=owner_id,
            status=status,
            type_=type_,
            updated_at=updated_at,
            version=version,
        )

        task.additional_properties = d
        return task

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
