from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.provider_create_kind import ProviderCreateKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.provider_create_headers import ProviderCreateHeaders
    from ..models.provider_create_mapping import ProviderCreateMapping
    from ..models.provider_create_when_type_0 import ProviderCreateWhenType0


T = TypeVar("T", bound="ProviderCreate")


@_attrs_define
class ProviderCreate:
    """
    Attributes:
        kind (ProviderCreateKind): `http`: calls `url_template` and maps its JSON answer. Built-in, no network:
            `phone_location` (country, and `attributes.timezone` from the phone's prefix), `company_from_domain` (the
            company name from the company's domain when empty).
        name (str):
        active (bool | Unset):  Default: True.
        cache_ttl_seconds (int | Unset): How long an answer is reused for the same URL (0: never). Default: 86400.
        headers (ProviderCreateHeaders | Unset): Headers sent with each call (not secret).
        mapping (ProviderCreateMapping | Unset): `http` only: JSONPath in the answer -> a lead field (`title`,
            `company`, `company_size`, `industry`, `country`...), `attributes.<name>`, or `tags` (every match added).
        monthly_budget (int | None | Unset): Calls a calendar month (UTC) at most; null: no limit.
        overwrite (bool | Unset): Replace values the lead has (default: fill empty fields only). Default: False.
        secret (None | str | Unset): The credential, sent as `secret_header`; stored encrypted, never shown.
        secret_header (None | str | Unset): The header that carries `secret`, e.g. `Authorization`.
        timeout_seconds (float | Unset): How long one call may take. Default: 5.0.
        url_template (None | str | Unset): `http` only: the URL, with lead fields in braces (`{email}`, `{domain}`,
            `{phone}`, `{first_name}`, `{last_name}`, `{company}`, `{website}`, `{country}`, `{id}`), percent-encoded. A
            lead with one of them empty is not sent. Checked as webhook URLs are (no private or metadata addresses).
        when (None | ProviderCreateWhenType0 | Unset): A condition over the lead (as in segments): only leads that meet
            it are enriched.
    """

    kind: ProviderCreateKind
    name: str
    active: bool | Unset = True
    cache_ttl_seconds: int | Unset = 86400
    headers: ProviderCreateHeaders | Unset = UNSET
    mapping: ProviderCreateMapping | Unset = UNSET
    monthly_budget: int | None | Unset = UNSET
    overwrite: bool | Unset = False
    secret: None | str | Unset = UNSET
    secret_header: None | str | Unset = UNSET
    timeout_seconds: float | Unset = 5.0
    url_template: None | str | Unset = UNSET
    when: None | ProviderCreateWhenType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.provider_create_when_type_0 import ProviderCreateWhenType0  # noqa: PLC0415

        kind = self.kind.value

        name = self.name

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
        elif isinstance(self.when, ProviderCreateWhenType0):
            when = self.when.to_dict()
        else:
            when = self.when

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "name": name,
            }
        )
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
        from ..models.provider_create_headers import ProviderCreateHeaders  # noqa: PLC0415
        from ..models.provider_create_mapping import ProviderCreateMapping  # noqa: PLC0415
        from ..models.provider_create_when_type_0 import ProviderCreateWhenType0  # noqa: PLC0415

        d = dict(src_dict)
        kind = ProviderCreateKind(d.pop("kind"))

        name = d.pop("name")

        active = d.pop("active", UNSET)

        cache_ttl_seconds = d.pop("cache_ttl_seconds", UNSET)

        _headers = d.pop("headers", UNSET)
        headers: ProviderCreateHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = ProviderCreateHeaders.from_dict(_headers)

        _mapping = d.pop("mapping", UNSET)
        mapping: ProviderCreateMapping | Unset
        if isinstance(_mapping, Unset):
            mapping = UNSET
        else:
            mapping = ProviderCreateMapping.from_dict(_mapping)

        def _parse_monthly_budget(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        monthly_budget = _parse_monthly_budget(d.pop("monthly_budget", UNSET))

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

        def _parse_when(data: object) -> None | ProviderCreateWhenType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = ProviderCreateWhenType0.from_dict(data)

                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProviderCreateWhenType0 | Unset, data)

        when = _parse_when(d.pop("when", UNSET))

        provider_create = cls(
            kind=kind,
            name=name,
            active=active,
            cache_ttl_seconds=cache_ttl_seconds,
            headers=headers,
            mapping=mapping,
            monthly_budget=monthly_budget,
            overwrite=overwrite,
            secret=secret,
            secret_header=secret_header,
            timeout_seconds=timeout_seconds,
            url_template=url_template,
            when=when,
        )

        return provider_create
