from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sla_figures import SlaFigures
    from ..models.sla_group import SlaGroup
    from ..models.sla_owner_figures import SlaOwnerFigures
    from ..models.sla_policy_figures import SlaPolicyFigures
    from ..models.sla_report_filters import SlaReportFilters


T = TypeVar("T", bound="SlaReport")


@_attrs_define
class SlaReport:
    """
    Attributes:
        filters (SlaReportFilters): The lead filters applied.
        from_ (datetime.datetime): Start of the range (inclusive).
        group_by (None | str): How `groups` splits the range; null: not split.
        groups (list[SlaGroup]):
        owners (list[SlaOwnerFigures]):
        policies (list[SlaPolicyFigures]):
        to (datetime.datetime): End of the range (exclusive).
        total (SlaFigures):
        approximate (bool | Unset): True when percentiles come from mergeable sketches over the rollups (counts are
            exact either way); `exact=true` asks for the sorted computation over the rows. Default: False.
        relative_error (float | None | Unset): The most an approximate percentile is off, as a share of its value (0.01:
            1%).
    """

    filters: SlaReportFilters
    from_: datetime.datetime
    group_by: None | str
    groups: list[SlaGroup]
    owners: list[SlaOwnerFigures]
    policies: list[SlaPolicyFigures]
    to: datetime.datetime
    total: SlaFigures
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

        owners = []
        for owners_item_data in self.owners:
            owners_item = owners_item_data.to_dict()
            owners.append(owners_item)

        policies = []
        for policies_item_data in self.policies:
            policies_item = policies_item_data.to_dict()
            policies.append(policies_item)

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
                "owners": owners,
                "policies": policies,
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
        from ..models.sla_figures import SlaFigures  # noqa: PLC0415
        from ..models.sla_group import SlaGroup  # noqa: PLC0415
        from ..models.sla_owner_figures import SlaOwnerFigures  # noqa: PLC0415
        from ..models.sla_policy_figures import SlaPolicyFigures  # noqa: PLC0415
        from ..models.sla_report_filters import SlaReportFilters  # noqa: PLC0415

        d = dict(src_dict)
        filters = SlaReportFilters.from_dict(d.pop("filters"))

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        def _parse_group_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        group_by = _parse_group_by(d.pop("group_by"))

        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = SlaGroup.from_dict(groups_item_data)

            groups.append(groups_item)

        owners = []
        _owners = d.pop("owners")
        for owners_item_data in _owners:
            owners_item = SlaOwnerFigures.from_dict(owners_item_data)

            owners.append(owners_item)

        policies = []
        _policies = d.pop("policies")
        for policies_item_data in _policies:
            policies_item = SlaPolicyFigures.from_dict(policies_item_data)

            policies.append(policies_item)

        to = datetime.datetime.fromisoformat(d.pop("to"))

        total = SlaFigures.from_dict(d.pop("total"))

        approximate = d.pop("approximate", UNSET)

        def _parse_relative_error(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        relative_error = _parse_relative_error(d.pop("relative_error", UNSET))

        sla_report = cls(
            filters=filters,
            from_=from_,
            group_by=group_by,
            groups=groups,
            owners=owners,
            policies=policies,
            to=to,
            total=total,
            approximate=approximate,
            relative_error=relative_error,
        )

        sla_report.additional_properties = d
        return sla_report

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
