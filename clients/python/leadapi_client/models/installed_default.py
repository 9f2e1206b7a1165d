from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.installed_default_kind import InstalledDefaultKind

T = TypeVar("T", bound="InstalledDefault")


@_attrs_define
class InstalledDefault:
    """
    Attributes:
        id (str): The automation or track it made.
        installed (bool): True: this call installed it; false: the workspace had it already (since its creation or an
            earlier call), as it is now or deleted since.
        kind (InstalledDefaultKind):
        name (str):
        template (str): Which default: its key.
    """

    id: str
    installed: bool
    kind: InstalledDefaultKind
    name: str
    template: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        installed = self.installed

        kind = self.kind.value

        name = self.name

        template = self.template

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "installed": installed,
                "kind": kind,
                "name": name,
                "template": template,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        installed = d.pop("installed")

        kind = InstalledDefaultKind(d.pop("kind"))

        name = d.pop("name")

        template = d.pop("template")

        installed_default = cls(
            id=id,
            installed=installed,
            kind=kind,
            name=name,
            template=template,
        )

        installed_default.additional_properties = d
        return installed_default

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
