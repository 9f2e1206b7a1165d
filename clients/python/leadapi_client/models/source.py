from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.source_kind import SourceKind

if TYPE_CHECKING:
    from ..models.source_defaults import SourceDefaults
    from ..models.source_mapping import SourceMapping


T = TypeVar("T", bound="Source")


@_attrs_define
class Source:
    """
    Attributes:
        created_at (datetime.datetime):
        defaults (SourceDefaults):
        hook_url (str): Where the provider posts: /v1/hooks/{id}.
        id (str):
        kind (SourceKind):
        mapping (SourceMapping):
        name (str):
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    defaults: SourceDefaults
    hook_url: str
    id: str
    kind: SourceKind
    mapping: SourceMapping
    name: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        defaults = self.defaults.to_dict()

        hook_url = self.hook_url

        id = self.id

        kind = self.kind.value

        mapping = self.mapping.to_dict()

        name = self.name

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "defaults": defaults,
                "hook_url": hook_url,
                "id": id,
                "kind": kind,
                "mapping": mapping,
                "name": name,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.source_defaults import SourceDefaults  # noqa: PLC0415
        from ..models.source_mapping import SourceMapping  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        defaults = SourceDefaults.from_dict(d.pop("defaults"))

        hook_url = d.pop("hook_url")

        id = d.pop("id")

        kind = SourceKind(d.pop("kind"))

        mapping = SourceMapping.from_dict(d.pop("mapping"))

        name = d.pop("name")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        source = cls(
            created_at=created_at,
            defaults=defaults,
            hook_url=hook_url,
            id=id,
            kind=kind,
            mapping=mapping,
            name=name,
            updated_at=updated_at,
        )

        source.additional_properties = d
        return source

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
