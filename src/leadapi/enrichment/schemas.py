"""The contract of enrichment: providers (an HTTP API or a built-in kind), and what a run did."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, StringConstraints

from leadapi.api.schemas import RequestModel
from leadapi.leads.schemas import Lead

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Kind = Literal["http", "phone_location", "company_from_domain"]
HeaderName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
HeaderValue = Annotated[str, StringConstraints(pattern=r"^[\x20-\x7e]{0,1000}$")]
UrlTemplate = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
JsonPath = Annotated[str, StringConstraints(min_length=1, max_length=500)]
MappingTarget = Annotated[str, StringConstraints(min_length=1, max_length=120)]

KIND_DESCRIPTION = (
    "`http`: calls `url_template` and maps its JSON answer. Built-in, no network: `phone_location` "
    "(country, and `attributes.timezone` from the phone's prefix), `company_from_domain` (the company "
    "name from the company's domain when empty)."
)
URL_DESCRIPTION = (
    "`http` only: the URL, with lead fields in braces (`{email}`, `{domain}`, `{phone}`, `{first_name}`, "
    "`{last_name}`, `{company}`, `{website}`, `{country}`, `{id}`), percent-encoded. A lead with one of "
    "them empty is not sent. Checked as webhook URLs are (no private or metadata addresses)."
)
MAPPING_DESCRIPTION = (
    "`http` only: JSONPath in the answer -> a lead field (`title`, `company`, `company_size`, "
    "`industry`, `country`...), `attributes.<name>`, or `tags` (every match added)."
)
MAPPING_EXAMPLE = {
    "$.person.title": "title",
    "$.company.employees": "company_size",
    "$.company.tags[*]": "tags",
}
WHEN_DESCRIPTION = "A condition over the lead (as in segments): only leads that meet it are enriched."


class ProviderCreate(RequestModel):
    name: Name
    kind: Kind = Field(description=KIND_DESCRIPTION)
    url_template: UrlTemplate | None = Field(
        None, description=URL_DESCRIPTION, examples=["https://api.example.com/v1/people?email={email}"]
    )
    headers: dict[HeaderName, HeaderValue] = Field(
        default_factory=dict, max_length=20, description="Headers sent with each call (not secret)."
    )
    secret_header: HeaderName | None = Field(
        None,
        description="The header that carries `secret`, e.g. `Authorization`.",
        examples=["Authorization"],
    )
    secret: Annotated[str, StringConstraints(pattern=r"^[\x20-\x7e]{1,500}$")] | None = Field(
        None, description="The credential, sent as `secret_header`; stored encrypted, never shown."
    )
    mapping: dict[JsonPath, MappingTarget] = Field(
        default_factory=dict, max_length=50, description=MAPPING_DESCRIPTION, examples=[MAPPING_EXAMPLE]
    )
    overwrite: bool = Field(
        False, description="Replace values the lead has (default: fill empty fields only)."
    )
    timeout_seconds: float = Field(5.0, gt=0, le=30, description="How long one call may take.")
    cache_ttl_seconds: int = Field(
        86_400, ge=0, le=31_536_000, description="How long an answer is reused for the same URL (0: never)."
    )
    monthly_budget: int | None = Field(
        None, ge=0, le=100_000_000, description="Calls a calendar month (UTC) at most; null: no limit."
    )
    when: dict[str, Any] | None = Field(None, description=WHEN_DESCRIPTION)
    active: bool = True


class ProviderUpdate(RequestModel):
    """Partial update: absent fields stay; `secret: null` removes the credential."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "headers", "mapping", "overwrite", "timeout_seconds", "cache_ttl_seconds", "active"}
    )

    name: Name | None = None
    url_template: UrlTemplate | None = Field(None, description=URL_DESCRIPTION)
    headers: dict[HeaderName, HeaderValue] | None = Field(None, max_length=20)
    secret_header: HeaderName | None = None
    secret: Annotated[str, StringConstraints(pattern=r"^[\x20-\x7e]{1,500}$")] | None = None
    mapping: dict[JsonPath, MappingTarget] | None = Field(
        None, max_length=50, description=MAPPING_DESCRIPTION
    )
    overwrite: bool | None = None
    timeout_seconds: float | None = Field(None, gt=0, le=30)
    cache_ttl_seconds: int | None = Field(None, ge=0, le=31_536_000)
    monthly_budget: int | None = Field(None, ge=0, le=100_000_000)
    when: dict[str, Any] | None = Field(None, description=WHEN_DESCRIPTION)
    active: bool | None = None


class Provider(BaseModel):
    id: str = Field(examples=["enp_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    name: str
    kind: Kind
    url_template: str | None
    headers: dict[str, str]
    secret_header: str | None
    has_secret: bool = Field(description="Whether a secret is stored (it is never shown).")
    mapping: dict[str, str]
    overwrite: bool
    timeout_seconds: float
    cache_ttl_seconds: int
    monthly_budget: int | None
    calls_this_month: int = Field(
        description="Calls sent this calendar month (UTC), cached answers not counted."
    )
    when: dict[str, Any] | None
    active: bool
    created_at: datetime
    updated_at: datetime


class ProviderList(BaseModel):
    data: list[Provider]
    next_cursor: str | None


Outcome = Literal["applied", "unchanged", "skipped", "budget_exhausted", "failed", "retrying"]


class ProviderResult(BaseModel):
    provider_id: str
    name: str
    outcome: Outcome = Field(
        description="`applied`/`unchanged`: answered (fresh or `cached`), the lead took something or "
        "nothing; `skipped`: `when` not met or a URL field empty; `budget_exhausted`: no call left this "
        "month; `failed`: a bad answer (not JSON, 4xx) or out of retries; `retrying`: tried again later."
    )
    cached: bool = False
    changes: dict[str, list[Any]] = Field(default_factory=dict, description="Field -> [before, after].")
    error: str | None = None


class EnrichResult(BaseModel):
    lead: Lead
    results: list[ProviderResult]
