from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.funnel_rates import FunnelRates
    from ..models.funnel_stage import FunnelStage


T = TypeVar("T", bound="FunnelFigures")


@_attrs_define
class FunnelFigures:
    """
    Attributes:
        accepted (int): Leads of the cohort that sales accepted.
        customers (int): Leads that reached a won stage.
        leads (int): Leads created in the range (the cohort).
        rates (FunnelRates):
        rejected (int): Leads of the cohort that sales rejected (at least once).
        revenue (float): The sum of won amounts.
        stages (list[FunnelStage]):
    """

    accepted: int
    customers: int
    leads: int
    rates: FunnelRates
    rejected: int
    revenue: float
    stages: list[FunnelStage]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        customers = self.customers

        leads = self.leads

        rates = self.rates.to_dict()

        rejected = self.rejected

        revenue = self.revenue

        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "customers": customers,
                "leads": leads,
                "rates": rates,
                "rejected": rejected,
                "revenue": revenue,
                "stages": stages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.funnel_rates import FunnelRates  # noqa: PLC0415
        from ..models.funnel_stage import FunnelStage  # noqa: PLC0415

        d = dict(src_dict)
        accepted = d.pop("accepted")

        customers = d.pop("customers")

        leads = d.pop("leads")

        rates = FunnelRates.from_dict(d.pop("rates"))

        rejected = d.pop("rejected")

        revenue = d.pop("revenue")

        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = FunnelStage.from_dict(stages_item_data)

            stages.append(stages_item)

        funnel_figures = cls(
            accepted=accepted,
            customers=customers,
            leads=leads,
            rates=rates,
            rejected=rejected,
            revenue=revenue,
            stages=stages,
        )

        funnel_figures.additional_properties = d
        return funnel_figures

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
