"""The import job: an import's rows captured, chunk by chunk, each row exactly as a single
capture (`POST /v1/leads`) takes it, so a file and its rows posted one by one give the same
leads: the same normalising, dedupe and merge, score, stage, routing turn, SLA clock and events.

A chunk is one transaction: its rows (each in a savepoint, so a bad row sinks nothing), the
report's refused rows, the import's counts and its position (the last row done); then the job's
progress is reported, which extends its lease. A worker killed mid-chunk loses that chunk alone;
the job, taken over when the lease runs out, reads the spooled file again and starts after the
committed position, so no row is captured twice and none is lost. A cancel waits for the chunk
in flight (it locks the import row the chunk holds) and the next chunk stops there.

A dry run goes through the same rows and decisions without writing a lead: each row's dedupe
keys are looked up among the leads and the file's earlier rows, and its outcome (created, merged
into which lead or row, refused and why) goes to the report.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import partial
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.errors import ProblemError, attempt_item, validation_errors
from leadapi.imports.engine import DryRunKeys, RowRules, dedupe_decision, records
from leadapi.imports.repository import ImportRepository
from leadapi.imports.schemas import ImportOptions
from leadapi.imports.service import FINAL
from leadapi.jobs.service import JobInterrupted, JobService, Report
from leadapi.leads import provenance
from leadapi.leads.schemas import Lead, LeadCreate
from leadapi.leads.service import Captured, LeadService
from leadapi.leads.transfer import RowError
from leadapi.principal import Principal

# What an export writes that a capture does not take (id, score, ...): dropped, so an exported
# file imports back.
READ_ONLY = frozenset(Lead.model_fields) - frozenset(LeadCreate.model_fields)
WRITABLE = frozenset(LeadCreate.model_fields)

Errors = list[dict[str, str]]
Outcome = tuple[str, str | None, Errors | None]  # created | merged | skipped | refused, lead, why


class ImportRunner:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        leads: LeadService,
        jobs: JobService,
        chunk_rows: int,
    ) -> None:
        self.db = db
        self.clock = clock
        self.leads = leads
        self.jobs = jobs
        self.chunk_rows = chunk_rows

    async def run(self, job: dict[str, Any], report: Report) -> dict[str, Any]:
        """The job's handler: safe to run again (it starts after the committed position)."""
        workspace_id, import_id = job["workspace_id"], job["params"]["import_id"]
        async with self.db.transaction() as conn:
            repo = ImportRepository(conn, workspace_id)
            found = await repo.get(import_id, for_update=True)
            if found is None or found["status"] in FINAL:
                return {"import_id": import_id, "status": found["status"] if found else "gone"}
            now = self.clock()
            started = {"status": "running", "started_at": found["started_at"] or now, "updated_at": now}
            await repo.update(import_id, started)
        imported = {**found, **started}
        principal = Principal(workspace_id, imported["created_by"] or "import", frozenset({"read", "write"}))
        options = ImportOptions.model_validate(
            {k: v for k, v in imported["options"].items() if k != "columns"}
        )
        rules = RowRules(
            fmt=imported["format"],
            header=tuple(imported["options"].get("columns") or ()),
            mapping=options.mapping,
            read_only=READ_ONLY,
            source=options.source,
            tags=tuple(options.tags),
        )
        keys = DryRunKeys()
        position = imported["rows_read"]
        chunk: list[tuple[int, list[str] | str]] = []
        async for number, record in self._records(workspace_id, imported):
            if number <= position and not options.dry_run:
                continue
            if number <= position:
                # A dry run resumed: the rows before only teach it their keys.
                await self._dry_row(None, principal, rules, options, number, record, keys)
                continue
            chunk.append((number, record))
            if len(chunk) >= self.chunk_rows:
                if await self._chunk(job, principal, rules, options, chunk, keys, report):
                    return {"import_id": import_id, "status": "cancelled"}
                chunk = []
        if chunk and await self._chunk(job, principal, rules, options, chunk, keys, report):
            return {"import_id": import_id, "status": "cancelled"}
        async with self.db.transaction() as conn:
            repo = ImportRepository(conn, workspace_id)
            now = self.clock()
            await repo.update(import_id, {"status": "succeeded", "finished_at": now, "updated_at": now})
            await repo.drop_parts(import_id)  # the file is done with; the report stays
        return {"import_id": import_id, "status": "succeeded"}

    async def _records(
        self, workspace_id: str, imported: dict[str, Any]
    ) -> AsyncIterator[tuple[int, list[str] | str]]:
        """(row number, record) over the spooled parts, one part in memory at a time."""
        number = 0
        for seq in range(imported["parts"]):
            async with self.db.read_statements() as conn:
                data = await ImportRepository(conn, workspace_id).part(imported["id"], seq)
            if data is None:
                return
            for record in records(data.decode(), imported["format"]):
                number += 1
                yield number, record

    async def _chunk(
        self,
        job: dict[str, Any],
        principal: Principal,
        rules: RowRules,
        options: ImportOptions,
        chunk: list[tuple[int, list[str] | str]],
        keys: DryRunKeys,
        report: Report,
    ) -> bool:
        """One chunk in one transaction; True when the import was cancelled (nothing done)."""
        import_id = job["params"]["import_id"]
        async with self.db.transaction() as conn:
            repo = ImportRepository(conn, principal.workspace_id)
            # Locked for the chunk: a cancel waits for it, and the next chunk sees the cancel.
            current = await repo.get(import_id, for_update=True)
            if current is None or current["cancel_requested"] or current["status"] in FINAL:
                if current is not None and current["status"] not in FINAL:
                    now = self.clock()
                    await repo.update(
                        import_id, {"status": "cancelled", "finished_at": now, "updated_at": now}
                    )
                return True
            # Rows another run of the job committed meanwhile (a worker whose lease ran out while
            # it was still working) are not taken twice.
            chunk = [(number, record) for number, record in chunk if number > current["rows_read"]]
            if not chunk:
                return False
            counts = {"created": 0, "merged": 0, "refused": 0, "skipped": 0}
            outcomes: list[dict[str, Any]] = []
            if options.dry_run:
                results = [
                    await self._dry_row(conn, principal, rules, options, number, record, keys)
                    for number, record in chunk
                ]
            else:
                results = await self._rows(conn, principal, rules, options, [record for _, record in chunk])
            for (number, _), (outcome, lead_id, errors) in zip(chunk, results, strict=True):
                counts[outcome] += 1
                if outcome == "refused":
                    outcomes += [
                        {
                            "row": number,
                            "ordinal": i,
                            "outcome": "refused",
                            "lead_id": None,
                            "field": e.get("field", "")[:200],
                            "message": e.get("message", ""),
                        }
                        for i, e in enumerate(errors or [{"field": "", "message": "refused"}])
                    ]
                elif options.dry_run:
                    message = (errors or [{"message": ""}])[0]["message"]
                    outcomes.append(
                        {
                            "row": number,
                            "ordinal": 0,
                            "outcome": outcome,
                            "lead_id": lead_id,
                            "field": "",
                            "message": message,
                        }
                    )
            await repo.add_outcomes(import_id, outcomes)
            now = self.clock()
            values = {
                "rows_read": chunk[-1][0],
                "rows_created": current["rows_created"] + counts["created"],
                "rows_merged": current["rows_merged"] + counts["merged"],
                "rows_refused": current["rows_refused"] + counts["refused"],
                "rows_skipped": current["rows_skipped"] + counts["skipped"],
                "updated_at": now,
            }
            await repo.update(import_id, values)
        await report({"done": values["rows_read"], "total": current["rows_estimated"]})  # extends the lease
        if self.jobs.stopping.is_set():
            raise JobInterrupted  # after a committed chunk: the next run starts after it
        return False

    def _fields(self, rules: RowRules, record: list[str] | str) -> dict[str, Any]:
        """The row's lead fields, normalised as a capture's; RowError, ValidationError or
        ProblemError when it has none."""
        document = rules.document(record)
        # A CSV cell is text by nature ("12", "true"); NDJSON is as strict as the API.
        data = LeadCreate.model_validate(document, strict=False if rules.fmt == "csv" else None)
        return self.leads.prepare(data)

    def _refusal(
        self, rules: RowRules, record: list[str] | str
    ) -> tuple[dict[str, Any] | None, Errors | None]:
        try:
            return self._fields(rules, record), None
        except RowError as exc:
            return None, [{"field": "", "message": str(exc)}]
        except ValidationError as exc:
            return None, validation_errors(exc.errors())
        except ProblemError as exc:
            return None, list(exc.errors or []) or [{"field": "", "message": exc.detail}]

    async def _rows(
        self,
        conn: AsyncConnection,
        principal: Principal,
        rules: RowRules,
        options: ImportOptions,
        records: list[list[str] | str],
    ) -> list[Outcome]:
        """A chunk's rows, in order: the runs of rows that are certainly new people created
        together (`capture_new_many`: a statement per table, routing in the rows' order), each
        other row (a merge, a match, a suppressed person) captured alone where it stands, so
        every row meets the leads the rows before it made, as posted one by one."""
        prepared = [self._refusal(rules, record) for record in records]
        accepted = [fields for fields, _ in prepared if fields is not None]
        new = iter(await self.leads.new_people(conn, principal, accepted))
        results: list[Outcome | None] = [None] * len(prepared)
        run: list[tuple[int, dict[str, Any]]] = []
        for i, (fields, errors) in enumerate(prepared):
            if fields is None:
                results[i] = ("refused", None, errors)
            elif next(new):
                run.append((i, fields))
            else:
                await self._create_run(conn, principal, options, run, results)
                run = []
                results[i] = await self._row(conn, principal, options, fields)
        await self._create_run(conn, principal, options, run, results)
        return [result for result in results if result is not None]

    async def _create_run(
        self,
        conn: AsyncConnection,
        principal: Principal,
        options: ImportOptions,
        run: list[tuple[int, dict[str, Any]]],
        results: list[Outcome | None],
    ) -> None:
        if not run:
            return
        try:
            async with conn.begin_nested():
                created = await self.leads.capture_new_many(
                    conn,
                    principal,
                    [fields for _, fields in run],
                    origin=provenance.IMPORT,
                    route=options.route,
                )
        except IntegrityError:
            # A capture elsewhere took one of these people's email or external id since they
            # were looked up: one by one, that row merges into it.
            for i, fields in run:
                results[i] = await self._row(conn, principal, options, fields)
            return
        for (i, _), lead in zip(run, created, strict=True):
            results[i] = ("created", str(lead["id"]), None)

    async def _row(
        self,
        conn: AsyncConnection,
        principal: Principal,
        options: ImportOptions,
        fields: dict[str, Any],
    ) -> Outcome:
        if options.dedupe != "merge":
            existing = await self.leads.existing_match(conn, principal, fields)
            decision = dedupe_decision(options.dedupe, existing is not None)
            if decision == "skip":
                return "skipped", existing, None
            if decision == "refuse":
                return (
                    "refused",
                    existing,
                    [{"field": "", "message": f"matches lead {existing} (create_only)"}],
                )
        captured, errors = await attempt_item(
            partial(self._capture, conn, principal, fields, options.overwrite, options.route)
        )
        if captured is None:
            return "refused", None, errors
        return ("merged" if captured.merged else "created"), str(captured.lead["id"]), None

    async def _capture(
        self,
        conn: AsyncConnection,
        principal: Principal,
        fields: dict[str, Any],
        overwrite: bool,
        route: bool,
    ) -> Captured:
        async with conn.begin_nested():  # a row that fails undoes itself alone
            return await self.leads.capture(
                conn, principal, fields, overwrite=overwrite, origin=provenance.IMPORT, route=route
            )

    async def _dry_row(
        self,
        conn: AsyncConnection | None,
        principal: Principal,
        rules: RowRules,
        options: ImportOptions,
        number: int,
        record: list[str] | str,
        keys: DryRunKeys,
    ) -> tuple[str, str | None, Errors | None]:
        """What a real run would do with the row, with nothing written; `conn` None: a row
        already reported (a resumed dry run), whose would-be lead is only remembered."""
        fields, errors = self._refusal(rules, record)
        if fields is None:
            return "refused", None, errors
        earlier = keys.match(fields)
        existing = None
        if earlier is None and conn is not None:
            existing = await self.leads.existing_match(conn, principal, fields)
        target = earlier or existing
        if conn is None:
            if target is None:
                keys.remember(f"row {number}", fields)
            return "created", None, None
        decision = dedupe_decision(options.dedupe, target is not None)
        if decision == "skip":
            return (
                "skipped",
                existing,
                [{"message": f"matches {'lead ' + existing if existing else earlier}"}],
            )
        if decision == "refuse":
            who = f"lead {existing}" if existing else f"the lead of {earlier}"
            return "refused", existing, [{"field": "", "message": f"matches {who} (create_only)"}]
        if target is None:
            keys.remember(f"row {number}", fields)
            return "created", None, [{"message": "a new lead"}]
        if existing is not None:
            return "merged", existing, [{"message": f"merged into lead {existing}"}]
        return "merged", None, [{"message": f"merged into the lead of {earlier}"}]
