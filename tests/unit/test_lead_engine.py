"""The pure rules of a lead (leads/engine.py): normalising a request's fields, the derived fields,
merging a capture into a lead, the change record, which lead a capture matches, and merge-patch.

Expected values are written from the rules (the functions' docstrings), not read back from the
implementation; where a rule is a property of every input (a merge applied twice changes nothing
the second time), hypothesis draws the inputs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadapi.errors import ProblemError
from leadapi.leads.engine import derived, diff, merge_values, normalize_fields, patch_values, pick_match
from leadapi.leads.fields import SCALAR_FIELDS


def lead(**fields: Any) -> dict[str, Any]:
    """A stored lead as the rules see it: every scalar absent unless given, empty collections."""
    row: dict[str, Any] = dict.fromkeys(SCALAR_FIELDS)
    row.update(tags=[], attributes={}, external_ids={}, unsubscribed=False)
    row.update(fields)
    return row


# ---- normalize_fields --------------------------------------------------------------------------


def test_semantic_fields_are_normalised_and_others_kept() -> None:
    fields = {
        "email": " Ada@Example.COM ",
        "phone": "(415) 555-2671",
        "country": "us",
        "website": "https://www.acme.com/about",
        "company": "Acme ",  # not a semantic field: kept as given
        "company_size": 0,
        "tags": ["b", "a"],
    }
    assert normalize_fields(fields, "US") == {
        "email": "ada@example.com",
        "phone": "+14155552671",
        "country": "US",
        "website": "acme.com",
        "company": "Acme ",
        "company_size": 0,
        "tags": ["b", "a"],
    }


def test_normalising_happens_in_place() -> None:
    fields: dict[str, Any] = {"email": "A@Example.com"}
    assert normalize_fields(fields, "US") is fields
    assert fields == {"email": "a@example.com"}


def test_a_phone_is_read_in_the_default_region() -> None:
    assert normalize_fields({"phone": "01 23 45 67 89"}, "FR") == {"phone": "+33123456789"}


@pytest.mark.parametrize("name", ["email", "phone", "country", "website", "first_name", "company"])
def test_an_empty_string_is_an_absent_value(name: str) -> None:
    """Even for a field whose normaliser would refuse "" (it is not an email, not a website)."""
    assert normalize_fields({name: ""}, "US") == {name: None}


def test_a_whitespace_only_semantic_value_is_not_empty_and_is_refused() -> None:
    with pytest.raises(ProblemError) as raised:
        normalize_fields({"email": "   "}, "US")
    assert [e["field"] for e in raised.value.errors or []] == ["email"]


def test_none_stays_none_without_calling_a_normaliser() -> None:
    assert normalize_fields({"email": None, "website": None}, "US") == {"email": None, "website": None}


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ProblemError) as raised:
        normalize_fields(
            {"email": "not-an-email", "phone": "12", "country": "Atlantis", "city": "Oslo"}, "US"
        )
    assert raised.value.status == 422
    errors = raised.value.errors or []
    assert [e["field"] for e in errors] == ["email", "phone", "country"]
    assert all(e["message"] for e in errors)


# ---- derived ----------------------------------------------------------------------------------

PERSON = {"is_disposable_email": False, "is_role_email": False}  # a person's own, lasting address


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # The company's domain comes from the website, else from a work email.
        (
            {"email": "ada@acme.com", "website": None, "title": "VP Sales"},
            {"domain": "acme.com", "is_free_email": False, **PERSON, "seniority": "vp"},
        ),
        # A free email's domain is nobody's company.
        (
            {"email": "ada@gmail.com", "website": None, "title": "CEO"},
            {"domain": None, "is_free_email": True, **PERSON, "seniority": "c_level"},
        ),
        # The website wins over the email, and the email is still free.
        (
            {"email": "ada@gmail.com", "website": "acme.com", "title": "Sales Manager"},
            {"domain": "acme.com", "is_free_email": True, **PERSON, "seniority": "manager"},
        ),
        ({}, {"domain": None, "is_free_email": False, **PERSON, "seniority": "unknown"}),
        (
            {"email": None, "title": "  "},
            {"domain": None, "is_free_email": False, **PERSON, "seniority": "unknown"},
        ),
        # A throwaway inbox (a subdomain of one too), and a shared mailbox (whatever its +tag).
        (
            {"email": "x@guerrillamail.com"},
            {
                "domain": None,
                "is_free_email": False,
                "is_disposable_email": True,
                "is_role_email": False,
                "seniority": "unknown",
            },
        ),
        (
            {"email": "x@box.mailinator.com"},
            {
                "domain": None,
                "is_free_email": False,
                "is_disposable_email": True,
                "is_role_email": False,
                "seniority": "unknown",
            },
        ),
        (
            {"email": "Sales+eu@acme.com"},
            {
                "domain": "acme.com",
                "is_free_email": False,
                "is_disposable_email": False,
                "is_role_email": True,
                "seniority": "unknown",
            },
        ),
        # A person in sales is a person.
        (
            {"email": "sales.anna@acme.com"},
            {"domain": "acme.com", "is_free_email": False, **PERSON, "seniority": "unknown"},
        ),
    ],
)
def test_derived_fields(row: dict[str, Any], expected: dict[str, Any]) -> None:
    assert derived(row) == expected


# ---- merge_values -----------------------------------------------------------------------------


def test_empty_fields_are_filled_and_set_ones_kept_without_overwrite() -> None:
    existing = lead(first_name="Ada", title=None, company=None)
    incoming = {"first_name": "Adele", "title": "CTO", "company": "Acme"}
    assert merge_values(existing, incoming, overwrite=False) == {"title": "CTO", "company": "Acme"}


def test_overwrite_replaces_set_fields_that_differ() -> None:
    existing = lead(first_name="Ada", title="CTO")
    incoming = {"first_name": "Adele", "title": "CTO"}
    assert merge_values(existing, incoming, overwrite=True) == {"first_name": "Adele"}


@pytest.mark.parametrize("overwrite", [False, True])
def test_an_absent_incoming_value_never_clears(overwrite: bool) -> None:
    existing = lead(first_name="Ada", city="Oslo")
    assert merge_values(existing, {"first_name": None}, overwrite) == {}


def test_falsy_values_are_values() -> None:
    """0 and False are not absent: they fill, and with overwrite they replace."""
    existing = lead(company_size=None, consent=True)
    assert merge_values(existing, {"company_size": 0, "consent": False}, overwrite=False) == {
        "company_size": 0
    }
    assert merge_values(existing, {"company_size": 0, "consent": False}, overwrite=True) == {
        "company_size": 0,
        "consent": False,
    }


@pytest.mark.parametrize("overwrite", [False, True])
def test_tags_are_unioned_existing_first_in_order(overwrite: bool) -> None:
    existing = lead(tags=["b", "a"])
    assert merge_values(existing, {"tags": ["c", "a", "d", "c"]}, overwrite) == {"tags": ["b", "a", "c", "d"]}
    assert merge_values(existing, {"tags": ["a"]}, overwrite) == {}  # nothing new: no change
    assert merge_values(existing, {"tags": []}, overwrite) == {}


@pytest.mark.parametrize("name", ["attributes", "external_ids"])
def test_maps_are_merged_key_by_key(name: str) -> None:
    existing = lead(**{name: {"x": "1", "y": "2"}})
    incoming = {name: {"x": "9", "z": "3", "w": None}}
    # Without overwrite a key already there keeps its value; a None never removes one.
    assert merge_values(existing, incoming, overwrite=False) == {name: {"x": "1", "y": "2", "z": "3"}}
    assert merge_values(existing, incoming, overwrite=True) == {name: {"x": "9", "y": "2", "z": "3"}}
    assert merge_values(existing, {name: {"x": "1", "w": None}}, overwrite=True) == {}


def test_an_unsubscribe_is_merged_in() -> None:
    assert merge_values(lead(unsubscribed=False), {"unsubscribed": True}, overwrite=False) == {
        "unsubscribed": True
    }


@pytest.mark.parametrize("overwrite", [False, True])
@pytest.mark.parametrize("incoming", [{"unsubscribed": False}, {"unsubscribed": None}, {}])
def test_an_unsubscribe_is_never_undone_by_a_merge(overwrite: bool, incoming: dict[str, Any]) -> None:
    assert merge_values(lead(unsubscribed=True), incoming, overwrite) == {}


def test_nothing_new_is_no_change() -> None:
    existing = lead(email="ada@acme.com", tags=["a"], attributes={"k": 1}, unsubscribed=True)
    incoming = {"email": "ada@acme.com", "tags": ["a"], "attributes": {"k": 1}, "unsubscribed": True}
    assert merge_values(existing, incoming, overwrite=True) == {}


# What a capture can bring, and a lead can hold: a few values per field, so draws collide often.
_scalar = st.sampled_from([None, "a", "b", 0, 7, True, False])
_tags = st.lists(st.sampled_from(["t1", "t2", "t3", "t4"]), max_size=5)
_map = st.dictionaries(st.sampled_from(["k1", "k2", "k3"]), st.sampled_from([None, "v1", "v2"]), max_size=3)
_incoming = st.fixed_dictionaries(
    {},
    optional={
        "first_name": _scalar,
        "title": _scalar,
        "company_size": _scalar,
        "consent": _scalar,
        "tags": st.one_of(st.none(), _tags),
        "attributes": st.one_of(st.none(), _map),
        "external_ids": st.one_of(st.none(), _map),
        "unsubscribed": st.one_of(st.none(), st.booleans()),
    },
)
_existing = st.builds(
    lambda first_name, title, size, consent, tags, attributes, ids, unsubscribed: lead(
        first_name=first_name,
        title=title,
        company_size=size,
        consent=consent,
        tags=list(dict.fromkeys(tags)),  # stored tags are already distinct
        attributes={k: v for k, v in attributes.items() if v is not None},  # maps hold no nulls
        external_ids={k: v for k, v in ids.items() if v is not None},
        unsubscribed=unsubscribed,
    ),
    _scalar,
    _scalar,
    _scalar,
    _scalar,
    _tags,
    _map,
    _map,
    st.booleans(),
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(existing=_existing, incoming=_incoming, overwrite=st.booleans())
def test_merging_the_same_capture_twice_changes_nothing_the_second_time(
    existing: dict[str, Any], incoming: dict[str, Any], overwrite: bool
) -> None:
    once = {**existing, **merge_values(existing, incoming, overwrite)}
    assert merge_values(once, incoming, overwrite) == {}


@settings(max_examples=300, derandomize=True, deadline=None)
@given(existing=_existing, incoming=_incoming, overwrite=st.booleans())
def test_a_merge_only_adds(existing: dict[str, Any], incoming: dict[str, Any], overwrite: bool) -> None:
    """No value is cleared, no tag or key is lost, an unsubscribe stays; without overwrite, no
    set value changes."""
    changes = merge_values(existing, incoming, overwrite)
    merged = {**existing, **changes}
    for name in SCALAR_FIELDS:
        if existing[name] is not None:
            assert merged[name] is not None
            if not overwrite:
                assert merged[name] == existing[name]
    assert merged["tags"][: len(existing["tags"])] == existing["tags"]
    for name in ("attributes", "external_ids"):
        assert set(existing[name]) <= set(merged[name])
        assert None not in merged[name].values()
        if not overwrite:
            assert {k: merged[name][k] for k in existing[name]} == existing[name]
    assert merged["unsubscribed"] >= existing["unsubscribed"]
    # What changes is what differs: a change record never holds a value the lead already has.
    assert all(existing[name] != value for name, value in changes.items())


# ---- diff -------------------------------------------------------------------------------------


def test_diff_lists_what_changes_as_before_and_after() -> None:
    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    before = {"title": "CTO", "city": None, "first_touch_at": None, "tags": ["a"]}
    changes = {"title": "CEO", "city": "Oslo", "first_touch_at": at, "tags": ["a"]}
    assert diff(before, changes) == {
        "title": ["CTO", "CEO"],
        "city": [None, "Oslo"],
        # JSON-ready: times as ISO 8601
        "first_touch_at": [None, "2026-03-01T09:30:00+00:00"],
    }


def test_diff_of_no_change_is_empty() -> None:
    assert diff({"title": "CTO"}, {"title": "CTO"}) == {}
    assert diff({"title": "CTO"}, {}) == {}


# ---- pick_match -------------------------------------------------------------------------------


def candidate(id_: str, email: str | None = None, phone: str | None = None) -> dict[str, Any]:
    return {"id": id_, "email": email, "phone": phone}


def test_no_candidates_no_match() -> None:
    assert pick_match([], {"email": "ada@acme.com"}, {}) == (None, None)


def test_email_comes_first_wherever_it_is_among_the_candidates() -> None:
    by_phone = candidate("ld_phone", phone="+14155552671")
    by_ext = candidate("ld_ext", email="other@acme.com")
    by_email = candidate("ld_email", email="ada@acme.com")
    fields = {"email": "ada@acme.com", "phone": "+14155552671", "external_ids": {"crm": "42"}}
    owners = {("crm", "42"): "ld_ext"}
    assert pick_match([by_phone, by_ext, by_email], fields, owners) == (by_email, "email")


def test_then_an_external_id_then_a_phone() -> None:
    by_phone = candidate("ld_phone", phone="+14155552671")
    by_ext = candidate("ld_ext", email="other@acme.com")
    fields = {"phone": "+14155552671", "external_ids": {"hubspot": "7", "crm": "42"}}
    assert pick_match([by_phone, by_ext], fields, {("crm", "42"): "ld_ext"}) == (by_ext, "external_id")
    assert pick_match([by_phone, by_ext], fields, {}) == (by_phone, "phone")


def test_an_external_id_owned_by_a_lead_not_among_the_candidates_is_no_match() -> None:
    fields = {"external_ids": {"crm": "42"}}
    assert pick_match([candidate("ld_a", email="a@acme.com")], fields, {("crm", "42"): "ld_gone"}) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    ("incoming_email", "their_email", "matches"),
    [
        (None, None, True),
        (None, "bob@acme.com", True),  # the capture has no email
        ("ada@acme.com", None, True),  # the lead has none
        ("ada@acme.com", "bob@acme.com", False),  # two emails: two people who share a number
    ],
)
def test_a_phone_matches_only_when_one_side_has_no_email(
    incoming_email: str | None, their_email: str | None, matches: bool
) -> None:
    other = candidate("ld_other", email=their_email, phone="+14155552671")
    fields = {"email": incoming_email, "phone": "+14155552671"}
    assert pick_match([other], fields, {}) == ((other, "phone") if matches else (None, None))


def test_a_different_phone_is_no_match() -> None:
    other = candidate("ld_other", phone="+14155550000")
    assert pick_match([other], {"phone": "+14155552671"}, {}) == (None, None)


# ---- patch_values -----------------------------------------------------------------------------


def test_absent_fields_stay_and_null_clears_a_value() -> None:
    stored = lead(title="CTO", city="Oslo", company="Acme")
    assert patch_values(stored, {"title": None, "city": "Bergen"}) == {"title": None, "city": "Bergen"}


def test_a_patch_to_the_same_value_is_no_change() -> None:
    stored = lead(title="CTO", tags=["a"], attributes={"k": 1})
    assert patch_values(stored, {"title": "CTO", "tags": ["a"], "attributes": {"k": 1}}) == {}


@pytest.mark.parametrize("name", ["attributes", "external_ids"])
def test_maps_are_patched_key_by_key_and_a_null_key_removes_it(name: str) -> None:
    stored = lead(**{name: {"a": "1", "c": "3"}})
    assert patch_values(stored, {name: {"a": None, "b": "2"}}) == {name: {"c": "3", "b": "2"}}
    assert patch_values(stored, {name: {"missing": None}}) == {}  # removing what is not there
    assert patch_values(stored, {name: {}}) == {}


@pytest.mark.parametrize("name", ["attributes", "external_ids"])
def test_a_null_map_clears_it(name: str) -> None:
    assert patch_values(lead(**{name: {"a": "1"}}), {name: None}) == {name: {}}
    assert patch_values(lead(**{name: {}}), {name: None}) == {}


def test_tags_are_replaced_not_merged_and_null_empties_them() -> None:
    stored = lead(tags=["a", "b"])
    assert patch_values(stored, {"tags": ["c"]}) == {"tags": ["c"]}
    assert patch_values(stored, {"tags": None}) == {"tags": []}


def test_a_patch_may_undo_an_unsubscribe() -> None:
    """Only an explicit update clears an unsubscribe (a merge never does)."""
    assert patch_values(lead(unsubscribed=True), {"unsubscribed": False}) == {"unsubscribed": False}
