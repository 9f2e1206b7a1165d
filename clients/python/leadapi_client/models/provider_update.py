from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.provider_update_headers import ProviderUpdateHeaders
    from ..models.provider_update_mapping import ProviderUpdateMapping
    from ..models.provider_update_when_type_0 import ProviderUpdateWhenType0


T = TypeVar("T", bound="ProviderUpdate")


@_attrs_define
class ProviderUpdate:
    """Partial update: absent fields stay; `secret: null` removes the credential.

    Attributes:
        active (bool | Unset):
        cache_ttl_seconds (int | Unset):
        headers (ProviderUpdateHeaders | Unset):
        mapping (ProviderUpdateMapping | Unset): `http` only: JSONPath in the answer -> a lead field (`title`,
            `company`, `company_size`, `industry`, `country`...), `attributes.<name>`, or `tags` (every match added).
        monthly_budget (int | None | Unset):
        name (str | Unset):
        overwrite (bool | Unset):
        secret (None | str | Unset):
        secret_header (None | str | Unset):
        timeout_seconds (float | Unset):
        url_template (None | str | Unset): `http` only: the URL, with lead fields in braces (`{email}`, `{domain}`,
            `{phone}`, `{first_name}`, `{last_name}`, `{company}`, `{website}`, `{country}`, `{id}`), percent-encoded. A
            lead with one of them empty is not sent. Checked as webhook URLs are (no private or metadata addresses).
        when (None | ProviderUpdateWhenType0 | Unset): A condition over the lead (as in segments): only leads that meet
            it are enriched.
    """

    active: bool | Unset = UNSET
    cache_ttl_seconds: int | Unset = UNSET
    headers: ProviderUpdateHeaders | Unset = UNSET
    mapping: ProviderUpdateMapping | Unset = UNSET
    monthly_budget: int | None | Unset = UNSET
    name: str | Unset = UNSET
    overwrite: bool | Unset = UNSET
    secret: None | str | Unset = UNSET
    secret_header: None | str | Unset = UNSET
    timeout_seconds: float | Unset = UNSET
    url_template: None | str | Unset = UNSET
    when: None | ProviderUpdateWhenType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.provider_update_when_type_0 import ProviderUpdateWhenType0  # noqa: PLC0415

        active = self.active

        cache_ttl_seconds = self.cache_ttl_seconds

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        mapping: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mapping, Unset):
            mapping = self.mapping.to_dict()

        monthly_budget: int | None | Unset
        if isinstance(self.monthly_budget, Unset):
            monthly_budget = UNSET
        else:
            monthly_budget = self.monthly_budget

        name = self.name

        overwrite = self.overwrite

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        secret_header: None | str | Unset
        if isinstance(self.secret_header, Unset):
            secret_header = UNSET
        else:
            secret_header = self.secret_header

        timeout_seconds = self.timeout_seconds

        url_template: None | str | Unset
        if isinstance(self.url_template, Unset):
            url_template = UNSET
        else:
            url_template = self.url_template

        when: dict[str, Any] | None | Unset
        if isinstance(self.when, Unset):
            when = UNSET
        elif isinstance(self.when, ProviderUpdateWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if cache_ttl_seconds is not UNSET:
            field_dict["cache_ttl_seconds"] = cache_ttl_seconds
        if headers is not UNSET:
            field_dict["headers"] = headers
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if monthly_budget is not UNSET:
            field_dict["monthly_budget"] = monthly_budget
        if name is not UNSET:
            field_dict["name"] = name
        if overwrite is not UNSET:
            field_dict["overwrite"] = overwrite
        if secret is not UNSET:
            field_dict["secret"] = secret
        if secret_header is not UNSET:
            field_dict["secret_header"] = secret_header
        if timeout_seconds is not UNSET:
            field_dict["timeout_seconds"] = timeout_seconds
        if url_template is not UNSET:
            field_dict["url_template"] = url_template
        if when is not UNSET:
            field_dict["when"] = when

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider_update_headers import ProviderUpdateHeaders  # noqa: PLC0415
        from ..models.provider_update_mapping import ProviderUpdateMapping  # noqa: PLC0415
        from ..models.provider_update_when_type_0 import ProviderUpdateWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active", UNSET)

        cache_ttl_seconds = d.pop("cache_ttl_seconds", UNSET)

        _headers = d.pop("headers", UNSET)
        headers: ProviderUpdateHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = ProviderUpdateHeaders.from_dict(_headers)

        _mapping = d.pop("mapping", UNSET)
        mapping: ProviderUpdateMapping | Unset
        if isinstance(_mapping, Unset):
            mapping = UNSET
        else:
            mapping = ProviderUpdateMapping.from_dict(_mapping)

        def _parse_monthly_budget(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        monthly_budget = _parse_monthly_budget(d.pop("monthly_budget", UNSET))

        name = d.pop("name", UNSET)

        overwrite = d.pop("overwrite", UNSET)

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        def _parse_secret_header(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret_header = _parse_secret_header(d.pop("secret_header", UNSET))

        timeout_seconds = d.pop("timeout_seconds", UNSET)

        def _parse_url_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url_template = _parse_url_template(d.pop("url_template", UNSET))

        def _parse_when(data: object) -> None | ProviderUpdateWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = ProviderUpdateWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProviderUpdateWhenType0 | Unset, data)

        when = _parse_when(d.pop("when", UNSET))

        provider_update = cls(
            active=active,
            cache_ttl_seconds=cache_ttl_seconds,
            headers=headers,
            mapping=mapping,
            monthly_budget=monthly_budget,
            name=name,
            overwrite=overwrite,
            secret=secret,
            secret_header=secret_header,
            timeout_seconds=timeout_seconds,
            url_template=url_template,
            when=when,
        )

        return provider_update
