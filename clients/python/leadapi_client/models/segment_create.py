from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.segment_create_when import SegmentCreateWhen


T = TypeVar("T", bound="SegmentCreate")


@_attrs_define
class SegmentCreate:
    """
    Attributes:
        name (str):
        when (SegmentCreateWhen): A condition (as in scoring, routing and automations) over the lead: its fields,
            `band`, `stage`, `tags`, `fit_score`, `behavior_score`, `attributes.x`...
        enroll_track_id (None | str | Unset): A nurture track the leads that enter the segment are enrolled in, as they
            enter (`segment.entered`), with the track's rules (one track at a time, reenroll, not while sales has the lead):
            a refused enrolment appends `segment.enrollment_refused` with why. Leads in the segment already when this is set
            are not enrolled. Null: none. Deleting the track clears it.
    """

    name: str
    when: SegmentCreateWhen
    enroll_track_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        when = self.when.to_dict()

        enroll_track_id: None | str | Unset
        if isinstance(self.enroll_track_id, Unset):
            enroll_track_id = UNSET
        else:
            enroll_track_id = self.enroll_track_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "when": when,
            }
        )
        if enroll_track_id is not UNSET:
            field_dict["enroll_track_id"] = enroll_track_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_create_when import SegmentCreateWhen  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        when = SegmentCreateWhen.from_dict(d.pop("when"))

        def _parse_enroll_track_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        enroll_track_id = _parse_enroll_track_id(d.pop("enroll_track_id", UNSET))

        segment_create = cls(
            name=name,
            when=when,
            enroll_track_id=enroll_track_id,
        )

        return segment_create
