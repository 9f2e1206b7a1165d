from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HygieneSettings")


@_attrs_define
class HygieneSettings:
    """
    Attributes:
        archive_inactive_after_days (int | None):
        only_stages (list[str]):
        updated_at (datetime.datetime | None): Null: never set (nothing is archived).
    """

    archive_inactive_after_days: int | None
    only_stages: list[str]
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        archive_inactive_after_days: int | None
        archive_inactive_after_days = self.archive_inactive_after_days

        only_stages = self.only_stages

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "archive_inactive_after_days": archive_inactive_after_days,
                "only_stages": only_stages,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_archive_inactive_after_days(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        archive_inactive_after_days = _parse_archive_inactive_after_days(d.pop("archive_inactive_after_days"))

        only_stages = cast(list[str], d.pop("only_stages"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        hygiene_settings = cls(
            archive_inactive_after_days=archive_inactive_after_days,
            only_stages=only_stages,
            updated_at=updated_at,
        )

        hygiene_settings.additional_properties = d
        return hygiene_settings

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
