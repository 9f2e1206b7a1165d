from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enrollment_status import EnrollmentStatus

T = TypeVar("T", bound="Enrollment")


@_attrs_define
class Enrollment:
    """
    Attributes:
        caused_by (None | str): What enrolled the lead, when not an API call.
        ended_at (datetime.datetime | None):
        enrolled_at (datetime.datetime):
        id (str):
        lead_id (str):
        next_due_at (datetime.datetime | None): When the next step is due (active enrolments).
        reason (None | str): Why it exited: exit_when, sales, manual, or the reason given.
        status (EnrollmentStatus): active | paused | completed | exited.
        step (int): The index of the next step (the number of steps: none left).
        track_id (str):
        updated_at (datetime.datetime):
    """

    caused_by: None | str
    ended_at: datetime.datetime | None
    enrolled_at: datetime.datetime
    id: str
    lead_id: str
    next_due_at: datetime.datetime | None
    reason: None | str
    status: EnrollmentStatus
    step: int
    track_id: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caused_by: None | str
        caused_by = self.caused_by

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        enrolled_at = self.enrolled_at.isoformat()

        id = self.id

        lead_id = self.lead_id

        next_due_at: None | str
        if isinstance(self.next_due_at, datetime.datetime):
            next_due_at = self.next_due_at.isoformat()
        else:
            next_due_at = self.next_due_at

        reason: None | str
        reason = self.reason

        status = self.status.value

        step = self.step

        track_id = self.track_id

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caused_by": caused_by,
                "ended_at": ended_at,
                "enrolled_at": enrolled_at,
                "id": id,
                "lead_id": lead_id,
                "next_due_at": next_due_at,
                "reason": reason,
                "status": status,
                "step": step,
                "track_id": track_id,
                "updated_at": updated_at,
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

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))

        enrolled_at = datetime.datetime.fromisoformat(d.pop("enrolled_at"))

        id = d.pop("id")

        lead_id = d.pop("lead_id")

        def _parse_next_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_due_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_due_at = _parse_next_due_at(d.pop("next_due_at"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        status = EnrollmentStatus(d.pop("status"))

        step = d.pop("step")

        track_id = d.pop("track_id")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        enrollment = cls(
            caused_by=caused_by,
            ended_at=ended_at,
            enrolled_at=enrolled_at,
            id=id,
            lead_id=lead_id,
            next_due_at=next_due_at,
            reason=reason,
            status=status,
            step=step,
            track_id=track_id,
            updated_at=updated_at,
        )

        enrollment.additional_properties = d
        return enrollment

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
