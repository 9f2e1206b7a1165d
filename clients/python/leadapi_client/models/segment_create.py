from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

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
    """

    name: str
    when: SegmentCreateWhen

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        when = self.when.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "when": when,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_create_when import SegmentCreateWhen  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        when = SegmentCreateWhen.from_dict(d.pop("when"))

        segment_create = cls(
            name=name,
            when=when,
        )

        return segment_create
