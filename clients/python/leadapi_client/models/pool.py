from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Pool")


@_attrs_define
class Pool:
    """Owners a rule picks from: these ids, and owners with any of these tags (both empty: all).

    Attributes:
        owner_ids (list[str] | Unset):
        tags (list[str] | Unset):
    """

    owner_ids: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        owner_ids: list[str] | Unset = UNSET
        if not isinstance(self.owner_ids, Unset):
            owner_ids = self.owner_ids

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if owner_ids is not UNSET:
            field_dict["owner_ids"] = owner_ids
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        owner_ids = cast(list[str], d.pop("owner_ids", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        pool = cls(
            owner_ids=owner_ids,
            tags=tags,
        )

        return pool
