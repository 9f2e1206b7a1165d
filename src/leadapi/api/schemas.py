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


def _not_null_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Drops the null branch (and the null default) of a model's `not_null` fields."""
    properties = schema.get("properties", {})
    for name in getattr(model, "not_null", ()):
        field = properties.get(name)
        if field is None:
            continue
        field.pop("default", None)
        branches = [b for b in field.get("anyOf", []) if b != {"type": "null"}]
        if "anyOf" in field and len(branches) == 1:
            del field["anyOf"]
            field.update({k: v for k, v in branches[0].items() if k not in field})
        elif "anyOf" in field:
            field["anyOf"] = branches


class RequestModel(BaseModel):
    """Unknown fields are refused (typos surface), and so are values no database stores the same:
    NaN/Infinity (JSON has no such numbers; PostgreSQL's jsonb refuses them) and NUL characters
    (PostgreSQL text cannot hold them, SQLite silently can).

    Strict: the schema says boolean or integer, so `"yes"`, `"12"`, `1` for true and `12.0` for
    12 are refused, not guessed at. Pydantic's strict mode judges Python objects (FastAPI hands
    it the parsed JSON), so types JSON can only carry as text (date-times) opt out per field with
    `Field(strict=False)`. Input that is text by nature (CSV import rows, form hook fields)
    validates with `strict=False`."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, strict=True, json_schema_extra=_not_null_schema
    )
    # Fields whose items are validated one by one later (batch items), so one bad item stays one.
    nul_checked_later: ClassVar[frozenset[str]] = frozenset()
    # Partial updates: fields that may be left out (kept as they are) but not sent as null, because
    # nothing is there to clear (a name, a flag). Their schema has no null branch to match.
    not_null: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul_characters(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_null:
            raise ValueError("cannot be null; leave it out to keep the current value")
        if info.field_name not in cls.nul_checked_later and _has_nul(value):
            raise ValueError("contains a NUL character (\\u0000), which cannot be stored")
        return value
