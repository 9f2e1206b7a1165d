from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.velocity_figures import VelocityFigures
    from ..models.velocity_group import VelocityGroup
    from ..models.velocity_report_filters import VelocityReportFilters


T = TypeVar("T", bound="VelocityReport")


@_attrs_define
class VelocityReport:
    """
    Attributes:
        filters (VelocityReportFilters): The lead filters applied.
        from_ (datetime.datetime): Start of the range (inclusive).
        group_by (None | str): How `groups` splits the range; null: not split.
        groups (list[VelocityGroup]):
        to (datetime.datetime): End of the range (exclusive).
        total (VelocityFigures):
        approximate (bool | Unset): True when percentiles come from mergeable sketches over the rollups (counts are
            exact either way); `exact=true` asks for the sorted computation over the rows. Default: False.
        relative_error (float | None | Unset): The most an approximate percentile is off, as a share of its value (0.01:
            1%).
    """

    filters: VelocityReportFilters
    from_: datetime.datetime
    group_by: None | str
    groups: list[VelocityGroup]
    to: datetime.datetime
    total: VelocityFigures
    approximate: bool | Unset = False
    relative_error: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        filters = self.filters.to_dict()

        from_ = self.from_.isoformat()

        group_by: None | str
        group_by = self.group_by

        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        to = self.to.isoformat()

        total = self.total.to_dict()

        approximate = self.approximate

        relative_error: float | None | Unset
        if isinstance(self.relative_error, Unset):
            relative_error = UNSET
        else:
            relative_error = self.relative_error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "filters": filters,
                "from": from_,
                "group_by": group_by,
                "groups": groups,
                "to": to,
                "total": total,
            }
        )
        if approximate is not UNSET:
            field_dict["approximate"] = approximate
        if relative_error is not UNSET:
            field_dict["relative_error"] = relative_error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.velocity_figures import VelocityFigures  # noqa: PLC0415
        from ..models.velocity_group import VelocityGroup  # noqa: PLC0415
        from ..models.velocity_report_filters import VelocityReportFilters  # noqa: PLC0415

        d = dict(src_dict)
        filters = VelocityReportFilters.from_dict(d.pop("filters"))

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        def _parse_group_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        group_by = _parse_group_by(d.pop("group_by"))

        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = VelocityGroup.from_dict(groups_item_data)

            groups.append(groups_item)

        to = datetime.datetime.fromisoformat(d.pop("to"))

        total = VelocityFigures.from_dict(d.pop("total"))

        approximate = d.pop("approximate", UNSET)

        def _parse_relative_error(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        relative_error = _parse_relative_error(d.pop("relative_error", UNSET))

        velocity_report = cls(
            filters=filters,
            from_=from_,
            group_by=group_by,
            groups=groups,
            to=to,
            total=total,
            approximate=approximate,
            relative_error=relative_error,
        )

        velocity_report.additional_properties = d
        return velocity_report

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
