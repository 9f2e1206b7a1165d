"""Import use cases: take an upload (spool it in parts, check what can be checked before the 202),
read an import's status and report, list them, cancel one. The rows are captured by the import
job (flows/imports.py), in chunks that commit with the import's position.

The upload is spooled into `import_parts` in the caller's transaction: the import, its parts and
its job commit together (the 202 is sent after), or nothing does. Parts end on record boundaries,
so the job reads one part at a time, and a restarted job reads them again from the start.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.ids import new_id
from leadapi.imports.engine import (
    mapping_problems,
    parse_header,
    rate_and_eta,
    record_end,
    unknown_columns,
)
from leadapi.imports.repository import ImportRepository
from leadapi.imports.schemas import Import, ImportOptions, shown
from leadapi.jobs.repository import JobRepository
from leadapi.jobs.service import JobService
from leadapi.principal import Principal

JOB_KIND = "leads.import"
# Characters of the file per stored part: a few round trips per megabyte spooled, and what the
# job holds in memory while it captures a part's rows.
PART_CHARS = 1024 * 1024
FINAL = ("succeeded", "failed", "cancelled")


def too_large(limit: int) -> ProblemError:
    return ProblemError(
        413, f"The file is over the import limit of {limit} bytes.", headers={"Connection": "close"}
    )


class _Spool:
    """The upload as it arrives: decompressed, checked to be UTF-8 text, the CSV header taken
    off, and cut into parts at record boundaries."""

    def __init__(self, fmt: str, gzipped: bool, limit: int) -> None:
        self.fmt = fmt
        self.limit = limit
        self.received = 0
        self.size = 0
        self.inflater = zlib.decompressobj(wbits=31) if gzipped else None
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.header: list[str] | None = None if fmt == "csv" else []
        self.lines = 0
        self.has_rows = False

    def feed(self, chunk: bytes) -> list[str]:
        """The parts complete after `chunk`."""
        self.received += len(chunk)
        if self.received > self.limit:
            raise too_large(self.limit)
        data = chunk
        if self.inflater is not None:
            try:
                # At most what the limit leaves (+1, to tell a file at the limit from one over):
                # a small compressed body cannot expand into memory past it.
                data = self.inflater.decompress(chunk, self.limit - self.size + 1)
            except zlib.error as exc:
                raise ProblemError(400, f"The body is not valid gzip ({exc}).", slug="bad-gzip") from exc
            if self.inflater.unconsumed_tail:
                raise too_large(self.limit)
        return self._text(data, final=False)

    def finish(self) -> list[str]:
        if self.inflater is not None and not self.inflater.eof:
            raise ProblemError(400, "The gzip body ends before its end of stream.", slug="bad-gzip")
        done = self._text(b"", final=True)
        if self.header is None:  # no newline at all: the file is its header
            self.header = parse_header(self.buffer)
            self.buffer = ""
        if self.buffer:
            done.append(self._part(self.buffer))
            self.buffer = ""
        return done

    def _text(self, data: bytes, *, final: bool) -> list[str]:
        self.size += len(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        try:
            text = self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            at = self.size - len(data) + exc.start
            raise ProblemError(
                422,
                f"The file is not UTF-8 text: byte {at} cannot start a character ({exc.reason}). "
                "Save it as UTF-8 and send it again.",
                slug="bad-encoding",
            ) from exc
        if "\x00" in text:
            raise ProblemError(422, "The file contains a NUL character.", slug="bad-encoding")
        self.buffer += text
        if self.header is None:
            first = self._first_record_end()
            if first == 0:
                return []
            self.header = parse_header(self.buffer[:first])
            self.buffer = self.buffer[first:]
        done = []
        while len(self.buffer) >= PART_CHARS:
            cut = record_end(self.buffer, self.fmt, 0)
            if cut == 0:
                break  # one record longer than a part so far: it grows until it ends
            done.append(self._part(self.buffer[:cut]))
            self.buffer = self.buffer[cut:]
        return done

    def _first_record_end(self) -> int:
        """The end of the first record (the header) in the buffer, 0 while it has not ended."""
        start = 0
        while True:
            newline = self.buffer.find("\n", start)
            if newline < 0:
                return 0
            if self.buffer.count('"', 0, newline) % 2 == 0:
                return newline + 1
            start = newline + 1

    def _part(self, text: str) -> str:
        self.lines += text.count("\n") + (0 if text.endswith("\n") else 1)
        self.has_rows = self.has_rows or bool(text.strip())
        return text


class ImportService:
    def __init__(
        self,
        clock: Callable[[], datetime],
        jobs: JobService,
        max_bytes: int,
        writable: frozenset[str],
        read_only: frozenset[str],
    ) -> None:
        self.clock = clock
        self.jobs = jobs
        self.max_bytes = max_bytes
        self.writable = writable
        self.read_only = read_only

    def check_options(self, options: ImportOptions) -> None:
        problems = mapping_problems(options.mapping or {})
        if problems:
            raise validation_problem(problems)

    async def start(
        self,
        conn: AsyncConnection,
        principal: Principal,
        fmt: str,
        gzipped: bool,
        body: AsyncIterator[bytes],
        options: ImportOptions,
    ) -> dict[str, Any]:
        """Spool the upload and queue its job, in the caller's transaction; a problem (too large,
        not UTF-8, an unknown column, no rows) leaves nothing behind when the caller rolls back."""
        self.check_options(options)
        import_id = new_id("import")
        now = self.clock()
        repo = ImportRepository(conn, principal.workspace_id)
        spool = _Spool(fmt, gzipped, self.max_bytes)
        # The import row first: its parts reference it.
        row: dict[str, Any] = {
            "id": import_id,
            "job_id": "",
            "status": "queued",
            "format": fmt,
            "options": options.model_dump(),
            "size_bytes": 0,
            "parts": 0,
            "rows_estimated": 0,
            "rows_read": 0,
            "rows_created": 0,
            "rows_merged": 0,
            "rows_refused": 0,
            "rows_skipped": 0,
            "cancel_requested": False,
            "error": None,
            "created_at": now,
            "created_by": principal.key_id,
            "started_at": None,
            "updated_at": now,
            "finished_at": None,
        }
        await repo.add(row)
        seq = 0
        checked = False
        async for chunk in body:
            for text in spool.feed(chunk):
                if not checked:
                    self._check_header(fmt, spool.header, options)
                    checked = True
                await repo.add_part(import_id, seq, text.encode())
                seq += 1
        for text in spool.finish():
            await repo.add_part(import_id, seq, text.encode())
            seq += 1
        self._check_header(fmt, spool.header, options)
        if not spool.has_rows:
            what = "a header and no rows" if fmt == "csv" and spool.header else "no rows"
            raise ProblemError(422, f"The file has {what}: nothing to import.", slug="no-rows")
        job = await self.jobs.enqueue(
            conn, principal.workspace_id, JOB_KIND, {"import_id": import_id}, principal.key_id
        )
        header = {"columns": spool.header} if fmt == "csv" else {}
        values = {
            "job_id": job["id"],
            "size_bytes": spool.received,
            "parts": seq,
            "rows_estimated": spool.lines,
            "options": {**row["options"], **header},
        }
        await repo.update(import_id, values)
        return {**row, **values}

    def _check_header(self, fmt: str, header: list[str] | None, options: ImportOptions) -> None:
        if fmt != "csv" or header is None:
            return
        if not any(header):
            raise ProblemError(
                422, "The file has no header line and no rows: nothing to import.", slug="no-rows"
            )
        unknown = unknown_columns(header, options.mapping, self.writable, self.read_only)
        if unknown:
            where = "mapping" if options.mapping else "header"
            raise validation_problem(
                [
                    {
                        "field": f"{where}.{column}",
                        "message": "no such column in the file"
                        if options.mapping
                        else "not a lead field (map it, or name it attributes.<name>)",
                    }
                    for column in unknown
                ],
                f"Unknown column{'s' if len(unknown) > 1 else ''} in the {where}: {', '.join(unknown)}.",
            )

    async def get(self, conn: AsyncConnection, principal: Principal, import_id: str) -> Import:
        row = await ImportRepository(conn, principal.workspace_id).get(import_id)
        if row is None:
            raise not_found("Import", import_id)
        return await self._shown(conn, principal, row)

    async def _shown(self, conn: AsyncConnection, principal: Principal, row: dict[str, Any]) -> Import:
        if row["status"] not in FINAL:
            # A job that failed for good (out of attempts) leaves its import where it stopped.
            job = await JobRepository(conn).get(principal.workspace_id, row["job_id"])
            if job is not None and job["status"] == "failed":
                row = {**row, "status": "failed", "error": job["error"], "finished_at": job["finished_at"]}
        end = row["finished_at"] or row["updated_at"]
        rate, eta = rate_and_eta(row["rows_read"], row["rows_estimated"], row["started_at"], end)
        if row["status"] in FINAL:
            eta = None
        public = {**row, "options": {k: v for k, v in row["options"].items() if k != "columns"}}
        return shown(public, rate, eta)

    async def page(
        self, conn: AsyncConnection, principal: Principal, after: tuple[datetime, str] | None, limit: int
    ) -> tuple[list[Import], tuple[datetime, str] | None]:
        rows = await ImportRepository(conn, principal.workspace_id).page(after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        items = [await self._shown(conn, principal, row) for row in rows]
        last = (rows[-1]["created_at"], rows[-1]["id"]) if more and rows else None
        return items, last

    async def cancel(self, conn: AsyncConnection, principal: Principal, import_id: str) -> Import:
        """A queued import stops at once; a running one after the chunk in flight (its rows stay)."""
        repo = ImportRepository(conn, principal.workspace_id)
        row = await repo.get(import_id, for_update=True)
        if row is None:
            raise not_found("Import", import_id)
        if row["status"] in ("succeeded", "failed"):
            raise ProblemError(409, f"The import has {row['status']}; there is nothing to cancel.")
        now = self.clock()
        values: dict[str, Any] = {"cancel_requested": True, "updated_at": now}
        if row["status"] == "queued":
            values.update(status="cancelled", finished_at=now)
        if row["status"] != "cancelled":
            await repo.update(import_id, values)
            row = {**row, **values}
        return await self._shown(conn, principal, row)

    async def outcome_page(
        self,
        conn: AsyncConnection,
        principal: Principal,
        import_id: str,
        after: tuple[int, int],
        limit: int,
        *,
        refused_only: bool,
    ) -> list[dict[str, Any]]:
        """The report's rows in row order after (row, ordinal), by the primary key."""
        repo = ImportRepository(conn, principal.workspace_id)
        if await repo.get(import_id) is None:
            raise not_found("Import", import_id)
        return await repo.outcomes_after(import_id, after, limit, refused_only=refused_only)
