"""Webhook subscriptions and deliveries: per workspace, and the workers' queues across them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from leadapi.db import constant
from leadapi.events.models import EventSequence
from leadapi.repository import WorkspaceRepository
from leadapi.webhooks.models import WebhookDelivery, WebhookSubscription

subscriptions = cast(Table, WebhookSubscription.__table__)
deliveries = cast(Table, WebhookDelivery.__table__)
sequences = cast(Table, EventSequence.__table__)


async def subscriptions_behind(conn: AsyncConnection, limit: int) -> list[dict[str, Any]]:
    """Active subscriptions, in any workspace, with numbered events they have not fanned out; on
    PostgreSQL locked, skipping those another worker holds."""
    last_seq = (
        select(sequences.c.last_seq).where(sequences.c.workspace_id == subscriptions.c.workspace_id)
    ).scalar_subquery()
    stmt = (
        select(subscriptions)
        .where(subscriptions.c.active.is_(True), subscriptions.c.cursor < last_seq)
        .order_by(subscriptions.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]


def due_subscriptions_statement(
    now: datetime, after_id: str | None, exclude: Sequence[str], limit: int
) -> Select[Any]:
    """Active subscriptions with a delivery due by `now`, by id from after `after_id` (the
    rounds go round them, so none waits behind the others)."""
    due = (
        select(deliveries.c.id)
        .where(
            deliveries.c.subscription_id == subscriptions.c.id,
            deliveries.c.status == constant("pending"),
            deliveries.c.next_attempt_at <= now,
        )
        .exists()
    )
    stmt = (
        select(subscriptions.c.id)
        .where(subscriptions.c.active.is_(True), due)
        .order_by(subscriptions.c.id)
        .limit(limit)
    )
    if after_id is not None:
        stmt = stmt.where(subscriptions.c.id > after_id)
    if exclude:
        stmt = stmt.where(subscriptions.c.id.not_in(list(exclude)))
    return stmt


async def due_subscriptions(
    conn: AsyncConnection, now: datetime, after_id: str | None, exclude: Sequence[str], limit: int
) -> list[str]:
    """Up to `limit` subscriptions with due deliveries, going round: those after `after_id`
    first, then from the start again."""
    found = list((await conn.execute(due_subscriptions_statement(now, after_id, exclude, limit))).scalars())
    if after_id is not None and len(found) < limit:
        again = due_subscriptions_statement(now, None, [*exclude, *found], limit - len(found))
        found += [i for i in (await conn.execute(again)).scalars() if i <= after_id]
    return found


def claim_due_statement(subscription_id: str, now: datetime, limit: int, dialect: str) -> Select[Any]:
    """A subscription's pending deliveries due by `now`, oldest first, each only when no earlier
    pending delivery of the same lead waits (in order per lead); locked on PostgreSQL, skipping
    those another worker holds. Statuses are written into the SQL (`constant`): the partial
    indexes are defined by them."""
    earlier = aliased(deliveries)
    waits_for_earlier = (
        select(earlier.c.id)
        .where(
            earlier.c.subscription_id == deliveries.c.subscription_id,
            earlier.c.lead_id == deliveries.c.lead_id,
            earlier.c.status == constant("pending"),
            earlier.c.event_seq < deliveries.c.event_seq,
        )
        .exists()
    )
    stmt = (
        select(deliveries)
        .where(
            deliveries.c.subscription_id == subscription_id,
            deliveries.c.status == constant("pending"),
            deliveries.c.next_attempt_at <= now,
            ~waits_for_earlier,
        )
        .order_by(deliveries.c.next_attempt_at)
        .limit(limit)
    )
    if dialect == "postgresql":
        stmt = stmt.with_for_update(of=deliveries, skip_locked=True)
    return stmt


async def claim_due(
    conn: AsyncConnection, subscription_id: str, now: datetime, limit: int, lease_until: datetime
) -> list[dict[str, Any]]:
    """Lease up to `limit` due deliveries of one subscription until `lease_until`, counting the
    attempt (a worker that dies mid-flight leaves the lease to expire). (A disabled
    subscription's deliveries wait: re-enabling it sends them.)"""
    stmt = claim_due_statement(subscription_id, now, limit, conn.dialect.name)
    rows = [dict(row) for row in (await conn.execute(stmt)).mappings()]
    if rows:
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_([row["id"] for row in rows]))
            .values(next_attempt_at=lease_until, attempts=deliveries.c.attempts + 1)
        )
    return rows


async def subscriptions_by_id(conn: AsyncConnection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    stmt = select(subscriptions).where(subscriptions.c.id.in_(list(set(ids))))
    return {row["id"]: dict(row) for row in (await conn.execute(stmt)).mappings()}


async def set_delivery(conn: AsyncConnection, delivery_id: str, values: dict[str, Any]) -> None:
    await conn.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(**values))


class WebhookRepository(WorkspaceRepository):
    async def last_seq(self) -> int:
        stmt = self.scoped_select(sequences, sequences.c.last_seq)
        return int((await self.conn.execute(stmt)).scalar_one_or_none() or 0)

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(subscriptions, row)

    async def get(self, subscription_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(subscriptions).where(subscriptions.c.id == subscription_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def page(self, limit: int, after_id: str | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(subscriptions).order_by(subscriptions.c.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(subscriptions.c.id > after_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def update(self, subscription_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(subscriptions).where(subscriptions.c.id == subscription_id).values(**values)
        )

    async def clear_failures(self, subscription_id: str) -> None:
        """After a success: no streak (a no-op, without a write, when there was none)."""
        await self.conn.execute(
            self.scoped_update(subscriptions)
            .where(
                subscriptions.c.id == subscription_id,
                or_(subscriptions.c.failure_streak > 0, subscriptions.c.failing_since.is_not(None)),
            )
            .values(failure_streak=0, failing_since=None)
        )

    async def delete(self, subscription_id: str) -> None:
        await self.conn.execute(
            self.scoped_delete(deliveries).where(
                deliveries.c.subscription_id == subscription_id,
            )
        )
        await self.conn.execute(
            self.scoped_delete(subscriptions).where(subscriptions.c.id == subscription_id)
        )

    async def add_deliveries(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.insert_rows(deliveries, rows)

    async def delivery(self, subscription_id: str, delivery_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(deliveries).where(
            deliveries.c.subscription_id == subscription_id,
            deliveries.c.id == delivery_id,
        )
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def deliveries_of(
        self, subscription_id: str, status: str | None, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        stmt = (
            self.scoped_select(deliveries)
            .where(
                deliveries.c.subscription_id == subscription_id,
            )
            .order_by(deliveries.c.created_at.desc(), deliveries.c.id.desc())
            .limit(limit)
        )
        if status is not None:
            stmt = stmt.where(deliveries.c.status == status)
        if before is not None:
            stmt = stmt.where(
                or_(
                    deliveries.c.created_at < before[0],
                    and_(deliveries.c.created_at == before[0], deliveries.c.id < before[1]),
                )
            )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def erase_lead(self, lead_id: str) -> None:
        """Deliveries carry the lead's data: they go with it."""
        await self.conn.execute(self.scoped_delete(deliveries).where(deliveries.c.lead_id == lead_id))
