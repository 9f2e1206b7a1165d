"""The reports' SQL: every figure is counted (and every percentile taken) in the database.

Each query takes the group expression it splits by (None: the whole range) and returns small
rows keyed by group; the service runs a query once for the total and once more per split.
Percentiles use `percentile_cont` on PostgreSQL and the same linear interpolation over window
functions on SQLite, so both databases give the same answer.

Which rows a report counts:
- lead figures count the cohort of leads created in the range, and everything that has
  happened to them since (stage moves, touches, wins);
- assignment figures (speed after assignment, SLA, owners) count assignments made in the range;
- stage velocity and owner decisions (accepted, rejected, won) count the moves made in the range.
Filters (source, owner, utm campaign, tag) are always on the lead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    Table,
    and_,
    case,
    func,
    literal,
    literal_column,
    null,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select, Subquery

from leadapi.api.filters import Filter, filter_clause
from leadapi.db import constant
from leadapi.events.models import Event
from leadapi.leads.models import Lead
from leadapi.leads.repository import LEAD_FIELDS
from leadapi.owners.models import Owner
from leadapi.reports.engine import (
    FAST_SECONDS,
    HOUR_SECONDS,
    LEAD_DIMENSIONS,
    TIME_BUCKETS,
    ReportQuery,
)
from leadapi.repository import WorkspaceRepository, same_workspace
from leadapi.routing.models import Assignment
from leadapi.sla.models import SlaPolicy
from leadapi.stages.models import StageChange

leads = cast(Table, Lead.__table__)
changes = cast(Table, StageChange.__table__)
assignments = cast(Table, Assignment.__table__)
events = cast(Table, Event.__table__)
owners = cast(Table, Owner.__table__)
policies = cast(Table, SlaPolicy.__table__)

Group = ColumnElement[Any] | None
# Splits that read a column of the lead (not of the assignment or the move).
LEAD_COLUMNS = tuple(d for d in LEAD_DIMENSIONS if d != "owner")
Keyed = dict[Any, dict[str, Any]]


def _plain(value: Any) -> Any:
    """PostgreSQL sums integers into numeric: give counts back as ints, amounts as floats."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class ReportRepository(WorkspaceRepository):
    def __init__(self, conn: AsyncConnection, workspace_id: str, query: ReportQuery) -> None:
        super().__init__(conn, workspace_id)
        self.q = query
        self.pg = conn.dialect.name == "postgresql"
        # The workspace's report time zone (an IANA name, checked when set): day, week and month
        # splits run midnight to midnight there.
        self.zone_name = "UTC"

    # -- building blocks -------------------------------------------------------------------

    def lead_filters(self) -> list[ColumnElement[bool]]:
        q = self.q
        clauses: list[ColumnElement[bool]] = [self.scope(leads)]
        for column, value in (
            (leads.c.source, q.source),
            (leads.c.owner_id, q.owner_id),
            (leads.c.utm_campaign, q.utm_campaign),
        ):
            if value is not None:
                clauses.append(column == value)
        if q.tag is not None:
            dialect = "postgresql" if self.pg else "sqlite"
            clauses.append(filter_clause(leads, Filter("tags", "contains", q.tag), LEAD_FIELDS, dialect))
        return clauses

    def cohort(self) -> list[ColumnElement[bool]]:
        """The leads created in the range that pass the filters."""
        return [*self.lead_filters(), leads.c.created_at >= self.q.start, leads.c.created_at < self.q.end]

    def dimension(self, group_by: str | None, *, at: Any, owner: Any) -> Group:
        """The group key: a time bucket of `at` (in the workspace's zone) as YYYY-MM-DD, the
        `owner`, or a lead column."""
        if group_by is None:
            return None
        if group_by in TIME_BUCKETS:
            return self._bucket(at, group_by)
        if group_by == "owner":
            return cast(ColumnElement[Any], owner)
        return cast(ColumnElement[Any], leads.c[group_by])

    def _bucket(self, at: Any, unit: str) -> ColumnElement[str]:
        if self.pg:
            # Constants as SQL text, not parameters: PostgreSQL must see one expression. (The
            # zone's name was checked against the IANA database when it was set.)
            truncated = func.date_trunc(
                literal_column(f"'{unit}'"), func.timezone(literal_column(f"'{self.zone_name}'"), at)
            )
            return func.to_char(truncated, literal_column("'YYYY-MM-DD'"))
        if self.zone_name != "UTC":
            return cast(ColumnElement[str], func.leadapi_local_day(at, self.zone_name, unit))
        if unit == "day":
            return func.strftime("%Y-%m-%d", at)
        if unit == "month":
            return func.strftime("%Y-%m-01", at)
        # SQLite's %w counts from Sunday (0); back up to Monday.
        back = (sql_cast(func.strftime("%w", at), Integer) + 6) % 7
        return func.date(at, literal("-").concat(sql_cast(back, String)).concat(" days"))

    def seconds_between(self, later: Any, earlier: Any) -> ColumnElement[float]:
        if self.pg:
            return sql_cast(func.extract("epoch", later - earlier), Float)
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0

    def _within_days(self, later: Any, earlier: Any, days: int) -> ColumnElement[bool]:
        if self.pg:
            return cast(ColumnElement[bool], later <= earlier + literal(timedelta(days=days)))
        return func.julianday(later) <= func.julianday(earlier) + days

    def _json_text(self, column: Any, key: str) -> ColumnElement[str]:
        if self.pg:
            return cast(ColumnElement[str], column.op("->>")(key))
        return func.json_extract(column, f"$.{key}")

    async def _keyed(self, stmt: Select[Any], keys: int = 1) -> Keyed:
        """Rows -> {group key: the row's other columns}; the key is a tuple when `keys` > 1."""
        out: Keyed = {}
        for row in (await self.conn.execute(stmt)).mappings():
            values = {k: _plain(v) for k, v in row.items()}
            names = list(values)[:keys]
            key = tuple(values.pop(n) for n in names) if keys > 1 else values.pop(names[0])
            out[key] = values
        return out

    async def summarise(
        self,
        rows: Select[Any],
        measures: Callable[[Subquery], list[Any]] = lambda sub: [],
        keys: Sequence[str] = ("g",),
        *,
        spread: bool = True,
    ) -> Keyed:
        """Per `keys`: the `measures` of `rows`, and `n`, median `p50` and `p90` of its column
        `v` (NULLs not counted), interpolated between the two nearest ranks as PostgreSQL's
        percentile_cont does. One pass on PostgreSQL; SQLite, which has no percentile, ranks
        the values with window functions in a second query."""
        sub = rows.subquery()
        key_columns = [sub.c[k] for k in keys]
        if not spread or "v" not in sub.c:
            return await self._keyed(
                select(*key_columns, *measures(sub)).group_by(*key_columns), keys=len(keys)
            )
        if self.pg:
            # Percentiles group by sorting every row on its keys: text keys compare bytewise
            # ("C", as SQLite does), not through the collation's strcoll, which was a third of
            # stage velocity's time over a year of moves (and the sort fits in memory, parallel).
            sorted_keys = [
                c.collate("C").label(c.key) if isinstance(c.type, String) else c for c in key_columns
            ]
            percentiles = [
                func.count(sub.c.v).label("n"),
                func.percentile_cont(0.5).within_group(sub.c.v).label("p50"),
                func.percentile_cont(0.9).within_group(sub.c.v).label("p90"),
            ]
            stmt = select(*sorted_keys, *measures(sub), *percentiles).group_by(*sorted_keys)
            return await self._keyed(stmt, keys=len(keys))
        found = await self._keyed(
            select(*key_columns, *measures(sub), func.count(sub.c.v).label("n")).group_by(*key_columns),
            keys=len(keys),
        )
        ranked = (
            select(
                *key_columns,
                sub.c.v,
                (func.row_number().over(partition_by=key_columns, order_by=sub.c.v) - 1).label("i"),
                func.count().over(partition_by=key_columns).label("n"),
            )
            .where(sub.c.v.is_not(None))
            .subquery()
        )

        def at(p: float) -> ColumnElement[float]:
            position = literal(p) * (ranked.c.n - 1)
            low = sql_cast(position, Integer)  # positions are >= 0: the cast is floor
            fraction = position - low
            return func.sum(
                case(
                    (ranked.c.i == low, ranked.c.v * (1 - fraction)),
                    (ranked.c.i == low + 1, ranked.c.v * fraction),
                    else_=0.0,
                )
            )

        ranked_keys = [ranked.c[k] for k in keys]
        stmt = select(*ranked_keys, at(0.5).label("p50"), at(0.9).label("p90")).group_by(*ranked_keys)
        for key, values in (await self._keyed(stmt, keys=len(keys))).items():
            found.setdefault(key, {}).update(values)
        return found

    @staticmethod
    def _g(group: Group) -> ColumnElement[Any]:
        return (group if group is not None else null()).label("g")

    @staticmethod
    def _count_if(condition: ColumnElement[bool], name: str) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0)).label(name)

    async def _counts(self, rows: Select[Any]) -> dict[Any, int]:
        """How many `rows` per their column g."""
        found = await self.summarise(rows, lambda sub: [func.count().label("n")])
        return {k: v["n"] for k, v in found.items()}

    # -- funnel and sources -----------------------------------------------------------------

    async def stage_masks(self, group: Group) -> dict[Any, dict[int, tuple[int, float]]]:
        """Per group and stages_mask: how many of the cohort's leads have it, and their won
        amounts. A workspace's leads follow a handful of paths, so this is a few rows from one
        pass over the leads; the funnel's figures are worked out from them (reports/engine.py)."""
        rows = select(self._g(group), leads.c.stages_mask, leads.c.won_amount).where(*self.cohort())
        found = await self.summarise(
            rows,
            lambda sub: [func.count().label("n"), func.sum(sub.c.won_amount).label("revenue")],
            keys=("g", "stages_mask"),
        )
        out: dict[Any, dict[int, tuple[int, float]]] = {}
        for (g, mask), row in found.items():
            out.setdefault(g, {})[int(mask)] = (row["n"], float(row["revenue"] or 0))
        return out

    # -- speed to lead --------------------------------------------------------------------

    async def touches(self, group: Group) -> Keyed:
        """Per group: the cohort's leads, how many were ever touched, how many within 5 minutes
        and within an hour of their creation, and the spread of the wait."""
        waited = self.seconds_between(leads.c.first_touch_at, leads.c.created_at)
        rows = select(self._g(group), waited.label("v")).where(*self.cohort())
        # Two queries: the counts over every lead in parallel, the percentiles over the touched
        # leads alone (an ordered-set aggregate runs in one process; a partial index holds them).
        found = await self.summarise(
            rows,
            lambda sub: [
                func.count().label("leads"),
                func.count(sub.c.v).label("touched"),
                self._count_if(sub.c.v <= FAST_SECONDS, "within_5m"),
                self._count_if(sub.c.v <= HOUR_SECONDS, "within_1h"),
            ],
            spread=False,
        )
        touched = await self.summarise(rows.where(leads.c.first_touch_at.is_not(None)))
        for g, spread in touched.items():
            found.setdefault(g, {}).update(spread)
        return found

    def _reads_lead(self, splits: Sequence[str]) -> bool:
        """Whether rows of another table (assignments, moves) must be joined to their lead: to
        filter by it, or to split by one of `splits`, the lead's columns for that report."""
        return bool(self.q.filters()) or self.q.group_by in splits

    def _assignment_rows(
        self, *columns: Any, between: tuple[datetime, datetime] | None = None
    ) -> Select[Any]:
        start, end = between or (self.q.start, self.q.end)
        stmt = self.scoped_select(assignments, *columns).where(
            assignments.c.created_at >= start,
            assignments.c.created_at < end,
        )
        if self._reads_lead(LEAD_COLUMNS):  # by owner: the assignee, on the assignment
            joined = assignments.join(
                leads,
                and_(leads.c.workspace_id == assignments.c.workspace_id, leads.c.id == assignments.c.lead_id),
            )
            stmt = stmt.select_from(joined).where(*self.lead_filters())
        return stmt

    async def assignment_figures(
        self, group: Group, keys: Sequence[str] = ("g",), *, spread: bool = True
    ) -> Keyed:
        """Per group (or per owner_id or policy_id): assignments made in the range, how many their
        owner touched (within 5 minutes, an hour), the spread of that wait, their SLA clocks."""
        rows = self._assignment_rows(
            self._g(group),
            assignments.c.owner_id,
            assignments.c.sla_policy_id.label("policy_id"),
            assignments.c.sla_state,
            self.seconds_between(assignments.c.touched_at, assignments.c.created_at).label("v"),
        )

        def measures(sub: Subquery) -> list[Any]:
            return [
                func.count().label("assignments"),
                func.count(sub.c.v).label("touched"),
                self._count_if(sub.c.v <= FAST_SECONDS, "within_5m"),
                self._count_if(sub.c.v <= HOUR_SECONDS, "within_1h"),
                func.count(sub.c.policy_id).label("covered"),
                *(self._count_if(sub.c.sla_state == s, s) for s in ("met", "breached", "running", "stopped")),
            ]

        found = await self.summarise(rows, measures, keys, spread=False)
        if spread:
            # As for touches: counts over every assignment in parallel, the percentiles over the
            # touched ones alone, which a partial index holds with what this reads.
            waits = self._assignment_rows(
                self._g(group),
                assignments.c.owner_id,
                assignments.c.sla_policy_id.label("policy_id"),
                self.seconds_between(assignments.c.touched_at, assignments.c.created_at).label("v"),
            ).where(assignments.c.touched_at.is_not(None))
            for key, figures in (await self.summarise(waits, keys=keys)).items():
                found.setdefault(key, {}).update(figures)
        return found

    async def policy_names(self) -> dict[str, str]:
        stmt = self.scoped_select(policies, policies.c.id, policies.c.name)
        return {r.id: r.name for r in await self.conn.execute(stmt)}

    async def owner_names(self) -> dict[str, str]:
        stmt = self.scoped_select(owners, owners.c.id, owners.c.name)
        return {r.id: r.name for r in await self.conn.execute(stmt)}

    # -- owners ---------------------------------------------------------------------------

    async def open_leads_by_owner(self, open_stages: Sequence[str]) -> dict[Any, int]:
        """Now, whatever the range: the leads each owner holds in an open stage."""
        return await self._counts(
            select(leads.c.owner_id.label("g")).where(
                *self.lead_filters(), leads.c.owner_id.is_not(None), leads.c.stage.in_(list(open_stages))
            )
        )

    async def moves_by_owner(self, to_stages: Sequence[str], *, by_owner: bool) -> dict[Any, int]:
        """Moves made in the range into `to_stages`, per the owner who made them (`by_owner`) or
        per the lead's owner."""
        if by_owner:
            return await self._counts(
                self._moves(changes.c.by_id.label("g"), to_stages=to_stages).where(
                    changes.c.by_kind == "owner"
                )
            )
        return await self._counts(self._moves(leads.c.owner_id.label("g"), to_stages=to_stages, lead=True))

    def rejections(self, *columns: Any, between: tuple[datetime, datetime] | None = None) -> Select[Any]:
        """lead.rejected events in the range (joined to their lead when the report filters)."""
        start, end = between or (self.q.start, self.q.end)
        rows = self.scoped_select(events, *columns).where(
            events.c.type == constant("lead.rejected"),  # the partial index's predicate, as SQL text
            events.c.occurred_at >= start,
            events.c.occurred_at < end,
        )
        if self.q.filters():
            joined = events.join(leads, and_(leads.c.id == events.c.lead_id, same_workspace(leads, events)))
            rows = rows.select_from(joined).where(*self.lead_filters())
        return rows

    async def rejections_by_owner(self) -> dict[Any, int]:
        """lead.rejected events in the range, per the owner who rejected."""
        return await self._counts(self.rejections(self._json_text(events.c.data, "owner_id").label("g")))

    # -- stage velocity ---------------------------------------------------------------------

    def _moves(
        self,
        *columns: Any,
        to_stages: Sequence[str] | None = None,
        lead: bool = False,
        between: tuple[datetime, datetime] | None = None,
    ) -> Select[Any]:
        """Moves made in the range (into `to_stages`), joined to their lead when `lead` or when
        the report filters or splits by the lead."""
        start, end = between or (self.q.start, self.q.end)
        stmt = self.scoped_select(changes, *columns).where(changes.c.at >= start, changes.c.at < end)
        if to_stages is not None:
            stmt = stmt.where(changes.c.to_stage.in_(list(to_stages)))
        if lead or self._reads_lead(LEAD_DIMENSIONS):  # by owner: the lead's owner
            joined = changes.join(
                leads, and_(leads.c.workspace_id == changes.c.workspace_id, leads.c.id == changes.c.lead_id)
            )
            stmt = stmt.select_from(joined).where(*self.lead_filters())
        return stmt

    async def stage_stays(self, group: Group) -> Keyed:
        """Per (group, stage): the stays that ended in the range; each move ends the stay in its
        from-stage, which began at `since`."""
        rows = self._moves(
            self._g(group),
            changes.c.from_stage.label("stage"),
            self.seconds_between(changes.c.at, changes.c.since).label("v"),
        )
        return await self.summarise(rows, keys=("g", "stage"))

    async def time_to_won(self, group: Group, won: Sequence[str]) -> Keyed:
        """Leads won in the range: from their creation to the move (a won stage is final)."""
        rows = self._moves(
            self._g(group),
            self.seconds_between(changes.c.at, leads.c.created_at).label("v"),
            to_stages=won,
            lead=True,
        )
        return await self.summarise(rows)

    # -- scores ---------------------------------------------------------------------------

    async def score_bands(self, group: Group, won: Sequence[str]) -> Keyed:
        """Per (group, band, bucket): leads, and how many are customers now (a won stage is
        final). Buckets are scores in tens (90-100 is the last; None: unscored)."""
        bucket = case(
            (leads.c.score.is_(None), None),
            (leads.c.score >= 90, 9),
            else_=sql_cast(leads.c.score, Integer) // 10,
        )
        rows = select(self._g(group), leads.c.band, bucket.label("bucket"), leads.c.stage).where(
            *self.cohort()
        )
        return await self.summarise(
            rows,
            lambda sub: [
                func.count().label("leads"),
                self._count_if(sub.c.stage.in_(list(won)), "customers"),
            ],
            keys=("g", "band", "bucket"),
        )

    # -- activation -------------------------------------------------------------------------

    async def activation(self, group: Group, windows: Sequence[int]) -> Keyed:
        """Per group: the cohort's leads, and those whose first behaviour event after creation
        came within each window. (Sums of flags grouped by the group alone: grouping by a
        computed window too would hide from the planner how few groups there are, and it would
        then aggregate in one process.)"""
        first = leads.c.first_activity_at
        rows = select(
            self._g(group),
            *(
                case((self._within_days(first, leads.c.created_at, d), 1), else_=0).label(f"d{d}")
                for d in windows
            ),
        ).where(*self.cohort())
        return await self.summarise(
            rows,
            lambda sub: [
                func.count().label("leads"),
                *(func.sum(sub.c[f"d{d}"]).label(f"d{d}") for d in windows),
            ],
        )
