from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FunnelRates")


@_attrs_define
class FunnelRates:
    """
    Attributes:
        lead_to_customer (float | None):
        lead_to_mql (float | None):
        mql_to_sql (float | None):
        sql_acceptance (float | None): accepted / (accepted + rejected).
    """

    lead_to_customer: float | None
    lead_to_mql: float | None
    mql_to_sql: float | None
    sql_acceptance: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lead_to_customer: float | None
        lead_to_customer = self.lead_to_customer

        lead_to_mql: float | None
        lead_to_mql = self.lead_to_mql

        mql_to_sql: float | None
        mql_to_sql = self.mql_to_sql

        sql_acceptance: float | None
        sql_acceptance = self.sql_acceptance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lead_to_customer": lead_to_customer,
                "lead_to_mql": lead_to_mql,
                "mql_to_sql": mql_to_sql,
                "sql_acceptance": sql_acceptance,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        def _parse_mql_to_sql(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mql_to_sql = _parse_mql_to_sql(d.pop("mql_to_sql"))

        def _parse_sql_acceptance(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        sql_acceptance = _parse_sql_acceptance(d.pop("sql_acceptance"))

        funnel_rates = cls(
            lead_to_customer=lead_to_customer,
            lead_to_mql=lead_to_mql,
            mql_to_sql=mql_to_sql,
            sql_acceptance=sql_acceptance,
        )

        funnel_rates.additional_properties = d
        return funnel_rates

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
