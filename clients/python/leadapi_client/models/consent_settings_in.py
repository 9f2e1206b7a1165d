from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsentSettingsIn")


@_attrs_define
class ConsentSettingsIn:
    """
    Attributes:
        double_opt_in_sources (list[str]): Form sources (`src_...`) whose captures are pending for email until the
            person confirms (double opt-in).
        require_email_consent (bool | Unset): Nurture tracks' email steps skip leads whose email consent is not granted
            (`track.step_skipped`, reason `no_email_consent`). Default: False.
    """

    double_opt_in_sources: list[str]
    require_email_consent: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        double_opt_in_sources = self.double_opt_in_sources

        require_email_consent = self.require_email_consent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "double_opt_in_sources": double_opt_in_sources,
            }
        )
        if require_email_consent is not UNSET:
            field_dict["require_email_consent"] = require_email_consent

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        double_opt_in_sources = cast(list[str], d.pop("double_opt_in_sources"))

        require_email_consent = d.pop("require_email_consent", UNSET)

        consent_settings_in = cls(
            double_opt_in_sources=double_opt_in_sources,
            require_email_consent=require_email_consent,
        )

        return consent_settings_in
