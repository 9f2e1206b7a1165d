from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConsentSettingsIn")


@_attrs_define
class ConsentSettingsIn:
    """
    Attributes:
        double_opt_in_sources (list[str]): Form sources (`src_...`) whose captures are pending for email until the
            person confirms (double opt-in).
    """

    double_opt_in_sources: list[str]

    def to_dict(self) -> dict[str, Any]:
        double_opt_in_sources = self.double_opt_in_sources

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "double_opt_in_sources": double_opt_in_sources,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        double_opt_in_sources = cast(list[str], d.pop("double_opt_in_sources"))

        consent_settings_in = cls(
            double_opt_in_sources=double_opt_in_sources,
        )

        return consent_settings_in
