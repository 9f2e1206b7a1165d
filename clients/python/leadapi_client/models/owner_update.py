from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.out_of_office import OutOfOffice
    from ..models.territory_in import TerritoryIn


T = TypeVar("T", bound="OwnerUpdate")


@_attrs_define
class OwnerUpdate:
    """Partial update: absent fields stay; `null` clears capacity (no cap) and out_of_office.

    Attributes:
        active (bool | Unset):
        capacity (int | None | Unset): Most open leads at once; null: no cap.
        email (str | Unset):
        name (str | Unset):
        out_of_office (None | OutOfOffice | Unset):
        tags (list[str] | Unset): Teams, skills, languages.
        territories (list[TerritoryIn] | Unset):
        weight (int | Unset): Share in weighted rotation (default 1).
    """

    active: bool | Unset = UNSET
    capacity: int | None | Unset = UNSET
    email: str | Unset = UNSET
    name: str | Unset = UNSET
    out_of_office: None | OutOfOffice | Unset = UNSET
    tags: list[str] | Unset = UNSET
    territories: list[TerritoryIn] | Unset = UNSET
    weight: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.out_of_office import OutOfOffice  # noqa: PLC0415

        active = self.active

        capacity: int | None | Unset
        if isinstance(self.capacity, Unset):
            capacity = UNSET
        else:
            capacity = self.capacity

        email = self.email

        name = self.name

        out_of_office: dict[str, Any] | None | Unset
        if isinstance(self.out_of_office, Unset):
            out_of_office = UNSET
        elif isinstance(self.out_of_office, OutOfOffice):
            out_of_office = self.out_of_office.to_dict()
        else:
            out_of_office = self.out_of_office

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        territories: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.territories, Unset):
            territories = []
            for territories_item_data in self.territories:
                territories_item = territories_item_data.to_dict()
                territories.append(territories_item)

        weight = self.weight

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if email is not UNSET:
            field_dict["email"] = email
        if name is not UNSET:
            field_dict["name"] = name
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
        active = d.pop("active", UNSET)

        def _parse_capacity(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        capacity = _parse_capacity(d.pop("capacity", UNSET))

        email = d.pop("email", UNSET)

        name = d.pop("name", UNSET)

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

        tags = cast(list[str], d.pop("tags", UNSET))

        _territories = d.pop("territories", UNSET)
        territories: list[TerritoryIn] | Unset = UNSET
        if _territories is not UNSET:
            territories = []
            for territories_item_data in _territories:
                territories_item = TerritoryIn.from_dict(territories_item_data)

                territories.append(territories_item)

        weight = d.pop("weight", UNSET)

        owner_update = cls(
            active=active,
            capacity=capacity,
            email=email,
            name=name,
            out_of_office=out_of_office,
            tags=tags,
            territories=territories,
            weight=weight,
        )

        return owner_update
