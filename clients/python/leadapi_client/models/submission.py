from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.submission_status import SubmissionStatus

T = TypeVar("T", bound="Submission")


@_attrs_define
class Submission:
    """
    Attributes:
        body (str): The raw payload, as received.
        content_type (str):
        error (None | str):
        event_id (None | str):
        id (str):
        lead_id (None | str):
        received_at (datetime.datetime):
        replayed_at (datetime.datetime | None):
        source_id (str):
        status (SubmissionStatus):
    """

    body: str
    content_type: str
    error: None | str
    event_id: None | str
    id: str
    lead_id: None | str
    received_at: datetime.datetime
    replayed_at: datetime.datetime | None
    source_id: str
    status: SubmissionStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        body = self.body

        content_type = self.content_type

        error: None | str
        error = self.error

        event_id: None | str
        event_id = self.event_id

        id = self.id

        lead_id: None | str
        lead_id = self.lead_id

        received_at = self.received_at.isoformat()

        replayed_at: None | str
        if isinstance(self.replayed_at, datetime.datetime):
            replayed_at = self.replayed_at.isoformat()
        else:
            replayed_at = self.replayed_at

        source_id = self.source_id

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "body": body,
                "content_type": content_type,
                "error": error,
                "event_id": event_id,
                "id": id,
                "lead_id": lead_id,
                "received_at": received_at,
                "replayed_at": replayed_at,
                "source_id": source_id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        body = d.pop("body")

        content_type = d.pop("content_type")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        event_id = _parse_event_id(d.pop("event_id"))

        id = d.pop("id")

        def _parse_lead_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lead_id = _parse_lead_id(d.pop("lead_id"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        def _parse_replayed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                replayed_at_type_0 = datetime.datetime.fromisoformat(data)

                return replayed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        replayed_at = _parse_replayed_at(d.pop("replayed_at"))

        source_id = d.pop("source_id")

        status = SubmissionStatus(d.pop("status"))

        submission = cls(
            body=body,
            content_type=content_type,
            error=error,
            event_id=event_id,
            id=id,
            lead_id=lead_id,
            received_at=received_at,
            replayed_at=replayed_at,
            source_id=source_id,
            status=status,
        )

        submission.additional_properties = d
        return submission

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
