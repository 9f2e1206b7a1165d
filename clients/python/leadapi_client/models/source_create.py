from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.source_create_kind import SourceCreateKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.defaults import Defaults
    from ..models.source_create_mapping import SourceCreateMapping


T = TypeVar("T", bound="SourceCreate")


@_attrs_define
class SourceCreate:
    """
    Attributes:
        mapping (SourceCreateMapping): See SourceFields.mapping.
        name (str):
        defaults (Defaults | None | Unset):
        kind (SourceCreateKind | Unset):  Default: SourceCreateKind.GENERIC.
        secret (None | str | Unset): The provider's signing secret (required for typeform and hubspot); generic:
            generated if absent.
    """

    mapping: SourceCreateMapping
    name: str
    defaults: Defaults | None | Unset = UNSET
    kind: SourceCreateKind | Unset = SourceCreateKind.GENERIC
    secret: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.defaults import Defaults  # noqa: PLC0415

        mapping = self.mapping.to_dict()

        name = self.name

        defaults: dict[str, Any] | None | Unset
        if isinstance(self.defaults, Unset):
            defaults = UNSET
        elif isinstance(self.defaults, Defaults):
            defaults = self.defaults.to_dict()
        else:
            defaults = self.defaults

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mapping": mapping,
                "name": name,
            }
        )
        if defaults is not UNSET:
            field_dict["defaults"] = defaults
        if kind is not UNSET:
            field_dict["kind"] = kind
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.defaults import Defaults  # noqa: PLC0415
        from ..models.source_create_mapping import SourceCreateMapping  # noqa: PLC0415

        d = dict(src_dict)
        mapping = SourceCreateMapping.from_dict(d.pop("mapping"))

        name = d.pop("name")

        def _parse_defaults(data: object) -> Defaults | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                defaults_type_0 = Defaults.from_dict(data)

                return defaults_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Defaults | None | Unset, data)

        defaults = _parse_defaults(d.pop("defaults", UNSET))

        _kind = d.pop("kind", UNSET)
        kind: SourceCreateKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = SourceCreateKind(_kind)

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        source_create = cls(
            mapping=mapping,
            name=name,
            defaults=defaults,
            kind=kind,
            secret=secret,
        )

        return source_create
