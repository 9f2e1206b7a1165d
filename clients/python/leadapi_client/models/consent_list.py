from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.consent import Consent


T = TypeVar("T", bound="ConsentList")


@_attrs_define
class ConsentList:
    """
    Attributes:
        current (list[Consent]): Each channel's latest record: its status now.
        data (list[Consent]): The history, newest first.
        next_cursor (None | str):
    """

    current: list[Consent]
    data: list[Consent]
    next_cursor: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        current = []
        for current_item_data in self.current:
            current_item = current_item_data.to_dict()
            current.append(current_item)

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "current": current,
                "data": data,
                "next_cursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent import Consent  # noqa: PLC0415

        d = dict(src_dict)
        current = []
        _current = d.pop("current")
        for current_item_data in _current:
            current_item = Consent.from_dict(current_item_data)

            current.append(current_item)

        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Consent.from_dict(data_item_data)

            data.append(data_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        consent_list = cls(
            current=current,
            data=data,
            next_cursor=next_cursor,
        )

        consent_list.additional_properties = d
        return consent_list

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
