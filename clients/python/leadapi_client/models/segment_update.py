from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.segment_update_when import SegmentUpdateWhen


T = TypeVar("T", bound="SegmentUpdate")


@_attrs_define
class SegmentUpdate:
    """Partial update: absent fields stay. A changed `when` fills the segment again.

    Attributes:
        enroll_track_id (None | str | Unset): A nurture track the leads that enter the segment are enrolled in, as they
            enter (`segment.entered`), with the track's rules (one track at a time, reenroll, not while sales has the lead):
            a refused enrolment appends `segment.enrollment_refused` with why. Leads in the segment already when this is set
            are not enrolled. Null: none. Deleting the track clears it.
        name (str | Unset):
        when (SegmentUpdateWhen | Unset): A condition (as in scoring, routing and automations) over the lead: its
            fields, `band`, `stage`, `tags`, `fit_score`, `behavior_score`, `attributes.x`...
    """

    enroll_track_id: None | str | Unset = UNSET
    name: str | Unset = UNSET
    when: SegmentUpdateWhen | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        enroll_track_id: None | str | Unset
        if isinstance(self.enroll_track_id, Unset):
            enroll_track_id = UNSET
        else:
            enroll_track_id = self.enroll_track_id

        name = self.name

        when: dict[str, Any] | Unset = UNSET
        if not isinstance(self.when, Unset):
            when = self.when.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if enroll_track_id is not UNSET:
            field_dict["enroll_track_id"] = enroll_track_id
        if name is not UNSET:
            field_dict["name"] = name
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_update_when import SegmentUpdateWhen  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_enroll_track_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        enroll_track_id = _parse_enroll_track_id(d.pop("enroll_track_id", UNSET))

        name = d.pop("name", UNSET)

        _when = d.pop("when", UNSET)
        when: SegmentUpdateWhen | Unset
        if isinstance(_when, Unset):
            when = UNSET
        else:
            when = SegmentUpdateWhen.from_dict(_when)

        segment_update = cls(
            enroll_track_id=enroll_track_id,
            name=name,
            when=when,
        )

        return segment_update
