"""The base of every request body model."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class RequestModel(BaseModel):
    """Unknown fields are refused (typos surface), and so are values no database stores the same:
    NaN/Infinity (JSON has no such numbers; PostgreSQL's jsonb refuses them) and NUL characters
    (PostgreSQL text cannot hold them, SQLite silently can).

    Strict: the schema says boolean or integer, so `"yes"`, `"12"`, `1` for true and `12.0` for
    12 are refused, not guessed at. Pydantic's strict mode judges Python objects (FastAPI hands
    it the parsed JSON), so types JSON can only carry as text (date-times) opt out per field with
    `Field(strict=False)`. Input that is text by nature (CSV import rows, form hook fields)
    validates with `strict=False`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
    # Fields whose items are validated one by one later (batch items), so one bad item stays one.
    nul_checked_later: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul_characters(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name not in cls.nul_checked_later and _has_nul(value):
            raise ValueError("contains a NUL character (\\u0000), which cannot be stored")
        return value
