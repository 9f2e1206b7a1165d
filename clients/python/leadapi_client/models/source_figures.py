from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SourceFigures")


@_attrs_define
class SourceFigures:
    """
    Attributes:
        customers (int):
        lead_to_customer (float | None):
        lead_to_mql (float | None):
        leads (int):
        mql (int | None): Leads that reached the mql stage; null without one.
        mql_to_sql (float | None):
        revenue (float):
        sql (int | None):
    """

    customers: int
    lead_to_customer: float | None
    lead_to_mql: float | None
    leads: int
    mql: int | None
    mql_to_sql: float | None
    revenue: float
    sql: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customers = self.customers

        lead_to_customer: float | None
        lead_to_customer = self.lead_to_customer

        lead_to_mql: float | None
        lead_to_mql = self.lead_to_mql

        leads = self.leads

        mql: int | None
        mql = self.mql

        mql_to_sql: float | None
        mql_to_sql = self.mql_to_sql

        revenue = self.revenue

        sql: int | None
        sql = self.sql

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customers": customers,
                "lead_to_customer": lead_to_customer,
                "lead_to_mql": lead_to_mql,
                "leads": leads,
                "mql": mql,
                "mql_to_sql": mql_to_sql,
                "revenue": revenue,
                "sql": sql,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customers = d.pop("customers")

        def _parse_lead_to_customer(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        lead_to_customer = _parse_lead_to_customer(d.pop("lead_to_customer"))

        def _parse_lead_to_mql(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        lead_to_mql = _parse_lead_to_mql(d.pop("lead_to_mql"))

        leads = d.pop("leads")

        def _parse_mql(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        mql = _parse_mql(d.pop("mql"))

        def _parse_mql_to_sql(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mql_to_sql = _parse_mql_to_sql(d.pop("mql_to_sql"))

        revenue = d.pop("revenue")

        def _parse_sql(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        sql = _parse_sql(d.pop("sql"))

        source_figures = cls(
            customers=customers,
            lead_to_customer=lead_to_customer,
            lead_to_mql=lead_to_mql,
            leads=leads,
            mql=mql,
            mql_to_sql=mql_to_sql,
            revenue=revenue,
            sql=sql,
        )

        source_figures.additional_properties = d
        return source_figures

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
