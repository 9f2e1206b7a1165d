"""Webhook subscriptions and deliveries: per workspace, and the workers' queues across them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    FromClause,
    Integer,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from leadapi.db import constant
from leadapi.events import consumers
from leadapi.events.models import EventSequence
from leadapi.repository import WorkspaceRepository, same_workspace
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
    """Up to `limit` active subscriptions with a delivery due by `now`, going round them by id:
    those after `after_id` first, then from the start again (the rounds go round them, so none
    waits behind the others). One statement: each lap is its own ordered scan, the second one
    only when there is an `after_id`."""
    due = (
        select(deliveries.c.id)
        .where(
            deliveries.c.subscription_id == subscriptions.c.id,
            same_workspace(deliveries, subscriptions),
            deliveries.c.status == constant("pending"),
            deliveries.c.next_attempt_at <= now,
        )
        .exists()
    )

    def lap(*where: ColumnElement[bool]) -> Select[Any]:
        stmt = (
            select(subscriptions)
            .where(subscriptions.c.active.is_(True), due, *where)
            .order_by(subscriptions.c.id)
            .limit(limit)
        )
        if exclude:
            stmt = stmt.where(subscriptions.c.id.not_in(list(exclude)))
        return stmt

    if after_id is None:
        return lap()
    laps = [
        select(literal_column(str(n)).label("lap"), *one.c)
        for n, one in enumerate(
            (lap(subscriptions.c.id > after_id).subquery(), lap(subscriptions.c.id <= after_id).subquery())
        )
    ]
    both = union_all(*laps).subquery("laps")
    return select(*(both.c[c.name] for c in subscriptions.c)).order_by(both.c.lap, both.c.id).limit(limit)


async def due_subscriptions(
    conn: AsyncConnection, now: datetime, after_id: str | None, exclude: Sequence[str], limit: int
) -> list[dict[str, Any]]:
    """Up to `limit` subscriptions with due deliveries, going round (due_subscriptions_statement):
    their rows, as the round sends with them."""
    stmt = due_subscriptions_statement(now, after_id, exclude, limit)
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]


def _claimable(
    table: FromClause, subscription_id: ColumnElement[str], now: datetime
) -> list[ColumnElement[bool]]:
    """`table`'s (an alias of the deliveries') rows one subscription may send now: pending, due by
    `now`, each only when no earlier pending delivery of the same lead waits (in order per lead).
    Statuses are written into the SQL (`constant`): the partial indexes are defined by them."""
    earlier = aliased(deliveries)
    waits_for_earlier = (
        select(earlier.c.id)
        .where(
            earlier.c.subscription_id == table.c.subscription_id,
            same_workspace(earlier, table),
            earlier.c.lead_id == table.c.lead_id,
            earlier.c.status == constant("pending"),
            earlier.c.event_seq < table.c.event_seq,
        )
        .exists()
    )
    return [
        table.c.subscription_id == subscription_id,
        table.c.status == constant("pending"),
        table.c.next_attempt_at <= now,
        ~waits_for_earlier,
    ]


# The claim's own columns beside the delivery's: where it falls in the round.
_NTH = "claimed_nth"


def claim_due_statement(
    shares: Sequence[tuple[str, int]], now: datetime, free: int, lease_until: datetime
) -> Update:
    """PostgreSQL: lease, in one statement, up to each subscription's share of its claimable
    deliveries (`shares`: subscription ids in the order the round goes round them, each with its
    share), oldest first, and no more than `free` in all, the first subscriptions' whole shares
    first; returns them as they were before. Each subscription's share is one index scan, locked
    with SKIP LOCKED (rows another worker holds are passed over); rows past `free` are locked
    until the claim commits, not leased."""
    wanted = (
        func.unnest(
            bindparam("subscription_ids", [sid for sid, _ in shares], type_=ARRAY(String)),
            bindparam("shares", [share for _, share in shares], type_=ARRAY(Integer)),
        )
        .table_valued(column("subscription_id", String), column("share", Integer), with_ordinality="ord")
        .render_derived(name="wanted")
    )
    one = aliased(deliveries, name="one")
    share = (
        select(one)
        .where(*_claimable(one, wanted.c.subscription_id, now))
        .order_by(one.c.next_attempt_at)
        .limit(wanted.c.share)
        .with_for_update(of=one, skip_locked=True)
        .lateral("share")
    )
    nth = func.row_number().over(order_by=(wanted.c.ord, share.c.next_attempt_at))
    taken = select(share, nth.label(_NTH)).select_from(wanted.join(share, true())).cte("taken")
    return (
        update(deliveries)
        .where(deliveries.c.id == taken.c.id, same_workspace(deliveries, taken), taken.c[_NTH] <= free)
        .values(next_attempt_at=lease_until, attempts=deliveries.c.attempts + 1)
        .returning(*(taken.c[c.name] for c in deliveries.c), taken.c[_NTH])
    )


def claimable_statement(shares: Sequence[tuple[str, int]], now: datetime) -> Select[Any]:
    """SQLite (one writer: nothing to lock): each subscription's share of its claimable
    deliveries, oldest first, in one statement (a limited scan per subscription)."""
    per_subscription = []
    for n, (sid, limit) in enumerate(shares):
        one = (
            select(deliveries)
            .where(*_claimable(deliveries, literal(sid), now))
            .order_by(deliveries.c.next_attempt_at)
            .limit(limit)
            .subquery()
        )
        per_subscription.append(select(one, literal(n).label(_NTH)))
    both = union_all(*per_subscription).subquery("claimable")
    return select(both).order_by(both.c[_NTH], both.c.next_attempt_at)


async def claim_due(
    conn: AsyncConnection,
    shares: Sequence[tuple[str, int]],
    now: datetime,
    free: int,
    lease_until: datetime,
) -> list[dict[str, Any]]:
    """Lease due deliveries until `lease_until`, counting the attempt (a worker that dies
    mid-flight leaves the lease to expire): up to each subscription's share (`shares`, in the
    order the round goes round them), at most `free` in all, the first subscriptions' whole
    shares first. Returns them as they were, in that order. (A disabled subscription's
    deliveries wait: re-enabling it sends them.)"""
    if not shares or free <= 0:
        return []
    capped = [(sid, min(share, free)) for sid, share in shares if share > 0]
    if not capped:
        return []
    if conn.dialect.name == "postgresql":
        leased = (await conn.execute(claim_due_statement(capped, now, free, lease_until))).mappings()
        rows = sorted((dict(row) for row in leased), key=lambda row: int(row[_NTH]))
    else:
        rows = [dict(row) for row in (await conn.execute(claimable_statement(capped, now))).mappings()][:free]
        if rows:
            await conn.execute(
                update(deliveries)
                .where(deliveries.c.id.in_([row["id"] for row in rows]))
                .values(next_attempt_at=lease_until, attempts=deliveries.c.attempts + 1)
            )
    for row in rows:
        del row[_NTH]
    return rows


async def set_delivery(conn: AsyncConnection, delivery_id: str, values: dict[str, Any]) -> None:
    await conn.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(**values))


class WebhookRepository(WorkspaceRepository):
    async def last_seq(self) -> int:
        return await consumers.last_seq(self.conn, self.workspace_id)

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
