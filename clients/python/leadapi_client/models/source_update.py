from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.defaults import Defaults
    from ..models.source_update_mapping_type_0 import SourceUpdateMappingType0


T = TypeVar("T", bound="SourceUpdate")


@_attrs_define
class SourceUpdate:
    """Partial update; absent fields stay. Failed submissions can then be replayed.

    Attributes:
        defaults (Defaults | None | Unset):
        mapping (None | SourceUpdateMappingType0 | Unset): Payload path (dotted, list indexes as `.0` or `[0]`) or, for
            typeform/hubspot, field ref or name -> target: a lead field (`email`), `tags`, `attributes.<name>`,
            `external_ids.<system>` or `properties.<name>` (of the form_submit event).
        name (None | str | Unset):
        secret (None | str | Unset):
    """

    defaults: Defaults | None | Unset = UNSET
    mapping: None | SourceUpdateMappingType0 | Unset = UNSET
    name: None | str | Unset = UNSET
    secret: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.defaults import Defaults  # noqa: PLC0415
        from ..models.source_update_mapping_type_0 import SourceUpdateMappingType0  # noqa: PLC0415

        defaults: dict[str, Any] | None | Unset
        if isinstance(self.defaults, Unset):
            defaults = UNSET
        elif isinstance(self.defaults, Defaults):
            defaults = self.defaults.to_dict()
        else:
            defaults = self.defaults

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, SourceUpdateMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if defaults is not UNSET:
            field_dict["defaults"] = defaults
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if name is not UNSET:
            field_dict["name"] = name
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.defaults import Defaults  # noqa: PLC0415
        from ..models.source_update_mapping_type_0 import SourceUpdateMappingType0  # noqa: PLC0415

        d = dict(src_dict)

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

        def _parse_mapping(data: object) -> None | SourceUpdateMappingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = SourceUpdateMappingType0.from_dict(data)

                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SourceUpdateMappingType0 | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        source_update = cls(
            defaults=defaults,
            mapping=mapping,
            name=name,
            secret=secret,
        )

        return source_update
