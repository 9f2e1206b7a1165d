from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="AddTags")


@_attrs_define
class AddTags:
    """
    Attributes:
        tags (list[str]):
        type_ (Literal['add_tags']):
    """

    tags: list[str]
    type_: Literal["add_tags"]

    def to_dict(self) -> dict[str, Any]:
        tags = self.tags

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "tags": tags,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tags = cast(list[str], d.pop("tags"))

        type_ = cast(Literal["add_tags"], d.pop("type"))
        if type_ != "add_tags":
            raise ValueError(f"type must match const 'add_tags', got '{type_}'")

        add_tags = cls(
            tags=tags,
            type_=type_,
        )

        return add_tags
