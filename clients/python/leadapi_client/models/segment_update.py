from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.segment_update_when import SegmentUpdateWhen


T = TypeVar("T", bound="SegmentUpdate")


@_attrs_define
class SegmentUpdate:
    """Partial update: absent fields stay. A changed `when` fills the segment again.

    Attributes:
        name (str | Unset):
        when (SegmentUpdateWhen | Unset): A condition (as in scoring, routing and automations) over the lead: its
            fields, `band`, `stage`, `tags`, `fit_score`, `behavior_score`, `attributes.x`...
    """

    name: str | Unset = UNSET
    when: SegmentUpdateWhen | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        when: dict[str, Any] | Unset = UNSET
        if not isinstance(self.when, Unset):
            when = self.when.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_update_when import SegmentUpdateWhen  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _when = d.pop("when", UNSET)
        when: SegmentUpdateWhen | Unset
        if isinstance(_when, Unset):
            when = UNSET
        else:
            when = SegmentUpdateWhen.from_dict(_when)

        segment_update = cls(
            name=name,
            when=when,
        )

        return segment_update
