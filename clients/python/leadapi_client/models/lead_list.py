from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lead import Lead


T = TypeVar("T", bound="LeadList")


@_attrs_define
class LeadList:
    """
    Attributes:
        data (list[Lead]):
        next_cursor (None | str): Pass as `cursor` for the next page; null on the last page.
        total (int | None | Unset): With `count`: how many leads the list holds over all its pages; else absent.
        total_is_estimate (bool | None | Unset): With `count`: true when `total` is the planner's estimate, not a count;
            else absent.
    """

    data: list[Lead]
    next_cursor: None | str
    total: int | None | Unset = UNSET
    total_is_estimate: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        total: int | None | Unset
        if isinstance(self.total, Unset):
            total = UNSET
        else:
            total = self.total

        total_is_estimate: bool | None | Unset
        if isinstance(self.total_is_estimate, Unset):
            total_is_estimate = UNSET
        else:
            total_is_estimate = self.total_is_estimate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "next_cursor": next_cursor,
            }
        )
        if total is not UNSET:
            field_dict["total"] = total
        if total_is_estimate is not UNSET:
            field_dict["total_is_estimate"] = total_is_estimate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lead import Lead  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Lead.from_dict(data_item_data)

            data.append(data_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        def _parse_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        total = _parse_total(d.pop("total", UNSET))

        def _parse_total_is_estimate(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        total_is_estimate = _parse_total_is_estimate(d.pop("total_is_estimate", UNSET))

        lead_list = cls(
            data=data,
            next_cursor=next_cursor,
            total=total,
            total_is_estimate=total_is_estimate,
        )

        lead_list.additional_properties = d
        return lead_list

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
