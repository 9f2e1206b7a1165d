"""The contract of imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class ImportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt option is refused, not ignored

    mapping: dict[str, str] | None = Field(
        None,
        description="Column (NDJSON key) -> a lead field, `tags`, `attributes.<name>` or "
        "`external_ids.<system>`, as form sources map; unmapped columns are ignored.",
    )
    dedupe: Literal["merge", "skip_existing", "create_only"] = Field(
        "merge",
        description="A row matching a lead (same keys as a capture): merged into it, skipped, or refused.",
    )
    overwrite: bool = Field(
        False, description="A merge replaces non-empty values (as `overwrite` on capture)."
    )
    route: bool = Field(True, description="false: leads are created unassigned, routing skipped.")
    dry_run: bool = Field(False, description="Report what would happen; write no lead.")
    source: str | None = Field(None, max_length=100, description="`source` of rows that have none.")
    tags: list[str] = Field(default_factory=list, max_length=50, description="Added to every row's tags.")


class Import(BaseModel):
    id: str = Field(examples=["imp_01jd8x7k2m3n4p5q6r7s8t9v0w"])
    status: Status
    format: Literal["csv", "ndjson"]
    options: ImportOptions
    size_bytes: int
    rows_estimated: int = Field(description="Lines in the file less the header: what ETA counts down.")
    rows_read: int = Field(description="Rows done (committed); a resumed run starts after them.")
    rows_created: int
    rows_merged: int
    rows_refused: int
    rows_skipped: int
    rows_per_second: float | None
    eta_seconds: float | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportList(BaseModel):
    data: list[Import]
    next_cursor: str | None


def shown(row: dict[str, Any], rate: float | None, eta: float | None) -> Import:
    return Import.model_validate({**row, "rows_per_second": rate, "eta_seconds": eta})
