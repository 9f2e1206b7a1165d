"""Inbound form sources: a provider posts a submission, we check its signature, keep it raw, and
in one transaction upsert the lead (deduped as any capture) and append its `form_submit` event.

A submission the mapping cannot turn into a lead is kept as failed, with the reason, and can be
replayed once the mapping is fixed; a provider's retry of a submission (same provider id, or the
same payload, however it was signed) is acknowledged and not counted twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.consent.double_opt_in import request_if_opted_in
from leadapi.db import retrying
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.events.schemas import EventIn
from leadapi.events.service import EventService
from leadapi.ids import new_id
from leadapi.leads.schemas import LeadCreate
from leadapi.leads.service import CAPTURE_ATTEMPTS, LeadService, MatchVanishedError
from leadapi.metrics import Metrics
from leadapi.principal import Principal
from leadapi.sealing import Sealer
from leadapi.sources import engine
from leadapi.sources.repository import SourceRepository, source_by_id
from leadapi.sources.schemas import SourceCreate, SourceUpdate

SOURCE_SCOPES = frozenset({"read", "write"})
MAX_SOURCES = 100


class SubmissionFailedError(Exception):
    def __init__(self, submission_id: str, reason: str) -> None:
        super().__init__(reason)
        self.submission_id = submission_id
        self.reason = reason


def _problem(failed: SubmissionFailedError) -> ProblemError:
    return ProblemError(
        422,
        f"The submission was kept but could not be mapped to a lead: {failed.reason}",
        slug="submission-failed",
        extra={"submission_id": failed.submission_id},
    )


class SourceService:
    def __init__(
        self,
        clock: Callable[[], datetime],
        leads: LeadService,
        events: EventService,
        sealer: Sealer,
        metrics: Metrics | None = None,
    ) -> None:
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.leads = leads
        self.events = events
        self.sealer = sealer

    # ---- sources -------------------------------------------------------------------------------

    async def create(self, conn: AsyncConnection, principal: Principal, data: SourceCreate) -> dict[str, Any]:
        if data.kind != "generic" and data.secret is None:
            raise validation_problem(
                [
                    {
                        "field": "secret",
                        "message": f"a {data.kind} source needs the signing secret {data.kind} gave you",
                    }
                ]
            )
        now = self.clock()
        secret = data.secret or secrets.token_urlsafe(32)
        row: dict[str, Any] = {
            "id": new_id("source"),
            "name": data.name,
            "kind": data.kind,
            "mapping": data.mapping,
            "defaults": (
                data.defaults.model_dump()
                if data.defaults
                else {"source": None, "tags": [], "attributes": {}}
            ),
            "secret": self.sealer.seal(secret),
            "created_at": now,
            "updated_at": now,
        }
        repo = SourceRepository(conn, principal.workspace_id)
        if len(await repo.all()) >= MAX_SOURCES:
            raise ProblemError(409, f"A workspace has at most {MAX_SOURCES} sources.")
        await repo.add(row)
        await record_for(conn, principal, now, "created", "source", row["id"], None, row)
        return {**row, "secret": secret}  # the caller shows it this once

    async def all(self, conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
        return await SourceRepository(conn, principal.workspace_id).all()

    async def get(self, conn: AsyncConnection, principal: Principal, source_id: str) -> dict[str, Any]:
        row = await SourceRepository(conn, principal.workspace_id).get(source_id)
        if row is None:
            raise not_found("Source", source_id)
        return row

    async def update(
        self, conn: AsyncConnection, principal: Principal, source_id: str, data: SourceUpdate
    ) -> dict[str, Any]:
        changes = data.model_dump(exclude_unset=True)
        for name in ("name", "mapping", "secret"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        if "defaults" in changes:
            changes["defaults"] = (
                data.defaults.model_dump()
                if data.defaults
                else {"source": None, "tags": [], "attributes": {}}
            )
        repo = SourceRepository(conn, principal.workspace_id)
        row = await repo.get(source_id)
        if row is None:
            raise not_found("Source", source_id)
        changes["updated_at"] = self.clock()
        if changes.get("secret") is not None:
            changes["secret"] = self.sealer.seal(changes["secret"])
        await repo.update(source_id, changes)
        await record_for(
            conn,
            principal,
            changes["updated_at"],
            "updated",
            "source",
            source_id,
            row,
            {**row, **changes},
        )
        return {**row, **changes}

    async def delete(self, conn: AsyncConnection, principal: Principal, source_id: str) -> None:
        repo = SourceRepository(conn, principal.workspace_id)
        before = await repo.get(source_id)
        if before is None:
            raise not_found("Source", source_id)
        await repo.delete(source_id)
        await record_for(conn, principal, self.clock(), "deleted", "source", source_id, before, None)

    async def submissions(
        self,
        conn: AsyncConnection,
        principal: Principal,
        source_id: str,
        status: str | None,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        repo = SourceRepository(conn, principal.workspace_id)
        if await repo.get(source_id) is None:
            raise not_found("Source", source_id)
        return await repo.submissions_of(source_id, status, limit, before)

    # ---- receiving ---------------------------------------------------------------------------

    async def receive(
        self,
        conn: AsyncConnection,
        source_id: str,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> dict[str, Any] | ProblemError:
        """`POST /v1/hooks/{source_id}`: the reply; raises 404, 401 or 415. A submission the
        mapping cannot use is kept as failed: its 422 is returned, not raised, so that the
        caller commits what was kept before answering."""
        source = await source_by_id(conn, source_id)
        if source is None:
            raise not_found("Source", source_id)
        now = self.clock()
        try:
            secret = self.sealer.unseal(source["secret"])
            engine.verify(source["kind"], secret, headers, body, method, url, now)
        except engine.SignatureError as exc:
            raise ProblemError(
                401, f"The submission's signature is not valid: {exc}.", slug="bad-signature"
            ) from exc
        content_type = headers.get("content-type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in ("application/json", "application/x-www-form-urlencoded") and not media.endswith(
            "+json"
        ):
            raise ProblemError(415, "Send JSON or application/x-www-form-urlencoded.")
        try:
            payload: dict[str, Any] | None = engine.parse(content_type, body)
            reason = None
        except engine.PayloadError as exc:
            payload, reason = None, str(exc)
        submission = {
            "id": new_id("submission"),
            "source_id": source_id,
            "received_at": now,
            "content_type": content_type[:200],
            "body": body.decode(errors="replace"),
            "dedupe_key": engine.dedupe_key(source["kind"], payload, body),
            "replayed_at": None,
        }
        return await self._process(conn, source, submission, payload, reason, replay=False)

    async def replay(
        self, conn: AsyncConnection, principal: Principal, source_id: str, submission_id: str
    ) -> dict[str, Any] | ProblemError:
        """Map a stored submission again (after the mapping was fixed); a failure again is
        returned as its 422, as `receive` does."""
        repo = SourceRepository(conn, principal.workspace_id)
        source = await repo.get(source_id)
        stored = None if source is None else await repo.submission(source_id, submission_id)
        if source is None:
            raise not_found("Source", source_id)
        if stored is None:
            raise not_found("Submission", submission_id)
        if stored["status"] == "accepted":
            raise ProblemError(
                409, f"Submission {submission_id!r} was accepted already (lead {stored['lead_id']})."
            )
        try:
            payload: dict[str, Any] | None = engine.parse(stored["content_type"], stored["body"].encode())
            reason = None
        except engine.PayloadError as exc:
            payload, reason = None, str(exc)
        replayed = {**stored, "replayed_at": self.clock()}
        return await self._process(conn, source, replayed, payload, reason, replay=True)

    def _map(
        self, source: Mapping[str, Any], payload: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(normalised lead fields, event properties); raises ValueError with the reason."""
        mapped = engine.apply(source["kind"], source["mapping"], source["defaults"], payload)
        try:
            # Form fields are text by nature ("12", "on"): read laxly, unlike the JSON API.
            data = LeadCreate.model_validate(mapped.lead, strict=False)
            EventIn.model_validate({"type": "form_submit", "properties": mapped.properties}, strict=False)
        except ValidationError as exc:
            raise ValueError(
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:10])
            ) from exc
        try:
            fields = self.leads.prepare(data)
        except ProblemError as exc:
            raise ValueError("; ".join(f"{e['field']}: {e['message']}" for e in exc.errors or [])) from exc
        if not (fields.get("email") or fields.get("phone") or fields.get("external_ids")):
            missing = f" (not in the payload: {', '.join(mapped.missing)})" if mapped.missing else ""
            raise ValueError(f"the mapping gives no email, phone or external id{missing}")
        return fields, mapped.properties

    async def _process(
        self,
        conn: AsyncConnection,
        source: Mapping[str, Any],
        submission: dict[str, Any],
        payload: Mapping[str, Any] | None,
        reason: str | None,
        *,
        replay: bool,
    ) -> dict[str, Any] | ProblemError:
        fields: dict[str, Any] = {}
        properties: dict[str, Any] = {}
        if payload is not None:
            try:
                fields, properties = self._map(source, payload)
            except ValueError as exc:
                reason = str(exc)[:2000]
        principal = Principal(source["workspace_id"], source["id"], SOURCE_SCOPES)
        # A concurrent capture of the same person (or delivery of the same submission) can win an
        # insert race: the attempt's savepoint is undone and the next one finds its lead.
        try:
            stored = await retrying(
                conn,
                partial(self._store, conn, principal, source, submission, fields, properties, reason, replay),
                retry_on=(IntegrityError, MatchVanishedError),
                attempts=CAPTURE_ATTEMPTS,
            )
        except SubmissionFailedError as failed:  # failed before: nothing new to keep
            return _problem(failed)
        return _problem(stored) if isinstance(stored, SubmissionFailedError) else stored

    async def _store(
        self,
        conn: AsyncConnection,
        principal: Principal,
        source: Mapping[str, Any],
        submission: dict[str, Any],
        fields: dict[str, Any],
        properties: dict[str, Any],
        reason: str | None,
        replay: bool,
    ) -> dict[str, Any] | SubmissionFailedError:
        """The submission, and with it the lead and its `form_submit`, in the caller's transaction:
        the reply, or the failure it was stored as (returned, so that it commits)."""
        failed: SubmissionFailedError | None = None
        repo = SourceRepository(conn, principal.workspace_id)
        if replay:
            # Two replays of one submission at once: the second waits, then finds it accepted.
            current = await repo.submission(source["id"], submission["id"], lock=True)
            if current is not None and current["status"] == "accepted":
                raise ProblemError(409, f"Submission {submission['id']!r} was accepted already.")
        else:
            seen = await repo.submission_by_key(source["id"], submission["dedupe_key"])
            if seen is not None:
                if seen["status"] != "accepted":
                    raise SubmissionFailedError(seen["id"], seen["error"] or "failed before")
                return _reply(seen, replayed=True)
        if reason is not None:
            values = {"status": "failed", "error": reason, "lead_id": None, "event_id": None}
            failed = SubmissionFailedError(submission["id"], reason)
        else:
            origin = f"form:{source['name']}"  # its provenance (leads/provenance.py)
            captured = await self.leads.capture(
                conn, principal, fields, overwrite=False, origin=origin, source_id=source["id"]
            )
            await request_if_opted_in(
                conn, principal.workspace_id, captured.lead["id"], source, self.clock(), principal.key_id
            )
            event = EventIn(type="form_submit", properties=properties, source=source["name"][:100])
            row, _ = await self.events.record_locked(conn, principal, captured.lead, event, self.clock())
            values = {
                "status": "accepted",
                "error": None,
                "lead_id": captured.lead["id"],
                "event_id": row["id"],
            }
        if replay:
            await repo.update_submission(
                submission["id"], {**values, "replayed_at": submission["replayed_at"]}
            )
        else:
            await repo.add_submission({**submission, **values})
        if failed is not None:
            return failed
        self.metrics.events_ingested.inc()
        return _reply({**submission, **values}, replayed=False)


def _reply(submission: Mapping[str, Any], replayed: bool) -> dict[str, Any]:
    return {
        "submission_id": submission["id"],
        "status": "accepted",
        "lead_id": submission["lead_id"],
        "event_id": submission["event_id"],
        "replayed": replayed,
    }
