"""The base of every request body model."""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

# A lone UTF-16 surrogate: JSON's \ud800 escape decodes to one. No UTF-8 text holds it, so
# neither database can store it (PostgreSQL's driver and SQLite's both fail to encode it).
_SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(text: str) -> bool:
    """Whether both databases store `text` as sent: no NUL, no lone surrogate."""
    return "\x00" not in text and (text.isascii() or _SURROGATE.search(text) is None)


def _unstorable(value: Any) -> str | None:
    """What makes a value unstorable (a NUL or a lone surrogate in a string or a key), or None.
    Iterative: a deeply nested document must not exhaust the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "contains a NUL character (\\u0000), which cannot be stored"
            if not storable_text(item):
                return (
                    "contains a lone UTF-16 surrogate (e.g. \\ud800), which is not text and cannot be stored"
                )
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _has_non_finite(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
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
    NaN/Infinity (JSON has no such numbers; PostgreSQL's jsonb refuses them), NUL characters
    (PostgreSQL text cannot hold them, SQLite silently can) and lone surrogates (not text at all).

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
    def _refuse_unstorable_text(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_null:
            raise ValueError("cannot be null; leave it out to keep the current value")
        if info.field_name not in cls.nul_checked_later:
            problem = _unstorable(value)
            if problem is not None:
                raise ValueError(problem)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_non_finite_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # Fields typed float refuse NaN and Infinity already (allow_inf_nan), and fields that check
        # their own documents name the exact key; this catches what is left in free-form values
        # (a source's default attributes), which PostgreSQL's jsonb would refuse with a 500.
        if info.field_name not in cls.nul_checked_later and _has_non_finite(value):
            raise ValueError("NaN and Infinity are not JSON numbers (1e400 is read as Infinity)")
        return value
