"""Owner queries, scoped to one workspace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, func, text
from sqlalchemy.exc import DBAPIError

from leadapi.leads.models import Lead
from leadapi.owners.models import Owner
from leadapi.repository import WorkspaceRepository

owners = cast(Table, Owner.__table__)
leads = cast(Table, Lead.__table__)

# How long a hand-over waits for a lead another transaction holds (below PostgreSQL's default
# deadlock_timeout of 1 s, so in a lock cycle the hand-over is the one that gives way).
LOCK_WAIT_MS = 200


class LeadsBusyError(Exception):
    """Another transaction held one of the owner's open leads for longer than LOCK_WAIT_MS."""


class OwnerRepository(WorkspaceRepository):
    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(owners, row)

    async def get(self, owner_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(owners).where(owners.c.id == owner_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def all(self) -> list[dict[str, Any]]:
        stmt = self.scoped_select(owners).order_by(owners.c.id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def existing_ids(self, owner_ids: Iterable[str]) -> set[str]:
        wanted = list(owner_ids)
        if not wanted:
            return set()
        stmt = self.scoped_select(owners, owners.c.id).where(owners.c.id.in_(wanted))
        return set((await self.conn.execute(stmt)).scalars())

    async def page(self, limit: int, after_id: str | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(owners).order_by(owners.c.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(owners.c.id > after_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def email_owner(self, email: str) -> str | None:
        stmt = self.scoped_select(owners, owners.c.id).where(owners.c.email == email)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def update(self, owner_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(self.scoped_update(owners).where(owners.c.id == owner_id).values(**values))

    async def delete(self, owner_id: str) -> None:
        await self.conn.execute(self.scoped_delete(owners).where(owners.c.id == owner_id))

    async def open_leads(
        self, closed_stages: frozenset[str], owner_ids: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Leads each owner holds in an open stage, i.e. not in `closed_stages` (all owners when
        `owner_ids` is None)."""
        stmt = (
            self.scoped_select(leads, leads.c.owner_id, func.count())
            .where(
                leads.c.owner_id.is_not(None),
                leads.c.stage.not_in(sorted(closed_stages)),
                # Archived for inactivity: no one is working it, so it is no load.
                leads.c.archived_at.is_(None),
            )
            .group_by(leads.c.owner_id)
        )
        if owner_ids is not None:
            wanted = list(owner_ids)
            if not wanted:
                return {}
            stmt = stmt.where(leads.c.owner_id.in_(wanted))
        return {str(row[0]): int(row[1]) for row in await self.conn.execute(stmt)}

    async def open_leads_locked(self, owner_id: str, closed_stages: frozenset[str]) -> list[dict[str, Any]]:
        """The owner's open leads, locked in one statement (in id order, so concurrent lockers
        never deadlock) and read as they are under the lock.

        A hand-over calls this holding the routing lock, while a transaction that moves one of
        these leads (a forced route, an SLA escalation, a manual assignment) locks the lead first
        and then waits for the routing lock: rather than let PostgreSQL's deadlock check abort
        one of them after a second, this gives up after LOCK_WAIT (LeadsBusyError) and the
        caller tries again once the other has gone through."""
        stmt = (
            self.scoped_select(leads)
            .where(
                leads.c.owner_id == owner_id,
                leads.c.stage.not_in(sorted(closed_stages)),
            )
            .order_by(leads.c.id)
        )
        if self.conn.dialect.name != "postgresql":  # one writer: nothing else holds them
            return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]
        await self.conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'"))
        try:
            rows = [dict(row) for row in (await self.conn.execute(stmt.with_for_update())).mappings()]
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise LeadsBusyError(owner_id) from exc
            raise
        await self.conn.execute(text("SET LOCAL lock_timeout = DEFAULT"))
        return rows

    async def account_owners(self, domain: str) -> dict[str, int]:
        """Owner id -> how many of the company domain's leads they hold (won ones too: the
        account stays theirs)."""
        stmt = (
            self.scoped_select(leads, leads.c.owner_id, func.count())
            .where(
                leads.c.domain == domain,
                leads.c.owner_id.is_not(None),
            )
            .group_by(leads.c.owner_id)
        )
        return {str(row[0]): int(row[1]) for row in await self.conn.execute(stmt)}
