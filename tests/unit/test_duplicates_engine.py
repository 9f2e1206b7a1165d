"""The duplicate rules on plain data: blocking keys fold the variants of one person together,
and a pair's score and reasons."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from leadapi.duplicates.engine import (
    blocking_keys,
    canonical_email,
    compare,
    may_be_alike,
    profile,
    signature,
)


def lead(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict.fromkeys(("email", "phone", "first_name", "last_name", "domain", "city"))
    return {"id": "ld_x", **base, **fields}


def test_email_variants_fold_to_one_address() -> None:
    assert canonical_email("Ada.Lovelace+news@GoogleMail.com") == "adalovelace@gmail.com"
    assert canonical_email("ada.lovelace@gmail.com") == "adalovelace@gmail.com"
    # Dots count outside Gmail; a +tag does not.
    assert canonical_email("ada.l+x@acme.com") == "ada.l@acme.com"
    assert canonical_email("ada.l@acme.com") != canonical_email("adal@acme.com")
    # The IDN and punycode forms of a domain are one domain.
    assert (
        canonical_email("jo@münchen.de") == canonical_email("jo@xn--mnchen-3ya.de") == "jo@xn--mnchen-3ya.de"
    )
    assert canonical_email(None) is None


def test_variants_share_a_key_and_strangers_do_not() -> None:
    a = blocking_keys(lead(email="ada.lovelace+x@gmail.com"))
    b = blocking_keys(lead(email="AdaLovelace@gmail.com"))
    assert set(a) & set(b)
    assert not set(a) & set(blocking_keys(lead(email="grace@gmail.com")))
    # A phone's extension is the same switchboard.
    assert set(blocking_keys(lead(phone="+14155550100;ext=12"))) == set(
        blocking_keys(lead(phone="+14155550100"))
    )
    # A typo in the last name still meets through the first name and the company.
    typo = blocking_keys(lead(first_name="Ada", last_name="Lovelase", domain="acme.com"))
    right = blocking_keys(lead(first_name="Ada", last_name="Lovelace", domain="acme.com"))
    assert set(typo) & set(right)


def test_scores_and_reasons() -> None:
    email = compare(lead(email="a.b@gmail.com"), lead(email="ab+1@gmail.com"))
    assert email is not None
    assert email.reasons == ("email_variant",)
    assert email.score == 95
    same = compare(
        lead(first_name="Ada", last_name="Lovelace", domain="acme.com", city="London"),
        lead(first_name="ADA", last_name="lovelace", domain="acme.com", city="london"),
    )
    assert same is not None
    assert same.reasons == ("name_and_company_domain", "name_and_city")
    assert same.score == 90
    similar = compare(
        lead(first_name="Jonathan", last_name="Smith", domain="acme.com"),
        lead(first_name="Jonathon", last_name="Smith", domain="acme.com"),
    )
    assert similar is not None
    assert similar.reasons == ("similar_name_and_company_domain",)
    # Accents are folded before names are compared.
    accents = compare(
        lead(first_name="José", last_name="Núñez", city="Madrid"),
        lead(first_name="Jose", last_name="Nunez", city="Madrid"),
    )
    assert accents is not None
    assert accents.reasons == ("name_and_city",)
    # Different names at one company are different people; so is one name in two cities.
    assert (
        compare(
            lead(first_name="Ada", last_name="Lovelace", domain="acme.com"),
            lead(first_name="Grace", last_name="Hopper", domain="acme.com"),
        )
        is None
    )
    assert (
        compare(
            lead(first_name="Ada", last_name="Lovelace", city="Paris"),
            lead(first_name="Ada", last_name="Lovelace", city="Rome"),
        )
        is None
    )
    # Two different real mailboxes weigh against a same-name-same-city pair.
    apart = compare(
        lead(first_name="Ada", last_name="Lovelace", city="Paris", email="ada@a.com"),
        lead(first_name="Ada", last_name="Lovelace", city="Paris", email="ada@b.com"),
    )
    assert apart is not None
    assert apart.score == 60
    assert compare(lead(phone="+14155550100"), lead(phone="+14155550100;ext=3")) is not None


# Names a few edits apart (and some not): letters, accents, punctuation, repeated spaces.
_NAMES = st.text(alphabet="abcdeéo .'-AB12", min_size=0, max_size=12)


@given(
    first=st.tuples(_NAMES, _NAMES),
    last=st.tuples(_NAMES, _NAMES),
    email=st.tuples(st.sampled_from([None, "a@x.org", "b@x.org"]), st.sampled_from([None, "a@x.org"])),
    phone=st.tuples(st.sampled_from([None, "+14155550100"]), st.sampled_from([None, "+14155550100"])),
    city=st.sampled_from([None, "Paris"]),
)
@settings(max_examples=400, deadline=None)
def test_the_signature_filter_never_drops_a_pair_that_scores(
    first: tuple[str, str],
    last: tuple[str, str],
    email: tuple[str | None, str | None],
    phone: tuple[str | None, str | None],
    city: str | None,
) -> None:
    """What the keys' statement leaves in the database (may_be_alike false) is never a pair."""
    a, b = (
        lead(
            first_name=first[i],
            last_name=last[i],
            email=email[i],
            phone=phone[i],
            domain="acme.com",
            city=city,
        )
        for i in (0, 1)
    )
    if compare(a, b) is not None:
        assert may_be_alike(signature(profile(a)), signature(profile(b)))


def test_the_signature_filter_drops_strangers_under_a_shared_first_name() -> None:
    a = lead(first_name="Alice", last_name="3f2a9bc", domain="acme.com")
    b = lead(first_name="Alice", last_name="8e1d0a2", domain="acme.com")
    typo = lead(first_name="Alice", last_name="3f2a9bd", domain="acme.com")
    assert compare(a, b) is None
    assert not may_be_alike(signature(profile(a)), signature(profile(b)))
    assert compare(a, typo) is not None
    assert may_be_alike(signature(profile(a)), signature(profile(typo)))
