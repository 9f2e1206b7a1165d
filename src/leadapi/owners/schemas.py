"""The contract of owners: who leads are routed to, their capacity, skills and territories."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from leadapi.api.schemas import RequestModel
from leadapi.leads.normalize import FieldError, normalize_country, normalize_email
from leadapi.times import UtcDateTime

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
MAX_CAPACITY = 1_000_000
MAX_WEIGHT = 1000


class CompanySize(RequestModel):
    min: int | None = Field(None, ge=0, le=10_000_000)
    max: int | None = Field(None, ge=0, le=10_000_000)

    @model_validator(mode="after")
    def _ordered(self) -> CompanySize:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be above max")
        return self


class TerritoryIn(RequestModel):
    """Every non-empty field must match the lead; an empty field matches anything."""

    countries: list[Text] = Field(
        default_factory=list, max_length=300, description="ISO 3166 codes or names."
    )
    regions: list[Text] = Field(default_factory=list, max_length=500)
    postal_prefixes: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    ] = Field(default_factory=list, max_length=1000)
    industries: list[Text] = Field(default_factory=list, max_length=200)
    company_size: CompanySize | None = None

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        try:
            return sorted({normalize_country(country) for country in value})
        except FieldError as exc:
            raise ValueError(exc.message) from None


class OutOfOffice(RequestModel):
    # Not strict: JSON carries a date-time as text (RequestModel).
    from_: UtcDateTime | None = Field(
        None, alias="from", strict=False, description="Away from (default: now)."
    )
    until: UtcDateTime | None = Field(None, strict=False, description="Back at (null: until further notice).")

    model_config = {**RequestModel.model_config, "populate_by_name": True}

    @model_validator(mode="after")
    def _ordered(self) -> OutOfOffice:
        if self.from_ is not None and self.until is not None and self.until <= self.from_:
            raise ValueError("until must be after from")
        return self


class OwnerFields(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)] | None = (
        None
    )
    active: bool | None = None
    capacity: int | None = Field(
        None, ge=0, le=MAX_CAPACITY, description="Most open leads at once; null: no cap."
    )
    weight: int | None = Field(
        None, ge=1, le=MAX_WEIGHT, description="Share in weighted rotation (default 1)."
    )
    tags: list[Tag] | None = Field(None, max_length=50, description="Teams, skills, languages.")
    territories: list[TerritoryIn] | None = Field(None, max_length=50)
    out_of_office: OutOfOffice | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalize_email(value)
        except FieldError as exc:
            raise ValueError(exc.message) from None

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(tag.casefold() for tag in value))


class OwnerCreate(OwnerFields):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]


class OwnerUpdate(OwnerFields):
    """Partial update: absent fields stay; `null` clears capacity (no cap) and out_of_office."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "email", "active", "weight", "tags", "territories"}
    )  # `[]` clears tags and territories


class Owner(BaseModel):
    id: str = Field(examples=["ow_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    name: str
    email: str
    active: bool
    capacity: int | None
    weight: int
    tags: list[str]
    territories: list[dict[str, Any]]
    out_of_office: dict[str, datetime | None] | None
    open_leads: int = Field(description="Leads this owner holds in an open stage.")
    created_at: datetime
    updated_at: datetime


class OwnerList(BaseModel):
    data: list[Owner]
    next_cursor: str | None
