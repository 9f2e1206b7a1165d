"""Leads in and out of files (`leadapi import` and `leadapi export`): CSV and NDJSON rows to lead
documents and back. Pure: it reads and writes the streams it is given, and nothing else.

CSV columns are the lead's fields. `tags` holds tags separated by `|`. `attributes` and
`external_ids` hold a JSON object, or one column each as `attributes.<name>` and
`external_ids.<system>`. Empty cells are absent fields. An exported CSV imports back as it was.

An export (`GET /v1/leads` as CSV or NDJSON, `leadapi export`) writes the rows of a list as read
(leads/reads.py `Chunk`) chunk by chunk: `export_header`, then `export_lines` per chunk. Values
are the JSON list's: times, numbers and nested JSON as pydantic writes them, so a CSV cell or an
NDJSON line says what the list's JSON says. Each chunk is converted a column at a time (one JSON
round trip for a whole column of times, one parse for a column of JSON text), which costs a
fraction of converting cell by cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO, get_args, get_type_hints

from pydantic_core import to_json

from leadapi.leads.fields import PUBLIC_FIELDS, LeadRow

FORMATS = ("csv", "ndjson")
MEDIA_TYPES = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
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


# ---- exports -------------------------------------------------------------------------------------

_HINTS = get_type_hints(LeadRow)
_TIMES = tuple(name for name in PUBLIC_FIELDS if datetime in (_HINTS[name], *get_args(_HINTS[name])))
_FLAGS = tuple(name for name in PUBLIC_FIELDS if bool in (_HINTS[name], *get_args(_HINTS[name])))
_JSON = ("tags", *NESTED)
_FLAG_TEXT = {True: "true", False: "false", None: None}
_PLACES = {name: i for i, name in enumerate(PUBLIC_FIELDS)}


def export_header(fmt: str) -> bytes:
    """What an export starts with: the CSV header line (the lead's public fields), or nothing."""
    if fmt != "csv":
        return b""
    out = io.StringIO()
    csv.writer(out).writerow(PUBLIC_FIELDS)
    return out.getvalue().encode()


def export_lines(
    fmt: str, names: Sequence[str], records: Sequence[Sequence[Any]], *, json_text: bool
) -> bytes:
    """A chunk of leads in the export's format: records with the columns `names` (the public
    fields, maybe more), their JSON columns text (`json_text`, as PostgreSQL's list reads them)
    or parsed. NDJSON lines are the list's JSON of each lead; CSV as the module's docstring says."""
    if not records:
        return b""
    columns = _api_columns(names, records, json_text=json_text)
    if fmt == "ndjson":
        return b"".join(
            to_json(dict(zip(PUBLIC_FIELDS, row, strict=True))) + b"\n" for row in zip(*columns, strict=True)
        )
    where = _PLACES
    for name in _TIMES:  # as pydantic writes them: `2030-01-01T00:00:00.500000Z`
        columns[where[name]] = json.loads(to_json(columns[where[name]]))
    for name in _FLAGS:
        columns[where[name]] = [_FLAG_TEXT[value] for value in columns[where[name]]]
    columns[where["tags"]] = [LIST_SEPARATOR.join(tags or ()) for tags in columns[where["tags"]]]
    for name in NESTED:
        columns[where[name]] = [to_json(value).decode() if value else "" for value in columns[where[name]]]
    out = io.StringIO()
    csv.writer(out).writerows(zip(*columns, strict=True))
    return out.getvalue().encode()


def _api_columns(
    names: Sequence[str], records: Sequence[Sequence[Any]], *, json_text: bool
) -> list[Sequence[Any]]:
    """The public fields' columns of the records, in PUBLIC_FIELDS' order, JSON columns parsed
    (a column of JSON text in one call)."""
    transposed = list(zip(*records, strict=True))
    where = {name: i for i, name in enumerate(names)}
    columns: list[Sequence[Any]] = [transposed[where[name]] for name in PUBLIC_FIELDS]
    if json_text:
        for name in _JSON:
            i = _PLACES[name]
            columns[i] = json.loads("[" + ",".join("null" if t is None else t for t in columns[i]) + "]")
    return columns
