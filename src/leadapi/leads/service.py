"""Lead use cases: capture (dedupe + merge), read, list, update, delete, merge, timeline.

Each use case runs in the caller's transaction (the router's, the MCP tool's, a job's), and every
change appends its event in it. What a change sets off (rescore, promotion, routing, SLA clocks)
is the lead-change flow's (flows/lead_change.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.filters import Filter, parse_filters, parse_sort
from leadapi.api.pagination import bad_cursor, decode_cursor, encode_cursor
from leadapi.automations.repository import AutomationRepository
from leadapi.consent.repository import ConsentRepository
from leadapi.consent.suppression import Suppressions
from leadapi.db import Database, retrying
from leadapi.duplicates.repository import DuplicateRepository
from leadapi.errors import ProblemError, attempt_item, not_found, validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.ids import new_id
from leadapi.leads import provenance
from leadapi.leads.engine import (
    derived,
    diff,
    holds_email,
    merge_values,
    normalize_fields,
    patch_values,
    pick_match,
    policy_for,
    revised,
)
from leadapi.leads.fast import FastCreate
from leadapi.leads.fields import PUBLIC_FIELDS, SCALAR_FIELDS
from leadapi.leads.reads import RANKED_CURSOR_KINDS, Chunk, LeadReads, ListSpec, after_last
from leadapi.leads.repository import LEAD_FIELDS, LeadRepository
from leadapi.leads.schemas import Lead, LeadCreate, LeadFields, LeadUpdate
from leadapi.leads.versions import bumped
from leadapi.metrics import Metrics
from leadapi.principal import Principal
from leadapi.replica import ReadDatabase
from leadapi.routing.repository import RoutingRepository
from leadapi.scoring.repository import ScoringRepository
from leadapi.scoring.scorer import SCORE_COLUMNS, ActiveModel, Scorer
from leadapi.segments.repository import SegmentRepository
from leadapi.sla.repository import SlaRepository
from leadapi.sources.repository import SourceRepository
from leadapi.stages.repository import StageRepository
from leadapi.tasks.repository import TaskRepository
from leadapi.tracks.repository import TrackRepository
from leadapi.webhooks.repository import WebhookRepository

log = logging.getLogger("leadapi.leads")

CAPTURE_ATTEMPTS = 3
# The list parameter that shows archived leads too.
INCLUDE_ARCHIVED = "include_archived"
# Leads per statement of an export: big enough that a statement's round trip is a small part of
# its rows' cost, small enough that formatting one chunk holds the event loop only briefly.
EXPORT_CHUNK_ROWS = 2000


@dataclass(frozen=True)
class LeadPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None = None
    total_is_estimate: bool | None = None


class MatchVanishedError(Exception):
    """The lead a capture matched was deleted before it could be locked."""


@dataclass(frozen=True, slots=True)
class Captured:
    lead: dict[str, Any]
    merged: bool
    shown: dict[str, Any] | None = None  # the lead as the API shows it, when already computed

    def public(self) -> dict[str, Any]:
        return self.shown if self.shown is not None else public(self.lead)


def _ext_ids(fields: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in (fields.get("external_ids") or {}).items() if v is not None}


def public(row: Mapping[str, Any]) -> dict[str, Any]:
    """The lead as the API shows it, JSON-ready (for event payloads and replies).

    Rows come from our own writes or the database, already in the schema's types, so the model
    is constructed without validating again (it was a visible cost on the capture path).
    """
    return Lead.model_construct(**{name: row[name] for name in PUBLIC_FIELDS}).model_dump(mode="json")


def updated_event(
    lead_id: str, changed: Mapping[str, Any], version: int, now: datetime, actor: str | None
) -> NewEvent:
    """`lead.updated`: each field changed, [old, new], and the version the change made."""
    return NewEvent("lead.updated", lead_id, now, {"changes": dict(changed), "version": version}, actor)


class LeadService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        phone_region: str,
        scorer: Scorer,
        flow: LeadChangeFlow,
        metrics: Metrics | None = None,
        export_chunk_rows: int = EXPORT_CHUNK_ROWS,
        suppressions: Suppressions | None = None,
        reads: ReadDatabase | None = None,
    ) -> None:
        self.db = db
        self.reads = reads or ReadDatabase(db)
        self.suppressions = suppressions
        self.export_chunk_rows = export_chunk_rows
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.phone_region = phone_region
        self.scorer = scorer
        self.flow = flow

    def _repos(self, conn: AsyncConnection, principal: Principal) -> tuple[LeadRepository, EventRepository]:
        return (
            LeadRepository(conn, principal.workspace_id),
            EventRepository(conn, principal.workspace_id),
        )

    # ---- capture ---------------------------------------------------------------------------

    def prepare(self, data: LeadFields) -> dict[str, Any]:
        return normalize_fields(data.model_dump(exclude_unset=True), self.phone_region)

    async def capture(
        self,
        conn: AsyncConnection,
        principal: Principal,
        fields: Mapping[str, Any],
        *,
        overwrite: bool = False,
        origin: str = provenance.API,
        route: bool = True,
        source_id: str | None = None,
    ) -> Captured:
        """Capture a lead (`fields` as `prepare` normalised them) in the caller's transaction:
        merged into the lead it matches (locked), or new. `origin`: where its values come from
        (their provenance); `route` False: a new lead is not routed (an import's option);
        `source_id`: the form source it came through, whose dedupe policy (else the workspace's)
        decides which keys match and whether a match merges or is flagged. A suppressed person: a
        409 problem (or, flagged, tagged)."""
        captured = await self._capture(conn, principal, fields, overwrite, origin, route, source_id)
        if not captured.merged:
            self.metrics.leads_created.inc()
        return captured

    async def _capture(
        self,
        conn: AsyncConnection,
        principal: Principal,
        fields: Mapping[str, Any],
        overwrite: bool,
        origin: str,
        route: bool = True,
        source_id: str | None = None,
    ) -> Captured:
        model = await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        if self.db.fast_paths and not fields.get("external_ids") and route:
            # Its statement stores nothing for a suppressed person (the digests are its guard).
            created = await self._create_in_one_statement(conn, principal, fields, model, origin)
            if created is not None:
                return created
        if self.suppressions is not None:
            # Neither path may store an erased person again, nor merge one into a lead.
            fields = await self.suppressions.refuse_suppressed(conn, principal.workspace_id, fields)
        # A concurrent capture of the same person can win the race to insert; the unique index
        # refuses ours, and the retry then finds that lead and merges into it.
        return await retrying(
            conn,
            partial(self._capture_once, conn, principal, fields, overwrite, origin, route, source_id),
            retry_on=(IntegrityError, MatchVanishedError),
            attempts=CAPTURE_ATTEMPTS,
        )

    async def _capture_once(
        self,
        conn: AsyncConnection,
        principal: Principal,
        fields: Mapping[str, Any],
        overwrite: bool,
        origin: str,
        route: bool = True,
        source_id: str | None = None,
    ) -> Captured:
        """One attempt: the lead merged into is locked, a new one is the transaction's own
        uncommitted row. A lost insert race raises IntegrityError; a match merged away
        meanwhile, MatchVanishedError (the caller retries both)."""
        now = self.clock()
        ext_ids: dict[str, str] = {
            k: v for k, v in (fields.get("external_ids") or {}).items() if v is not None
        }
        leads, events = self._repos(conn, principal)
        dedupe = DuplicateRepository(conn, principal.workspace_id)
        policy = policy_for(await dedupe.policy_settings(), source_id)
        if fields.get("phone"):
            await leads.lock_phone(fields["phone"])
        wanted = policy.attribute_value(fields)
        attribute = None if wanted is None or policy.attribute is None else (policy.attribute, wanted)
        matches = await leads.find_matches(fields.get("email"), fields.get("phone"), ext_ids, attribute)
        owners = await leads.lead_ids_by_external_ids(ext_ids)
        target, matched_on = pick_match(matches, fields, owners, policy)
        if target is None or policy.mode == "flag_only":
            # A new lead, also beside the one it matches under flag_only (the pair is queued): it
            # takes its own email slot when a lead holds the email, and leaves external ids another
            # lead owns to that lead.
            taken = {s: v for s, v in ext_ids.items() if (s, v) in owners}
            if taken:
                fields = {**fields, "external_ids": {s: v for s, v in ext_ids.items() if s not in taken}}
            flagged = None if target is None else {"lead_id": target["id"], "matched_on": matched_on}
            row = await self._insert_new(
                conn,
                principal,
                fields,
                now,
                origin,
                route,
                own_slot=holds_email(matches, fields.get("email")),
                dedupe={"flagged": flagged, "external_id_conflicts": taken} if flagged or taken else None,
            )
            if target is not None and matched_on is not None:
                await dedupe.flag(target["id"], row["id"], matched_on, now)
            return Captured(row, merged=False)

        # Only the lead merged into is locked, and re-read under the lock: concurrent merges
        # into one lead then apply one after the other, each on the other's result.
        locked = await leads.get(target["id"], for_update=True)
        if locked is None:
            raise MatchVanishedError  # merged away or erased meanwhile: decide again
        target = locked
        conflicts = {s: v for s, v in ext_ids.items() if owners.get((s, v), target["id"]) != target["id"]}
        incoming = {**fields, "external_ids": {s: v for s, v in ext_ids.items() if s not in conflicts}}
        changes = merge_values(target, incoming, overwrite)
        changed = diff(target, changes)
        if changes:
            changes = revised(target, changes, now, origin)
            await leads.update(target["id"], changes)
            await self._sync_external_ids(leads, target, changes)
        data: dict[str, Any] = {"via": "capture", "matched_on": matched_on, "changes": changed}
        if conflicts:
            data["external_id_conflicts"] = conflicts
        await events.append([NewEvent("lead.merged", target["id"], now, data, principal.key_id)])
        merged = {**target, **changes}
        if merged.get("archived_at") is not None:  # captured again: activity
            merged = await self.unarchive(conn, principal, merged, "captured")
        if changes:
            merged = await self.flow.changed(
                conn, principal.workspace_id, target, merged, actor=principal.key_id, reason="lead_changed"
            )
        return Captured(merged, merged=True)

    async def _create_in_one_statement(
        self,
        conn: AsyncConnection,
        principal: Principal,
        fields: Mapping[str, Any],
        model: ActiveModel,
        origin: str,
    ) -> Captured | None:
        """The common case, a new person, in one round trip on the caller's connection; None
        when the lead must be merged (or an insert race was lost, or something the plan read
        from the caches changed), which the general path then handles."""
        workspace_id = principal.workspace_id
        cached = self.flow.cached_setting(workspace_id)
        if cached is None:
            return None  # the general path reads them (and remembers them)
        pipeline, route_on = cached
        row = {**self._new_row(fields, self.clock(), origin), "stage": pipeline.entry}
        capture = self.flow.plan_fast_capture(
            workspace_id, row, model, pipeline, route_on, principal.key_id, public
        )
        if capture is None:
            return None  # the routing decision needs the database
        driver = await self.db.driver(conn)
        digests = [] if self.suppressions is None else self.suppressions.digests(workspace_id, fields)
        outcome, owner_id = await FastCreate(driver, workspace_id).create_if_new(
            capture, model.id, route_on, pipeline.version, digests
        )
        if outcome != "created":
            self.flow.forget_setting(workspace_id)  # the general path reads it afresh
            return None
        row = capture.row
        shown: dict[str, Any] = capture.created["data"]["lead"]
        if capture.assigned is not None:
            row = {**row, "owner_id": owner_id}
            # The reply differs from `lead.created`'s lead in these two alone (both plain JSON
            # values), so it is not built through the model a second time.
            shown = {**shown, "owner_id": owner_id, "version": row["version"]}
        return Captured({**row, "workspace_id": workspace_id}, merged=False, shown=shown)

    def _new_row(self, fields: Mapping[str, Any], now: datetime, origin: str) -> dict[str, Any]:
        """A new lead's row before the flow's plan: unscored, no stage yet."""
        row: dict[str, Any] = {name: fields.get(name) for name in SCALAR_FIELDS}
        row.update(
            id=new_id("lead"),
            tags=fields.get("tags") or [],
            external_ids={k: v for k, v in (fields.get("external_ids") or {}).items() if v is not None},
            attributes={k: v for k, v in (fields.get("attributes") or {}).items() if v is not None},
            unsubscribed=bool(fields.get("unsubscribed")),
            owner_id=None,
            stage=None,
            first_touch_at=None,
            stages_mask=0,  # set once the stage it is stored in is known
            stage_entered_at=now,
            archived_at=None,
            won_amount=None,
            created_at=now,
            **dict.fromkeys(SCORE_COLUMNS),
            updated_at=now,
            version=1,
            dedupe_slot="",
        )
        row.update(derived(row))
        row["provenance"] = provenance.stamped(None, {}, row, origin, now)
        return row

    async def _insert_new(
        self,
        conn: AsyncConnection,
        principal: Principal,
        fields: Mapping[str, Any],
        now: datetime,
        origin: str,
        route: bool = True,
        *,
        own_slot: bool = False,
        dedupe: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new lead in the caller's transaction: the flow plans it (score, stage, routing), this
        stores the row, its external ids and `lead.created`, and the flow writes the rest.
        `own_slot`: another lead holds its email (a flag_only capture); `dedupe`: what its
        `lead.created` says of the lead it was flagged beside."""
        leads, _ = self._repos(conn, principal)
        new = self._new_row(fields, now, origin)
        if own_slot:
            new["dedupe_slot"] = new["id"]
        plan, pipeline = await self.flow.plan(conn, principal.workspace_id, new, principal.key_id)
        row = plan.row
        await leads.insert(row)
        await leads.add_external_ids(row["id"], row["external_ids"])
        data: dict[str, Any] = {"lead": public(row)}
        if dedupe is not None:
            data["dedupe"] = dict(dedupe)
        created = NewEvent("lead.created", row["id"], now, data, principal.key_id)
        return await self.flow.created(
            conn, principal.workspace_id, plan, pipeline, principal.key_id, first=[created], route=route
        )

    # ---- many new people at once (imports) ---------------------------------------------------

    async def new_people(
        self, conn: AsyncConnection, principal: Principal, rows: Sequence[Mapping[str, Any]]
    ) -> list[bool]:
        """For each of `rows` (as `prepare` normalised them), in order: True when a capture of it
        is certainly a new lead that `capture_new_many` may create with the others: no lead of
        the workspace holds one of its dedupe keys (email, phone, external id), no earlier row
        of `rows` has one of them either, and its email and phone are not suppressed. False: the
        row goes through `capture` (a merge, a suppression, a match under the phone rule), which
        decides. The phones' dedupe locks are taken first and held to the caller's commit, as a
        single capture holds its phone's: no capture elsewhere adds one of them meanwhile. A row
        carrying the attribute the workspace's dedupe policy counts is never certainly new: its
        capture looks that attribute up."""
        ws = principal.workspace_id
        leads = LeadRepository(conn, ws)
        policy = policy_for(await DuplicateRepository(conn, ws).policy_settings(), None)
        phones = [row["phone"] for row in rows if row.get("phone")]
        await leads.lock_phones(phones)
        emails = [row["email"] for row in rows if row.get("email")]
        exts = [(s, v) for row in rows for s, v in _ext_ids(row).items()]
        taken_emails, taken_phones, taken_exts = await leads.taken_keys(emails, phones, exts)
        digests = [] if self.suppressions is None else [self.suppressions.digests(ws, row) for row in rows]
        suppressed: set[str] = set()
        if self.suppressions is not None:
            suppressed = await self.suppressions.suppressed_digests(
                conn, ws, [d for ds in digests for d in ds]
            )
        new: list[bool] = []
        for i, row in enumerate(rows):
            email, phone, ext = row.get("email"), row.get("phone"), _ext_ids(row).items()
            clear = (
                (not email or email not in taken_emails)
                and (not phone or phone not in taken_phones)
                and not any(pair in taken_exts for pair in ext)
                and not (digests and suppressed.intersection(digests[i]))
                and policy.attribute_value(row) is None
            )
            new.append(clear)
            # Later rows with one of these keys merge into this row's lead (or are decided by it).
            if email:
                taken_emails.add(email)
            if phone:
                taken_phones.add(phone)
            taken_exts.update(ext)
        return new

    async def capture_new_many(
        self,
        conn: AsyncConnection,
        principal: Principal,
        rows: Sequence[Mapping[str, Any]],
        *,
        origin: str,
        route: bool = True,
    ) -> list[dict[str, Any]]:
        """New leads of rows `new_people` found new, in the caller's transaction, as `capture`
        makes each (the same row, score, stage, events and routing turn, in the rows' order),
        with a statement per table for them all. An insert race lost to a capture elsewhere
        fails the whole set (IntegrityError): the caller captures its rows one by one instead."""
        if not rows:
            return []
        ws, actor = principal.workspace_id, principal.key_id
        new_rows = [self._new_row(fields, self.clock(), origin) for fields in rows]
        plans, pipeline = await self.flow.plan_many(conn, ws, new_rows, actor)
        leads = LeadRepository(conn, ws)
        await leads.insert_many([plan.row for plan in plans])
        await leads.add_external_ids_many(
            [
                {"lead_id": plan.row["id"], "system": system, "external_id": value}
                for plan in plans
                for system, value in plan.row["external_ids"].items()
            ]
        )
        created = [
            NewEvent(
                "lead.created", plan.row["id"], plan.row["created_at"], {"lead": public(plan.row)}, actor
            )
            for plan in plans
        ]
        done = await self.flow.created_many(conn, ws, plans, pipeline, actor, first=created, route=route)
        self.metrics.leads_created.inc(len(done))
        return done

    @staticmethod
    async def _sync_external_ids(
        leads: LeadRepository, before: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> None:
        if "external_ids" not in changes:
            return
        old, new = before["external_ids"], changes["external_ids"]
        stale = [s for s in old if s not in new or new[s] != old[s]]
        await leads.remove_external_ids(before["id"], stale)
        await leads.add_external_ids(before["id"], {s: v for s, v in new.items() if old.get(s) != v})

    # ---- for other domains' transactions ------------------------------------------------------

    async def lock_for_event(
        self,
        conn: AsyncConnection,
        principal: Principal,
        *,
        lead_id: str | None = None,
        email: str | None = None,
        external: tuple[str, str] | None = None,
        create: bool = False,
    ) -> dict[str, Any] | None:
        """The lead an event is about, locked in the caller's transaction (None: no such lead).

        With `create`, an unknown email becomes a new lead, in the same transaction.
        """
        leads = LeadRepository(conn, principal.workspace_id)
        if lead_id is not None:
            return await leads.get(lead_id, for_update=True)
        if external is not None:
            owner = (await leads.lead_ids_by_external_ids({external[0]: external[1]})).get(external)
            return await leads.get(owner, for_update=True) if owner else None
        if email is None:
            return None
        address = normalize_fields({"email": email}, self.phone_region)["email"]
        if address is None:  # "" normalises to no email at all
            raise validation_problem([{"field": "email", "message": "an empty email names no lead"}])
        found = await leads.email_owner(address)
        if found is not None:
            return await leads.get(found, for_update=True)
        if not create:
            return None
        if self.suppressions is not None:
            await self.suppressions.refuse_suppressed(conn, principal.workspace_id, {"email": address})
        return await self._insert_new(conn, principal, {"email": address}, self.clock(), provenance.API)

    async def mark_unsubscribed(
        self, conn: AsyncConnection, principal: Principal, lead: Mapping[str, Any]
    ) -> dict[str, Any]:
        """An unsubscribe event sets the flag (and records the change), in the caller's transaction;
        returns the lead as it now is."""
        if lead["unsubscribed"]:
            return dict(lead)
        now = self.clock()
        leads, events = self._repos(conn, principal)
        values = bumped(lead, {"unsubscribed": True}, now)
        await leads.update(lead["id"], values)
        changed = {"unsubscribed": [False, True]}
        await events.append([updated_event(lead["id"], changed, values["version"], now, principal.key_id)])
        return {**lead, **values}

    async def unarchive(
        self, conn: AsyncConnection, principal: Principal, lead: Mapping[str, Any], reason: str
    ) -> dict[str, Any]:
        """A lead hygiene archived, back on new activity (`reason`), in the caller's transaction
        (the lead locked): `lead.unarchived`; returns the lead as it now is."""
        if lead.get("archived_at") is None:
            return dict(lead)
        now = self.clock()
        leads, events = self._repos(conn, principal)
        values = bumped(lead, {"archived_at": None}, now)
        await leads.update(lead["id"], values)
        data = {
            "reason": reason,
            "archived_at": lead["archived_at"].isoformat(),
            "version": values["version"],
        }
        await events.append([NewEvent("lead.unarchived", lead["id"], now, data, principal.key_id)])
        return {**lead, **values}

    async def apply_changes(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead: Mapping[str, Any],
        changes: Mapping[str, Any],
        *,
        origin: str,
        event_type: str,
        data: Mapping[str, Any],
    ) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        """Field `changes` another domain decided (an enrichment), to a lead the caller has locked:
        written with their provenance, `event_type` appended with `data` and what changed, and the
        lead rescored through the lead-change flow. Returns (the lead as it now is, what changed);
        nothing is written when nothing changes."""
        changed = diff(lead, changes)
        if not changed:
            return dict(lead), {}
        now = self.clock()
        leads, events = self._repos(conn, principal)
        values = revised(lead, {k: v for k, v in changes.items() if k in changed}, now, origin)
        await leads.update(lead["id"], values)
        payload = {**data, "changes": changed, "version": values["version"]}
        await events.append([NewEvent(event_type, lead["id"], now, payload, principal.key_id)])
        after = await self.flow.changed(
            conn,
            principal.workspace_id,
            lead,
            {**lead, **values},
            actor=principal.key_id,
            reason="lead_changed",
        )
        return after, changed

    async def _capture_item(
        self, conn: AsyncConnection, principal: Principal, item: Any, overwrite: bool
    ) -> Captured:
        fields = self.prepare(LeadCreate.model_validate(item))
        async with conn.begin_nested():
            return await self.capture(conn, principal, fields, overwrite=overwrite)

    async def existing_match(
        self, conn: AsyncConnection, principal: Principal, fields: Mapping[str, Any]
    ) -> str | None:
        """The id of the lead a capture of `fields` (as `prepare` normalised them) would merge
        into, by the same keys and order as capture; nothing is locked or written."""
        leads = LeadRepository(conn, principal.workspace_id)
        ext_ids = {k: v for k, v in (fields.get("external_ids") or {}).items() if v is not None}
        matches = await leads.find_matches(fields.get("email"), fields.get("phone"), ext_ids)
        owners = await leads.lead_ids_by_external_ids(ext_ids)
        target, _ = pick_match(matches, fields, owners)
        return None if target is None else str(target["id"])

    async def capture_batch(
        self, conn: AsyncConnection, principal: Principal, items: Sequence[Any], *, overwrite: bool
    ) -> list[tuple[str, str | None, list[dict[str, str]] | None]]:
        """(status, lead id, errors) per item; each lead in a savepoint of its own in the caller's
        transaction, so one bad item sinks nothing."""
        results: list[tuple[str, str | None, list[dict[str, str]] | None]] = []
        for item in items:
            work = partial(self._capture_item, conn, principal, item, overwrite)
            captured, errors = await attempt_item(work)
            if captured is None:
                results.append(("error", None, errors))
            else:
                results.append(("merged" if captured.merged else "created", captured.lead["id"], None))
        return results

    # ---- read ------------------------------------------------------------------------------

    async def sketch(self, conn: AsyncConnection, principal: Principal, data: LeadFields) -> dict[str, Any]:
        """An inline lead as capture would store it, scored by the active model (no events),
        for previews; nothing is stored."""
        now = self.clock()
        await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        plan, _ = await self.flow.plan(
            conn, principal.workspace_id, self._new_row(self.prepare(data), now, provenance.API), None
        )
        return plan.entry

    async def get(self, conn: AsyncConnection, principal: Principal, lead_id: str) -> dict[str, Any]:
        lead = await LeadRepository(conn, principal.workspace_id).get(lead_id)
        if lead is None:
            raise not_found("Lead", lead_id)
        return lead

    async def list_page(
        self,
        principal: Principal,
        filters: Sequence[Filter],
        sort: Sequence[tuple[str, bool]],
        query: str | None,
        limit: int,
        after: Sequence[Any] | None,
    ) -> list[dict[str, Any]]:
        """Up to `limit` leads in the order of `sort` after the cursor values `after`."""
        spec = ListSpec(filters, sort, query, ranked=False)
        async with self.db.read_statements() as conn:
            return await LeadReads(conn, principal.workspace_id, LEAD_FIELDS).page(spec, limit, after)

    async def search(
        self,
        conn: AsyncConnection,
        principal: Principal,
        filter_params: Sequence[tuple[str, str]],
        sort: str | None,
        query: str | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of leads from filters as `GET /v1/leads` takes them (`field[op]=value` pairs)
        and a sort spec (`company,-score`), and the cursor of the next page (None on the last)."""
        page = await self.list_leads(conn, principal, filter_params, sort, query, limit, cursor)
        return page.rows, page.next_cursor

    async def list_leads(
        self,
        conn: AsyncConnection,
        principal: Principal,
        filter_params: Sequence[tuple[str, str]],
        sort: str | None,
        query: str | None,
        limit: int,
        cursor: str | None,
        count: str | None = None,
    ) -> LeadPage:
        """`search`, and with `count` ("estimate" or "exact") how many leads every page holds."""
        spec = self.list_spec(filter_params, sort, query)
        ranked, order = spec.ranked, spec.sort
        kinds: list[Any] = (
            RANKED_CURSOR_KINDS if ranked else [LEAD_FIELDS[name].kind for name, _ in order] + ["id"]
        )
        after = decode_cursor(cursor, kinds) if cursor else None
        if ranked and after is not None and after[0] not in ("=", "~"):
            raise bad_cursor()
        reads = LeadReads(conn, principal.workspace_id, LEAD_FIELDS)
        rows = await reads.page(spec, limit + 1, after)
        total: int | None = None
        estimate: bool | None = None
        if count is not None:
            if after is None and len(rows) <= limit:
                total, estimate = len(rows), False  # the only page: counted already
            else:
                total, estimate = await reads.count(spec, exact=count == "exact")
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            if ranked:
                next_cursor = encode_cursor([last["_mode"], last["_rank"], last["id"]])
            else:
                next_cursor = encode_cursor(
                    [last[LEAD_FIELDS[name].column] for name, _ in order] + [last["id"]]
                )
            rows = rows[:limit]
        if ranked:
            for row in rows:
                del row["_mode"], row["_rank"]
        return LeadPage(rows, next_cursor, total, estimate)

    def list_spec(
        self, filter_params: Sequence[tuple[str, str]], sort: str | None, query: str | None
    ) -> ListSpec:
        """A list's filters (`field[op]=value` pairs), sort spec (`company,-score`) and search,
        checked (422 or 400 problems otherwise). Archived leads are left out unless the pairs say
        `include_archived=true` or filter on `archived_at` themselves."""
        flags = [value for name, value in filter_params if name == INCLUDE_ARCHIVED]
        if any(value not in ("true", "false") for value in flags):
            raise validation_problem([{"field": INCLUDE_ARCHIVED, "message": "true or false"}])
        filters = parse_filters(
            [(name, value) for name, value in filter_params if name != INCLUDE_ARCHIVED],
            LEAD_FIELDS,
            ignore=(),
        )
        if "true" not in flags and not any(f.field == "archived_at" for f in filters):
            filters = [*filters, Filter("archived_at", "exists", False)]
        order = parse_sort(sort, LEAD_FIELDS)
        return ListSpec(filters, order, query, ranked=bool(query) and sort is None and self.db.is_postgres)

    async def export(
        self, principal: Principal, spec: ListSpec, *, first: AsyncConnection | None = None
    ) -> AsyncGenerator[Chunk]:
        """Every lead of a list, in its order, chunk by chunk (`GET /v1/leads` as CSV or NDJSON,
        `leadapi export`). Each chunk is one keyset read of up to `export_chunk_rows` leads, the
        list's own statements continued from the last chunk's row as a cursor would, on a
        connection checked out for that read alone (the first on `first` when given): nothing is
        held between chunks, however slowly they are consumed, and a consumer that stops simply
        stops asking. Like the pages of a list, the chunks are not one snapshot: a lead created or
        changed meanwhile shows or not by where its sort key falls."""
        size = self.export_chunk_rows
        after: list[Any] | None = None
        while True:
            if first is not None:
                chunk = await LeadReads(first, principal.workspace_id, LEAD_FIELDS).read(spec, size, after)
                first = None
            else:
                async with self.reads.statements() as conn:
                    chunk = await LeadReads(conn, principal.workspace_id, LEAD_FIELDS).read(spec, size, after)
            if chunk.records:
                yield chunk
            if len(chunk.records) < size:
                return
            after = after_last(spec, LEAD_FIELDS, chunk)

    async def timeline(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        await LeadRepository(conn, principal.workspace_id).require(lead_id)
        return await EventRepository(conn, principal.workspace_id).for_lead(lead_id, limit, before)

    # ---- change ----------------------------------------------------------------------------

    async def update(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead_id: str,
        data: LeadUpdate,
        if_match: int | None,
        *,
        origin: str = provenance.API,
        locked: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A change by PATCH (or an automation's action: `origin`). `locked`: the lead as the
        caller holds it, locked and current in this transaction, so it is not read again."""
        fields = self.prepare(data)
        assigning = "owner_id" in fields
        new_owner = fields.pop("owner_id", None)
        if "unsubscribed" in fields and fields["unsubscribed"] is None:
            raise validation_problem([{"field": "unsubscribed", "message": "cannot be null"}])
        await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        now = self.clock()
        leads = LeadRepository(conn, principal.workspace_id)
        lead = dict(locked) if locked is not None else await leads.get(lead_id, for_update=True)
        if lead is None:
            raise not_found("Lead", lead_id)
        if if_match is not None and if_match != lead["version"]:
            raise ProblemError(
                412,
                f"The lead changed since you read it (version {lead['version']}, you sent {if_match}).",
                headers={"ETag": etag(lead["version"])},
            )
        changes = patch_values(lead, fields)
        if fields.get("email") and changes.get("email"):
            other = await leads.email_owner(changes["email"])
            if other is not None and other != lead_id:
                raise ProblemError(
                    409,
                    f"Lead {other!r} already has this email; merge the two with "
                    f"POST /v1/leads/{lead_id}/merge.",
                    slug="duplicate-lead",
                    extra={"conflicting_lead_id": other},
                )
        if "external_ids" in changes:
            owned = await leads.lead_ids_by_external_ids(changes["external_ids"])
            taken = [f"{s}:{v}" for (s, v), owner in owned.items() if owner != lead_id]
            if taken:
                raise ProblemError(
                    409,
                    f"External ids already belong to another lead: {', '.join(taken)}.",
                    slug="duplicate-lead",
                )
        changed = diff(lead, changes)
        if changed:
            lead = await self._apply_update(conn, principal, lead, changes, changed, now, origin)
        if assigning and new_owner != lead["owner_id"]:
            lead = await self.flow.owner_set(conn, principal.workspace_id, lead, new_owner, principal.key_id)
        return lead

    async def _apply_update(
        self,
        conn: Any,
        principal: Principal,
        lead: dict[str, Any],
        changes: dict[str, Any],
        changed: dict[str, list[Any]],
        now: datetime,
        origin: str,
    ) -> dict[str, Any]:
        leads, events = self._repos(conn, principal)
        lead_id = lead["id"]
        changes = revised(lead, changes, now, origin)
        await leads.update(lead_id, changes)
        await self._sync_external_ids(leads, lead, changes)
        await events.append([updated_event(lead_id, changed, changes["version"], now, principal.key_id)])
        return await self.flow.changed(
            conn,
            principal.workspace_id,
            lead,
            {**lead, **changes},
            actor=principal.key_id,
            reason="lead_changed",
        )

    async def delete(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, *, suppress: bool = False
    ) -> None:
        """Erase the lead and everything about it; with `suppress`, keep a keyed hash of its email
        and phone so that the person is refused at capture from now on."""
        now = self.clock()
        leads, events = self._repos(conn, principal)
        lead = await leads.get(lead_id, for_update=True)
        if lead is None:
            raise not_found("Lead", lead_id)
        suppressed: list[str] = []
        if suppress:
            if self.suppressions is None:
                raise ProblemError(503, "Suppression is not available in this process.")
            suppressed = await self.suppressions.suppress(conn, principal.workspace_id, lead, now)
        await ConsentRepository(conn, principal.workspace_id).erase_lead(lead_id)
        await events.erase_lead(lead_id)
        await RoutingRepository(conn, principal.workspace_id).erase_lead(lead_id)
        await StageRepository(conn, principal.workspace_id).erase_lead(lead_id)
        await SlaRepository(conn, principal.workspace_id).erase_lead(lead_id)
        await WebhookRepository(conn, principal.workspace_id).erase_lead(lead_id)
        await SourceRepository(conn, principal.workspace_id).erase_lead(lead_id)
        await AutomationRepository(conn, principal.workspace_id).erase_lead(lead_id)
        await SegmentRepository(conn, principal.workspace_id).erase_lead(lead_id)
        # Its blocking keys are hashes of its e-mail and name.
        await DuplicateRepository(conn, principal.workspace_id).forget_leads([lead_id])
        await leads.delete(lead_id)
        # Only the id survives: the erasure is recorded, the person is not (nor which of their
        # fields were suppressed beyond their kinds).
        data: dict[str, Any] = {"lead_id": lead_id}
        if suppress:
            data["suppressed"] = suppressed
        await events.append([NewEvent("lead.deleted", lead_id, now, data, principal.key_id)])

    async def merge(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, duplicate_id: str
    ) -> dict[str, Any]:
        if duplicate_id == lead_id:
            raise validation_problem(
                [{"field": "duplicate_id", "message": "a lead cannot be merged into itself"}]
            )
        await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
        now = self.clock()
        leads, events = self._repos(conn, principal)
        # Lock both in id order, so two opposite merges cannot deadlock.
        rows = {i: await leads.get(i, for_update=True) for i in sorted((lead_id, duplicate_id))}
        lead, duplicate = rows[lead_id], rows[duplicate_id]
        if lead is None:
            raise not_found("Lead", lead_id)
        if duplicate is None:
            raise ProblemError(
                422,
                f"Lead {duplicate_id!r} does not exist.",
                errors=[{"field": "duplicate_id", "message": "no such lead"}],
            )
        incoming = {
            k: v
            for k, v in duplicate.items()
            if k in (*SCALAR_FIELDS, "tags", "attributes", "external_ids", "unsubscribed")
        }
        if incoming.get("email") and lead["email"] is None:
            # The duplicate's email moves with it; free the unique slot before the survivor takes it.
            await leads.update(duplicate_id, {"email": None})
        changes = merge_values(lead, incoming, overwrite=False)
        moved_systems = [
            s
            for s in duplicate["external_ids"]
            if s in changes.get("external_ids", {})
            and changes["external_ids"][s] == duplicate["external_ids"][s]
        ]
        await leads.move_external_ids(duplicate_id, lead_id, moved_systems)
        await events.move_to_lead(duplicate_id, lead_id)
        # The duplicate's stage history reads under the survivor; its clock dies with it.
        await StageRepository(conn, principal.workspace_id).move_to_lead(duplicate_id, lead_id)
        # So do its tasks (the duplicate's deletion would cascade to them).
        await TaskRepository(conn, principal.workspace_id).move_to_lead(duplicate_id, lead_id)
        # And its consent history, which stays the proof of what the person agreed to.
        await ConsentRepository(conn, principal.workspace_id).move_to_lead(duplicate_id, lead_id)
        await AutomationRepository(conn, principal.workspace_id).move_to_lead(duplicate_id, lead_id)
        # Its nurture history too; a track it was still in ends, with `track.exited` as any end has.
        ended = await TrackRepository(conn, principal.workspace_id).move_to_lead(duplicate_id, lead_id, now)
        await events.append(
            [
                NewEvent(
                    "track.exited",
                    lead_id,
                    now,
                    {"enrollment": _jsonable_row(row), "reason": "merged", "merged_lead_id": duplicate_id},
                    principal.key_id,
                )
                for row in ended
            ]
        )
        # Its manual score adjustments too: their events, which the scorer reads, moved above.
        await ScoringRepository(conn, principal.workspace_id).move_adjustments(duplicate_id, lead_id)
        await self.flow.stop_clock(conn, principal.workspace_id, duplicate_id, close_at=now)
        # Its segments lose it; the survivor is decided again on the lead.merged event below.
        await SegmentRepository(conn, principal.workspace_id).erase_lead(duplicate_id)
        await DuplicateRepository(conn, principal.workspace_id).forget_leads([duplicate_id])
        await leads.delete(duplicate_id)
        changed = diff(lead, changes)
        changes = revised(lead, changes, now, provenance.MERGE)
        # The duplicate's behaviour is the survivor's now.
        activity = [t for t in (lead["last_activity_at"], duplicate["last_activity_at"]) if t]
        changes["last_activity_at"] = max(activity, default=None)
        firsts = [
            t
            for t in (lead["first_activity_at"], duplicate["first_activity_at"])
            if t and t > lead["created_at"]
        ]
        changes["first_activity_at"] = min(firsts, default=None)
        # The duplicate's stage history is the survivor's now, and so are its milestones.
        changes["stages_mask"] = (lead["stages_mask"] or 0) | (duplicate["stages_mask"] or 0)
        touches = [t for t in (lead["first_touch_at"], duplicate["first_touch_at"]) if t]
        changes["first_touch_at"] = min(touches, default=None)
        # The email's slot (leads/models.py): the survivor takes the one the duplicate held for their
        # shared email, and keeps its own when the email it takes over is another lead's too.
        email = changes.get("email", lead["email"])
        if lead["dedupe_slot"] and email == duplicate["email"] and not duplicate["dedupe_slot"]:
            changes["dedupe_slot"] = ""
        elif lead["email"] is None and email is not None and duplicate["dedupe_slot"]:
            changes["dedupe_slot"] = lead_id
        await leads.update(lead_id, changes)
        await events.append(
            [
                NewEvent(
                    "lead.merged",
                    lead_id,
                    now,
                    {"via": "merge", "merged_lead_id": duplicate_id, "changes": changed},
                    principal.key_id,
                )
            ]
        )
        return await self.flow.changed(
            conn,
            principal.workspace_id,
            lead,
            {**lead, **changes},
            actor=principal.key_id,
            reason="lead_changed",
        )


def _jsonable_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row with its times in ISO 8601, for an event's payload."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items() if k != "workspace_id"}


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> int | None:
    """`If-Match: "3"` -> 3; `*` or absent -> None (no precondition)."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ProblemError(400, f"If-Match must be an ETag this API gave you, like '\"3\"'; got {header!r}.")
    return int(value)
