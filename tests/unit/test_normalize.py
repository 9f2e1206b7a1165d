"""Pure normalisation: every function with valid and invalid inputs."""

from __future__ import annotations

import pytest

from leadapi.leads import normalize as n


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ada@Example.COM", "ada@example.com"),
        ("  bob.smith+tag@sub.example.co.uk ", "bob.smith+tag@sub.example.co.uk"),
        ("user@bücher.de", "user@bücher.de"),
    ],
)
def test_email_ok(raw: str, expected: str) -> None:
    assert n.normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "plain", "a@b", "a@@b.com", "a b@c.com", "a@.com", "a@" + "x" * 64 + ".com"]
)
def test_email_bad(raw: str) -> None:
    with pytest.raises(n.FieldError) as error:
        n.normalize_email(raw)
    assert error.value.field == "email"
    assert error.value.message


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+33 1 23 45 67 89", "US", "+33123456789"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("00 44 20 7946 0958", "FR", "+442079460958"),
        ("01 23 45 67 89", "FR", "+33123456789"),
        # Extensions are kept (RFC 3966's `;ext=`), however they are written, and read back as is.
        ("+1 415 555 2671 ext. 89", "US", "+14155552671;ext=89"),
        ("(415) 555-2671 x 89", "US", "+14155552671;ext=89"),
        ("+44 20 7946 0958 extension 1234", "US", "+442079460958;ext=1234"),
        ("+14155552671;ext=89", "US", "+14155552671;ext=89"),
        ("tel:+1-415-555-2671;ext=89", "US", "+14155552671;ext=89"),
    ],
)
def test_phone_ok(raw: str, region: str, expected: str) -> None:
    assert n.normalize_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["12", "abc", "+1 555 000 0000 0000 000", "+999 123"])
def test_phone_bad(raw: str) -> None:
    with pytest.raises(n.FieldError) as error:
        n.normalize_phone(raw, "US")
    assert error.value.field == "phone"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fr", "FR"),
        ("FRA", "FR"),
        ("France", "FR"),
        ("germany", "DE"),
        ("United States", "US"),
        ("USA", "US"),
        ("uk", "GB"),
        ("United Kingdom", "GB"),
        ("  south   korea ", "KR"),
        ("Czechia", "CZ"),
    ],
)
def test_country_ok(raw: str, expected: str) -> None:
    assert n.normalize_country(raw) == expected


@pytest.mark.parametrize("raw", ["Atlantis", "", "XX", "Frankreichland"])
def test_country_bad(raw: str) -> None:
    with pytest.raises(n.FieldError) as error:
        n.normalize_country(raw)
    assert error.value.field == "country"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Acme.com/about?x=1", "acme.com"),
        ("acme.com", "acme.com"),
        ("http://sub.acme.co.uk:8080/", "sub.acme.co.uk"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("WWW.EXAMPLE.ORG.", "example.org"),
    ],
)
def test_website_ok(raw: str, expected: str) -> None:
    assert n.website_domain(raw) == expected


@pytest.mark.parametrize(
    "raw", ["not a site", "localhost", "http://10.0.0.1/", "", "-bad-.com", "a..com", "x" * 64 + ".com"]
)
def test_website_bad(raw: str) -> None:
    with pytest.raises(n.FieldError):
        n.website_domain(raw)


def test_free_email_and_company_domain() -> None:
    for domain in ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com"):
        assert n.is_free_email_domain(domain), domain
    assert not n.is_free_email_domain("acme.com")
    assert n.derive_domain("acme.com", "x@other.com") == "acme.com"
    assert n.derive_domain(None, "x@initech.com") == "initech.com"
    assert n.derive_domain(None, "x@gmail.com") is None
    assert n.derive_domain(None, None) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (None, "unknown"),
        ("   ", "unknown"),
        ("CEO", "c_level"),
        ("CEO & Founder", "c_level"),
        ("Chief Revenue Officer", "c_level"),
        ("Co-Founder", "c_level"),
        ("Managing Director", "c_level"),
        ("Geschäftsführer", "c_level"),
        ("Vice President of Sales", "vp"),
        ("SVP Engineering", "vp"),
        ("Director of Marketing", "director"),
        ("Head of Growth", "director"),
        ("Director, Office of the CEO", "director"),
        ("Marketing Manager", "manager"),
        ("Team Lead", "manager"),
        ("Senior Software Engineer", "individual"),
        ("Product Owner", "individual"),
        ("Assistant to the CEO", "individual"),
        ("Executive Assistant to the CFO", "individual"),
        ("Sales Intern", "student_intern"),
        ("PhD Student", "student_intern"),
    ],
)
def test_seniority(title: str | None, expected: str) -> None:
    assert n.seniority(title) == expected
