"""Leads in and out of files (`leadapi import` and `leadapi export`): CSV and NDJSON rows to lead
documents and back. Pure: it reads and writes the streams it is given, and nothing else.

CSV columns are the lead's fields. `tags` holds tags separated by `|`. `attributes` and
`external_ids` hold a JSON object, or one column each as `attributes.<name>` and
`external_ids.<system>`. Empty cells are absent fields. An exported CSV imports back as it was.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

FORMATS = ("csv", "ndjson")
LIST_SEPARATOR = "|"
NESTED = ("attributes", "external_ids")
BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
BOOLEAN_FIELDS = ("consent", "unsubscribed")


class RowError(ValueError):
    """A row that cannot become a lead document at all (before validation)."""


def read_documents(stream: TextIO, fmt: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """(row number, the row's lead document or why it has none), for every data row: CSV rows
    after the header, NDJSON lines that are not blank."""
    if fmt == "ndjson":
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, RowError(f"not JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(document, dict):
                yield number, RowError("not a JSON object")
                continue
            yield number, document
        return
    reader = csv.DictReader(stream)
    for number, row in enumerate(reader, 1):
        try:
            yield number, csv_document(row)
        except RowError as exc:
            yield number, exc


def csv_document(row: Mapping[str | None, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for column, raw in row.items():
        if column is None:
            raise RowError("more cells than the header has columns")
        value = (raw or "").strip() if isinstance(raw, str) else raw
        if value in ("", None):
            continue
        name, _, key = column.strip().partition(".")
        if name == "tags":
            document["tags"] = [tag.strip() for tag in value.split(LIST_SEPARATOR) if tag.strip()]
        elif name in NESTED and key:
            document.setdefault(name, {})[key] = value
        elif name in NESTED:
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError as exc:
                raise RowError(f"{name}: not a JSON object ({exc.msg})") from exc
            if not isinstance(parsed, dict):
                raise RowError(f"{name}: not a JSON object")
            document.setdefault(name, {}).update(parsed)
        elif name in BOOLEAN_FIELDS:
            if value.lower() not in BOOLEANS:
                raise RowError(f"{name}: {value[:20]!r} is not true or false")
            document[name] = BOOLEANS[value.lower()]
        else:
            document[column.strip()] = value
    return document


def count_rows(stream: TextIO, fmt: str) -> int:
    """How many data rows `read_documents` will yield (for a progress bar)."""
    if fmt == "ndjson":
        return sum(1 for line in stream if line.strip())
    return max(sum(1 for _ in csv.reader(stream)) - 1, 0)


def write_documents(
    stream: TextIO, fmt: str, leads: Iterable[Mapping[str, Any]], columns: list[str], *, header: bool = True
) -> int:
    """Write leads (as the API shows them); returns how many. CSV takes `columns` in order, after
    a header line unless `header` is false (a later page of the same file)."""
    written = 0
    if fmt == "ndjson":
        for lead in leads:
            stream.write(json.dumps(lead, separators=(",", ":"), ensure_ascii=False) + "\n")
            written += 1
        return written
    writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
    if header:
        writer.writeheader()
    for lead in leads:
        writer.writerow(csv_row(lead))
        written += 1
    return written


def csv_row(lead: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in lead.items():
        if name == "tags":
            row[name] = LIST_SEPARATOR.join(value or [])
        elif isinstance(value, dict):
            row[name] = json.dumps(value, separators=(",", ":"), ensure_ascii=False) if value else ""
        elif isinstance(value, bool):
            row[name] = "true" if value else "false"
        else:
            row[name] = "" if value is None else value
    return row
