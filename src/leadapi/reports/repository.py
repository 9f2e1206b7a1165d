"""The reports' SQL: every figure is counted (and every percentile taken) in the database.

Each query takes the group expression it splits by (None: the whole range) and returns small
rows keyed by group; the service runs a query once for the total and once more per split.
Percentiles use `percentile_cont` on PostgreSQL and the same linear interpolation over window
functions on SQLite, so both databases give the same answer.

Which rows a report counts:
- lead figures count the cohort of leads created in the range, and everything that has
  happened to them since (stage moves, touches, wins);
- assignment figures (speed after assignment, SLA, owners) count assignments made in the range;
- owner decisions (accepted, rejected, won) count the moves made in the range.
Filters (source, owner, utm campaign, tag) are always on the lead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
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
    exists,
    func,
    literal,
    literal_column,
    not_,
    null,
    or_,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select, Subquery

from leadapi.api.filters import Filter, filter_clause
from leadapi.events.models import Event
from leadapi.events.schemas import RESERVED_PREFIXES
from leadapi.leads.models import Lead
from leadapi.leads.repository import LEAD_FIELDS
from leadapi.owners.models import Owner
from leadapi.reports.engine import FAST_SECONDS, HOUR_SECONDS, TIME_BUCKETS, FunnelOrder, ReportQuery
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
Keyed = dict[Any, dict[str, Any]]


def _plain(value: Any) -> Any:
    """PostgreSQL sums integers into numeric: give counts back as ints, amounts as floats."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class ReportRepository:
    def __init__(self, conn: AsyncConnection, workspace_id: str, query: ReportQuery) -> None:
        self.conn = conn
        self.ws = workspace_id
        self.q = query
        self.pg = conn.dialect.name == "postgresql"

    # -- building blocks -------------------------------------------------------------------

    def lead_filters(self) -> list[ColumnElement[bool]]:
        q = self.q
        clauses: list[ColumnElement[bool]] = [leads.c.workspace_id == self.ws]
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
        """The group key: a UTC time bucket of `at` as YYYY-MM-DD, the `owner`, or a lead column."""
        if group_by is None:
            return None
        if group_by in TIME_BUCKETS:
            return self._bucket(at, group_by)
        if group_by == "owner":
            return cast(ColumnElement[Any], owner)
        return cast(ColumnElement[Any], leads.c[group_by])

    def _bucket(self, at: Any, unit: str) -> ColumnElement[str]:
        if self.pg:
            # Constants as SQL text, not parameters: PostgreSQL must see one expression.
            truncated = func.date_trunc(
                literal_column(f"'{unit}'"), func.timezone(literal_column("'UTC'"), at)
            )
            return func.to_char(truncated, literal_column("'YYYY-MM-DD'"))
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

    def _greatest(self, *values: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.greatest(*values) if self.pg else func.max(*values)

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

    async def percentiles(self, values: Subquery, keys: Sequence[str]) -> Keyed:
        """n, median (p50) and p90 of `values.c.v` per `keys`, interpolated linearly between the
        two nearest ranks (PostgreSQL's percentile_cont)."""
        key_columns = [values.c[k] for k in keys]
        if self.pg:
            stmt = select(
                *key_columns,
                func.count().label("n"),
                func.percentile_cont(0.5).within_group(values.c.v).label("p50"),
                func.percentile_cont(0.9).within_group(values.c.v).label("p90"),
            ).group_by(*key_columns)
        else:
            ranked = select(
                *key_columns,
                values.c.v,
                (func.row_number().over(partition_by=key_columns, order_by=values.c.v) - 1).label("i"),
                func.count().over(partition_by=key_columns).label("n"),
            ).subquery()

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
            stmt = select(
                *ranked_keys,
                func.count().label("n"),
                at(0.5).label("p50"),
                at(0.9).label("p90"),
            ).group_by(*ranked_keys)
        if not keys:
            row = (await self.conn.execute(stmt)).mappings().one_or_none()
            return {None: dict(row)} if row is not None and row["n"] else {}
        return await self._keyed(stmt, keys=len(keys))

    @staticmethod
    def _g(group: Group) -> ColumnElement[Any]:
        return (group if group is not None else null()).label("g")

    async def _aggregate(
        self, rows: Select[Any], measures: Callable[[Subquery], list[Any]], keys: Sequence[str] = ("g",)
    ) -> Keyed:
        """Aggregates `rows` (which carry the group key as plain columns) per key. Grouping a
        subquery's columns, never an expression, keeps PostgreSQL from seeing the group
        expression's bound parameters twice as different values."""
        sub = rows.subquery()
        key_columns = [sub.c[k] for k in keys]
        stmt = select(*key_columns, *measures(sub)).group_by(*key_columns)
        return await self._keyed(stmt, keys=len(keys))

    @staticmethod
    def _count_if(condition: ColumnElement[bool], name: str) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0)).label(name)

    # -- funnel and sources -----------------------------------------------------------------

    async def funnel(self, group: Group, order: FunnelOrder, stage_keys: Sequence[str]) -> Keyed:
        """Per group: leads; per stage, leads that were ever in it (a stage a lead occupied is
        the from or to of one of its moves, or where it is now); leads that reached each funnel
        rank; acceptances; won revenue."""
        joined = leads.outerjoin(
            changes, and_(changes.c.workspace_id == leads.c.workspace_id, changes.c.lead_id == leads.c.id)
        )

        def rank_of(column: Any) -> ColumnElement[int]:
            whens = [(column == key, rank) for key, rank in order.ranks.items()]
            return case(*whens, else_=-1) if whens else literal(-1)

        visited = [
            func.max(
                case(
                    (or_(changes.c.to_stage == key, changes.c.from_stage == key, leads.c.stage == key), 1),
                    else_=0,
                )
            ).label(f"s{i}")
            for i, key in enumerate(stage_keys)
        ]
        # Grouped by the lead's primary key: the group expression depends on the lead's columns
        # only, which both databases accept without grouping it too.
        per_lead = (
            select(
                self._g(group),
                *visited,
                self._greatest(
                    func.coalesce(func.max(rank_of(changes.c.to_stage)), -1),
                    func.coalesce(func.max(rank_of(changes.c.from_stage)), -1),
                    func.max(rank_of(leads.c.stage)),
                ).label("furthest"),
                func.sum(case((changes.c.to_stage == order.accepted, 1), else_=0)).label("accepted"),
                func.sum(case((changes.c.to_stage.in_(list(order.won)), changes.c.amount), else_=None)).label(
                    "revenue"
                ),
            )
            .select_from(joined)
            .where(*self.cohort())
            .group_by(leads.c.id)
        )
        ranks = sorted(set(order.ranks.values()))
        return await self._aggregate(
            per_lead,
            lambda sub: [
                func.count().label("leads"),
                *(func.sum(sub.c[f"s{i}"]).label(f"s{i}") for i in range(len(stage_keys))),
                *(self._count_if(sub.c.furthest >= rank, f"r{rank}") for rank in ranks),
                func.sum(sub.c.accepted).label("accepted"),
                func.sum(sub.c.revenue).label("revenue"),
            ],
        )

    async def rejections(self, group: Group) -> dict[Any, int]:
        """lead.rejected events on the cohort's leads, per group."""
        rows = (
            select(self._g(group))
            .select_from(events.join(leads, leads.c.id == events.c.lead_id))
            .where(events.c.workspace_id == self.ws, events.c.type == "lead.rejected", *self.cohort())
        )
        found = await self._aggregate(rows, lambda sub: [func.count().label("n")])
        return {k: v["n"] for k, v in found.items()}

    # -- speed to lead --------------------------------------------------------------------

    async def touch_counts(self, group: Group) -> Keyed:
        """Per group: the cohort's leads, how many were ever touched, and how many within 5
        minutes and within an hour of their creation."""
        rows = select(
            self._g(group),
            leads.c.first_touch_at.label("touched_at"),
            self.seconds_between(leads.c.first_touch_at, leads.c.created_at).label("waited"),
        ).where(*self.cohort())
        return await self._aggregate(
            rows,
            lambda sub: [
                func.count().label("leads"),
                func.count(sub.c.touched_at).label("touched"),
                self._count_if(sub.c.waited <= FAST_SECONDS, "within_5m"),
                self._count_if(sub.c.waited <= HOUR_SECONDS, "within_1h"),
            ],
        )

    async def touch_percentiles(self, group: Group) -> Keyed:
        values = (
            select(
                self._g(group), self.seconds_between(leads.c.first_touch_at, leads.c.created_at).label("v")
            )
            .where(*self.cohort(), leads.c.first_touch_at.is_not(None))
            .subquery()
        )
        return await self.percentiles(values, ["g"])

    def _assignments_in_range(self) -> list[ColumnElement[bool]]:
        return [
            assignments.c.workspace_id == self.ws,
            assignments.c.created_at >= self.q.start,
            assignments.c.created_at < self.q.end,
            *self.lead_filters(),
        ]

    @staticmethod
    def _assigned_leads() -> Any:
        return assignments.join(
            leads,
            and_(leads.c.workspace_id == assignments.c.workspace_id, leads.c.id == assignments.c.lead_id),
        )

    async def assignment_counts(self, group: Group, keys: Sequence[str] = ("g",)) -> Keyed:
        """Per group (and per `keys` among owner_id and policy_id): assignments made in the
        range, how many their owner touched (within 5 minutes, an hour), their SLA clocks."""
        rows = (
            select(
                self._g(group),
                assignments.c.owner_id,
                assignments.c.sla_policy_id.label("policy_id"),
                assignments.c.touched_at,
                assignments.c.sla_state,
                self.seconds_between(assignments.c.touched_at, assignments.c.created_at).label("waited"),
            )
            .select_from(self._assigned_leads())
            .where(*self._assignments_in_range())
        )

        def measures(sub: Subquery) -> list[Any]:
            return [
                func.count().label("assignments"),
                func.count(sub.c.touched_at).label("touched"),
                self._count_if(sub.c.waited <= FAST_SECONDS, "within_5m"),
                self._count_if(sub.c.waited <= HOUR_SECONDS, "within_1h"),
                func.count(sub.c.policy_id).label("covered"),
                *(self._count_if(sub.c.sla_state == s, s) for s in ("met", "breached", "running", "stopped")),
            ]

        return await self._aggregate(rows, measures, keys)

    async def assignment_percentiles(self, group: Group, keys: Sequence[str] = ("g",)) -> Keyed:
        """Percentiles of the wait from assignment to the owner's first touch."""
        values = (
            select(
                self._g(group),
                assignments.c.owner_id,
                self.seconds_between(assignments.c.touched_at, assignments.c.created_at).label("v"),
            )
            .select_from(self._assigned_leads())
            .where(*self._assignments_in_range(), assignments.c.touched_at.is_not(None))
            .subquery()
        )
        return await self.percentiles(values, keys)

    async def policy_names(self) -> dict[str, str]:
        stmt = select(policies.c.id, policies.c.name).where(policies.c.workspace_id == self.ws)
        return {r.id: r.name for r in await self.conn.execute(stmt)}

    async def owner_names(self) -> dict[str, str]:
        stmt = select(owners.c.id, owners.c.name).where(owners.c.workspace_id == self.ws)
        return {r.id: r.name for r in await self.conn.execute(stmt)}

    # -- owners ---------------------------------------------------------------------------

    async def open_leads_by_owner(self, open_stages: Sequence[str]) -> dict[Any, int]:
        """Now, whatever the range: the leads each owner holds in an open stage."""
        rows = select(leads.c.owner_id.label("g")).where(
            *self.lead_filters(), leads.c.owner_id.is_not(None), leads.c.stage.in_(list(open_stages))
        )
        found = await self._aggregate(rows, lambda sub: [func.count().label("n")])
        return {k: v["n"] for k, v in found.items()}

    async def moves_by_owner(self, to_stages: Sequence[str], *, by_owner: bool) -> dict[Any, int]:
        """Moves made in the range into `to_stages`, per the owner who made them (`by_owner`) or
        per the lead's owner."""
        clauses = [
            changes.c.workspace_id == self.ws,
            changes.c.at >= self.q.start,
            changes.c.at < self.q.end,
            changes.c.to_stage.in_(list(to_stages)),
            *self.lead_filters(),
        ]
        if by_owner:
            clauses.append(changes.c.by_kind == "owner")
        who = changes.c.by_id if by_owner else leads.c.owner_id
        rows = (
            select(who.label("g"))
            .select_from(changes.join(leads, leads.c.id == changes.c.lead_id))
            .where(*clauses)
        )
        found = await self._aggregate(rows, lambda sub: [func.count().label("n")])
        return {k: v["n"] for k, v in found.items()}

    async def rejections_by_owner(self) -> dict[Any, int]:
        rows = (
            select(self._json_text(events.c.data, "owner_id").label("g"))
            .select_from(events.join(leads, leads.c.id == events.c.lead_id))
            .where(
                events.c.workspace_id == self.ws,
                events.c.type == "lead.rejected",
                events.c.occurred_at >= self.q.start,
                events.c.occurred_at < self.q.end,
                *self.lead_filters(),
            )
        )
        found = await self._aggregate(rows, lambda sub: [func.count().label("n")])
        return {k: v["n"] for k, v in found.items()}

    # -- stage velocity ---------------------------------------------------------------------

    async def stage_stays(self, group: Group) -> Keyed:
        """Per (group, stage): completed stays. A move ends the stay in its from-stage, which
        began at the lead's previous move, or at its creation."""
        began = func.coalesce(
            func.lag(changes.c.at).over(
                partition_by=changes.c.lead_id, order_by=(changes.c.at, changes.c.id)
            ),
            leads.c.created_at,
        )
        values = (
            select(
                self._g(group),
                changes.c.from_stage.label("stage"),
                self.seconds_between(changes.c.at, began).label("v"),
            )
            .select_from(changes.join(leads, leads.c.id == changes.c.lead_id))
            .where(changes.c.workspace_id == self.ws, *self.cohort())
            .subquery()
        )
        return await self.percentiles(values, ["g", "stage"])

    async def time_to_won(self, group: Group, won: Sequence[str]) -> Keyed:
        """From creation to the first move into a won stage, per group."""
        per_lead = (
            select(
                self._g(group), self.seconds_between(func.min(changes.c.at), leads.c.created_at).label("v")
            )
            .select_from(changes.join(leads, leads.c.id == changes.c.lead_id))
            .where(changes.c.workspace_id == self.ws, changes.c.to_stage.in_(list(won)), *self.cohort())
            .group_by(leads.c.id)
            .subquery()
        )
        return await self.percentiles(per_lead, ["g"])

    # -- scores ---------------------------------------------------------------------------

    async def score_buckets(self, group: Group) -> Keyed:
        """Per (group, bucket): leads by score in tens (90-100 is the last bucket; None:
        unscored)."""
        bucket = case(
            (leads.c.score.is_(None), None),
            (leads.c.score >= 90, 9),
            else_=sql_cast(leads.c.score, Integer) // 10,
        )
        rows = select(self._g(group), bucket.label("bucket")).where(*self.cohort())
        return await self._aggregate(rows, lambda sub: [func.count().label("n")], keys=("g", "bucket"))

    async def bands(self, group: Group, won: Sequence[str]) -> Keyed:
        """Per (group, band): leads, and how many are customers now (a won stage is final)."""
        rows = select(self._g(group), leads.c.band, leads.c.stage).where(*self.cohort())
        return await self._aggregate(
            rows,
            lambda sub: [
                func.count().label("leads"),
                self._count_if(sub.c.stage.in_(list(won)), "customers"),
            ],
            keys=("g", "band"),
        )

    # -- activation -------------------------------------------------------------------------

    async def activation(self, group: Group, windows: Sequence[int]) -> Keyed:
        """Per group: the cohort's leads, and those with a behaviour event (any type a client
        sends; none of ours) within each window after they were created."""
        behaviour = not_(or_(*(events.c.type.like(f"{prefix}.%") for prefix in RESERVED_PREFIXES)))

        def active_within(days: int) -> ColumnElement[bool]:
            return exists(
                select(literal(1)).where(
                    events.c.workspace_id == leads.c.workspace_id,
                    events.c.lead_id == leads.c.id,
                    events.c.occurred_at > leads.c.created_at,
                    self._within_days(events.c.occurred_at, leads.c.created_at, days),
                    behaviour,
                )
            )

        rows = select(
            self._g(group),
            *(case((active_within(d), 1), else_=0).label(f"d{d}") for d in windows),
        ).where(*self.cohort())
        return await self._aggregate(
            rows,
            lambda sub: [
                func.count().label("leads"),
                *(func.sum(sub.c[f"d{d}"]).label(f"d{d}") for d in windows),
            ],
        )
