from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.band_figures import BandFigures
    from ..models.score_bucket import ScoreBucket


T = TypeVar("T", bound="ScoreFigures")


@_attrs_define
class ScoreFigures:
    """
    Attributes:
        bands (list[BandFigures]):
        buckets (list[ScoreBucket]):
        leads (int):
        scored (int):
    """

    bands: list[BandFigures]
    buckets: list[ScoreBucket]
    leads: int
    scored: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bands = []
        for bands_item_data in self.bands:
            bands_item = bands_item_data.to_dict()
            bands.append(bands_item)

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        leads = self.leads

        scored = self.scored

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bands": bands,
                "buckets": buckets,
                "leads": leads,
                "scored": scored,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.band_figures import BandFigures  # noqa: PLC0415
        from ..models.score_bucket import ScoreBucket  # noqa: PLC0415

        d = dict(src_dict)
        bands = []
        _bands = d.pop("bands")
        for bands_item_data in _bands:
            bands_item = BandFigures.from_dict(bands_item_data)

            bands.append(bands_item)

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = ScoreBucket.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        leads = d.pop("leads")

        scored = d.pop("scored")

        score_figures = cls(
            bands=bands,
            buckets=buckets,
            leads=leads,
            scored=scored,
        )

        score_figures.additional_properties = d
        return score_figures

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
