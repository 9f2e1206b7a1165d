from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_created_scopes_item import ApiKeyCreatedScopesItem

T = TypeVar("T", bound="ApiKeyCreated")


@_attrs_define
class ApiKeyCreated:
    """
    Attributes:
        created_at (datetime.datetime):
        id (str):
        key (str): The secret key. Shown once: store it now.
        name (str):
        prefix (str): The key's first characters, to recognise it; the rest is never shown again.
        rate_limit (None | str): The key's own rate limit; null: the server's default.
        revoked_at (datetime.datetime | None):
        scopes (list[ApiKeyCreatedScopesItem]):
    """

    created_at: datetime.datetime
    id: str
    key: str
    name: str
    prefix: str
    rate_limit: None | str
    revoked_at: datetime.datetime | None
    scopes: list[ApiKeyCreatedScopesItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        key = self.key

        name = self.name

        prefix = self.prefix

        rate_limit: None | str
        rate_limit = self.rate_limit

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item = scopes_item_data.value
            scopes.append(scopes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "key": key,
                "name": name,
                "prefix": prefix,
                "rate_limit": rate_limit,
                "revoked_at": revoked_at,
                "scopes": scopes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        key = d.pop("key")

        name = d.pop("name")

        prefix = d.pop("prefix")

        def _parse_rate_limit(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit"))

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in _scopes:
            scopes_item = ApiKeyCreatedScopesItem(scopes_item_data)

            scopes.append(scopes_item)

        api_key_created = cls(
            created_at=created_at,
            id=id,
            key=key,
            name=name,
            prefix=prefix,
            rate_limit=rate_limit,
            revoked_at=revoked_at,
            scopes=scopes,
        )

        api_key_created.additional_properties = d
        return api_key_created

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
