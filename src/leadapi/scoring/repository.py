"""Scoring model queries, scoped to one workspace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, Select, Table, case, func, null, select, tuple_, type_coerce

from leadapi.events.models import Event
from leadapi.leads.models import Lead
from leadapi.repository import WorkspaceRepository
from leadapi.scoring.counting import CountPlan
from leadapi.scoring.engine import ADJUSTED
from leadapi.scoring.models import ScoreAdjustment, ScoringModel, ScoringSettings
from leadapi.stages.models import StageChange

models = cast(Table, ScoringModel.__table__)
settings = cast(Table, ScoringSettings.__table__)
adjustments = cast(Table, ScoreAdjustment.__table__)
leads = cast(Table, Lead.__table__)
events = cast(Table, Event.__table__)
stage_changes = cast(Table, StageChange.__table__)
_log = logging.getLogger(__name__)


def adjustments_statement(
    workspace_id: str, lead_id: str, limit: int, before: tuple[datetime, str] | None
) -> Select[Any]:
    """A lead's adjustments, newest first, those before the keyset `before` (created_at, id): one
    range of ix_score_adjustments_lead_id_created_at_id, read backwards."""
    stmt = (
        select(adjustments)
        .where(adjustments.c.workspace_id == workspace_id, adjustments.c.lead_id == lead_id)
        .order_by(adjustments.c.created_at.desc(), adjustments.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(tuple_(adjustments.c.created_at, adjustments.c.id) < tuple_(*before))
    return stmt


class ScoringRepository(WorkspaceRepository):
    async def active_id(self) -> str | None:
        stmt = self.scoped_select(settings, settings.c.active_model_id)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def set_active(self, model_id: str, *, first: bool) -> None:
        if first:
            await self.insert_row(settings, {"active_model_id": model_id})
        else:
            await self.conn.execute(self.scoped_update(settings).values(active_model_id=model_id))

    async def get(self, model_id: str) -> dict[str, Any] | None:
        stmt = self.scoped_select(models).where(models.c.id == model_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def next_version(self) -> int:
        stmt = self.scoped_select(models, func.coalesce(func.max(models.c.version), 0))
        return int((await self.conn.execute(stmt)).scalar_one()) + 1

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(models, row)

    async def page(self, limit: int, before_version: int | None) -> list[dict[str, Any]]:
        stmt = self.scoped_select(models).order_by(models.c.version.desc()).limit(limit)
        if before_version is not None:
            stmt = stmt.where(models.c.version < before_version)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def add_adjustment(self, row: dict[str, Any]) -> None:
        await self.insert_row(adjustments, row)

    async def adjustments(
        self, lead_id: str, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        stmt = adjustments_statement(self.workspace_id, lead_id, limit, before)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def move_adjustments(self, from_lead_id: str, to_lead_id: str) -> None:
        """A merged duplicate's adjustments are the survivor's."""
        await self.conn.execute(
            self.scoped_update(adjustments)
            .where(adjustments.c.lead_id == from_lead_id)
            .values(lead_id=to_lead_id)
        )


class BacktestRepository(WorkspaceRepository):
    """What a backtest reads: leads by reference time, their scoring events and their stage moves,
    a batch of leads per statement (never a statement per lead)."""

    def created_page_statement(
        self, start: datetime | None, end: datetime, after: tuple[datetime, str] | None, limit: int
    ) -> Select[Any]:
        """Leads created in [start, end), oldest first, after the keyset `after` (created_at, id):
        one range of ix_leads_workspace_id_created_at_id."""
        stmt = (
            self.scoped_select(leads)
            .where(leads.c.created_at < end)
            .order_by(leads.c.created_at, leads.c.id)
            .limit(limit)
        )
        if start is not None:
            stmt = stmt.where(leads.c.created_at >= start)
        if after is not None:
            stmt = stmt.where(tuple_(leads.c.created_at, leads.c.id) > tuple_(*after))
        return stmt

    async def created_page(
        self, start: datetime | None, end: datetime, after: tuple[datetime, str] | None, limit: int
    ) -> list[dict[str, Any]]:
        result = await self.conn.execute(self.created_page_statement(start, end, after, limit))
        return [dict(row) for row in result.mappings()]

    async def count_created(self, start: datetime | None, end: datetime) -> int:
        stmt = self.scoped_select(leads, func.count()).where(leads.c.created_at < end)
        if start is not None:
            stmt = stmt.where(leads.c.created_at >= start)
        return int((await self.conn.execute(stmt)).scalar_one())

    def first_entries_statement(
        self, stages: list[str], start: datetime | None, end: datetime
    ) -> Select[Any]:
        """Each lead's first move into any of `stages`, for the leads whose first one is in
        [start, end): ranges of ix_stage_changes_workspace_id_to_stage_at, grouped by lead."""
        first = func.min(stage_changes.c.at)
        stmt = (
            self.scoped_select(stage_changes, stage_changes.c.lead_id, first.label("at"))
            .where(stage_changes.c.to_stage.in_(stages), stage_changes.c.at < end)
            .group_by(stage_changes.c.lead_id)
        )
        if start is not None:
            stmt = stmt.having(first >= start)
        return stmt

    async def first_entries(
        self, stages: list[str], start: datetime | None, end: datetime
    ) -> list[tuple[str, datetime]]:
        """(lead id, first entry), earliest first (then by id)."""
        rows = await self.conn.execute(self.first_entries_statement(stages, start, end))
        return sorted(((row.lead_id, row.at) for row in rows), key=lambda pair: (pair[1], pair[0]))

    async def leads_by_id(self, lead_ids: list[str]) -> list[dict[str, Any]]:
        stmt = self.scoped_select(leads).where(leads.c.id.in_(lead_ids))
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    def events_statement(
        self, lead_ids: list[str], types: list[str], with_data: list[str], until: datetime
    ) -> Select[Any]:
        """The batch's events of the types the models read, up to the latest reference time: ranges
        of ix_events_workspace_id_lead_id_occurred_at. Only the `with_data` types bring their data:
        most events are counted, not looked into, and decoding their JSON was the read's largest
        cost."""
        data = case((events.c.type.in_(with_data), events.c.data), else_=null()) if with_data else null()
        return self.scoped_select(
            events,
            events.c.id,
            events.c.lead_id,
            events.c.type,
            events.c.occurred_at,
            type_coerce(data, events.c.data.type).label("data"),
            events.c.source,
        ).where(events.c.lead_id.in_(lead_ids), events.c.type.in_(types), events.c.occurred_at <= until)

    async def events_of(
        self, lead_ids: list[str], types: list[str], with_data: list[str], until: datetime
    ) -> list[Any]:
        if not types:
            return []
        return list(await self.conn.execute(self.events_statement(lead_ids, types, with_data, until)))

    def moves_statement(self, lead_ids: list[str], stages: list[str]) -> Select[Any]:
        """The batch's moves into the outcome stages: ranges of ix_stage_changes_workspace_id_lead_id_at."""
        return self.scoped_select(stage_changes, stage_changes.c.lead_id, stage_changes.c.at).where(
            stage_changes.c.lead_id.in_(lead_ids), stage_changes.c.to_stage.in_(stages)
        )

    async def moves_into(self, lead_ids: list[str], stages: list[str]) -> list[tuple[str, datetime]]:
        return [
            (row.lead_id, row.at) for row in await self.conn.execute(self.moves_statement(lead_ids, stages))
        ]

    def counts_statement(self, plan: CountPlan) -> tuple[str, list[Any]]:
        """PostgreSQL: the batch's figures per lead as `plan` lays them out, in one grouped pass
        over the leads' events up to each one's reference time (ranges of
        ix_events_workspace_id_lead_id_occurred_at): the latest behaviour event, the score
        adjustments, the combinations of properties not judged yet, and each input's count (and
        latest time, or times). The SQL and the values of its parameters after the first ones:
        the workspace, the leads' ids, their reference times and each window's start per lead."""
        windows = len(plan.windows)
        values: list[Any] = []

        def bind(value: Any, cast_to: str) -> str:
            values.append(value)
            return f"${3 + windows + len(values)}::{cast_to}"

        sinces = "".join(f", ${4 + i}::timestamptz[]" for i in range(windows))
        columns = ", ".join(["lead_id", "ref", *(f"since{i}" for i in range(windows))])
        adjusted = bind(ADJUSTED, "text")
        order = "ORDER BY e.occurred_at, e.id"
        select_list = [
            "b.lead_id",
            f"max(e.occurred_at) FILTER (WHERE e.type <> {adjusted})",
            f"array_agg(e.id {order}) FILTER (WHERE e.type = {adjusted})",
            f"array_agg(e.occurred_at {order}) FILTER (WHERE e.type = {adjusted})",
            f"array_agg(e.data::text {order}) FILTER (WHERE e.type = {adjusted})",
        ]
        joins = ""
        if plan.judged:
            select_list.append(
                "array_agg(DISTINCT jsonb_build_array(e.type, k.key)::text) "
                "FILTER (WHERE k.key IS NOT NULL AND m.bits IS NULL)"
            )
            cases = " ".join(
                f"WHEN e.type = {bind(judged.event_type, 'text')} THEN jsonb_build_array(e.source"
                + "".join(f", e.data -> {bind(key, 'text')}" for key in judged.keys)
                + ")::text"
                for judged in plan.judged.values()
            )
            known = list(plan.known.items())
            joins = (
                f" CROSS JOIN LATERAL (SELECT CASE {cases} END AS key) AS k"
                f" LEFT JOIN unnest({bind([t for (t, _), _ in known], 'text[]')}, "
                f"{bind([k for (_, k), _ in known], 'text[]')}, {bind([b for _, b in known], 'bigint[]')})"
                " AS m(type, key, bits) ON m.type = e.type AND m.key = k.key"
            )
        else:
            select_list.append("NULL::text[]")
        for wanted, (_, last, times) in zip(plan.inputs, plan.places, strict=True):
            if wanted.event_type == ADJUSTED:  # never behaviour: the engine counts none
                select_list += ["0"] + ["NULL"] * ((last is not None) + (times is not None))
                continue
            where = [f"e.type = {bind(wanted.event_type, 'text')}"]
            if wanted.bit is not None:
                where.append(f"(m.bits & {bind(1 << wanted.bit, 'bigint')}) <> 0")
            if wanted.window is not None:
                where.append(f"e.occurred_at >= b.since{wanted.window}")
            matched = " AND ".join(where)
            select_list.append(f"count(*) FILTER (WHERE {matched})")
            if last is not None:
                select_list.append(f"max(e.occurred_at) FILTER (WHERE {matched})")
            if times is not None:
                select_list.append(
                    f"array_agg(e.occurred_at ORDER BY e.occurred_at) FILTER (WHERE {matched})"
                )
        types = bind(plan.types, "text[]")
        sql = (
            f"SELECT {', '.join(select_list)} "
            f"FROM unnest($2::text[], $3::timestamptz[]{sinces}) AS b({columns}) "
            "JOIN events AS e ON e.workspace_id = $1 AND e.lead_id = b.lead_id "
            f"AND e.occurred_at <= b.ref AND e.type = ANY({types}){joins} "
            "GROUP BY b.lead_id"
        )
        return sql, values

    async def counts(
        self, plan: CountPlan, lead_ids: list[str], refs: list[datetime], sinces: list[list[datetime]]
    ) -> list[Any]:
        """The rows of `counts_statement` for a batch of leads (only those with events)."""
        sql, values = self.counts_statement(plan)
        return await self._fetch(sql, (self.workspace_id, lead_ids, refs, *sinces, *values))

    async def _fetch(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        """A statement straight on asyncpg: SQLAlchemy's per-row processing and its expanding of
        a parameter per lead cost more than the statement."""
        if _log.isEnabledFor(logging.DEBUG):  # what tests/api/test_backtest_plans.py explains
            _log.debug("backtest statement", extra={"statement": sql, "parameters": args})
        raw: Any = (await self.conn.get_raw_connection()).driver_connection
        rows: list[Any] = await raw.fetch(sql, *args)
        return rows

    async def lead_page(
        self,
        columns: Sequence[str],
        start: datetime | None,
        end: datetime,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[Any]:
        """PostgreSQL: `created_page`'s leads with only `columns`, the JSON ones as text (see
        FitJudge), as asyncpg records."""
        sql = f"SELECT {_lead_columns(columns)} FROM leads WHERE workspace_id = $1 AND created_at < $2"
        args: list[Any] = [self.workspace_id, end]
        if start is not None:
            args.append(start)
            sql += f" AND created_at >= ${len(args)}"
        if after is not None:
            args += after
            sql += f" AND (created_at, id) > (${len(args) - 1}, ${len(args)})"
        args.append(limit)
        return await self._fetch(f"{sql} ORDER BY created_at, id LIMIT ${len(args)}", tuple(args))

    async def leads_of(self, columns: Sequence[str], lead_ids: list[str]) -> list[Any]:
        """PostgreSQL: `leads_by_id` as `lead_page` reads them."""
        sql = f"SELECT {_lead_columns(columns)} FROM leads WHERE workspace_id = $1 AND id = ANY($2::text[])"
        return await self._fetch(sql, (self.workspace_id, lead_ids))

    async def converted(
        self, lead_ids: list[str], refs: list[datetime], deadlines: list[datetime], stages: list[str]
    ) -> set[str]:
        """PostgreSQL: the batch's leads that moved into one of `stages` between their reference
        time and their deadline (both included): ranges of ix_stage_changes_workspace_id_lead_id_at.
        """
        rows = await self._fetch(CONVERTED, (self.workspace_id, lead_ids, refs, deadlines, stages))
        return {row[0] for row in rows}


CONVERTED = (
    "SELECT DISTINCT b.lead_id FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) "
    "AS b(lead_id, ref, deadline) JOIN stage_changes AS s ON s.workspace_id = $1 "
    "AND s.lead_id = b.lead_id AND s.at >= b.ref AND s.at <= b.deadline AND s.to_stage = ANY($5::text[])"
)

# The lead columns stored as JSON: read as text by `lead_page`.
JSON_LEAD_COLUMNS = frozenset(column.name for column in leads.c if isinstance(column.type, JSON))


def _lead_columns(columns: Sequence[str]) -> str:
    """The select list of `columns` (names of the leads table's columns, checked), JSON as text."""
    return ", ".join(
        f'"{leads.c[name].name}"::text AS "{name}"'
        if name in JSON_LEAD_COLUMNS
        else f'"{leads.c[name].name}"'
        for name in columns
    )
