from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.population_as_of import PopulationAsOf

T = TypeVar("T", bound="Population")


@_attrs_define
class Population:
    """
    Attributes:
        as_of (PopulationAsOf):
        from_ (datetime.datetime | None):
        leads (int): Leads scored: their reference time in range, their horizon over.
        outcome_stages (list[str]): The stages that count as converted.
        to (datetime.datetime):
        within_days (int):
    """

    as_of: PopulationAsOf
    from_: datetime.datetime | None
    leads: int
    outcome_stages: list[str]
    to: datetime.datetime
    within_days: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.value

        from_: None | str
        if isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        leads = self.leads

        outcome_stages = self.outcome_stages

        to = self.to.isoformat()

        within_days = self.within_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "from": from_,
                "leads": leads,
                "outcome_stages": outcome_stages,
                "to": to,
                "within_days": within_days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        as_of = PopulationAsOf(d.pop("as_of"))

        def _parse_from_(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        from_ = _parse_from_(d.pop("from"))

        leads = d.pop("leads")

        outcome_stages = cast(list[str], d.pop("outcome_stages"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        within_days = d.pop("within_days")

        population = cls(
            as_of=as_of,
            from_=from_,
            leads=leads,
            outcome_stages=outcome_stages,
            to=to,
            within_days=within_days,
        )

        population.additional_properties = d
        return population

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
