from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.consent_settings_in_suppressed_capture import ConsentSettingsInSuppressedCapture
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
        suppressed_capture (ConsentSettingsInSuppressedCapture | Unset): A capture of a person erased with
            suppress=true: `refuse` (409 `suppressed`) or `flag` (stored, tagged `suppressed`). Default:
            ConsentSettingsInSuppressedCapture.REFUSE.
    """

    double_opt_in_sources: list[str]
    require_email_consent: bool | Unset = False
    suppressed_capture: ConsentSettingsInSuppressedCapture | Unset = ConsentSettingsInSuppressedCapture.REFUSE

    def to_dict(self) -> dict[str, Any]:
        double_opt_in_sources = self.double_opt_in_sources

        require_email_consent = self.require_email_consent

        suppressed_capture: str | Unset = UNSET
        if not isinstance(self.suppressed_capture, Unset):
            suppressed_capture = self.suppressed_capture.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "double_opt_in_sources": double_opt_in_sources,
            }
        )
        if require_email_consent is not UNSET:
            field_dict["require_email_consent"] = require_email_consent
        if suppressed_capture is not UNSET:
            field_dict["suppressed_capture"] = suppressed_capture

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        double_opt_in_sources = cast(list[str], d.pop("double_opt_in_sources"))

        require_email_consent = d.pop("require_email_consent", UNSET)

        _suppressed_capture = d.pop("suppressed_capture", UNSET)
        suppressed_capture: ConsentSettingsInSuppressedCapture | Unset
        if isinstance(_suppressed_capture, Unset):
            suppressed_capture = UNSET
        else:
            suppressed_capture = ConsentSettingsInSuppressedCapture(_suppressed_capture)

        consent_settings_in = cls(
            double_opt_in_sources=double_opt_in_sources,
            require_email_consent=require_email_consent,
            suppressed_capture=suppressed_capture,
        )

        return consent_settings_in
