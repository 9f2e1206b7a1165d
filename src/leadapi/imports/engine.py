"""The pure rules of an import: what a file's header and a mapping allow, where the upload is cut
into parts, how one row becomes a lead document, what a dry run decides from dedupe keys, and the
progress figures. No I/O: the service spools and the runner captures what these decide.

A row becomes a lead document as `leadapi import` reads one (leads/transfer.py): CSV cells are
text (`tags` split on `|`, `attributes.<name>` and `external_ids.<system>` columns, booleans as
true/false), NDJSON lines are the API's JSON. A mapping renames columns (keys of an NDJSON line)
to the targets a form source maps to: a lead field, `tags`, `attributes.<name>` or
`external_ids.<system>`; with a mapping, unmapped columns are ignored.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leadapi.leads.fields import SCALAR_FIELDS
from leadapi.leads.transfer import NESTED, RowError, csv_document

FORMATS = {"text/csv": "csv", "application/x-ndjson": "ndjson", "application/jsonl": "ndjson"}
DEDUPE_MODES = ("merge", "skip_existing", "create_only")
MAX_MAPPING = 200


def format_of(media_type: str | None, declared: str | None) -> str | None:
    """The file's format from its Content-Type, or from the `format` option for a body sent as
    `application/gzip` or `application/octet-stream` (which name no format; generated clients
    send files as the latter); None: not a format we read."""
    media = (media_type or "").split(";", 1)[0].strip().lower()
    if media in ("application/gzip", "application/octet-stream"):
        return declared or "csv"
    return FORMATS.get(media)


def mapping_problems(mapping: Mapping[str, str]) -> list[dict[str, str]]:
    """Targets a mapping may not write to (as a form source's mapping, less event properties)."""
    problems = []
    if len(mapping) > MAX_MAPPING:
        problems.append({"field": "mapping", "message": f"at most {MAX_MAPPING} mapped columns"})
    for column, target in mapping.items():
        name, _, key = target.partition(".")
        valid = target in SCALAR_FIELDS or target == "tags" or (name in NESTED and bool(key))
        if not valid or not column:
            problems.append(
                {
                    "field": f"mapping.{column}",
                    "message": f"{target!r} is not a lead field, tags, attributes.<name> or "
                    "external_ids.<system>",
                }
            )
    return problems


def importable(column: str, writable: frozenset[str], read_only: frozenset[str]) -> bool:
    """A CSV column the file may have without a mapping: a writable field, one an export writes
    (dropped: an export imports back), or a nested one (`attributes.<name>`)."""
    name, _, key = column.partition(".")
    return column in writable or column in read_only or (name in NESTED and bool(key))


def unknown_columns(
    header: Sequence[str],
    mapping: Mapping[str, str] | None,
    writable: frozenset[str],
    read_only: frozenset[str],
) -> list[str]:
    """The columns that name nothing: with a mapping, its columns the header lacks; without, the
    header's columns that are no field."""
    if mapping:
        present = set(header)
        return [column for column in mapping if column not in present]
    return [column for column in header if not importable(column, writable, read_only)]


def parse_header(line: str) -> list[str]:
    cells = next(csv.reader(io.StringIO(line)), [])
    return [cell.strip() for cell in cells]


def record_end(text: str, fmt: str, parity: int) -> int:
    """Where the last complete record of `text` ends (an index after its newline), 0 when none
    does. A CSV newline ends a record only outside quotes: where the quotes before it (counting
    from a record boundary, `parity` being those before `text`) are even in number, as RFC 4180
    quotes come in pairs."""
    end = text.rfind("\n")
    if fmt != "csv":
        return end + 1
    while end >= 0:
        if (parity + text.count('"', 0, end)) % 2 == 0:
            return end + 1
        end = text.rfind("\n", 0, end)
    return 0


def records(text: str, fmt: str) -> Iterator[list[str] | str]:
    """The records of a part (whole records, as the upload cut them): CSV cells, or NDJSON
    lines; blank lines are no records."""
    if fmt == "csv":
        for cells in csv.reader(io.StringIO(text, newline="")):
            if cells and any(cell.strip() for cell in cells):
                yield cells
        return
    for line in text.splitlines():
        if line.strip():
            yield line


@dataclass(frozen=True, slots=True)
class RowRules:
    """How a record becomes a lead document: the file's header (CSV), the mapping, and the
    import's defaults (a source where the row has none, tags added to every row)."""

    fmt: str
    header: tuple[str, ...]
    mapping: Mapping[str, str] | None
    read_only: frozenset[str]
    source: str | None = None
    tags: tuple[str, ...] = ()

    def document(self, record: list[str] | str) -> dict[str, Any]:
        """The row's lead fields, or RowError naming why it has none."""
        if self.fmt == "csv":
            assert isinstance(record, list)
            if len(record) != len(self.header):
                raise RowError(f"the row has {len(record)} cells; the header has {len(self.header)}")
            cells = dict(zip(self.header, record, strict=True))
            named: dict[str | None, Any]
            if self.mapping:
                named = {target: cells[column] for column, target in self.mapping.items()}
            else:
                named = {name: value for name, value in cells.items() if name not in self.read_only}
            document = csv_document(named)
        else:
            assert isinstance(record, str)
            document = _json_document(record, self.mapping, self.read_only)
        if self.source and not document.get("source"):
            document["source"] = self.source
        if self.tags:
            given = document.get("tags")
            base = given if isinstance(given, list) else []
            document["tags"] = list(dict.fromkeys([*base, *self.tags]))
        return document


def _json_document(line: str, mapping: Mapping[str, str] | None, read_only: frozenset[str]) -> dict[str, Any]:
    try:
        parsed = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RowError(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise RowError("nested too deeply") from exc
    if not isinstance(parsed, dict):
        raise RowError("not a JSON object")
    if not mapping:
        return {name: value for name, value in parsed.items() if name not in read_only}
    document: dict[str, Any] = {}
    for column, target in mapping.items():
        value = parsed.get(column)
        if value is None or value == "":
            continue
        name, _, key = target.partition(".")
        if name in NESTED and key:
            document.setdefault(name, {})[key] = value
        else:
            document[target] = value
    return document


@dataclass
class DryRunKeys:
    """A dry run's memory of the rows before: the dedupe keys each would-be lead holds, so a
    later row of the file with one of them merges into it, as it would have on a real run."""

    by_email: dict[str, str] = field(default_factory=dict)
    by_external: dict[tuple[str, str], str] = field(default_factory=dict)
    by_phone: dict[str, tuple[str, bool]] = field(default_factory=dict)  # -> (lead, has an email)

    def match(self, fields: Mapping[str, Any]) -> str | None:
        """The would-be lead of an earlier row this one merges into (capture's dedupe order:
        email, external id, then a phone where one of the two has no email)."""
        email = fields.get("email")
        if email and email in self.by_email:
            return self.by_email[email]
        for system, value in (fields.get("external_ids") or {}).items():
            if (system, value) in self.by_external:
                return self.by_external[(system, value)]
        phone = fields.get("phone")
        if phone and phone in self.by_phone:
            lead, has_email = self.by_phone[phone]
            if not email or not has_email:
                return lead
        return None

    def remember(self, lead: str, fields: Mapping[str, Any]) -> None:
        if fields.get("email"):
            self.by_email.setdefault(fields["email"], lead)
        for system, value in (fields.get("external_ids") or {}).items():
            self.by_external.setdefault((system, value), lead)
        if fields.get("phone"):
            self.by_phone.setdefault(fields["phone"], (lead, bool(fields.get("email"))))


def dedupe_decision(mode: str, matched: bool) -> str:
    """What a row does under the import's dedupe mode: capture it (merge or create as a single
    capture does), or skip it because it matched (skip_existing) or refuse it (create_only)."""
    if not matched or mode == "merge":
        return "capture"
    return "skip" if mode == "skip_existing" else "refuse"


def rate_and_eta(
    rows_read: int, rows_estimated: int, started_at: datetime | None, now: datetime
) -> tuple[float | None, float | None]:
    """Rows per second since the run started, and the seconds left at that rate (None until
    there is a rate to go by)."""
    if started_at is None or rows_read == 0:
        return None, None
    elapsed = (now - started_at).total_seconds()
    if elapsed <= 0:
        return None, None
    rate = rows_read / elapsed
    return round(rate, 1), round(max(rows_estimated - rows_read, 0) / rate, 1)
