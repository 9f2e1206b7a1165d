from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.owner_out_of_office_type_0 import OwnerOutOfOfficeType0
    from ..models.owner_territories_item import OwnerTerritoriesItem


T = TypeVar("T", bound="Owner")


@_attrs_define
class Owner:
    """
    Attributes:
        active (bool):
        capacity (int | None):
        created_at (datetime.datetime):
        email (str):
        id (str):
        name (str):
        open_leads (int): Leads this owner holds in an open stage.
        out_of_office (None | OwnerOutOfOfficeType0):
        tags (list[str]):
        territories (list[OwnerTerritoriesItem]):
        updated_at (datetime.datetime):
        weight (int):
    """

    active: bool
    capacity: int | None
    created_at: datetime.datetime
    email: str
    id: str
    name: str
    open_leads: int
    out_of_office: None | OwnerOutOfOfficeType0
    tags: list[str]
    territories: list[OwnerTerritoriesItem]
    updated_at: datetime.datetime
    weight: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.owner_out_of_office_type_0 import OwnerOutOfOfficeType0  # noqa: PLC0415

        active = self.active

        capacity: int | None
        capacity = self.capacity

        created_at = self.created_at.isoformat()

        email = self.email

        id = self.id

        name = self.name

        open_leads = self.open_leads

        out_of_office: dict[str, Any] | None
        if isinstance(self.out_of_office, OwnerOutOfOfficeType0):
            out_of_office = self.out_of_office.to_dict()
        else:
            out_of_office = self.out_of_office

        tags = self.tags

        territories = []
        for territories_item_data in self.territories:
            territories_item = territories_item_data.to_dict()
            territories.append(territories_item)

        updated_at = self.updated_at.isoformat()

        weight = self.weight

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "capacity": capacity,
                "created_at": created_at,
                "email": email,
                "id": id,
                "name": name,
                "open_leads": open_leads,
                "out_of_office": out_of_office,
                "tags": tags,
                "territories": territories,
                "updated_at": updated_at,
                "weight": weight,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.owner_out_of_office_type_0 import OwnerOutOfOfficeType0  # noqa: PLC0415
        from ..models.owner_territories_item import OwnerTerritoriesItem  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        def _parse_capacity(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        capacity = _parse_capacity(d.pop("capacity"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        email = d.pop("email")

        id = d.pop("id")

        name = d.pop("name")

        open_leads = d.pop("open_leads")

        def _parse_out_of_office(data: object) -> None | OwnerOutOfOfficeType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                out_of_office_type_0 = OwnerOutOfOfficeType0.from_dict(data)

                return out_of_office_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OwnerOutOfOfficeType0, data)

        out_of_office = _parse_out_of_office(d.pop("out_of_office"))

        tags = cast(list[str], d.pop("tags"))

        territories = []
        _territories = d.pop("territories")
        for territories_item_data in _territories:
            territories_item = OwnerTerritoriesItem.from_dict(territories_item_data)

            territories.append(territories_item)

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        weight = d.pop("weight")

        owner = cls(
            active=active,
            capacity=capacity,
            created_at=created_at,
            email=email,
            id=id,
            name=name,
            open_leads=open_leads,
            out_of_office=out_of_office,
            tags=tags,
            territories=territories,
            updated_at=updated_at,
            weight=weight,
        )

        owner.additional_properties = d
        return owner

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
