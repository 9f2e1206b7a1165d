from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.import_options_dedupe import ImportOptionsDedupe
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.import_options_mapping_type_0 import ImportOptionsMappingType0


T = TypeVar("T", bound="ImportOptions")


@_attrs_define
class ImportOptions:
    """
    Attributes:
        dedupe (ImportOptionsDedupe | Unset): A row matching a lead (same keys as a capture): merged into it, skipped,
            or refused. Default: ImportOptionsDedupe.MERGE.
        dry_run (bool | Unset): Report what would happen; write no lead. Default: False.
        mapping (ImportOptionsMappingType0 | None | Unset): Column (NDJSON key) -> a lead field, `tags`,
            `attributes.<name>` or `external_ids.<system>`, as form sources map; unmapped columns are ignored.
        overwrite (bool | Unset): A merge replaces non-empty values (as `overwrite` on capture). Default: False.
        route (bool | Unset): false: leads are created unassigned, routing skipped. Default: True.
        source (None | str | Unset): `source` of rows that have none.
        tags (list[str] | Unset): Added to every row's tags.
    """

    dedupe: ImportOptionsDedupe | Unset = ImportOptionsDedupe.MERGE
    dry_run: bool | Unset = False
    mapping: ImportOptionsMappingType0 | None | Unset = UNSET
    overwrite: bool | Unset = False
    route: bool | Unset = True
    source: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.import_options_mapping_type_0 import ImportOptionsMappingType0  # noqa: PLC0415

        dedupe: str | Unset = UNSET
        if not isinstance(self.dedupe, Unset):
            dedupe = self.dedupe.value

        dry_run = self.dry_run

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, ImportOptionsMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        overwrite = self.overwrite

        route = self.route

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if dedupe is not UNSET:
            field_dict["dedupe"] = dedupe
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if overwrite is not UNSET:
            field_dict["overwrite"] = overwrite
        if route is not UNSET:
            field_dict["route"] = route
        if source is not UNSET:
            field_dict["source"] = source
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_options_mapping_type_0 import ImportOptionsMappingType0  # noqa: PLC0415

        d = dict(src_dict)
        _dedupe = d.pop("dedupe", UNSET)
        dedupe: ImportOptionsDedupe | Unset
        if isinstance(_dedupe, Unset):
            dedupe = UNSET
        else:
            dedupe = ImportOptionsDedupe(_dedupe)

        dry_run = d.pop("dry_run", UNSET)

        def _parse_mapping(data: object) -> ImportOptionsMappingType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = ImportOptionsMappingType0.from_dict(data)

                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImportOptionsMappingType0 | None | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))

        overwrite = d.pop("overwrite", UNSET)

        route = d.pop("route", UNSET)

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        import_options = cls(
            dedupe=dedupe,
            dry_run=dry_run,
            mapping=mapping,
            overwrite=overwrite,
            route=route,
            source=source,
            tags=tags,
        )

        return import_options
