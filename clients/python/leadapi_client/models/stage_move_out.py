from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.lead import Lead
    from ..models.stage_change import StageChange


T = TypeVar("T", bound="StageMoveOut")


@_attrs_define
class StageMoveOut:
    """
    Attributes:
        change (StageChange):
        lead (Lead):
    """

    change: StageChange
    lead: Lead
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        change = self.change.to_dict()

        lead = self.lead.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "change": change,
                "lead": lead,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead import Lead  # noqa: PLC0415
        from ..models.stage_change import StageChange  # noqa: PLC0415

        d = dict(src_dict)
        change = StageChange.from_dict(d.pop("change"))

        lead = Lead.from_dict(d.pop("lead"))

        stage_move_out = cls(
            change=change,
            lead=lead,
        )

        stage_move_out.additional_properties = d
        return stage_move_out

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
