from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SourceGroup")


@_attrs_define
class SourceGroup:
    """
    Attributes:
        customers (int):
        key (None | str): The group: a date (YYYY-MM-DD, in the workspace's report time zone) or the value split by.
        lead_to_customer (float | None):
        lead_to_mql (float | None):
        leads (int):
        mql (int | None): Leads that reached the mql stage; null without one.
        mql_to_sql (float | None):
        revenue (float):
        sql (int | None):
        label (None | str | Unset): The owner's name, when split by owner.
    """

    customers: int
    key: None | str
    lead_to_customer: float | None
    lead_to_mql: float | None
    leads: int
    mql: int | None
    mql_to_sql: float | None
    revenue: float
    sql: int | None
    label: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customers = self.customers

        key: None | str
        key = self.key

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

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customers": customers,
                "key": key,
                "lead_to_customer": lead_to_customer,
                "lead_to_mql": lead_to_mql,
                "leads": leads,
                "mql": mql,
                "mql_to_sql": mql_to_sql,
                "revenue": revenue,
                "sql": sql,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customers = d.pop("customers")

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

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

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        source_group = cls(
            customers=customers,
            key=key,
            lead_to_customer=lead_to_customer,
            lead_to_mql=lead_to_mql,
            leads=leads,
            mql=mql,
            mql_to_sql=mql_to_sql,
            revenue=revenue,
            sql=sql,
            label=label,
        )

        source_group.additional_properties = d
        return source_group

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
