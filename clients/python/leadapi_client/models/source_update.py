from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.defaults import Defaults
    from ..models.source_update_mapping import SourceUpdateMapping


T = TypeVar("T", bound="SourceUpdate")


@_attrs_define
class SourceUpdate:
    """Partial update; absent fields stay. Failed submissions can then be replayed.

    Attributes:
        defaults (Defaults | None | Unset):
        mapping (SourceUpdateMapping | Unset): Payload path (dotted, list indexes as `.0` or `[0]`) or, for
            typeform/hubspot, field ref or name -> target: a lead field (`email`), `tags`, `attributes.<name>`,
            `external_ids.<system>` or `properties.<name>` (of the form_submit event).
        name (str | Unset):
        secret (str | Unset):
    """

    defaults: Defaults | None | Unset = UNSET
    mapping: SourceUpdateMapping | Unset = UNSET
    name: str | Unset = UNSET
    secret: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.defaults import Defaults  # noqa: PLC0415

        defaults: dict[str, Any] | None | Unset
        if isinstance(self.defaults, Unset):
            defaults = UNSET
        elif isinstance(self.defaults, Defaults):
            defaults = self.defaults.to_dict()
        else:
            defaults = self.defaults

        mapping: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mapping, Unset):
            mapping = self.mapping.to_dict()

        name = self.name

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
        from ..models.source_update_mapping import SourceUpdateMapping  # noqa: PLC0415

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

        _mapping = d.pop("mapping", UNSET)
        mapping: SourceUpdateMapping | Unset
        if isinstance(_mapping, Unset):
            mapping = UNSET
        else:
            mapping = SourceUpdateMapping.from_dict(_mapping)

        name = d.pop("name", UNSET)

        secret = d.pop("secret", UNSET)

        source_update = cls(
            defaults=defaults,
            mapping=mapping,
            name=name,
            secret=secret,
        )

        return source_update
