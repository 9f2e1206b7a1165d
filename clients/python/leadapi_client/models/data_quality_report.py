from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.quality_figures import QualityFigures
    from ..models.source_quality import SourceQuality


T = TypeVar("T", bound="DataQualityReport")


@_attrs_define
class DataQualityReport:
    """
    Attributes:
        by_source (list[SourceQuality]):
        overall (QualityFigures):
        pending_duplicates (int): Candidate duplicate pairs waiting for review.
    """

    by_source: list[SourceQuality]
    overall: QualityFigures
    pending_duplicates: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by_source = []
        for by_source_item_data in self.by_source:
            by_source_item = by_source_item_data.to_dict()
            by_source.append(by_source_item)

        overall = self.overall.to_dict()

        pending_duplicates = self.pending_duplicates

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "by_source": by_source,
                "overall": overall,
                "pending_duplicates": pending_duplicates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quality_figures import QualityFigures  # noqa: PLC0415
        from ..models.source_quality import SourceQuality  # noqa: PLC0415

        d = dict(src_dict)
        by_source = []
        _by_source = d.pop("by_source")
        for by_source_item_data in _by_source:
            by_source_item = SourceQuality.from_dict(by_source_item_data)

            by_source.append(by_source_item)

        overall = QualityFigures.from_dict(d.pop("overall"))

        pending_duplicates = d.pop("pending_duplicates")

        data_quality_report = cls(
            by_source=by_source,
            overall=overall,
            pending_duplicates=pending_duplicates,
        )

        data_quality_report.additional_properties = d
        return data_quality_report

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
