from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.source_quality_completeness import SourceQualityCompleteness


T = TypeVar("T", bound="SourceQuality")


@_attrs_define
class SourceQuality:
    """
    Attributes:
        completeness (SourceQualityCompleteness): Per field, the share of leads that have it (0..1).
        disposable_email_share (float): The share with a disposable email address.
        leads (int):
        role_email_share (float): The share with a role address (info@, sales@).
        source (None | str): The leads' `source`; null: none given.
        unconsented_share (float): The share of leads whose email consent is not granted (latest email record), and
            whose `consent` field is not true.
    """

    completeness: SourceQualityCompleteness
    disposable_email_share: float
    leads: int
    role_email_share: float
    source: None | str
    unconsented_share: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completeness = self.completeness.to_dict()

        disposable_email_share = self.disposable_email_share

        leads = self.leads

        role_email_share = self.role_email_share

        source: None | str
        source = self.source

        unconsented_share = self.unconsented_share

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "completeness": completeness,
                "disposable_email_share": disposable_email_share,
                "leads": leads,
                "role_email_share": role_email_share,
                "source": source,
                "unconsented_share": unconsented_share,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.source_quality_completeness import SourceQualityCompleteness  # noqa: PLC0415

        d = dict(src_dict)
        completeness = SourceQualityCompleteness.from_dict(d.pop("completeness"))

        disposable_email_share = d.pop("disposable_email_share")

        leads = d.pop("leads")

        role_email_share = d.pop("role_email_share")

        def _parse_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source = _parse_source(d.pop("source"))

        unconsented_share = d.pop("unconsented_share")

        source_quality = cls(
            completeness=completeness,
            disposable_email_share=disposable_email_share,
            leads=leads,
            role_email_share=role_email_share,
            source=source,
            unconsented_share=unconsented_share,
        )

        source_quality.additional_properties = d
        return source_quality

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
