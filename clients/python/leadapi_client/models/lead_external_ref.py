from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="LeadExternalRef")


@_attrs_define
class LeadExternalRef:
    """
    Attributes:
        id (str):
        system (str):
    """

    id: str
    system: str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        system = self.system

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "system": system,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        system = d.pop("system")

        lead_external_ref = cls(
            id=id,
            system=system,
        )

        return lead_external_ref
