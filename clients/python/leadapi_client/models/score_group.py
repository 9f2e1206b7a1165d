from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.band_figures import BandFigures
    from ..models.score_bucket import ScoreBucket


T = TypeVar("T", bound="ScoreGroup")


@_attrs_define
class ScoreGroup:
    """
    Attributes:
        bands (list[BandFigures]):
        buckets (list[ScoreBucket]):
        key (None | str): The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value split by.
        leads (int):
        scored (int):
        label (None | str | Unset): The owner's name, when split by owner.
    """

    bands: list[BandFigures]
    buckets: list[ScoreBucket]
    key: None | str
    leads: int
    scored: int
    label: None | str | Unset = UNSET
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

        key: None | str
        key = self.key

        leads = self.leads

        scored = self.scored

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bands": bands,
                "buckets": buckets,
                "key": key,
                "leads": leads,
                "scored": scored,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

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

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        leads = d.pop("leads")

        scored = d.pop("scored")

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        score_group = cls(
            bands=bands,
            buckets=buckets,
            key=key,
            leads=leads,
            scored=scored,
            label=label,
        )

        score_group.additional_properties = d
        return score_group

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
