from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.decision import Decision


T = TypeVar("T", bound="RouteOut")


@_attrs_define
class RouteOut:
    """
    Attributes:
        assigned (bool): False when no rule yielded an owner (or the lead kept its owner).
        decision (Decision):
        lead_id (str):
        owner_id (None | str):
    """

    assigned: bool
    decision: Decision
    lead_id: str
    owner_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assigned = self.assigned

        decision = self.decision.to_dict()

        lead_id = self.lead_id

        owner_id: None | str
        owner_id = self.owner_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assigned": assigned,
                "decision": decision,
                "lead_id": lead_id,
                "owner_id": owner_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.decision import Decision  # noqa: PLC0415

        d = dict(src_dict)
        assigned = d.pop("assigned")

        decision = Decision.from_dict(d.pop("decision"))

        lead_id = d.pop("lead_id")

        def _parse_owner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        owner_id = _parse_owner_id(d.pop("owner_id"))

        route_out = cls(
            assigned=assigned,
            decision=decision,
            lead_id=lead_id,
            owner_id=owner_id,
        )

        route_out.additional_properties = d
        return route_out

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
