from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Route")


@_attrs_define
class Route:
    """
    Attributes:
        type_ (Literal['route']):
        force (bool | Unset): Route an owned lead too (to someone else). Default: False.
    """

    type_: Literal["route"]
    force: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        force = self.force

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )
        if force is not UNSET:
            field_dict["force"] = force

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = cast(Literal["route"], d.pop("type"))
        if type_ != "route":
            raise ValueError(f"type must match const 'route', got '{type_}'")

        force = d.pop("force", UNSET)

        route = cls(
            type_=type_,
            force=force,
        )

        return route
