"""Owners: create, change and remove the people leads are routed to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.audit.service import record_for
from leadapi.db import retrying
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.flows.automation_refs import owner_gone
from leadapi.ids import new_id
from leadapi.owners.repository import LeadsBusyError, OwnerRepository
from leadapi.owners.schemas import OutOfOffice, OwnerCreate, OwnerUpdate
from leadapi.principal import Principal
from leadapi.routing.repository import RoutingRepository, RoutingState
from leadapi.routing.service import RoutingService
from leadapi.stages.repository import StageRepository


async def _closed(conn: AsyncConnection, principal: Principal) -> frozenset[str]:
    """The workspace's won and lost stages: leads there are not open leads."""
    return (await StageRepository(conn, principal.workspace_id).pipeline()).closed


def shown(row: Mapping[str, Any], open_leads: int) -> dict[str, Any]:
    away = None
    if row["away_from"] is not None or row["away_until"] is not None:
        away = {"from": row["away_from"], "until": row["away_until"]}
    return {**row, "out_of_office": away, "open_leads": open_leads}


T = TypeVar("T")

# A hand-over that finds one of the owner's leads held by another transaction starts again
# (see OwnerRepository.open_leads_locked): this many times, then 409.
HAND_OVER_ATTEMPTS = 5


class OwnerService:
    """Owners, in the caller's transaction."""

    def __init__(self, clock: Callable[[], datetime], routing: RoutingService) -> None:
        self.clock = clock
        self.routing = routing

    async def create(self, conn: AsyncConnection, principal: Principal, data: OwnerCreate) -> dict[str, Any]:
        now = self.clock()
        row: dict[str, Any] = {
            "id": new_id("owner"),
            "name": data.name,
            "email": data.email,
            "active": True if data.active is None else data.active,
            "capacity": data.capacity,
            "weight": data.weight or 1,
            "tags": data.tags or [],
            "territories": [t.model_dump(exclude_defaults=True) for t in data.territories or []],
            **self._away(data.out_of_office, now),
            "created_at": now,
            "updated_at": now,
        }
        await self._lock_routing(conn, principal)
        repo = OwnerRepository(conn, principal.workspace_id)
        await self._email_free(repo, data.email, None)
        await repo.add(row)
        await self._config_changed(conn, principal)
        await record_for(conn, principal, now, "created", "owner", row["id"], None, row)
        return shown(row, 0)

    async def page(
        self, conn: AsyncConnection, principal: Principal, limit: int, after_id: str | None
    ) -> list[dict[str, Any]]:
        repo = OwnerRepository(conn, principal.workspace_id)
        rows = await repo.page(limit, after_id)
        loads = await repo.open_leads(await _closed(conn, principal), [row["id"] for row in rows])
        return [shown(row, loads.get(row["id"], 0)) for row in rows]

    async def get(self, conn: AsyncConnection, principal: Principal, owner_id: str) -> dict[str, Any]:
        repo = OwnerRepository(conn, principal.workspace_id)
        row = await repo.get(owner_id)
        if row is None:
            raise not_found("Owner", owner_id)
        loads = await repo.open_leads(await _closed(conn, principal), [owner_id])
        return shown(row, loads.get(owner_id, 0))

    async def update(
        self, conn: AsyncConnection, principal: Principal, owner_id: str, data: OwnerUpdate, *, reassign: bool
    ) -> dict[str, Any]:
        changes = data.model_dump(exclude_unset=True)
        for name in ("name", "email", "active", "weight", "tags", "territories"):
            if name in changes and changes[name] is None:
                raise validation_problem([{"field": name, "message": "cannot be null"}])
        now = self.clock()
        values: dict[str, Any] = {
            k: v for k, v in changes.items() if k not in ("territories", "out_of_office")
        }
        if "territories" in changes:
            values["territories"] = [t.model_dump(exclude_defaults=True) for t in data.territories or []]
        if "out_of_office" in changes:
            values.update(self._away(data.out_of_office, now))

        async def change() -> dict[str, Any]:
            return await self._update(conn, principal, owner_id, values, now, reassign)

        return await _retried(conn, change)

    async def _update(
        self,
        conn: AsyncConnection,
        principal: Principal,
        owner_id: str,
        values: dict[str, Any],
        now: datetime,
        reassign: bool,
    ) -> dict[str, Any]:
        state = await self._lock_routing(conn, principal)
        repo = OwnerRepository(conn, principal.workspace_id)
        row = await repo.get(owner_id, for_update=True)
        if row is None:
            raise not_found("Owner", owner_id)
        if "email" in values and values["email"] != row["email"]:
            await self._email_free(repo, values["email"], owner_id)
        closed = await _closed(conn, principal)  # once, under the routing lock: the pipeline holds still
        await repo.update(owner_id, {**values, "updated_at": now})
        if row["active"] and values.get("active") is False:
            await self._hand_over(conn, principal, owner_id, reassign, "deactivating", state, closed)
            await owner_gone(conn, principal.workspace_id, owner_id, now, principal.key_id, deleted=False)
        await self._config_changed(conn, principal)
        after = {**row, **values, "updated_at": now}
        await record_for(conn, principal, now, "updated", "owner", owner_id, row, after)
        loads = await repo.open_leads(closed, [owner_id])
        return shown(after, loads.get(owner_id, 0))

    async def delete(
        self, conn: AsyncConnection, principal: Principal, owner_id: str, *, reassign: bool
    ) -> None:
        async def change() -> None:
            await self._delete(conn, principal, owner_id, reassign)

        await _retried(conn, change)

    async def _delete(
        self, conn: AsyncConnection, principal: Principal, owner_id: str, reassign: bool
    ) -> None:
        state = await self._lock_routing(conn, principal)
        repo = OwnerRepository(conn, principal.workspace_id)
        before = await repo.get(owner_id, for_update=True)
        if before is None:
            raise not_found("Owner", owner_id)
        routing = RoutingRepository(conn, principal.workspace_id)
        fixed = await routing.rules_naming_owner(owner_id)
        if fixed:
            raise ProblemError(
                409,
                f"Routing rules {', '.join(fixed)} assign to this owner: change or delete them first.",
                extra={"rules": fixed},
            )
        closed = await _closed(conn, principal)
        await self._hand_over(conn, principal, owner_id, reassign, "deleting", state, closed)
        await routing.forget_owner(owner_id)
        await repo.delete(owner_id)
        await owner_gone(conn, principal.workspace_id, owner_id, self.clock(), principal.key_id, deleted=True)
        await self._config_changed(conn, principal)
        await record_for(conn, principal, self.clock(), "deleted", "owner", owner_id, before, None)

    @staticmethod
    async def _lock_routing(conn: AsyncConnection, principal: Principal) -> RoutingState:
        """First of all in every owner change, and only once in it: the one-statement captures
        in flight commit (hold_back_captures), then the routing lock, before the owner's open
        leads are read; both are held until the transaction ends. An assignment that held the
        lock has committed, so its lead is handed over too; one that waits for it reads the new
        config version once this commits, and passes the owner by. (Taking the lock after
        reading the leads let queued assignments give the leaving owner leads that nobody handed
        over.) The state it returns is what a hand-over routes under: it does not lock again."""
        return await RoutingRepository(conn, principal.workspace_id).lock_config()

    @staticmethod
    async def _config_changed(conn: AsyncConnection, principal: Principal) -> None:
        """Routing caches owners per config version: bump it, last (under the routing lock the
        change took first), so no committed version names the config as it was midway."""
        await RoutingRepository(conn, principal.workspace_id).config_changed()

    async def _hand_over(
        self,
        conn: AsyncConnection,
        principal: Principal,
        owner_id: str,
        reassign: bool,
        doing: str,
        state: RoutingState,
        closed: frozenset[str],
    ) -> None:
        """An owner who leaves must not take open leads along: 409, or route them elsewhere
        (under the routing lock the change holds, `state`; `closed`: the pipeline's closed
        stages, read under it)."""
        repo = OwnerRepository(conn, principal.workspace_id)
        open_leads = (await repo.open_leads(closed, [owner_id])).get(owner_id, 0)
        if not open_leads:
            return
        if not reassign:
            raise ProblemError(
                409,
                f"The owner has {open_leads} open lead(s); {doing} them needs reassign=true, "
                "which routes each lead to someone else.",
                extra={"open_leads": open_leads},
            )
        await self.routing.reassign_owner(
            conn, principal.workspace_id, owner_id, principal.key_id, state=state, closed=closed
        )

    async def _email_free(self, repo: OwnerRepository, email: str, owner_id: str | None) -> None:
        holder = await repo.email_owner(email)
        if holder is not None and holder != owner_id:
            raise ProblemError(409, f"Owner {holder!r} already has the email {email!r}.", slug="conflict")

    def _away(self, away: OutOfOffice | None, now: datetime) -> dict[str, Any]:
        if away is None:
            return {"away_from": None, "away_until": None}
        return {"away_from": away.from_ or now, "away_until": away.until}


async def _retried(conn: AsyncConnection, change: Callable[[], Awaitable[T]]) -> T:
    """A change that may hand leads over, run in a savepoint and started again while another
    transaction holds one of them (LeadsBusyError), then 409. Undoing the savepoint releases the
    locks the attempt took, so the other transaction can go through meanwhile."""
    try:
        return await retrying(conn, change, retry_on=(LeadsBusyError,), attempts=HAND_OVER_ATTEMPTS)
    except LeadsBusyError:
        raise ProblemError(
            409, "Another change is holding one of the owner's open leads; nothing was changed. Try again."
        ) from None
