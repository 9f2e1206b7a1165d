from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.segment_when import SegmentWhen


T = TypeVar("T", bound="Segment")


@_attrs_define
class Segment:
    """
    Attributes:
        created_at (datetime.datetime):
        filling (bool): True while the segment's members are still being found among the workspace's leads (a new
            segment, or one whose `when` changed); `member_count` grows meanwhile.
        id (str):
        member_count (int): Leads in the segment now.
        name (str):
        updated_at (datetime.datetime):
        when (SegmentWhen):
        enroll_track_id (None | str | Unset): The track entering leads are enrolled in.
    """

    created_at: datetime.datetime
    filling: bool
    id: str
    member_count: int
    name: str
    updated_at: datetime.datetime
    when: SegmentWhen
    enroll_track_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        filling = self.filling

        id = self.id

        member_count = self.member_count

        name = self.name

        updated_at = self.updated_at.isoformat()

        when = self.when.to_dict()

        enroll_track_id: None | str | Unset
        if isinstance(self.enroll_track_id, Unset):
            enroll_track_id = UNSET
        else:
            enroll_track_id = self.enroll_track_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "filling": filling,
                "id": id,
                "member_count": member_count,
                "name": name,
                "updated_at": updated_at,
                "when": when,
            }
        )
        if enroll_track_id is not UNSET:
            field_dict["enroll_track_id"] = enroll_track_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_when import SegmentWhen  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        filling = d.pop("filling")

        id = d.pop("id")

        member_count = d.pop("member_count")

        name = d.pop("name")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        when = SegmentWhen.from_dict(d.pop("when"))

        def _parse_enroll_track_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        enroll_track_id = _parse_enroll_track_id(d.pop("enroll_track_id", UNSET))

        segment = cls(
            created_at=created_at,
            filling=filling,
            id=id,
            member_count=member_count,
            name=name,
            updated_at=updated_at,
            when=when,
            enroll_track_id=enroll_track_id,
        )

        segment.additional_properties = d
        return segment

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
