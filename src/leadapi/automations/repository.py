"""Automations, their runs and the consumer's position: per workspace, and the consumer's queue across
workspaces."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.automations.models import Automation, AutomationCursor, AutomationRun, InactivityMark
from leadapi.db import constant
from leadapi.events import consumers
from leadapi.events.models import Event
from leadapi.leads.models import Lead
from leadapi.repository import WorkspaceRepository, analyze_grown

automations = cast(Table, Automation.__table__)
runs = cast(Table, AutomationRun.__table__)
cursors = cast(Table, AutomationCursor.__table__)
events = cast(Table, Event.__table__)
marks = cast(Table, InactivityMark.__table__)
leads = cast(Table, Lead.__table__)

SCORED = "lead.scored"


def behind_statement(limit: int) -> Select[Any]:
    """Workspaces whose automations have numbered events to go through, by workspace id."""
    return consumers.behind_statement(cursors, limit)


# ---- the inactivity sweep ------------------------------------------------------------------------


def due_mark_statement(now: datetime) -> Select[Any]:
    """The most overdue inactivity mark, across workspaces (the index on due_at)."""
    return select(marks).where(marks.c.due_at <= now).order_by(marks.c.due_at).limit(1)


async def claim_due_mark(conn: AsyncConnection, now: datetime) -> dict[str, Any] | None:
    """A due mark, locked for this transaction (PostgreSQL: one another sweeper holds is skipped)."""
    stmt = due_mark_statement(now)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    row = (await conn.execute(stmt)).mappings().first()
    return None if row is None else dict(row)


def quiet_leads_statement(
    workspace_id: str, order: str, after: tuple[datetime, str], cutoff: datetime | None, limit: int
) -> Select[Any]:
    """A workspace's leads after the mark `after` in one of the sweep's two orders, quiet since at
    most `cutoff`: `active`, by last activity (ix_leads_workspace_id_last_activity_at_id); `idle`,
    the never-active ones by creation (ix_leads_workspace_id_created_at_id). One index range each."""
    if order == "active":
        key = leads.c.last_activity_at
        quiet = key.is_not(None)
    else:
        key = leads.c.created_at
        quiet = leads.c.last_activity_at.is_(None)
    stmt = (
        select(leads.c.id, key.label("since"))
        .where(leads.c.workspace_id == workspace_id, quiet, tuple_(key, leads.c.id) > tuple_(*after))
        .order_by(key, leads.c.id)
        .limit(limit)
    )
    return stmt if cutoff is None else stmt.where(key <= cutoff)


class AutomationRepository(WorkspaceRepository):
    # ---- automations -----------------------------------------------------------------------------

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(automations, row)

    async def get(self, automation_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        stmt = self.scoped_select(automations).where(automations.c.id == automation_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def page(self, limit: int, after_id: str | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(automations).order_by(automations.c.id).limit(limit)
        if after_id is not None:
            stmt = stmt.where(automations.c.id > after_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def count(self) -> int:
        stmt = self.scoped_select(automations, func.count())
        return int((await self.conn.execute(stmt)).scalar_one())

    async def active(self) -> list[dict[str, Any]]:
        stmt = (
            self.scoped_select(automations).where(automations.c.active.is_(True)).order_by(automations.c.id)
        )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def update(self, automation_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(automations).where(automations.c.id == automation_id).values(**values)
        )

    async def delete(self, automation_id: str) -> None:
        await self.conn.execute(self.scoped_delete(runs).where(runs.c.automation_id == automation_id))
        await self.conn.execute(self.scoped_delete(automations).where(automations.c.id == automation_id))

    # ---- the consumer's position -----------------------------------------------------------------

    async def last_seq(self) -> int:
        return await consumers.last_seq(self.conn, self.workspace_id)

    async def has_cursor(self) -> bool:
        stmt = self.scoped_select(cursors, cursors.c.position)
        return (await self.conn.execute(stmt)).first() is not None

    async def start_cursor(self, position: int, now: datetime) -> None:
        """The workspace's position, made when its first automation is (at `position`, the events
        before it being history); nothing when it has one."""
        if not await self.has_cursor():
            await self.insert_row(cursors, {"position": position, "updated_at": now})

    async def move_cursor(self, position: int, now: datetime) -> None:
        await self.conn.execute(self.scoped_update(cursors).values(position=position, updated_at=now))

    # ---- runs ------------------------------------------------------------------------------------

    async def add_runs(self, rows: Sequence[dict[str, Any]]) -> None:
        await self.insert_rows(runs, rows)

    async def run(self, run_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(runs).where(runs.c.id == run_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def refresh_statistics(self) -> list[str]:
        """The runs analysed when they have grown (repository.analyze_grown): the consumer fills
        them from nothing, and a generic plan of `last_fired_many` made on the statistics of an
        empty table reads every fired run of the batch's automations, filtering by lead (190 ms a
        batch at 23,000 of them in the automations bench, against 0.2 ms)."""
        return await analyze_grown(self.conn, (runs.name,))

    async def runs_done(self, after_seq: int, upto_seq: int) -> set[tuple[str, str]]:
        """(automation, event) pairs that have a run already among the events numbered after
        `after_seq` up to `upto_seq` (one range of the event number index)."""
        stmt = self.scoped_select(runs, runs.c.automation_id, runs.c.event_id).where(
            runs.c.event_seq > after_seq, runs.c.event_seq <= upto_seq
        )
        return {(str(a), str(e)) for a, e in await self.conn.execute(stmt)}

    async def runs_by_id(self, run_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The runs named, by id (the causes of a batch's events, read at once)."""
        if not run_ids:
            return {}
        stmt = self.scoped_select(runs).where(runs.c.id.in_(sorted(set(run_ids))))
        return {str(row["id"]): dict(row) for row in (await self.conn.execute(stmt)).mappings()}

    async def last_fired_many(
        self, automation_ids: Sequence[str], lead_ids: Sequence[str]
    ) -> dict[tuple[str, str], datetime]:
        """When each of the automations last fired for each of the leads (pairs that never did are
        absent): a batch's once-per-lead and cooldown limits, read at once from the partial index
        of fired runs per lead, as `last_fired` reads one pair."""
        if not automation_ids or not lead_ids:
            return {}
        stmt = (
            select(runs.c.automation_id, runs.c.lead_id, func.max(runs.c.at))
            .where(
                runs.c.automation_id.in_(sorted(set(automation_ids))),
                runs.c.lead_id.in_(sorted(set(lead_ids))),
                runs.c.status == constant("fired"),
            )
            .group_by(runs.c.automation_id, runs.c.lead_id)
        )
        return {(str(a), str(lead)): at for a, lead, at in await self.conn.execute(stmt)}

    async def last_fired(self, automation_id: str, lead_id: str) -> datetime | None:
        stmt = (
            select(runs.c.at)
            .where(
                runs.c.automation_id == automation_id,
                runs.c.lead_id == lead_id,
                runs.c.status == constant("fired"),
            )
            .order_by(runs.c.at.desc())
            .limit(1)
        )
        found: datetime | None = (await self.conn.execute(stmt)).scalar_one_or_none()
        return found

    async def fired_since(self, automation_id: str, since: datetime, cap: int) -> int:
        """How many times the automation fired since `since`, counted up to `cap`."""
        inner = (
            select(runs.c.at)  # what the partial index holds: read from it alone
            .where(
                runs.c.automation_id == automation_id,
                runs.c.status == constant("fired"),
                runs.c.at >= since,
            )
            .limit(cap)
            .subquery()
        )
        return int((await self.conn.execute(select(func.count()).select_from(inner))).scalar_one())

    async def runs_of(
        self,
        *,
        automation_id: str | None = None,
        lead_id: str | None = None,
        limit: int,
        before: tuple[datetime, str] | None,
    ) -> list[dict[str, Any]]:
        """An automation's (or a lead's) runs, newest first."""
        stmt = self.scoped_select(runs).order_by(runs.c.at.desc(), runs.c.id.desc()).limit(limit)
        if automation_id is not None:
            stmt = stmt.where(runs.c.automation_id == automation_id)
        if lead_id is not None:
            stmt = stmt.where(runs.c.lead_id == lead_id)
        if before is not None:
            stmt = stmt.where(or_(runs.c.at < before[0], and_(runs.c.at == before[0], runs.c.id < before[1])))
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def erase_lead(self, lead_id: str) -> None:
        """Right to erasure: runs carry what the actions did to the lead (its values, messages)."""
        await self.conn.execute(self.scoped_delete(runs).where(runs.c.lead_id == lead_id))

    async def move_to_lead(self, from_lead_id: str, to_lead_id: str) -> None:
        """A merge: the duplicate's runs read under the survivor, as its events do."""
        await self.conn.execute(
            self.scoped_update(runs).where(runs.c.lead_id == from_lead_id).values(lead_id=to_lead_id)
        )

    # ---- what a spike reads of the lead's history ------------------------------------------------

    async def behavior_at(self, lead_id: str, at: datetime) -> float:
        """The lead's behaviour score as of `at`: the last rescoring before it (0: none yet)."""
        stmt = (
            self.scoped_select(events, events.c.data)
            .where(events.c.lead_id == lead_id, events.c.type == SCORED, events.c.occurred_at <= at)
            .order_by(events.c.occurred_at.desc(), events.c.id.desc())
            .limit(1)
        )
        data = (await self.conn.execute(stmt)).scalar_one_or_none()
        value = data.get("behavior_score") if isinstance(data, dict) else None
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0

    async def events_in_window(
        self, lead_id: str, types: Sequence[str], since: datetime, event: dict[str, Any]
    ) -> int:
        """The lead's events of `types` (exact, or patterns with `*`) from `since` up to `event`,
        not counting `event` itself."""
        exact = [t for t in types if "*" not in t]
        patterns = [t for t in types if "*" in t]
        matches = []
        if exact:
            matches.append(events.c.type.in_(exact))
        for pattern in patterns:
            escaped = pattern.replace("\\", "\\\\").replace("_", "\\_").replace("*", "%")
            matches.append(events.c.type.like(escaped, escape="\\"))
        at = event["occurred_at"]
        stmt = self.scoped_select(events, func.count()).where(
            events.c.lead_id == lead_id,
            or_(*matches),
            events.c.occurred_at >= since,
            or_(events.c.occurred_at < at, and_(events.c.occurred_at == at, events.c.id < event["id"])),
        )
        return int((await self.conn.execute(stmt)).scalar_one())

    # ---- inactivity marks ------------------------------------------------------------------------

    async def mark(self, automation_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(marks).where(marks.c.automation_id == automation_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return None if row is None else dict(row)

    async def start_mark(self, automation_id: str, days: int, now: datetime) -> None:
        """A fresh mark: leads that turn quiet for `days` from now on (due now, to find the first)."""
        await self.drop_mark(automation_id)
        start = now - timedelta(days=days)
        await self.insert_row(
            marks,
            {"automation_id": automation_id, "days": days, "active_at": start, "active_id": "",
             "idle_at": start, "idle_id": "", "due_at": now},
        )  # fmt: skip

    async def drop_mark(self, automation_id: str) -> None:
        await self.conn.execute(self.scoped_delete(marks).where(marks.c.automation_id == automation_id))

    async def move_mark(self, automation_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(
            self.scoped_update(marks).where(marks.c.automation_id == automation_id).values(values)
        )

    async def quiet_leads(
        self, order: str, after: tuple[datetime, str], cutoff: datetime | None, limit: int
    ) -> list[tuple[str, datetime]]:
        stmt = quiet_leads_statement(self.workspace_id, order, after, cutoff, limit)
        return [(row.id, row.since) for row in await self.conn.execute(stmt)]
