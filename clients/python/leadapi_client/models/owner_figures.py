from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OwnerFigures")


@_attrs_define
class OwnerFigures:
    """
    Attributes:
        accepted (int): Leads the owner accepted in the range.
        assigned (int): Assignments to the owner made in the range.
        median_speed_seconds (float | None): Median wait from assignment to first touch.
        name (None | str):
        open_ (int): Leads the owner holds in an open stage now.
        owner_id (str):
        rejected (int): Leads the owner rejected in the range.
        sla_breached (int):
        sla_compliance (float | None):
        sla_met (int):
        touched (int): Of those, the ones the owner touched.
        won (int): The owner's leads won in the range.
    """

    accepted: int
    assigned: int
    median_speed_seconds: float | None
    name: None | str
    open_: int
    owner_id: str
    rejected: int
    sla_breached: int
    sla_compliance: float | None
    sla_met: int
    touched: int
    won: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        assigned = self.assigned

        median_speed_seconds: float | None
        median_speed_seconds = self.median_speed_seconds

        name: None | str
        name = self.name

        open_ = self.open_

        owner_id = self.owner_id

        rejected = self.rejected

        sla_breached = self.sla_breached

        sla_compliance: float | None
        sla_compliance = self.sla_compliance

        sla_met = self.sla_met

        touched = self.touched

        won = self.won

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "assigned": assigned,
                "median_speed_seconds": median_speed_seconds,
                "name": name,
                "open": open_,
                "owner_id": owner_id,
                "rejected": rejected,
                "sla_breached": sla_breached,
                "sla_compliance": sla_compliance,
                "sla_met": sla_met,
                "touched": touched,
                "won": won,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accepted = d.pop("accepted")

        assigned = d.pop("assigned")

        def _parse_median_speed_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        median_speed_seconds = _parse_median_speed_seconds(d.pop("median_speed_seconds"))

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        open_ = d.pop("open")

        owner_id = d.pop("owner_id")

        rejected = d.pop("rejected")

        sla_breached = d.pop("sla_breached")

        def _parse_sla_compliance(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        sla_compliance = _parse_sla_compliance(d.pop("sla_compliance"))

        sla_met = d.pop("sla_met")

        touched = d.pop("touched")

        won = d.pop("won")

        owner_figures = cls(
            accepted=accepted,
            assigned=assigned,
            median_speed_seconds=median_speed_seconds,
            name=name,
            open_=open_,
            owner_id=owner_id,
            rejected=rejected,
            sla_breached=sla_breached,
            sla_compliance=sla_compliance,
            sla_met=sla_met,
            touched=touched,
            won=won,
        )

        owner_figures.additional_properties = d
        return owner_figures

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
