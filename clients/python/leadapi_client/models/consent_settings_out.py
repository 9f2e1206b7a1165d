from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConsentSettingsOut")


@_attrs_define
class ConsentSettingsOut:
    """
    Attributes:
        double_opt_in_sources (list[str]):
        require_email_consent (bool):
        suppressed_capture (str):
        updated_at (datetime.datetime | None): Null: never set (the defaults).
    """

    double_opt_in_sources: list[str]
    require_email_consent: bool
    suppressed_capture: str
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        double_opt_in_sources = self.double_opt_in_sources

        require_email_consent = self.require_email_consent

        suppressed_capture = self.suppressed_capture

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "double_opt_in_sources": double_opt_in_sources,
                "require_email_consent": require_email_consent,
                "suppressed_capture": suppressed_capture,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        double_opt_in_sources = cast(list[str], d.pop("double_opt_in_sources"))

        require_email_consent = d.pop("require_email_consent")

        suppressed_capture = d.pop("suppressed_capture")

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

        consent_settings_out = cls(
            double_opt_in_sources=double_opt_in_sources,
            require_email_consent=require_email_consent,
            suppressed_capture=suppressed_capture,
            updated_at=updated_at,
        )

        consent_settings_out.additional_properties = d
        return consent_settings_out

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
