from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.company_size import CompanySize


T = TypeVar("T", bound="TerritoryIn")


@_attrs_define
class TerritoryIn:
    """Every non-empty field must match the lead; an empty field matches anything.

    Attributes:
        company_size (CompanySize | None | Unset):
        countries (list[str] | Unset): ISO 3166 codes or names.
        industries (list[str] | Unset):
        postal_prefixes (list[str] | Unset):
        regions (list[str] | Unset):
    """

    company_size: CompanySize | None | Unset = UNSET
    countries: list[str] | Unset = UNSET
    industries: list[str] | Unset = UNSET
    postal_prefixes: list[str] | Unset = UNSET
    regions: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.company_size import CompanySize  # noqa: PLC0415

        company_size: dict[str, Any] | None | Unset
        if isinstance(self.company_size, Unset):
            company_size = UNSET
        elif isinstance(self.company_size, CompanySize):
            company_size = self.company_size.to_dict()
        else:
            company_size = self.company_size

        countries: list[str] | Unset = UNSET
        if not isinstance(self.countries, Unset):
            countries = self.countries

        industries: list[str] | Unset = UNSET
        if not isinstance(self.industries, Unset):
            industries = self.industries

        postal_prefixes: list[str] | Unset = UNSET
        if not isinstance(self.postal_prefixes, Unset):
            postal_prefixes = self.postal_prefixes

        regions: list[str] | Unset = UNSET
        if not isinstance(self.regions, Unset):
            regions = self.regions

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if company_size is not UNSET:
            field_dict["company_size"] = company_size
        if countries is not UNSET:
            field_dict["countries"] = countries
        if industries is not UNSET:
            field_dict["industries"] = industries
        if postal_prefixes is not UNSET:
            field_dict["postal_prefixes"] = postal_prefixes
        if regions is not UNSET:
            field_dict["regions"] = regions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.company_size import CompanySize  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_company_size(data: object) -> CompanySize | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                company_size_type_0 = CompanySize.from_dict(data)

                return company_size_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CompanySize | None | Unset, data)

        company_size = _parse_company_size(d.pop("company_size", UNSET))

        countries = cast(list[str], d.pop("countries", UNSET))

        industries = cast(list[str], d.pop("industries", UNSET))

        postal_prefixes = cast(list[str], d.pop("postal_prefixes", UNSET))

        regions = cast(list[str], d.pop("regions", UNSET))

        territory_in = cls(
            company_size=company_size,
            countries=countries,
            industries=industries,
            postal_prefixes=postal_prefixes,
            regions=regions,
        )

        return territory_in
