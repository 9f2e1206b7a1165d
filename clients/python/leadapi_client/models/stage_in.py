from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.stage_in_category import StageInCategory

T = TypeVar("T", bound="StageIn")


@_attrs_define
class StageIn:
    """
    Attributes:
        category (StageInCategory): open (being worked), won or lost (done).
        key (str): snake_case, unique in the pipeline; what `stage` on a lead holds.
        name (str):
    """

    category: StageInCategory
    key: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        key = self.key

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "key": key,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = StageInCategory(d.pop("category"))

        key = d.pop("key")

        name = d.pop("name")

        stage_in = cls(
            category=category,
            key=key,
            name=name,
        )

        return stage_in
