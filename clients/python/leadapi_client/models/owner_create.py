from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.out_of_office import OutOfOffice
    from ..models.territory_in import TerritoryIn


T = TypeVar("T", bound="OwnerCreate")


@_attrs_define
class OwnerCreate:
    """
    Attributes:
        email (str):
        name (str):
        active (bool | None | Unset):
        capacity (int | None | Unset): Most open leads at once; null: no cap.
        out_of_office (None | OutOfOffice | Unset):
        tags (list[str] | None | Unset): Teams, skills, languages.
        territories (list[TerritoryIn] | None | Unset):
        weight (int | None | Unset): Share in weighted rotation (default 1).
    """

    email: str
    name: str
    active: bool | None | Unset = UNSET
    capacity: int | None | Unset = UNSET
    out_of_office: None | OutOfOffice | Unset = UNSET
    tags: list[str] | None | Unset = UNSET
    territories: list[TerritoryIn] | None | Unset = UNSET
    weight: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.out_of_office import OutOfOffice  # noqa: PLC0415

        email = self.email

        name = self.name

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        capacity: int | None | Unset
        if isinstance(self.capacity, Unset):
            capacity = UNSET
        else:
            capacity = self.capacity

        out_of_office: dict[str, Any] | None | Unset
        if isinstance(self.out_of_office, Unset):
            out_of_office = UNSET
        elif isinstance(self.out_of_office, OutOfOffice):
            out_of_office = self.out_of_office.to_dict()
        else:
            out_of_office = self.out_of_office

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags

        else:
            tags = self.tags

        territories: list[dict[str, Any]] | None | Unset
        if isinstance(self.territories, Unset):
            territories = UNSET
        elif isinstance(self.territories, list):
            territories = []
            for territories_type_0_item_data in self.territories:
                territories_type_0_item = territories_type_0_item_data.to_dict()
                territories.append(territories_type_0_item)

        else:
            territories = self.territories

        weight: int | None | Unset
        if isinstance(self.weight, Unset):
            weight = UNSET
        else:
            weight = self.weight

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "name": name,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if out_of_office is not UNSET:
            field_dict["out_of_office"] = out_of_office
        if tags is not UNSET:
            field_dict["tags"] = tags
        if territories is not UNSET:
            field_dict["territories"] = territories
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.out_of_office import OutOfOffice  # noqa: PLC0415
        from ..models.territory_in import TerritoryIn  # noqa: PLC0415

        d = dict(src_dict)
        email = d.pop("email")

        name = d.pop("name")

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_capacity(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        capacity = _parse_capacity(d.pop("capacity", UNSET))

        def _parse_out_of_office(data: object) -> None | OutOfOffice | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                out_of_office_type_0 = OutOfOffice.from_dict(data)

                return out_of_office_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OutOfOffice | Unset, data)

        out_of_office = _parse_out_of_office(d.pop("out_of_office", UNSET))

        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        def _parse_territories(data: object) -> list[TerritoryIn] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                territories_type_0 = []
                _territories_type_0 = data
                for territories_type_0_item_data in _territories_type_0:
                    territories_type_0_item = TerritoryIn.from_dict(territories_type_0_item_data)

                    territories_type_0.append(territories_type_0_item)

                return territories_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[TerritoryIn] | None | Unset, data)

        territories = _parse_territories(d.pop("territories", UNSET))

        def _parse_weight(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        weight = _parse_weight(d.pop("weight", UNSET))

        owner_create = cls(
            email=email,
            name=name,
            active=active,
            capacity=capacity,
            out_of_office=out_of_office,
            tags=tags,
            territories=territories,
            weight=weight,
        )

        return owner_create
