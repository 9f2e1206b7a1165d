"""Enrichment's rules: the URL a provider is called at, what its answer maps to, what a lead takes
of it, the built-in kinds that need no network, and when a failed call is tried again. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import phonenumbers
from jsonpath_ng import JSONPath
from jsonpath_ng.ext.parser import parse as parse_path
from phonenumbers import timezone as phone_timezones
from publicsuffixlist import PublicSuffixList

from leadapi.leads import normalize

HTTP = "http"
PHONE_LOCATION = "phone_location"
COMPANY_FROM_DOMAIN = "company_from_domain"
# Kinds that need no network: they run in the consumer's transaction, never queued.
BUILT_IN = (PHONE_LOCATION, COMPANY_FROM_DOMAIN)
KINDS = (HTTP, *BUILT_IN)

# What a provider may fill, with the longest value each column keeps. Identity (email, phone),
# attribution (source, utm_*) and consent are the person's and the form's to say, not a vendor's.
FILLABLE: dict[str, int] = {
    "first_name": 100,
    "last_name": 100,
    "title": 200,
    "company": 200,
    "website": 253,
    "industry": 100,
    "company_size": 0,  # an integer
    "country": 2,
    "region": 100,
    "city": 100,
    "postal_code": 20,
}
MAX_ATTRIBUTE_TEXT = 1000
MAX_TAGS = 50
MAX_TAG = 100
# Lead fields a URL template may name; their values are percent-encoded into the URL.
TEMPLATE_FIELDS = frozenset(
    {"email", "domain", "phone", "first_name", "last_name", "company", "website", "country", "id"}
)
# A value each template field could have, to check the URL a template makes before any lead does.
_SAMPLE = "example"

# Retries: the first after BACKOFF_BASE, doubling, at most BACKOFF_CAP apart, MAX_ATTEMPTS in all.
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)


class MappingError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# ---- the URL --------------------------------------------------------------------------------------


def template_fields(template: str) -> list[str]:
    """The lead fields `template` names (`{email}`); MappingError for anything else in braces."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone brace
        raise MappingError("url_template", f"unbalanced braces ({exc})") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            allowed = ", ".join(f"{{{f}}}" for f in sorted(TEMPLATE_FIELDS))
            raise MappingError("url_template", f"{{{name}}} is not one of {allowed}")
        names.append(name)
    return names


def sample_url(template: str) -> str:
    """The URL `template` makes for a lead whose fields all read 'example' (for checking it)."""
    return template.format_map(dict.fromkeys(template_fields(template), _SAMPLE))


def render_url(template: str, lead: Mapping[str, Any]) -> str | None:
    """The URL for `lead`; None when a field the template names is empty (nothing to ask)."""
    values: dict[str, str] = {}
    for name in template_fields(template):
        value = lead.get(name)
        if value is None or value == "":
            return None
        values[name] = quote(str(value), safe="@")
    return template.format_map(values)


def cache_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def month_of(now: datetime) -> str:
    return now.strftime("%Y-%m")


# ---- the answer ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    kind: str  # "field", "attribute" or "tags"
    name: str


def target_of(text: str) -> Target:
    if text == "tags":
        return Target("tags", "tags")
    if text.startswith("attributes."):
        key = text.removeprefix("attributes.")
        if not key or len(key) > 100:
            raise ValueError("an attribute needs a name of 1 to 100 characters")
        return Target("attribute", key)
    if text in FILLABLE:
        return Target("field", text)
    fields = ", ".join(sorted(FILLABLE))
    raise ValueError(f"a lead field ({fields}), `attributes.<name>` or `tags`")


@lru_cache(maxsize=1024)
def _path(expression: str) -> JSONPath:
    return parse_path(expression)


def compile_mapping(mapping: Mapping[str, str]) -> list[tuple[JSONPath, Target]]:
    """Each JSONPath of the answer with the lead field it fills; MappingError names the bad path."""
    compiled: list[tuple[JSONPath, Target]] = []
    for expression, target in mapping.items():
        field = f"mapping.{expression}"
        try:
            path = _path(expression)
        except Exception as exc:  # its lexer's and parser's errors, and a bare Exception for some input
            raise MappingError(field, f"not a JSONPath ({str(exc)[:200]})") from None
        try:
            compiled.append((path, target_of(target)))
        except ValueError as exc:
            raise MappingError(field, f"{target!r} is not a target: {exc}") from None
    return compiled


def _clean(target: Target, value: Any) -> Any:
    """The value as the lead keeps it, or None when it is not one (a provider's garbage is dropped,
    never stored and never an error)."""
    if target.kind == "tags":
        items = value if isinstance(value, list) else [value]
        tags = [t.strip() for t in items if isinstance(t, str) and 0 < len(t.strip()) <= MAX_TAG]
        return tags[:MAX_TAGS] or None
    if target.kind == "attribute":
        if isinstance(value, str):
            return value[:MAX_ATTRIBUTE_TEXT] if value.strip() else None
        if isinstance(value, bool | int | float):
            return value
        return None
    if target.name == "company_size":
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float) and 0 <= value < 10_000_000:
            return int(value)
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if target.name == "country":
            return normalize.normalize_country(text)
        if target.name == "website":
            return normalize.website_domain(text)
    except normalize.FieldError:
        return None
    return text if len(text) <= FILLABLE[target.name] else None


def extract(compiled: list[tuple[JSONPath, Target]], document: Any) -> dict[str, Any]:
    """What the answer says, keyed as provenance names it (`title`, `attributes.x`, `tags`): the
    first match of each path that is a value the lead can keep."""
    found: dict[str, Any] = {}
    for path, target in compiled:
        try:
            matches = path.find(document)
        except Exception:  # a path that does not fit this document's shape: nothing found
            continue
        if target.kind == "tags":  # every match, a list's items each
            items = [i for m in matches for i in (m.value if isinstance(m.value, list) else [m.value])]
            tags = _clean(target, items)
            if tags is not None:
                found["tags"] = list(dict.fromkeys([*found.get("tags", []), *tags]))
            continue
        for match in matches:
            value = _clean(target, match.value)
            if value is not None:
                key = target.name if target.kind != "attribute" else f"attributes.{target.name}"
                found[key] = value
                break
    return found


def fill(lead: Mapping[str, Any], found: Mapping[str, Any], overwrite: bool) -> dict[str, Any]:
    """The changes to `lead`: empty fields filled (set ones too with `overwrite`), attributes key
    by key the same way, tags added."""
    changes: dict[str, Any] = {}
    attributes = dict(lead.get("attributes") or {})
    for key, value in found.items():
        if key == "tags":
            tags = list(lead.get("tags") or [])
            new = [t for t in value if t not in tags]
            if new:
                changes["tags"] = [*tags, *new]
        elif key.startswith("attributes."):
            name = key.removeprefix("attributes.")
            if (name not in attributes or overwrite) and attributes.get(name) != value:
                attributes[name] = value
                changes["attributes"] = attributes
        elif (lead.get(key) is None or overwrite) and lead.get(key) != value:
            changes[key] = value
    return changes


# ---- the built-in kinds ---------------------------------------------------------------------------

_SUFFIXES = PublicSuffixList()  # the list the package ships: no download


def phone_location(lead: Mapping[str, Any]) -> dict[str, Any]:
    """Country and time zone from the phone's prefix (a zone only where the prefix has one)."""
    phone = lead.get("phone")
    if not phone:
        return {}
    try:
        number = phonenumbers.parse(phone.split(";", 1)[0])
    except phonenumbers.NumberParseException:
        return {}
    found: dict[str, Any] = {}
    region = phonenumbers.region_code_for_number(number)
    if region and region != "001":  # 001: a non-geographic number
        found["country"] = region
    zones = [z for z in phone_timezones.time_zones_for_number(number) if z != "Etc/Unknown"]
    if len(zones) == 1:
        found["attributes.timezone"] = zones[0]
    return found


def company_from_domain(lead: Mapping[str, Any]) -> dict[str, Any]:
    """A company name from the company's domain (`acme-labs.co.uk` -> `Acme Labs`)."""
    domain = lead.get("domain")
    if not domain:
        return {}
    registrable = _SUFFIXES.privatesuffix(domain)
    suffix = _SUFFIXES.publicsuffix(domain)
    if not registrable or not suffix:
        return {}
    label = registrable.removesuffix("." + suffix)
    name = " ".join(part.capitalize() for part in label.replace("_", "-").split("-") if part)
    return {"company": name} if name else {}


def built_in(kind: str, lead: Mapping[str, Any]) -> dict[str, Any]:
    return phone_location(lead) if kind == PHONE_LOCATION else company_from_domain(lead)


# ---- retries ---------------------------------------------------------------------------------------


def retry_at(now: datetime, attempts: int) -> datetime | None:
    """When to try again after `attempts` failed ones (None: give up)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay: timedelta = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)
    return now + delay
