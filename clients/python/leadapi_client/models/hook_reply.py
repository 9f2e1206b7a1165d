from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HookReply")


@_attrs_define
class HookReply:
    """
    Attributes:
        event_id (None | str):
        lead_id (str):
        replayed (bool): True when this submission was received before: nothing was added.
        status (Literal['accepted']):
        submission_id (str):
    """

    event_id: None | str
    lead_id: str
    replayed: bool
    status: Literal["accepted"]
    submission_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id: None | str
        event_id = self.event_id

        lead_id = self.lead_id

        replayed = self.replayed

        status = self.status

        submission_id = self.submission_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "lead_id": lead_id,
                "replayed": replayed,
                "status": status,
                "submission_id": submission_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        event_id = _parse_event_id(d.pop("event_id"))

        lead_id = d.pop("lead_id")

        replayed = d.pop("replayed")

        status = cast(Literal["accepted"], d.pop("status"))
        if status != "accepted":
            raise ValueError(f"status must match const 'accepted', got '{status}'")

        submission_id = d.pop("submission_id")

        hook_reply = cls(
            event_id=event_id,
            lead_id=lead_id,
            replayed=replayed,
            status=status,
            submission_id=submission_id,
        )

        hook_reply.additional_properties = d
        return hook_reply

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
