"""Enriching leads after capture: a consumer of the numbered event log, a sweep over the runs due,
and `POST /v1/leads/{id}/enrich`.

Never in the capture's request: for each workspace with providers, the consumer keeps a position
in the event log (as segments do, flows/segments.py). One batch, in one transaction: the position
claimed (SKIP LOCKED on PostgreSQL), the `lead.created` events after it read, each new lead given
what the built-in providers (no network) say at once, a run queued for each HTTP provider, and the
position moved past the batch: all or nothing, so each new lead is enriched exactly once.

An HTTP provider's run is called by the sweep, outside any transaction (a slow provider holds no
lock): the run claimed by moving its due time past a lease, the answer looked up in the cache, a
call taken from the month's budget, the provider called through the same guarded client as
webhooks (no private or metadata addresses, no redirects), its JSON answer cached and mapped, and
the lead changed in a transaction of its own. A timeout, a network error or a 5xx is tried again
with backoff (enrichment/engine.py retry_at); an answer that is not JSON, a 4xx or a budget spent
ends the run. Whatever a provider answers, the lead only ever takes values it can keep.

A change appends `lead.enriched` (the provider and what changed), stamps the fields' provenance
`enrichment:<provider name>`, and rescores the lead through the lead-change flow.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.conditions import Predicate
from leadapi.db import Database
from leadapi.enrichment import engine
from leadapi.enrichment.repository import EnrichmentRepository, RunQueue, behind_statement, cursors
from leadapi.errors import not_found
from leadapi.events.consumers import claim_position, run_round
from leadapi.events.repository import EventRepository
from leadapi.leads.provenance import enrichment as enrichment_origin
from leadapi.leads.repository import LeadRepository
from leadapi.leads.service import LeadService
from leadapi.outbound.transport import ForbiddenTarget, guarded_client
from leadapi.principal import Principal, effective_scopes
from leadapi.sealing import Sealer, SealingError
from leadapi.segments.engine import compile_when

BATCH = 200  # events per workspace per transaction
RUNS_PER_ROUND = 50
CONCURRENT_CALLS = 10
ENRICHED = "lead.enriched"
ACTOR = "enrichment"
MAX_ANSWER_BYTES = 1_000_000
# A claimed run is left alone this long past its provider's timeout: then another worker may take it.
LEASE_MARGIN = timedelta(minutes=2)


@dataclass(slots=True)
class Attempt:
    """One provider on one lead: what it said (`found`), or why not."""

    outcome: str  # see enrichment/schemas.py Outcome
    found: dict[str, Any] = field(default_factory=dict)
    cached: bool = False
    error: str | None = None
    retry: bool = False


class EnrichmentFlow:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        leads: LeadService,
        sealer: Sealer,
        *,
        allow_private: bool,
    ) -> None:
        self.db = db
        self.clock = clock
        self.leads = leads
        self.sealer = sealer
        self.allow_private = allow_private
        self._client: httpx.AsyncClient | None = None
        self._compiled: dict[tuple[str, datetime], Predicate | None] = {}
        self._in_flight: dict[tuple[str, str, str], asyncio.Future[tuple[Attempt | None, Any, bool]]] = {}

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = guarded_client(
                timeout=30.0, allow_private=self.allow_private, headers={"User-Agent": "leadapi-enrichment/1"}
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _meets(self, provider: Mapping[str, Any], lead: Mapping[str, Any]) -> bool:
        key = (provider["id"], provider["updated_at"])
        if key not in self._compiled:
            if len(self._compiled) > 10_000:
                self._compiled.clear()
            when = provider["when"]
            self._compiled[key] = None if when is None else compile_when(when)
        predicate = self._compiled[key]
        return predicate is None or bool(predicate(lead))

    @staticmethod
    def _principal(workspace_id: str, actor: str = ACTOR) -> Principal:
        return Principal(workspace_id, actor, effective_scopes(["write"]))

    # ---- the consumer --------------------------------------------------------------------------------

    async def consume(self, conn: AsyncConnection, workspace_id: str, limit: int = BATCH) -> int | None:
        """One batch of the workspace's events in the caller's transaction: how many it went
        through (None: another worker holds the position)."""
        position = await claim_position(conn, cursors, workspace_id)
        if position is None:
            return None
        now = self.clock()
        repo = EnrichmentRepository(conn, workspace_id)
        providers = await repo.active()
        if not providers:  # nothing to run: straight to the end of the log
            last = await repo.last_seq()
            if last > position:
                await repo.move_cursor(last, now)
            return 0
        batch = await EventRepository(conn, workspace_id).feed(position, None, limit)
        if not batch:
            return 0
        created = list(
            dict.fromkeys(e["lead_id"] for e in batch if e["type"] == "lead.created" and e["lead_id"])
        )
        built_in = [p for p in providers if p["kind"] in engine.BUILT_IN]
        http = [p for p in providers if p["kind"] == engine.HTTP]
        principal = self._principal(workspace_id)
        if built_in:
            for lead_id in created:
                await self._built_in(conn, principal, lead_id, built_in)
        if http and created:
            alive = await repo.existing_leads(created)  # not erased or merged away since
            await repo.queue([(lead, p["id"]) for lead in created if lead in alive for p in http], now)
        await repo.move_cursor(batch[-1]["seq"], now)
        return len(batch)

    async def _built_in(
        self, conn: AsyncConnection, principal: Principal, lead_id: str, providers: list[dict[str, Any]]
    ) -> list[tuple[dict[str, Any], Attempt, dict[str, list[Any]]]]:
        """The built-in providers on one lead (locked here), each change with its own event."""
        lead = await self.leads.lock_for_event(conn, principal, lead_id=lead_id)
        if lead is None:
            return []  # erased or merged away meanwhile
        done: list[tuple[dict[str, Any], Attempt, dict[str, list[Any]]]] = []
        for provider in providers:
            if not self._meets(provider, lead):
                done.append((provider, Attempt("skipped"), {}))
                continue
            attempt = Attempt("applied", engine.built_in(provider["kind"], lead))
            lead, changed = await self._apply(conn, principal, lead, provider, attempt)
            done.append((provider, attempt, changed))
        return done

    async def _apply(
        self,
        conn: AsyncConnection,
        principal: Principal,
        lead: dict[str, Any],
        provider: Mapping[str, Any],
        attempt: Attempt,
    ) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        changes = engine.fill(lead, attempt.found, provider["overwrite"])
        data = {"provider_id": provider["id"], "provider": provider["name"], "cached": attempt.cached}
        after, changed = await self.leads.apply_changes(
            conn,
            principal,
            lead,
            changes,
            origin=enrichment_origin(provider["name"]),
            event_type=ENRICHED,
            data=data,
        )
        if not changed:
            attempt.outcome = "unchanged"
        return after, changed

    # ---- an HTTP provider's call ---------------------------------------------------------------------

    async def _attempt(
        self, workspace_id: str, provider: Mapping[str, Any], lead: Mapping[str, Any]
    ) -> Attempt:
        """Ask `provider` about `lead`: the cache, else a call from the month's budget. No
        transaction is held while the provider answers."""
        if not self._meets(provider, lead):
            return Attempt("skipped")
        url = engine.render_url(provider["url_template"], lead)
        if url is None:
            return Attempt("skipped", error="a field the URL needs is empty")
        key = engine.cache_key(url)
        # One call per URL at a time in this process: runs of one round that ask the same thing
        # (two leads of one company) share the call, as later ones share its cached answer.
        flight = (workspace_id, provider["id"], key)
        task = self._in_flight.get(flight)
        shared = task is not None
        if task is None:
            task = asyncio.ensure_future(self._answer(workspace_id, provider, url, key))
            self._in_flight[flight] = task
            task.add_done_callback(lambda _: self._in_flight.pop(flight, None))
        failure, answer, cached = await asyncio.shield(task)
        if failure is not None:
            return (
                failure if not shared else Attempt(failure.outcome, error=failure.error, retry=failure.retry)
            )
        found = engine.extract(engine.compile_mapping(provider["mapping"]), answer)
        return Attempt("applied", found, cached=cached or shared)

    async def _answer(
        self, workspace_id: str, provider: Mapping[str, Any], url: str, key: str
    ) -> tuple[Attempt | None, Any, bool]:
        """(None, the answer, whether it was cached), or (why there is none, None, False)."""
        now = self.clock()
        async with self.db.transaction() as conn:
            repo = EnrichmentRepository(conn, workspace_id)
            hit, answer = await repo.cached(provider["id"], key, now)
            if hit:
                return None, answer, True
            if not await repo.take_call(provider["id"], engine.month_of(now), provider["monthly_budget"]):
                return (
                    Attempt("budget_exhausted", error="the provider's monthly budget is spent"),
                    None,
                    False,
                )
        failure, answer = await self._call(provider, url)
        if failure is not None:
            return failure, None, False
        if provider["cache_ttl_seconds"] > 0:
            async with self.db.transaction() as conn:
                expires = self.clock() + timedelta(seconds=provider["cache_ttl_seconds"])
                await EnrichmentRepository(conn, workspace_id).remember(provider["id"], key, answer, expires)
        return None, answer, False

    async def _call(self, provider: Mapping[str, Any], url: str) -> tuple[Attempt | None, Any]:
        """(None, the JSON answer), or (why not, None)."""
        headers = dict(provider["headers"])
        if provider["secret"] and provider["secret_header"]:
            try:
                headers[provider["secret_header"]] = self.sealer.unseal(provider["secret"])
            except SealingError:
                return Attempt(
                    "failed", error="the provider's secret cannot be unsealed with this deployment's keys"
                ), None
        timeout = float(provider["timeout_seconds"])
        try:
            # The whole exchange within the provider's timeout: a slow drip of bytes is a timeout too.
            async with asyncio.timeout(timeout):
                async with self._http().stream("GET", url, headers=headers, timeout=timeout) as response:
                    status = response.status_code
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > MAX_ANSWER_BYTES:
                            return Attempt("failed", error=f"an answer over {MAX_ANSWER_BYTES} bytes"), None
        except (TimeoutError, httpx.TimeoutException):
            return Attempt("retrying", error=f"no answer within {timeout:g} s", retry=True), None
        except ForbiddenTarget as exc:
            return Attempt("failed", error=f"refused target: {exc}"), None
        except httpx.HTTPError as exc:
            return Attempt("retrying", error=f"unreachable: {type(exc).__name__}", retry=True), None
        if status >= 500 or status == 429:
            return Attempt("retrying", error=f"answered {status}", retry=True), None
        if status != 200:
            return Attempt("failed", error=f"answered {status}"), None
        try:
            return None, json.loads(bytes(body))
        except ValueError:
            return Attempt("failed", error="the answer is not JSON"), None

    # ---- the sweep over runs due ---------------------------------------------------------------------

    async def run_due(self, limit: int = RUNS_PER_ROUND) -> tuple[int, bool]:
        """Call the runs due (claimed under a lease), a few at once: (how many, whether there may be
        more)."""
        now = self.clock()
        async with self.db.transaction() as conn:
            queue = RunQueue(conn)
            await queue.purge_expired_cache(now)
            claimed = await queue.claim_due(now, now + timedelta(seconds=30) + LEASE_MARGIN, limit)
        gate = asyncio.Semaphore(CONCURRENT_CALLS)

        async def one(run: dict[str, Any]) -> None:
            async with gate:
                await self._run(run["workspace_id"], run["lead_id"], run["provider_id"], run["attempts"])

        await asyncio.gather(*(one(run) for run in claimed))
        return len(claimed), len(claimed) == limit

    async def _run(self, workspace_id: str, lead_id: str, provider_id: str, attempts: int) -> None:
        async with self.db.read() as conn:
            provider = await EnrichmentRepository(conn, workspace_id).get(provider_id)
            lead = await LeadRepository(conn, workspace_id).get(lead_id)
        if provider is None or lead is None:
            return  # gone with the provider or the lead (their deletion removed the run)
        attempt = (
            await self._attempt(workspace_id, provider, lead) if provider["active"] else Attempt("skipped")
        )
        async with self.db.transaction() as conn:
            repo = EnrichmentRepository(conn, workspace_id)
            if attempt.retry:
                due = engine.retry_at(self.clock(), attempts + 1)
                if due is not None:
                    await repo.reschedule(lead_id, provider_id, due, attempts + 1, attempt.error or "")
                    return
            await repo.done(lead_id, provider_id)
            if attempt.outcome == "applied":
                principal = self._principal(workspace_id)
                locked = await self.leads.lock_for_event(conn, principal, lead_id=lead_id)
                if locked is not None:
                    await self._apply(conn, principal, locked, provider, attempt)

    # ---- now, on request -----------------------------------------------------------------------------

    async def enrich_now(
        self, principal: Principal, lead_id: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """`POST /v1/leads/{id}/enrich`: every active provider on the lead now (HTTP ones outside
        any transaction); a provider that should be tried again is queued for the sweep. Returns
        (the lead as it now is, each provider's result)."""
        workspace_id = principal.workspace_id
        async with self.db.read() as conn:
            lead = await LeadRepository(conn, workspace_id).get(lead_id)
            providers = await EnrichmentRepository(conn, workspace_id).active()
        if lead is None:
            raise not_found("Lead", lead_id)
        http = [p for p in providers if p["kind"] == engine.HTTP]
        answers = [await self._attempt(workspace_id, p, lead) for p in http]
        results: list[dict[str, Any]] = []
        actor = self._principal(workspace_id, principal.key_id)
        async with self.db.transaction() as conn:
            done = await self._built_in(
                conn, actor, lead_id, [p for p in providers if p["kind"] in engine.BUILT_IN]
            )
            locked = await self.leads.lock_for_event(conn, actor, lead_id=lead_id)
            if locked is None:
                raise not_found("Lead", lead_id)
            for provider, attempt in zip(http, answers, strict=True):
                changed: dict[str, list[Any]] = {}
                if attempt.outcome == "applied":
                    locked, changed = await self._apply(conn, actor, locked, provider, attempt)
                elif attempt.retry:
                    due = engine.retry_at(self.clock(), 1)
                    repo = EnrichmentRepository(conn, workspace_id)
                    await repo.queue([(lead_id, provider["id"])], due or self.clock())
                    await repo.reschedule(
                        lead_id, provider["id"], due or self.clock(), 1, attempt.error or ""
                    )
                done.append((provider, attempt, changed))
        for provider, attempt, changed in done:
            results.append(
                {
                    "provider_id": provider["id"],
                    "name": provider["name"],
                    "outcome": attempt.outcome,
                    "cached": attempt.cached,
                    "changes": changed,
                    "error": attempt.error,
                }
            )
        return locked, results


class EnrichmentConsumer:
    """Queues and runs enrichment for this process; any number of processes cooperate."""

    def __init__(self, db: Database, flow: EnrichmentFlow, batch: int = BATCH) -> None:
        self.db = db
        self.flow = flow
        self.batch = batch

    async def run_once(self, workspace_id: str | None = None) -> bool:
        """One round of the consumer, then one of the runs due; True when there may be more."""

        async def step(conn: AsyncConnection, ws: str) -> bool:
            return await self.flow.consume(conn, ws, self.batch) == self.batch

        more = await run_round(self.db, behind_statement, step, workspace_id)
        _, more_runs = await self.flow.run_due()
        return more or more_runs
