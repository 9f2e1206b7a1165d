"""Enrichment providers, the answers cached, the calls counted, the runs queued and the consumer's
position, scoped to one workspace (leadapi/repository.py); the sweep's queue spans workspaces."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from leadapi.enrichment.models import (
    EnrichmentCacheEntry,
    EnrichmentCursor,
    EnrichmentProvider,
    EnrichmentRun,
    EnrichmentUsage,
)
from leadapi.events import consumers
from leadapi.leads.models import Lead
from leadapi.repository import Repository, WorkspaceRepository

providers = cast(Table, EnrichmentProvider.__table__)
cache = cast(Table, EnrichmentCacheEntry.__table__)
usage = cast(Table, EnrichmentUsage.__table__)
runs = cast(Table, EnrichmentRun.__table__)
cursors = cast(Table, EnrichmentCursor.__table__)
leads = cast(Table, Lead.__table__)

# A workspace has few providers: a list of them is one page, and every new lead reads them all.
MAX_PROVIDERS = 20


def behind_statement(limit: int) -> Select[Any]:
    """Workspaces with providers whose consumer position is behind their numbered events."""
    return consumers.behind_statement(cursors, limit)


class EnrichmentRepository(WorkspaceRepository):
    # ---- providers ---------------------------------------------------------------------------------

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(providers, row)

    async def get(self, provider_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(providers).where(providers.c.id == provider_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def page(self, limit: int, after_id: str | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(providers).order_by(providers.c.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(providers.c.id > after_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def active(self) -> list[dict[str, Any]]:
        stmt = self.scoped_select(providers).where(providers.c.active.is_(True)).order_by(providers.c.id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def count(self) -> int:
        return int((await self.conn.execute(self.scoped_select(providers, func.count()))).scalar_one())

    async def update(self, provider_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(providers).where(providers.c.id == provider_id).values(**values)
        )

    async def delete(self, provider_id: str) -> None:
        for table in (runs, cache, usage):
            await self.conn.execute(self.scoped_delete(table).where(table.c.provider_id == provider_id))
        await self.conn.execute(self.scoped_delete(providers).where(providers.c.id == provider_id))

    # ---- cache and budget --------------------------------------------------------------------------

    async def cached(self, provider_id: str, key: str, now: datetime) -> tuple[bool, Any]:
        """(found, the answer) for a key not yet expired."""
        stmt = self.scoped_select(cache, cache.c.response).where(
            cache.c.provider_id == provider_id, cache.c.key == key, cache.c.expires_at > now
        )
        row = (await self.conn.execute(stmt)).first()
        return (False, None) if row is None else (True, row[0])

    async def remember(self, provider_id: str, key: str, response: Any, expires_at: datetime) -> None:
        await self.conn.execute(
            self.scoped_delete(cache).where(cache.c.provider_id == provider_id, cache.c.key == key)
        )
        await self.insert_row(
            cache, {"provider_id": provider_id, "key": key, "response": response, "expires_at": expires_at}
        )

    async def calls(self, provider_ids: Sequence[str], month: str) -> dict[str, int]:
        if not provider_ids:
            return {}
        stmt = self.scoped_select(usage, usage.c.provider_id, usage.c.calls).where(
            usage.c.provider_id.in_(list(provider_ids)), usage.c.month == month
        )
        return {str(p): int(c) for p, c in await self.conn.execute(stmt)}

    async def take_call(self, provider_id: str, month: str, budget: int | None) -> bool:
        """One call of the month's budget, counted in one statement (an upsert that counts only
        while calls remain, so concurrent workers never overspend); False: none left."""
        if budget is not None and budget < 1:
            return False
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(usage)
            .values(self.row({"provider_id": provider_id, "month": month, "calls": 1}))
            .on_conflict_do_update(
                index_elements=[usage.c.workspace_id, usage.c.provider_id, usage.c.month],
                set_={"calls": usage.c.calls + 1},
                where=None if budget is None else usage.c.calls < budget,
            )
            .returning(usage.c.calls)
        )
        return (await self.conn.execute(stmt)).first() is not None

    # ---- runs ---------------------------------------------------------------------------------------

    async def existing_leads(self, lead_ids: Sequence[str]) -> set[str]:
        stmt = self.scoped_select(leads, leads.c.id).where(leads.c.id.in_(list(lead_ids)))
        return {str(i) for i in (await self.conn.execute(stmt)).scalars()}

    async def queue(self, pairs: Sequence[tuple[str, str]], due_at: datetime) -> None:
        """(lead, provider) runs due at `due_at`; one already queued stays as it is."""
        if not pairs:
            return
        stmt = self.scoped_select(runs, runs.c.lead_id, runs.c.provider_id).where(
            runs.c.lead_id.in_([lead for lead, _ in pairs])
        )
        queued = {(str(a), str(b)) for a, b in await self.conn.execute(stmt)}
        fresh = [p for p in dict.fromkeys(pairs) if p not in queued]
        await self.insert_rows(
            runs, [{"lead_id": lead, "provider_id": p, "due_at": due_at, "attempts": 0} for lead, p in fresh]
        )

    async def reschedule(
        self, lead_id: str, provider_id: str, due_at: datetime, attempts: int, error: str
    ) -> None:
        await self.conn.execute(
            self.scoped_update(runs)
            .where(runs.c.lead_id == lead_id, runs.c.provider_id == provider_id)
            .values(due_at=due_at, attempts=attempts, last_error=error[:500])
        )

    async def done(self, lead_id: str, provider_id: str) -> None:
        await self.conn.execute(
            self.scoped_delete(runs).where(runs.c.lead_id == lead_id, runs.c.provider_id == provider_id)
        )

    async def runs_of(self, lead_id: str) -> list[dict[str, Any]]:
        stmt = self.scoped_select(runs).where(runs.c.lead_id == lead_id).order_by(runs.c.provider_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    # ---- the consumer's position -------------------------------------------------------------------

    async def last_seq(self) -> int:
        return await consumers.last_seq(self.conn, self.workspace_id)

    async def start_cursor(self, position: int, now: datetime) -> None:
        """The workspace's position, made with its first provider; nothing when it has one."""
        if (await self.conn.execute(self.scoped_select(cursors, cursors.c.position))).first() is None:
            await self.insert_row(cursors, {"position": position, "updated_at": now})

    async def move_cursor(self, position: int, now: datetime) -> None:
        await self.conn.execute(self.scoped_update(cursors).values(position=position, updated_at=now))


@lru_cache(maxsize=2)
def due_runs(skip_locked: bool) -> Select[Any]:
    """The runs due by `:now`, the earliest first, at most `:limit`, across workspaces (the sweep's
    queue: ix_enrichment_runs_due_at); locked rows are skipped on PostgreSQL."""
    stmt = (
        select(runs.c.workspace_id, runs.c.lead_id, runs.c.provider_id, runs.c.attempts)
        .where(runs.c.due_at <= bindparam("now"))
        .order_by(runs.c.due_at)
        .limit(bindparam("limit"))
    )
    return stmt.with_for_update(skip_locked=True) if skip_locked else stmt


class RunQueue(Repository):
    """The runs due, across workspaces: claimed by moving their due time past a lease, so a
    worker that dies mid-call leaves them to be tried again when the lease ends."""

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[dict[str, Any]]:
        stmt = due_runs(self.conn.dialect.name == "postgresql")
        claimed = [
            dict(row) for row in (await self.conn.execute(stmt, {"now": now, "limit": limit})).mappings()
        ]
        for run in claimed:
            await self.conn.execute(
                update(runs)
                .where(
                    runs.c.workspace_id == run["workspace_id"],
                    runs.c.lead_id == run["lead_id"],
                    runs.c.provider_id == run["provider_id"],
                )
                .values(due_at=lease_until)
            )
        return claimed

    async def purge_expired_cache(self, now: datetime) -> int:
        result = await self.conn.execute(delete(cache).where(cache.c.expires_at <= now))
        return int(result.rowcount or 0)
