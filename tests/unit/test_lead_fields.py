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
