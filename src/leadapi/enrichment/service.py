"""Enrichment providers: create, change and remove them (admin). Running them is the flow's
(flows/enrichment.py): it calls out, and changes leads through the lead-change flow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.conditions import ConditionError
from leadapi.enrichment import engine
from leadapi.enrichment.repository import MAX_PROVIDERS, EnrichmentRepository
from leadapi.enrichment.schemas import ProviderCreate, ProviderUpdate
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.ids import new_id
from leadapi.outbound.rules import url_problem
from leadapi.outbound.transport import ForbiddenTarget, checked_addresses
from leadapi.principal import Principal
from leadapi.sealing import Sealer
from leadapi.segments.engine import compile_when


def check_when(when: Any) -> None:
    """422 naming the bad node of the condition."""
    try:
        compile_when(when, "when")
    except ConditionError as exc:
        raise validation_problem([{"field": exc.path, "message": exc.message}]) from None


def check_shape(row: Mapping[str, Any]) -> None:
    """What a kind needs and refuses: 422 naming the field."""
    errors: list[dict[str, str]] = []
    if row["kind"] == engine.HTTP:
        if not row.get("url_template"):
            errors.append({"field": "url_template", "message": "an http provider needs a URL template"})
        if not row.get("mapping"):
            errors.append({"field": "mapping", "message": "an http provider needs a mapping"})
        if bool(row.get("secret_header")) != bool(row.get("secret")):
            errors.append({"field": "secret", "message": "a secret and its secret_header go together"})
    else:
        for name in ("url_template", "secret", "secret_header"):
            if row.get(name):
                errors.append({"field": name, "message": f"a {row['kind']} provider has none"})
        if row.get("mapping"):
            errors.append({"field": "mapping", "message": f"a {row['kind']} provider has none"})
    if errors:
        raise validation_problem(errors)
    try:
        engine.compile_mapping(row.get("mapping") or {})
    except engine.MappingError as exc:
        raise validation_problem([{"field": exc.field, "message": exc.message}]) from None


class EnrichmentService:
    """Providers, in the caller's transaction."""

    def __init__(self, clock: Callable[[], datetime], sealer: Sealer, *, allow_private: bool) -> None:
        self.clock = clock
        self.sealer = sealer
        self.allow_private = allow_private

    async def vet(self, template: str | None) -> None:
        """A URL template that makes URLs this deployment may call, checked as webhook URLs are
        (422 otherwise). A fixed host is looked up: call it before the transaction opens."""
        if template is None:
            return
        try:
            url = engine.sample_url(template)
        except engine.MappingError as exc:
            raise validation_problem([{"field": exc.field, "message": exc.message}]) from None
        problem = url_problem(url)
        if problem is not None:
            raise validation_problem([{"field": "url_template", "message": f"providers need {problem}"}])
        parts = urlsplit(template)
        if self.allow_private or "{" in parts.netloc:
            return  # a host from the lead is checked when the call connects, as every one is
        host = urlsplit(url).hostname
        assert host is not None  # url_problem insists on one
        try:
            await checked_addresses(host, urlsplit(url).port or (443 if parts.scheme == "https" else 80))
        except ForbiddenTarget as exc:
            raise validation_problem([{"field": "url_template", "message": f"providers need {exc}"}]) from exc

    async def create(
        self, conn: AsyncConnection, principal: Principal, data: ProviderCreate
    ) -> dict[str, Any]:
        """`data.url_template` has been vetted (vet) by the caller."""
        if data.when is not None:
            check_when(data.when)
        values = data.model_dump()
        check_shape(values)
        repo = EnrichmentRepository(conn, principal.workspace_id)
        if await repo.count() >= MAX_PROVIDERS:
            raise ProblemError(409, f"A workspace has at most {MAX_PROVIDERS} enrichment providers.")
        now = self.clock()
        row = {
            **values,
            "id": new_id("enrichment_provider"),
            "secret": None if data.secret is None else self.sealer.seal(data.secret),
            "created_at": now,
            "updated_at": now,
        }
        await repo.add(row)
        # New leads from now on are enriched: the consumer starts at the end of the log.
        await repo.start_cursor(await repo.last_seq(), now)
        await record_for(conn, principal, now, "created", "enrichment_provider", row["id"], None, row)
        return row

    async def get(self, conn: AsyncConnection, principal: Principal, provider_id: str) -> dict[str, Any]:
        row = await EnrichmentRepository(conn, principal.workspace_id).get(provider_id)
        if row is None:
            raise not_found("Enrichment provider", provider_id)
        return row

    async def page(
        self, conn: AsyncConnection, principal: Principal, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        return await EnrichmentRepository(conn, principal.workspace_id).page(limit, after_id)

    async def calls_this_month(
        self, conn: AsyncConnection, principal: Principal, provider_ids: list[str]
    ) -> dict[str, int]:
        repo = EnrichmentRepository(conn, principal.workspace_id)
        return await repo.calls(provider_ids, engine.month_of(self.clock()))

    @staticmethod
    def changes(data: ProviderUpdate) -> dict[str, Any]:
        """The fields a PATCH sets; 422 for a null where a value is needed."""
        changes = data.model_dump(exclude_unset=True)
        for name in data.not_null:
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        return changes

    async def update(
        self, conn: AsyncConnection, principal: Principal, provider_id: str, data: ProviderUpdate
    ) -> dict[str, Any]:
        changes = self.changes(data)
        if changes.get("when") is not None:
            check_when(changes["when"])
        repo = EnrichmentRepository(conn, principal.workspace_id)
        row = await repo.get(provider_id)
        if row is None:
            raise not_found("Enrichment provider", provider_id)
        merged = {**row, **changes}
        if "secret" in changes and changes["secret"] is not None:
            changes["secret"] = self.sealer.seal(changes["secret"])
            merged["secret"] = changes["secret"]
        check_shape(merged)
        now = self.clock()
        changes["updated_at"] = now
        await repo.update(provider_id, changes)
        after = {**row, **changes}
        await record_for(conn, principal, now, "updated", "enrichment_provider", provider_id, row, after)
        return after

    async def delete(self, conn: AsyncConnection, principal: Principal, provider_id: str) -> None:
        repo = EnrichmentRepository(conn, principal.workspace_id)
        before = await repo.get(provider_id)
        if before is None:
            raise not_found("Enrichment provider", provider_id)
        await repo.delete(provider_id)
        await record_for(
            conn, principal, self.clock(), "deleted", "enrichment_provider", provider_id, before, None
        )
