from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.funnel_rates import FunnelRates
    from ..models.funnel_stage import FunnelStage


T = TypeVar("T", bound="FunnelGroup")


@_attrs_define
class FunnelGroup:
    """
    Attributes:
        accepted (int): Leads of the cohort that sales accepted.
        customers (int): Leads that reached a won stage.
        key (None | str): The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value split by.
        leads (int): Leads created in the range (the cohort).
        rates (FunnelRates):
        rejected (int): Leads of the cohort that sales rejected (at least once).
        revenue (float): The sum of won amounts.
        stages (list[FunnelStage]):
        label (None | str | Unset): The owner's name, when split by owner.
    """

    accepted: int
    customers: int
    key: None | str
    leads: int
    rates: FunnelRates
    rejected: int
    revenue: float
    stages: list[FunnelStage]
    label: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        customers = self.customers

        key: None | str
        key = self.key

        leads = self.leads

        rates = self.rates.to_dict()

        rejected = self.rejected

        revenue = self.revenue

        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "customers": customers,
                "key": key,
                "leads": leads,
                "rates": rates,
                "rejected": rejected,
                "revenue": revenue,
                "stages": stages,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.funnel_rates import FunnelRates  # noqa: PLC0415
        from ..models.funnel_stage import FunnelStage  # noqa: PLC0415

        d = dict(src_dict)
        accepted = d.pop("accepted")

        customers = d.pop("customers")

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        leads = d.pop("leads")

        rates = FunnelRates.from_dict(d.pop("rates"))

        rejected = d.pop("rejected")

        revenue = d.pop("revenue")

        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = FunnelStage.from_dict(stages_item_data)

            stages.append(stages_item)

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        funnel_group = cls(
            accepted=accepted,
            customers=customers,
            key=key,
            leads=leads,
            rates=rates,
            rejected=rejected,
            revenue=revenue,
            stages=stages,
            label=label,
        )

        funnel_group.additional_properties = d
        return funnel_group

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
