from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_kind import ProviderKind

if TYPE_CHECKING:
    from ..models.provider_headers import ProviderHeaders
    from ..models.provider_mapping import ProviderMapping
    from ..models.provider_when_type_0 import ProviderWhenType0


T = TypeVar("T", bound="Provider")


@_attrs_define
class Provider:
    """
    Attributes:
        active (bool):
        cache_ttl_seconds (int):
        calls_this_month (int): Calls sent this calendar month (UTC), cached answers not counted.
        created_at (datetime.datetime):
        has_secret (bool): Whether a secret is stored (it is never shown).
        headers (ProviderHeaders):
        id (str):
        kind (ProviderKind):
        mapping (ProviderMapping):
        monthly_budget (int | None):
        name (str):
        overwrite (bool):
        secret_header (None | str):
        timeout_seconds (float):
        updated_at (datetime.datetime):
        url_template (None | str):
        when (None | ProviderWhenType0):
    """

    active: bool
    cache_ttl_seconds: int
    calls_this_month: int
    created_at: datetime.datetime
    has_secret: bool
    headers: ProviderHeaders
    id: str
    kind: ProviderKind
    mapping: ProviderMapping
    monthly_budget: int | None
    name: str
    overwrite: bool
    secret_header: None | str
    timeout_seconds: float
    updated_at: datetime.datetime
    url_template: None | str
    when: None | ProviderWhenType0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.provider_when_type_0 import ProviderWhenType0  # noqa: PLC0415

        active = self.active

        cache_ttl_seconds = self.cache_ttl_seconds

        calls_this_month = self.calls_this_month

        created_at = self.created_at.isoformat()

        has_secret = self.has_secret

        headers = self.headers.to_dict()

        id = self.id

        kind = self.kind.value

        mapping = self.mapping.to_dict()

        monthly_budget: int | None
        monthly_budget = self.monthly_budget

        name = self.name

        overwrite = self.overwrite

        secret_header: None | str
        secret_header = self.secret_header

        timeout_seconds = self.timeout_seconds

        updated_at = self.updated_at.isoformat()

        url_template: None | str
        url_template = self.url_template

        when: dict[str, Any] | None
        if isinstance(self.when, ProviderWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "cache_ttl_seconds": cache_ttl_seconds,
                "calls_this_month": calls_this_month,
                "created_at": created_at,
                "has_secret": has_secret,
                "headers": headers,
                "id": id,
                "kind": kind,
                "mapping": mapping,
                "monthly_budget": monthly_budget,
                "name": name,
                "overwrite": overwrite,
                "secret_header": secret_header,
                "timeout_seconds": timeout_seconds,
                "updated_at": updated_at,
                "url_template": url_template,
                "when": when,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider_headers import ProviderHeaders  # noqa: PLC0415
        from ..models.provider_mapping import ProviderMapping  # noqa: PLC0415
        from ..models.provider_when_type_0 import ProviderWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        cache_ttl_seconds = d.pop("cache_ttl_seconds")

        calls_this_month = d.pop("calls_this_month")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        has_secret = d.pop("has_secret")

        headers = ProviderHeaders.from_dict(d.pop("headers"))

        id = d.pop("id")

        kind = ProviderKind(d.pop("kind"))

        mapping = ProviderMapping.from_dict(d.pop("mapping"))

        def _parse_monthly_budget(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        monthly_budget = _parse_monthly_budget(d.pop("monthly_budget"))

        name = d.pop("name")

        overwrite = d.pop("overwrite")

        def _parse_secret_header(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        secret_header = _parse_secret_header(d.pop("secret_header"))

        timeout_seconds = d.pop("timeout_seconds")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_url_template(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url_template = _parse_url_template(d.pop("url_template"))

        def _parse_when(data: object) -> None | ProviderWhenType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = ProviderWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProviderWhenType0, data)

        when = _parse_when(d.pop("when"))

        provider = cls(
            active=active,
            cache_ttl_seconds=cache_ttl_seconds,
            calls_this_month=calls_this_month,
            created_at=created_at,
            has_secret=has_secret,
            headers=headers,
            id=id,
            kind=kind,
            mapping=mapping,
            monthly_budget=monthly_budget,
            name=name,
            overwrite=overwrite,
            secret_header=secret_header,
            timeout_seconds=timeout_seconds,
            updated_at=updated_at,
            url_template=url_template,
            when=when,
        )

        provider.additional_properties = d
        return provider

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
