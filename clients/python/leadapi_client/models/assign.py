from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Assign")


@_attrs_define
class Assign:
    """
    Attributes:
        owner_id (str): The owner the lead is given to (by hand: rules and capacity do not apply).
        type_ (Literal['assign']):
    """

    owner_id: str
    type_: Literal["assign"]

    def to_dict(self) -> dict[str, Any]:
        owner_id = self.owner_id

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "owner_id": owner_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        owner_id = d.pop("owner_id")

        type_ = cast(Literal["assign"], d.pop("type"))
        if type_ != "assign":
            raise ValueError(f"type must match const 'assign', got '{type_}'")

        assign = cls(
            owner_id=owner_id,
            type_=type_,
        )

        return assign
