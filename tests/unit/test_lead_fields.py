"""The lists of lead field names stay in step with the schema they name."""

from __future__ import annotations

from leadapi.leads.fields import CONDITION_FIELDS, SCALAR_FIELDS
from leadapi.leads.schemas import Lead, LeadFields


def test_scalar_fields_are_the_writable_plain_fields() -> None:
    collections = {"tags", "external_ids", "attributes", "unsubscribed"}
    assert set(SCALAR_FIELDS) | collections == set(LeadFields.model_fields)


def test_condition_fields_exist_on_the_lead() -> None:
    assert set(Lead.model_fields) >= CONDITION_FIELDS
    assert {"seniority", "is_free_email", "domain", "tags"} <= CONDITION_FIELDS


def test_list_filters_name_real_lead_fields() -> None:
    from leadapi.leads.repository import LEAD_FIELDS

    assert set(Lead.model_fields) >= set(LEAD_FIELDS)
    assert LEAD_FIELDS["company_size"].kind == "int"
    assert LEAD_FIELDS["email"].kind == "string"
