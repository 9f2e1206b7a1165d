from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.source_with_secret_kind import SourceWithSecretKind

if TYPE_CHECKING:
    from ..models.source_with_secret_defaults import SourceWithSecretDefaults
    from ..models.source_with_secret_mapping import SourceWithSecretMapping


T = TypeVar("T", bound="SourceWithSecret")


@_attrs_define
class SourceWithSecret:
    """
    Attributes:
        created_at (datetime.datetime):
        defaults (SourceWithSecretDefaults):
        hook_url (str): Where the provider posts: /v1/hooks/{id}.
        id (str):
        kind (SourceWithSecretKind):
        mapping (SourceWithSecretMapping):
        name (str):
        secret (str): Sign generic submissions with it; shown at creation only.
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    defaults: SourceWithSecretDefaults
    hook_url: str
    id: str
    kind: SourceWithSecretKind
    mapping: SourceWithSecretMapping
    name: str
    secret: str
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

        secret = self.secret

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
                "secret": secret,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.source_with_secret_defaults import SourceWithSecretDefaults  # noqa: PLC0415
        from ..models.source_with_secret_mapping import SourceWithSecretMapping  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        defaults = SourceWithSecretDefaults.from_dict(d.pop("defaults"))

        hook_url = d.pop("hook_url")

        id = d.pop("id")

        kind = SourceWithSecretKind(d.pop("kind"))

        mapping = SourceWithSecretMapping.from_dict(d.pop("mapping"))

        name = d.pop("name")

        secret = d.pop("secret")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        source_with_secret = cls(
            created_at=created_at,
            defaults=defaults,
            hook_url=hook_url,
            id=id,
            kind=kind,
            mapping=mapping,
            name=name,
            secret=secret,
            updated_at=updated_at,
        )

        source_with_secret.additional_properties = d
        return source_with_secret

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
