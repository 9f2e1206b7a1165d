"""The lead's field list (leads/fields.py) is the one the table, the schema and the lists follow."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from leadapi.leads.fields import (
    CONDITION_FIELDS,
    INTERNAL_FIELDS,
    LEAD_ROW_FIELDS,
    PUBLIC_FIELDS,
    SCALAR_FIELDS,
)
from leadapi.leads.models import Lead as LeadModel
from leadapi.leads.repository import LEAD_FIELDS
from leadapi.leads.schemas import Lead

leads = cast(Table, LeadModel.__table__)


def test_the_row_is_the_table() -> None:
    assert sorted(LEAD_ROW_FIELDS) == sorted(c.name for c in leads.c)
    assert len(set(LEAD_ROW_FIELDS)) == len(LEAD_ROW_FIELDS)


def test_the_api_shows_the_row_but_its_internal_fields_in_the_row_order() -> None:
    assert tuple(Lead.model_fields) == PUBLIC_FIELDS
    assert set(LEAD_ROW_FIELDS) >= INTERNAL_FIELDS
    assert "workspace_id" in INTERNAL_FIELDS


def test_the_groups_name_fields_of_the_row() -> None:
    assert set(SCALAR_FIELDS) <= set(PUBLIC_FIELDS)
    assert set(PUBLIC_FIELDS) >= CONDITION_FIELDS


def test_a_list_filters_on_every_shown_field_but_the_external_ids() -> None:
    assert set(LEAD_FIELDS) == set(PUBLIC_FIELDS) - {"external_ids"}
    kinds = {name: spec.kind for name, spec in LEAD_FIELDS.items()}
    assert kinds["email"] == "string"
    assert kinds["company_size"] == "int"
    assert kinds["fit_score"] == "number"
    assert kinds["consent"] == "bool"
    assert kinds["created_at"] == "datetime"
    assert kinds["tags"] == "string_list"
    assert kinds["attributes"] == "attributes"
    assert not LEAD_FIELDS["tags"].sortable
    assert not LEAD_FIELDS["attributes"].sortable
    assert all(spec.sortable for name, spec in LEAD_FIELDS.items() if name not in ("tags", "attributes"))
    assert all(spec.column == name for name, spec in LEAD_FIELDS.items())
