"""The rollups' SQL: what leads add to them (computed by the exact reports' own expressions), the
snapshots of what each lead last added, the rollup rows summed per period and key, and the
consumer's position.

Reads scan the primary key (workspace, dimension, facet, period range); writes add to rows with
INSERT ... ON CONFLICT DO UPDATE, so a batch of events is a handful of statements whatever it holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Table,
    and_,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import UTCDateTime, constant
from leadapi.events.models import Event, EventSequence
from leadapi.reports.engine import FAST_SECONDS, HOUR_SECONDS, TIME_BUCKETS, ReportQuery
from leadapi.reports.models import ReportRollup, ReportSettings, RollupCursor, RollupLead
from leadapi.reports.repository import (
    LEAD_COLUMNS,
    Group,
    Keyed,
    ReportRepository,
    assignments,
    changes,
    leads,
)
from leadapi.reports.rollup_engine import (
    DIMENSIONS,
    HOUR_PREFIX,
    HOURLY_DIMENSIONS,
    KEY_COLUMNS,
    LEAD_COLUMN,
    NOW,
    SKETCH_MULTIPLIER,
    TOTAL,
    Contribution,
    Delta,
    Extra,
    Ranges,
    assignment_extras,
    contribution,
    day_of,
    decode_key,
    encode_key,
    facet_value,
    gone,
    hour_period,
    move_extras,
    period_day,
    plan,
    quantile,
    rejection_extra,
    spread,
    stay_value,
    time_bucket,
    unpack,
    zone_of,
)
from leadapi.repository import analyze_grown, one_of, probed

rollups = cast(Table, ReportRollup.__table__)
snapshots = cast(Table, RollupLead.__table__)
cursors = cast(Table, RollupCursor.__table__)
report_settings = cast(Table, ReportSettings.__table__)
events = cast(Table, Event.__table__)
sequences = cast(Table, EventSequence.__table__)

ROLLUP_KEY = ("workspace_id", "dimension", "facet", "period", "key", "value")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ASSIGNMENT_COUNTS = (
    "assignments", "touched", "within_5m", "within_1h", "covered", "met", "breached", "running", "stopped",
)  # fmt: skip
_FAMILY = {
    "asg": "assignments", "asw": "assignments",
    "stay": "stays", "to": "moves", "mv": "moves",
    "rej": "rejections",
}  # fmt: skip
# A partial range's (group, facet, value) with how many of its rows have it.
Tally = tuple[Any, str, str, int]
# What reads a family's rows over a partial range, for a report's group expression: moves into
# these stages only when some are named (a report that counts moves into won stages reads those).
RawReader = Callable[[tuple[datetime, datetime], Group, tuple[str, ...] | None], Awaitable[list[Tally]]]


def _tally(found: Iterable[tuple[Any, str, str]]) -> list[Tally]:
    return [(*key, n) for key, n in Counter(found).items()]


WRITE_CHUNK = 2000  # rows per executemany: bounded statements, whatever a batch or rebuild holds
PG_CHUNK = 20_000  # rows per array statement on PostgreSQL

# PostgreSQL: rows as arrays through unnest, one statement per chunk (an executemany of upserts
# goes row by row: most of a rebuild's time).
_ADD_ROWS = text(
    """
    INSERT INTO report_rollups (workspace_id, dimension, facet, period, key, value, leads, amount)
    SELECT :_ws, * FROM unnest(
        CAST(:dimension AS text[]), CAST(:facet AS text[]), CAST(:period AS text[]),
        CAST(:key AS text[]), CAST(:value AS text[]), CAST(:leads AS bigint[]),
        CAST(:amount AS double precision[])
    )
    ON CONFLICT (workspace_id, dimension, facet, period, key, value) DO UPDATE
    SET leads = report_rollups.leads + excluded.leads, amount = report_rollups.amount + excluded.amount
    """
)
_SNAPSHOT_COLUMNS = (
    "lead_id", "hour", "source", "owner", "utm_campaign", "utm_source", "utm_medium", "mask", "amount",
    "score", "touch", "active", "extra",
)  # fmt: skip
_ARRAY_TYPES = {"amount": "double precision"}
_SAVE_SNAPSHOTS = text(
    f"""
    INSERT INTO rollup_leads (workspace_id, {", ".join(_SNAPSHOT_COLUMNS)})
    SELECT :_ws, * FROM unnest(
        {", ".join(f"CAST(:{c} AS {_ARRAY_TYPES.get(c, 'text')}[])" for c in _SNAPSHOT_COLUMNS)}
    )
    ON CONFLICT (workspace_id, lead_id) DO UPDATE
    SET {", ".join(f"{c} = excluded.{c}" for c in _SNAPSHOT_COLUMNS[1:])}
    """
)


class RollupRepository(ReportRepository):
    """The rollups of one workspace; `query` (the report's) when reading, none when keeping them."""

    def __init__(self, conn: AsyncConnection, workspace_id: str, query: ReportQuery | None = None) -> None:
        super().__init__(conn, workspace_id, query or ReportQuery(_EPOCH, _EPOCH))
        self.approximated = False  # whether a figure read came from a sketch
        self.ready = True  # whether the rollups are up to the workspace's time zone (see prepare)
        self.zone: tzinfo = UTC
        self.zone_set_at: datetime | None = None
        # SQLite: the leads of the ranges read raw (partial days, or hours), read once per set of
        # ranges (PostgreSQL counts them in the database, `_lead_tallies`): a report split by owner
        # reads whole partial days for its groups, partial hours for its total.
        self._raw: dict[Ranges, list[dict[str, Any]]] = {}
        # Their assignments, moves, rejections: (group, facet, value, count), read once each.
        self._raw_extra: dict[tuple[str, tuple[str, ...] | None, bool, Ranges], list[Tally]] = {}
        # Rollup rows summed, by what `summed` was asked: the owners report reads the moves twice
        # (into the accepted stage, into the won ones).
        self._summed: dict[tuple[Any, ...], list[tuple[str | None, str | None, str, int, float]]] = {}

    async def prepare(self) -> None:
        """The workspace's report time zone, and whether its rollups can be read: a position
        exists and has reached the one a change of zone set (one statement)."""

        def one(column: Any, table: Table) -> Any:
            return select(column).where(table.c.workspace_id == self.workspace_id).scalar_subquery()

        stmt = select(
            func.coalesce(one(report_settings.c.time_zone, report_settings), "UTC").label("zone"),
            one(cursors.c.position, cursors).label("position"),
            one(cursors.c.ready_at, cursors).label("ready_at"),
            one(report_settings.c.updated_at, report_settings).label("set_at"),
        )
        row = (await self.conn.execute(stmt)).mappings().first()
        name = str(row["zone"]) if row is not None else "UTC"
        self.zone_name = name
        self.zone = zone_of(name)
        self.zone_set_at = None if row is None else row["set_at"]
        self.ready = row is not None and row["position"] is not None and row["position"] >= row["ready_at"]

    def _among(self, column: Any, ids: Sequence[str]) -> ColumnElement[bool]:
        """`column` is one of `ids`: on PostgreSQL one array parameter (a list of thousands of
        parameters made each batch of a rebuild take seconds to plan)."""
        return one_of(column, ids, postgres=self.pg)

    # -- what leads add ---------------------------------------------------------------------

    def _lead_rows(self) -> Any:
        wait = self.seconds_between(leads.c.first_touch_at, leads.c.created_at)
        first = leads.c.first_activity_at
        return self.scoped_select(
            leads,
            leads.c.id,
            leads.c.created_at,
            leads.c.source,
            leads.c.owner_id,
            leads.c.utm_campaign,
            leads.c.utm_source,
            leads.c.utm_medium,
            leads.c.stages_mask,
            leads.c.won_amount,
            leads.c.band,
            leads.c.score,
            leads.c.stage,
            wait.label("wait"),
            *(
                func.coalesce(self._within_days(first, leads.c.created_at, d), False).label(f"d{d}")
                for d in (7, 30)
            ),
        )

    async def extras_of(self, lead_ids: Sequence[str]) -> dict[str, list[Extra]]:
        """What happened to these leads after their creation: assignments, moves, rejections."""
        out: dict[str, list[Extra]] = {}
        if not lead_ids:
            return out
        ids = list(lead_ids)
        for a in (
            await self.conn.execute(self._assignment_columns().where(self._among(assignments.c.lead_id, ids)))
        ).mappings():
            out.setdefault(a["lead_id"], []).extend(assignment_extras(dict(a), self.zone))
        for m in (
            await self.conn.execute(self._move_columns().where(self._among(changes.c.lead_id, ids)))
        ).mappings():
            out.setdefault(m["lead_id"], []).extend(move_extras(dict(m), self.zone))
        for e in (
            await self.conn.execute(self._rejection_columns().where(self._among(events.c.lead_id, ids)))
        ).mappings():
            out.setdefault(e["lead_id"], []).append(rejection_extra(dict(e), self.zone))
        return out

    def _assignment_columns(self, *group: Any, between: tuple[datetime, datetime] | None = None) -> Any:
        columns = (
            *group,
            assignments.c.lead_id,
            assignments.c.created_at,
            assignments.c.owner_id,
            assignments.c.sla_policy_id.label("policy_id"),
            assignments.c.sla_state,
            self.seconds_between(assignments.c.touched_at, assignments.c.created_at).label("wait"),
        )
        if between is not None:
            return self._assignment_rows(*columns, between=between)
        return self.scoped_select(assignments, *columns)

    def _move_columns(
        self,
        *group: Any,
        between: tuple[datetime, datetime] | None = None,
        to_stages: Sequence[str] | None = None,
    ) -> Any:
        columns = (
            *group,
            changes.c.lead_id,
            changes.c.at,
            changes.c.from_stage,
            changes.c.to_stage,
            changes.c.by_kind,
            changes.c.by_id,
            leads.c.owner_id.label("lead_owner"),
            self.seconds_between(changes.c.at, changes.c.since).label("stay"),
            self.seconds_between(changes.c.at, leads.c.created_at).label("to_wait"),
        )
        if between is not None:
            return self._moves(*columns, to_stages=to_stages, lead=True, between=between)
        joined = changes.join(
            leads, and_(leads.c.workspace_id == changes.c.workspace_id, leads.c.id == changes.c.lead_id)
        )
        return self.scoped_select(changes, *columns).select_from(joined)

    def _rejection_columns(self, *group: Any, between: tuple[datetime, datetime] | None = None) -> Any:
        columns = (
            *group,
            events.c.lead_id,
            events.c.occurred_at,
            self._json_text(events.c.data, "owner_id").label("owner_id"),
        )
        if between is not None:
            return self.rejections(*columns, between=between)
        return self.scoped_select(events, *columns).where(events.c.type == constant("lead.rejected"))

    async def contributions_of(self, lead_ids: Sequence[str]) -> dict[str, Contribution]:
        """What these leads add now (a lead that no longer exists adds what it left behind: a
        merged duplicate's assignments)."""
        if not lead_ids:
            return {}
        stmt = self._lead_rows().where(self._among(leads.c.id, lead_ids))
        found = {r["id"]: dict(r) for r in (await self.conn.execute(stmt)).mappings()}
        extras = await self.extras_of(lead_ids)
        out: dict[str, Contribution] = {}
        for lead_id in lead_ids:
            if lead_id in found:
                out[lead_id] = contribution(found[lead_id], self.zone, extras.get(lead_id, ()))
            elif (left := gone(extras.get(lead_id, ()))) is not None:
                out[lead_id] = left
        return out

    async def raw_rows(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The report columns of the leads created in [start, end) that pass the report's filters."""
        stmt = self._lead_rows().where(
            *self.lead_filters(), leads.c.created_at >= start, leads.c.created_at < end
        )
        return [dict(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def leads_created(
        self, start: datetime, end: datetime, after: tuple[datetime, str] | None, limit: int
    ) -> list[tuple[str, Contribution, datetime]]:
        """A batch of the workspace's leads created in [start, end), by (created_at, id)."""
        stmt = self._lead_rows().where(leads.c.created_at >= start, leads.c.created_at < end)
        if after is not None:
            # A row comparison: the index's bounds under a generic plan too (an OR of the two
            # columns' conditions made every batch read the range from its start again).
            stmt = stmt.where(tuple_(leads.c.created_at, leads.c.id) > tuple_(*after))
        stmt = stmt.order_by(leads.c.created_at, leads.c.id).limit(limit)
        rows = [dict(r) for r in (await self.conn.execute(stmt)).mappings()]
        extras = await self.extras_of([r["id"] for r in rows])
        return [(r["id"], contribution(r, self.zone, extras.get(r["id"], ())), r["created_at"]) for r in rows]

    async def rebuild_batch(
        self, since: datetime, until: datetime, after: tuple[datetime, str] | None, limit: int
    ) -> tuple[int, tuple[datetime, str] | None]:
        """PostgreSQL: a batch of the leads created in [since, until), by (created_at, id) after
        `after`, made again in SQL: each one's contribution worked out, and for those that differ
        from their snapshot the difference added to the rollup rows and the snapshot replaced. Returns
        the leads in the batch and the last one's (created_at, id)."""
        for statement in _REBUILD_TABLES:
            await self.conn.exec_driver_sql(statement)
        bounds: dict[str, Any] = {"since": since, "until": until, "limit": limit}
        if after is not None:
            bounds.update(after_at=after[0], after_id=after[1])
        await self.conn.execute(
            text(_contributions_sql(after is not None)),
            self.params(**bounds, zone=self.zone_name, multiplier=SKETCH_MULTIPLIER),
        )
        last = (await self.conn.execute(text(_LAST_SQL))).first()
        if last is None:
            return 0, None
        await self.conn.exec_driver_sql("ANALYZE rollup_rebuild")
        await self.conn.execute(text(_CHANGED_SQL), self.params())
        await self.conn.execute(text(_ADD_CHANGED_SQL), self.params())
        await self.conn.execute(text(_SAVE_CHANGED_SQL), self.params())
        return int(last[0]), (last[1], last[2])

    # -- snapshots ----------------------------------------------------------------------------

    async def refresh_statistics(self) -> list[str]:
        """The consumer's tables analysed when they have grown (repository.analyze_grown): it fills
        them from nothing. Their names."""
        return await analyze_grown(self.conn, (snapshots.name, rollups.name))

    async def snapshots_of(self, lead_ids: Sequence[str]) -> dict[str, Contribution]:
        if not lead_ids:
            return {}
        stmt = probed(self.scoped_select(snapshots), snapshots.c.lead_id, lead_ids, postgres=self.pg)
        return {
            r["lead_id"]: Contribution.of_row(dict(r)) for r in (await self.conn.execute(stmt)).mappings()
        }

    async def save_snapshots(self, saved: Mapping[str, Contribution], gone: Sequence[str]) -> None:
        """Each lead's new snapshot (replacing its old one), and none for the `gone` leads."""
        if self.pg:
            await self._save_snapshots_pg(saved, gone)
            return
        stale = sorted({*saved, *gone})
        for i in range(0, len(stale), WRITE_CHUNK):
            chunk = stale[i : i + WRITE_CHUNK]
            await self.conn.execute(self.scoped_delete(snapshots).where(snapshots.c.lead_id.in_(chunk)))
        rows = [{"lead_id": lead_id, **c.as_row()} for lead_id, c in sorted(saved.items())]
        for i in range(0, len(rows), WRITE_CHUNK):
            await self.insert_rows(snapshots, rows[i : i + WRITE_CHUNK])

    async def _save_snapshots_pg(self, saved: Mapping[str, Contribution], gone: Sequence[str]) -> None:
        # Arrays through unnest: one statement per chunk, not a round of the protocol per row.
        if gone:
            await self.conn.execute(
                text(
                    "DELETE FROM rollup_leads "
                    "WHERE workspace_id = :_ws AND lead_id = ANY(CAST(:ids AS text[]))"
                ),
                self.params(ids=sorted(gone)),
            )
        ordered = sorted(saved.items())
        for i in range(0, len(ordered), PG_CHUNK):
            chunk = ordered[i : i + PG_CHUNK]
            columns: dict[str, list[Any]] = {"lead_id": [lead_id for lead_id, _ in chunk]}
            for _, c in chunk:
                for name, value in c.as_row().items():
                    columns.setdefault(name, []).append(value)
            await self.conn.execute(_SAVE_SNAPSHOTS, self.params(**columns))

    # -- rollup rows --------------------------------------------------------------------------

    async def add(self, delta: Delta) -> None:
        """Add each row's counts (rows are created at their first lead)."""
        rows = [
            {
                "workspace_id": self.workspace_id,
                "dimension": dimension,
                "facet": facet,
                "period": period,
                "key": key,
                "value": value,
                "leads": int(counts[0]),
                "amount": counts[1],
            }
            for (dimension, facet, period, key, value), counts in sorted(delta.items())
            if counts[0] or counts[1]
        ]
        if not rows:
            return
        if self.pg:
            for i in range(0, len(rows), PG_CHUNK):
                chunk = rows[i : i + PG_CHUNK]
                columns = {name: [r[name] for r in chunk] for name in (*ROLLUP_KEY[1:], "leads", "amount")}
                await self.conn.execute(_ADD_ROWS, self.params(**columns))
            return
        stmt = sqlite_insert(rollups)
        upsert = stmt.on_conflict_do_update(
            index_elements=list(ROLLUP_KEY),
            set_={
                "leads": rollups.c.leads + stmt.excluded.leads,
                "amount": rollups.c.amount + stmt.excluded.amount,
            },
        )
        for i in range(0, len(rows), WRITE_CHUNK):
            await self.conn.execute(upsert, rows[i : i + WRITE_CHUNK])

    async def summed(
        self,
        dimension: str,
        facet: str,
        months: Sequence[str],
        days: Sequence[str],
        key: str | None,
        *,
        by_period: bool,
        by_key: bool,
        hours: Sequence[str] = (),
    ) -> list[tuple[str | None, str | None, str, int, float]]:
        """(period, key, value, leads, amount) summed over these periods (and this key, if one),
        per period when `by_period` and per key when `by_key` (None in the unsplit columns)."""
        if not months and not days and not hours:
            return []
        asked = (dimension, facet, tuple(months), tuple(days), key, by_period, by_key, tuple(hours))
        if asked in self._summed:
            return self._summed[asked]
        spans: list[ColumnElement[bool]] = []
        if months:
            spans.append(rollups.c.period.in_(list(months)))
        runs = [*period_runs(days), *((hour_period(a), hour_period(b)) for a, b in period_runs(hours))]
        for first, last in runs:
            # A range over consecutive days or hours: the months inside a range of days are left
            # out by their length.
            spans.append(
                and_(
                    rollups.c.period >= first,
                    rollups.c.period <= last,
                    func.length(rollups.c.period) == len(first),
                )
            )
        where: list[ColumnElement[bool]] = [
            self.scope(rollups),
            rollups.c.dimension == dimension,
            rollups.c.facet == facet,
            or_(*spans),
        ]
        if key is not None:
            where.append(rollups.c.key == key)
        period = rollups.c.period if by_period else None
        key_column = rollups.c.key if by_key else None
        groups = [c for c in (period, key_column) if c is not None]
        stmt = (
            select(
                *groups,
                rollups.c.value,
                func.sum(rollups.c.leads).label("n"),
                func.sum(rollups.c.amount).label("a"),
            )
            .where(*where)
            .group_by(*groups, rollups.c.value)
        )
        out: list[tuple[str | None, str | None, str, int, float]] = []
        for row in (await self.conn.execute(stmt)).mappings():
            out.append(
                (
                    row["period"] if by_period else None,
                    row["key"] if by_key else None,
                    row["value"],
                    int(row["n"] or 0),
                    float(row["a"] or 0.0),
                )
            )
        self._summed[asked] = out
        return out

    # -- reports from rollups ------------------------------------------------------------------

    @property
    def reads_rollups(self) -> bool:
        """Whether this report's query can read rollups: not `exact`, no tag filter (tags are not
        a rollup key), and at most one lead key among the filters and the split (rollups are kept
        per key, not per pair of keys). Other queries read the raw rows."""
        q = self.q
        if q.exact or q.tag is not None or not self.ready:
            return False
        keys = [name for name in ("source", "owner_id", "utm_campaign") if getattr(q, name) is not None]
        if q.group_by in DIMENSIONS:
            keys.append(q.group_by)
        return len(keys) <= 1

    async def _facet(
        self,
        facet: str,
        *,
        grouped: bool = True,
        by_value_owner: bool = False,
        raw: RawReader | None = None,
        to_stages: Sequence[str] | None = None,
    ) -> dict[Any, dict[str, list[float]]]:
        """Per group of the report (or for the whole range, unless `grouped`): each value of
        `facet` with its [leads, amount], the whole days from rollups and the partial first and
        last days from the rows themselves (under an hourly dimension: their whole hours from
        rollups, and only the partial hours from the rows): the leads', or what `raw` reads over a
        partial day or hour ((group, facet, value, count) rows), of moves into `to_stages` alone
        when named (the caller keeps only those values). `by_value_owner`: a split by owner is by
        the owner the value names first (an assignment's assignee), not the lead's."""
        q = self.q
        group_by = q.group_by if grouped else None
        unit = group_by if group_by in TIME_BUCKETS else None
        owner_in_value = by_value_owner and group_by == "owner"
        split = None if owner_in_value else DIMENSIONS.get(group_by or "")
        dimension, key = TOTAL, "-"
        for name in ("source", "owner_id", "utm_campaign"):
            if getattr(q, name) is not None:
                dimension, key = DIMENSIONS[name], encode_key(getattr(q, name))
        if split is not None:
            dimension, key = split, None  # type: ignore[assignment]
        if facet in ("asg", "asw") and dimension == TOTAL and not self._reads_lead(LEAD_COLUMNS):
            # Unjoined to their lead, as the rows' computation counts them: merged duplicates'
            # assignments too (key GONE).
            key = None  # type: ignore[assignment]
        if facet == "open":  # a figure of now: no days, no partial ones
            months: Sequence[str] = (NOW,)
            days: Sequence[str] = ()
            hours: Sequence[str] = ()
            raw_ranges: Ranges = ()
        else:
            reading = plan(
                q.start,
                q.end,
                days_only=unit in ("day", "week"),
                zone=self.zone,
                hours=dimension in HOURLY_DIMENSIONS,
            )
            months, days, hours, raw_ranges = reading.months, reading.days, reading.hours, reading.raw
        out: dict[Any, dict[str, list[float]]] = {}

        def count(group: Any, value: str, leads_: int, amount: float) -> None:
            counts = out.setdefault(group, {}).setdefault(value, [0, 0.0])
            counts[0] += leads_
            counts[1] += amount

        rows = await self.summed(
            dimension,
            facet,
            months,
            days,
            key,
            by_period=unit is not None,
            by_key=split is not None,
            hours=hours,
        )
        for period, stored_key, value, leads_, amount in rows:
            if unit is not None and period is not None:
                group: Any = time_bucket(period_day(period), unit)
            elif owner_in_value:
                group = unpack(value)[0]
            else:
                group = decode_key(stored_key) if split is not None and stored_key is not None else None
            count(group, value, leads_, amount)
        if raw is not None:
            stages = None if to_stages is None else tuple(sorted(to_stages))
            cache = (_FAMILY.get(facet, facet), stages, grouped, raw_ranges)
            if cache not in self._raw_extra:
                found: list[Tally] = []
                for between in raw_ranges:
                    found.extend(await raw(between, self._extra_group(facet, group_by), stages))
                self._raw_extra[cache] = found
            for group, found_facet, value, n in self._raw_extra[cache]:
                if found_facet == facet:
                    count(group if group_by is not None else None, value, n, 0.0)
        elif self.pg:
            column = LEAD_COLUMN[split] if split is not None else None
            for group, value, n, amount in await self._lead_tallies(facet, raw_ranges, unit, column):
                count(group, value, n, amount)
        else:
            if raw_ranges not in self._raw:
                self._raw[raw_ranges] = [
                    row for start, end in raw_ranges for row in await self.raw_rows(start, end)
                ]
            column = LEAD_COLUMN[split] if split is not None else None
            for row in self._raw[raw_ranges]:
                if unit is not None:
                    group = time_bucket(day_of(row["created_at"], self.zone), unit)
                else:
                    group = row[column] if column is not None else None
                amount = float(row["won_amount"] or 0.0) if facet == "mask" else 0.0
                count(group, facet_value(row, facet), 1, amount)
        # A row taken back to 0 (its leads changed since) is no figure; nor is a group without one.
        kept = {g: {v: c for v, c in values.items() if c[0]} for g, values in out.items()}
        return {g: values for g, values in kept.items() if values}

    async def _lead_tallies(
        self, facet: str, ranges: Ranges, unit: str | None, column: str | None
    ) -> list[tuple[Any, str, int, float]]:
        """PostgreSQL: the leads created in these ranges that pass the report's filters, counted
        per (group, value of `facet`) with their won amounts, in one statement: per its time bucket
        (`unit`), its `column`, or none. As `facet_value` over the rows read into the process
        (SQLite's way), at a row per lead; this is a row per distinct value."""
        if not ranges:
            return []
        if unit is not None:
            group: ColumnElement[Any] = self._bucket(leads.c.created_at, unit)
        elif column is not None:
            group = leads.c[column]
        else:
            group = null()
        within = or_(*(and_(leads.c.created_at >= start, leads.c.created_at < end) for start, end in ranges))
        found = self._lead_rows().add_columns(group.label("g")).where(*self.lead_filters(), within).cte("l")
        value: ColumnElement[str] = literal_column(_RAW_LEAD_FACETS[facet])
        stmt = select(
            found.c.g, value.label("value"), func.count().label("n"), func.sum(found.c.won_amount).label("a")
        ).group_by(found.c.g, value)
        return [
            (row.g, row.value, int(row.n), float(row.a or 0.0) if facet == "mask" else 0.0)
            for row in await self.conn.execute(stmt)
        ]

    def _extra_group(self, facet: str, group_by: str | None) -> Group:
        """The exact computation's group expression for a partial day's rows of this facet."""
        if facet in ("asg", "asw"):
            return self.dimension(group_by, at=assignments.c.created_at, owner=assignments.c.owner_id)
        if facet in ("stay", "to", "mv"):
            return self.dimension(group_by, at=changes.c.at, owner=leads.c.owner_id)
        return None

    async def _raw_assignments(
        self, between: tuple[datetime, datetime], group: Group, _stages: tuple[str, ...] | None
    ) -> list[Tally]:
        stmt = self._assignment_columns(self._g(group), between=between)
        if self.pg:
            return await self._tallied(stmt, "assignments")
        return _tally(
            (a["g"], facet, value)
            for a in (await self.conn.execute(stmt)).mappings()
            for facet, _, value in assignment_extras(dict(a), self.zone)
        )

    async def _raw_moves(
        self, between: tuple[datetime, datetime], group: Group, to_stages: tuple[str, ...] | None
    ) -> list[Tally]:
        """Moves (into `to_stages`) with their lead: where they went, who made them, the lead's
        owner and age (the stays they ended are `_raw_stays`')."""
        stmt = self._move_columns(self._g(group), between=between, to_stages=to_stages)
        if self.pg:
            return await self._tallied(stmt, "moves")
        return _tally(
            (m["g"], facet, value)
            for m in (await self.conn.execute(stmt)).mappings()
            for facet, _, value in move_extras(dict(m), self.zone)
            if facet != "stay"
        )

    async def _raw_stays(
        self, between: tuple[datetime, datetime], group: Group, _stages: tuple[str, ...] | None
    ) -> list[Tally]:
        """The stays the moves ended, from the moves alone (joined to their lead only to filter or
        split by it, as the exact computation reads them): a range of the moves' index, not a probe
        of the leads per move."""
        stay = self.seconds_between(changes.c.at, changes.c.since).label("stay")
        stmt = self._moves(self._g(group), changes.c.from_stage, stay, between=between)
        if self.pg:
            return await self._tallied(stmt, "stays")
        return _tally(
            (m["g"], "stay", stay_value(m["from_stage"], float(m["stay"])))
            for m in (await self.conn.execute(stmt)).mappings()
            if m["stay"] is not None
        )

    async def _raw_rejections(
        self, between: tuple[datetime, datetime], group: Group, _stages: tuple[str, ...] | None
    ) -> list[Tally]:
        stmt = self._rejection_columns(self._g(group), between=between)
        if self.pg:
            return await self._tallied(stmt, "rejections")
        tallied = []
        for e in (await self.conn.execute(stmt)).mappings():
            facet, _, value = rejection_extra(dict(e), self.zone)
            tallied.append((e["g"], facet, value))
        return _tally(tallied)

    async def _tallied(self, rows: Select[Any], family: str) -> list[Tally]:
        """PostgreSQL: `rows` (a partial day's or hour's assignments, moves or rejections, each
        with its group g) counted per (group, facet, value) in the database, the values packed by
        the rebuild's SQL (`_RAW_FACETS`), so what leaves the database is a row per distinct value,
        not a row per move: an hour of ten million leads a year holds over a thousand."""
        found = rows.cte("r")
        parts = [
            select(found.c.g, constant(facet).label("facet"), literal_column(value).label("value")).where(
                *(() if present is None else (found.c[present].is_not(None),))
            )
            for facet, value, present in _RAW_FACETS[family]
        ]
        facets = union_all(*parts).subquery("f")
        stmt = select(facets.c.g, facets.c.facet, facets.c.value, func.count().label("n")).group_by(
            facets.c.g, facets.c.facet, facets.c.value
        )
        return [(row.g, row.facet, row.value, int(row.n)) for row in await self.conn.execute(stmt)]

    # -- assignments, moves, owners from rollups -------------------------------------------------

    async def rollup_assignment_figures(
        self, *, grouped: bool, keys: Sequence[str] = ("g",), spread_: bool = True
    ) -> Keyed:
        """As `assignment_figures`: per group (`grouped`), or per owner_id, or per (policy_id,
        owner_id); the counts exact, the percentiles from the merged sketches."""

        def key_of(group: Any, owner: Any, policy: Any) -> Any:
            if tuple(keys) == ("owner_id",):
                return owner
            if tuple(keys) == ("policy_id", "owner_id"):
                return (policy, owner)
            return group

        by_group = grouped and tuple(keys) == ("g",)
        out: Keyed = {}
        for g, values in (
            await self._facet("asg", grouped=by_group, by_value_owner=True, raw=self._raw_assignments)
        ).items():
            for value, (n, _) in values.items():
                owner, policy, state, speed = unpack(value)
                row = out.setdefault(
                    key_of(g, owner, policy),
                    dict.fromkeys(_ASSIGNMENT_COUNTS, 0),
                )
                n = int(n)
                row["assignments"] += n
                row["touched"] += n if speed != "n" else 0
                row["within_5m"] += n if speed == "5" else 0
                row["within_1h"] += n if speed in ("5", "h") else 0
                row["covered"] += n if policy is not None else 0
                if state in ("met", "breached", "running", "stopped"):
                    row[state] += n
        if spread_ and tuple(keys) != ("policy_id", "owner_id"):
            self.approximated = True
            buckets: dict[Any, dict[tuple[int, int], int]] = {}
            for g, values in (
                await self._facet("asw", grouped=by_group, by_value_owner=True, raw=self._raw_assignments)
            ).items():
                for value, (n, _) in values.items():
                    owner, sign, key = unpack(value)
                    per = buckets.setdefault(key_of(g, owner, None), {})
                    per[(sign, key)] = per.get((sign, key), 0) + int(n)
            for k, per in buckets.items():
                out.setdefault(k, {}).update(spread(per))
        return out

    async def rollup_stage_stays(self, *, grouped: bool) -> Keyed:
        """As `stage_stays`: per (group, from-stage), the stays' spread from the sketches."""
        self.approximated = True
        buckets: dict[Any, dict[tuple[int, int], int]] = {}
        for g, values in (await self._facet("stay", grouped=grouped, raw=self._raw_stays)).items():
            for value, (n, _) in values.items():
                stage, sign, key = unpack(value)
                per = buckets.setdefault((g, stage), {})
                per[(sign, key)] = per.get((sign, key), 0) + int(n)
        return {k: spread(per) for k, per in buckets.items()}

    async def rollup_time_to_won(self, won: Sequence[str], *, grouped: bool) -> Keyed:
        """As `time_to_won`, from the sketches of the moves into the won stages."""
        self.approximated = True
        buckets: dict[Any, dict[tuple[int, int], int]] = {}
        for g, values in (
            await self._facet("to", grouped=grouped, raw=self._raw_moves, to_stages=won)
        ).items():
            for value, (n, _) in values.items():
                stage, sign, key = unpack(value)
                if stage in won:
                    per = buckets.setdefault(g, {})
                    per[(sign, key)] = per.get((sign, key), 0) + int(n)
        return {k: spread(per) for k, per in buckets.items()}

    async def rollup_moves_by_owner(self, to_stages: Sequence[str], *, by_owner: bool) -> dict[Any, int]:
        """As `moves_by_owner`: moves into `to_stages`, per the owner who made them or the lead's."""
        out: dict[Any, int] = {}
        for values in (
            await self._facet("mv", grouped=False, raw=self._raw_moves, to_stages=to_stages)
        ).values():
            for value, (n, _) in values.items():
                stage, maker, lead_owner = unpack(value)
                if stage not in to_stages or (by_owner and maker is None):
                    continue
                k = maker if by_owner else lead_owner
                out[k] = out.get(k, 0) + int(n)
        return out

    async def rollup_rejections_by_owner(self) -> dict[Any, int]:
        out: dict[Any, int] = {}
        for values in (await self._facet("rej", grouped=False, raw=self._raw_rejections)).values():
            for value, (n, _) in values.items():
                (owner,) = unpack(value)
                out[owner] = out.get(owner, 0) + int(n)
        return out

    async def rollup_open_leads_by_owner(self, open_stages: Sequence[str]) -> dict[Any, int]:
        out: dict[Any, int] = {}
        for values in (await self._facet("open", grouped=False)).values():
            for value, (n, _) in values.items():
                owner, stage = unpack(value)
                if stage in open_stages:
                    out[owner] = out.get(owner, 0) + int(n)
        return out

    async def rollup_stage_masks(self) -> dict[Any, dict[int, tuple[int, float]]]:
        """As `stage_masks`, from rollups."""
        found = await self._facet("mask")
        return {
            g: {int(mask): (int(c[0]), round(c[1], 2)) for mask, c in values.items()}
            for g, values in found.items()
        }

    async def rollup_touches(self, *, grouped: bool) -> Keyed:
        """As `touches`, from rollups: the counts exact, the percentiles from the merged sketches."""
        self.approximated = True
        out: Keyed = {}
        for g, values in (await self._facet("touch", grouped=grouped)).items():
            figures = {"leads": 0, "touched": 0, "within_5m": 0, "within_1h": 0}
            buckets: dict[tuple[int, int], int] = {}
            for value, (n, _) in values.items():
                speed, sign, key = unpack(value)
                figures["leads"] += int(n)
                if speed == "n":
                    continue
                figures["touched"] += int(n)
                figures["within_5m"] += int(n) if speed == "5" else 0
                figures["within_1h"] += int(n) if speed in ("5", "h") else 0
                buckets[(sign, key)] = buckets.get((sign, key), 0) + int(n)
            out[g] = {
                **figures,
                "n": figures["touched"],
                "p50": quantile(buckets, 0.5),
                "p90": quantile(buckets, 0.9),
            }
        return out

    async def rollup_score_bands(self, won: Sequence[str]) -> Keyed:
        """As `score_bands`, from rollups."""
        out: Keyed = {}
        for g, values in (await self._facet("score")).items():
            for value, (n, _) in values.items():
                band, bucket, stage = unpack(value)
                row = out.setdefault((g, band, bucket), {"leads": 0, "customers": 0})
                row["leads"] += int(n)
                row["customers"] += int(n) if stage in won else 0
        return out

    async def rollup_activation(self) -> Keyed:
        """As `activation` (over 7 and 30 days), from rollups."""
        out: Keyed = {}
        for g, values in (await self._facet("active")).items():
            row = out.setdefault(g, {"leads": 0, "d7": 0, "d30": 0})
            for value, (n, _) in values.items():
                d7, d30 = unpack(value)
                row["leads"] += int(n)
                row["d7"] += int(n) * d7
                row["d30"] += int(n) * d30
        return out

    # -- settings -------------------------------------------------------------------------------

    async def settings(self) -> dict[str, Any]:
        """The time zone (UTC unless set), when it was set, and whether reports read rollups."""
        await self.prepare()
        return {"time_zone": self.zone_name, "rollups_ready": self.ready, "updated_at": self.zone_set_at}

    async def save_time_zone(self, name: str, now: datetime) -> None:
        """A new zone: every day the rollups count moves, so the consumer goes through the log again
        from its start (each event re-reads its lead, so the lead's contribution moves to its new
        days), and reports read the rows until it has reached where the log is now."""
        await self.prepare()
        if name == self.zone_name:
            return
        await self.upsert_settings(report_settings, {"time_zone": name, "updated_at": now})
        last = (
            select(sequences.c.last_seq)
            .where(sequences.c.workspace_id == self.workspace_id)
            .scalar_subquery()
        )
        await self.conn.execute(
            self.scoped_update(cursors).values(position=0, ready_at=func.coalesce(last, 0), updated_at=now)
        )

    # -- the consumer's position --------------------------------------------------------------

    async def feed(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Numbered events after `after`: their sequence, lead, and the lead a merge took in."""
        merged = self._json_text(events.c.data, "merged_lead_id")
        stmt = (
            self.scoped_select(events, events.c.seq, events.c.type, events.c.lead_id, merged.label("merged"))
            .where(events.c.seq > after)
            .order_by(events.c.seq)
            .limit(limit)
        )
        return [dict(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def move_cursor(self, position: int, now: datetime) -> None:
        await self.conn.execute(self.scoped_update(cursors).values(position=position, updated_at=now))

    async def ensure_cursor(self, now: datetime) -> None:
        if (await self.conn.execute(self.scoped_select(cursors, cursors.c.position))).first() is None:
            await self.insert_row(cursors, {"position": 0, "updated_at": now})


# -- the set-based rebuild (PostgreSQL) -----------------------------------------------------------
#
# What `contribution` and `rows_of` work out lead by lead in Python, written as SQL so a rebuild
# never reads a lead's rows into the process: the snapshot columns packed as `_pack` (json.dumps
# with no spaces) writes them, and the rollup rows a snapshot adds summed with GROUP BY. The packed
# values hold identifiers and stage keys (ASCII), which to_json writes as json.dumps does. A sketch
# key is DDSketch's logarithmic mapping, ceil(log(v) / log(2) * multiplier), on the same doubles and
# the same libm, so it falls in the same bucket.


def _j(expr: str) -> str:
    """A value packed as JSON (null for NULL)."""
    return f"COALESCE(CAST(to_json(CAST({expr} AS text)) AS text), 'null')"


def _packed(*parts: str) -> str:
    return "'[' || " + " || ',' || ".join(parts) + " || ']'"


def _hour(at: str) -> str:
    """hour_of in SQL: the local hour 'YYYY-MM-DDTHH'."""
    return f"to_char({at} AT TIME ZONE CAST(:zone AS text), 'YYYY-MM-DD\"T\"HH24')"


def _key(column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN '-' ELSE '=' || {column} END"


def _seconds(later: str, earlier: str) -> str:
    return f"CAST(extract(epoch FROM {later} - {earlier}) AS double precision)"


def _speed(wait: str) -> str:
    return (
        f"CASE WHEN {wait} IS NULL THEN 'n' WHEN {wait} <= {FAST_SECONDS} THEN '5' "
        f"WHEN {wait} <= {HOUR_SECONDS} THEN 'h' ELSE 'l' END"
    )


def _sketch(wait: str, multiplier: str = ":multiplier") -> str:
    """A duration's (sign, key) as `sign,key` (see sketch_key)."""

    def key(v: str) -> str:
        return (
            f"CAST(CAST(ceil(ln({v}) / ln(CAST(2 AS double precision))"
            f" * CAST({multiplier} AS double precision)) AS bigint) AS text)"
        )

    return (
        f"CASE WHEN {wait} > 0 THEN '1,' || {key(wait)} "
        f"WHEN {wait} < 0 THEN '-1,' || {key('-' + wait)} ELSE '0,0' END"
    )


# What a partial range's assignments, moves and rejections add (assignment_extras, move_extras,
# rejection_extra): per family, (facet, its value as SQL over the rows `r`, the column a row needs
# non-null to add to it).
# The multiplier is written in: these run in statements SQLAlchemy builds, where `:name` is no
# parameter; Python's repr of a float reads back as the same double.
_MULTIPLIER = repr(SKETCH_MULTIPLIER)
_RAW_FACETS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "assignments": (
        ("asg", _packed(_j("r.owner_id"), _j("r.policy_id"), _j("r.sla_state"), _j(_speed("r.wait"))), None),
        ("asw", _packed(_j("r.owner_id"), _sketch("r.wait", _MULTIPLIER)), "wait"),
    ),
    "moves": (
        (
            "mv",
            _packed(
                _j("r.to_stage"), _j("CASE WHEN r.by_kind = 'owner' THEN r.by_id END"), _j("r.lead_owner")
            ),
            None,
        ),
        ("to", _packed(_j("r.to_stage"), _sketch("r.to_wait", _MULTIPLIER)), "to_wait"),
    ),
    "stays": (("stay", _packed(_j("r.from_stage"), _sketch("r.stay", _MULTIPLIER)), "stay"),),
    "rejections": (("rej", _packed(_j("r.owner_id")), None),),
}

_SNAPSHOT_VALUES = ("hour", "source", "owner", "utm_campaign", "utm_source", "utm_medium", "mask", "amount",
                    "score", "touch", "active", "extra")  # fmt: skip


def _columns(prefix: str = "") -> str:
    return ", ".join(
        f"{prefix}{c} {'double precision' if c == 'amount' else 'text'}" for c in _SNAPSHOT_VALUES
    )


_REBUILD_TABLES = (
    # A batch's aggregates fit in memory, and plans this size are not worth compiling (JIT).
    "SET LOCAL work_mem = '64MB'",
    "SET LOCAL jit = off",
    f"CREATE TEMP TABLE IF NOT EXISTS rollup_rebuild (lead_id text, created_at timestamptz, {_columns()}) "
    "ON COMMIT DROP",
    "CREATE TEMP TABLE IF NOT EXISTS rollup_rebuild_changed "
    f"(lead_id text, known boolean, {_columns()}, {_columns('old_')}) ON COMMIT DROP",
    "TRUNCATE rollup_rebuild, rollup_rebuild_changed",
)


# score_bucket: tens, 90-100 the last.
_SCORE_BUCKET = (
    "CASE WHEN l.score IS NULL THEN 'null' WHEN l.score >= 90 THEN '9' "
    "ELSE CAST(CAST(floor(l.score / 10.0) AS integer) AS text) END"
)


def _lead_facets(multiplier: str) -> dict[str, str]:
    """facet_value in SQL: each facet of a lead as SQL over its report columns `l` (as the rebuild
    and `_lead_rows` name them)."""
    return {
        "mask": "CAST(COALESCE(l.stages_mask, 0) AS text)",
        "score": _packed(_j("l.band"), _SCORE_BUCKET, _j("l.stage")),
        "touch": "CASE WHEN l.wait IS NULL THEN '[\"n\",0,0]' "
        f"ELSE {_packed(_j(_speed('l.wait')), _sketch('l.wait', multiplier))} END",
        "active": _packed("CASE WHEN l.d7 THEN '1' ELSE '0' END", "CASE WHEN l.d30 THEN '1' ELSE '0' END"),
    }


_REBUILD_FACETS = _lead_facets(":multiplier")
_RAW_LEAD_FACETS = _lead_facets(_MULTIPLIER)


def _contributions_sql(after: bool) -> str:
    """A batch of leads created in [:since, :until) (after (:after_at, :after_id) when `after`), by
    (created_at, id), and what each adds now: `contribution`'s columns, extras included."""
    keyset = "AND (created_at, id) > (CAST(:after_at AS timestamptz), CAST(:after_id AS text))"
    return f"""
    INSERT INTO rollup_rebuild
    WITH l AS MATERIALIZED (
        SELECT id, created_at, source, owner_id, utm_campaign, utm_source, utm_medium, stages_mask,
               won_amount, band, score, stage,
               {_seconds("first_touch_at", "created_at")} AS wait,
               first_activity_at <= created_at + interval '7 days' AS d7,
               first_activity_at <= created_at + interval '30 days' AS d30
        FROM leads
        WHERE workspace_id = :_ws AND created_at >= :since AND created_at < :until {keyset if after else ""}
        ORDER BY created_at, id
        LIMIT :limit
    ),
    a AS (
        SELECT a.lead_id, a.created_at, a.owner_id, a.sla_policy_id, a.sla_state,
               {_seconds("a.touched_at", "a.created_at")} AS wait
        FROM assignments AS a JOIN l ON l.id = a.lead_id
        WHERE a.workspace_id = :_ws
    ),
    m AS (
        SELECT c.lead_id, c.at, c.from_stage, c.to_stage,
               CASE WHEN c.by_kind = 'owner' THEN c.by_id END AS by_owner, l.owner_id AS lead_owner,
               {_seconds("c.at", "c.since")} AS stay, {_seconds("c.at", "l.created_at")} AS to_wait
        FROM stage_changes AS c JOIN l ON l.id = c.lead_id
        WHERE c.workspace_id = :_ws
    ),
    x (lead_id, facet, hour, value) AS (
        SELECT lead_id, 'asg', {_hour("created_at")},
               {_packed(_j("owner_id"), _j("sla_policy_id"), _j("sla_state"), _j(_speed("wait")))}
        FROM a
        UNION ALL
        SELECT lead_id, 'asw', {_hour("created_at")}, {_packed(_j("owner_id"), _sketch("wait"))}
        FROM a WHERE wait IS NOT NULL
        UNION ALL
        SELECT lead_id, 'mv', {_hour("at")}, {_packed(_j("to_stage"), _j("by_owner"), _j("lead_owner"))}
        FROM m
        UNION ALL
        SELECT lead_id, 'stay', {_hour("at")}, {_packed(_j("from_stage"), _sketch("stay"))}
        FROM m WHERE stay IS NOT NULL
        UNION ALL
        SELECT lead_id, 'to', {_hour("at")}, {_packed(_j("to_stage"), _sketch("to_wait"))}
        FROM m WHERE to_wait IS NOT NULL
        UNION ALL
        SELECT e.lead_id, 'rej', {_hour("e.occurred_at")}, {_packed(_j("e.data ->> 'owner_id'"))}
        FROM events AS e JOIN l ON l.id = e.lead_id
        WHERE e.workspace_id = :_ws AND e.type = 'lead.rejected'
        UNION ALL
        SELECT id, 'open', '{NOW}', {_packed(_j("owner_id"), _j("stage"))}
        FROM l WHERE owner_id IS NOT NULL
    ),
    xs AS (
        SELECT lead_id,
               '[' || string_agg(
                   {_packed(_j("facet"), _j("hour"), _j("value"))}, ','
                   ORDER BY facet COLLATE "C", hour COLLATE "C", value COLLATE "C"
               ) || ']' AS extra
        FROM x GROUP BY lead_id
    )
    SELECT l.id, l.created_at, {_hour("l.created_at")},
           {_key("l.source")}, {_key("l.owner_id")}, {_key("l.utm_campaign")}, {_key("l.utm_source")},
           {_key("l.utm_medium")},
           {_REBUILD_FACETS["mask"]},
           CAST(COALESCE(l.won_amount, 0) AS double precision),
           {_REBUILD_FACETS["score"]},
           {_REBUILD_FACETS["touch"]},
           {_REBUILD_FACETS["active"]},
           COALESCE(xs.extra, '[]')
    FROM l LEFT JOIN xs ON xs.lead_id = l.id
    """


_CHANGED_SQL = f"""
    INSERT INTO rollup_rebuild_changed
    SELECT n.lead_id, o.lead_id IS NOT NULL, {", ".join(f"n.{c}" for c in _SNAPSHOT_VALUES)},
           {", ".join(f"o.{c}" for c in _SNAPSHOT_VALUES)}
    FROM rollup_rebuild AS n
    LEFT JOIN rollup_leads AS o ON o.workspace_id = :_ws AND o.lead_id = n.lead_id
    WHERE o.lead_id IS NULL
       OR ({", ".join(f"n.{c}" for c in _SNAPSHOT_VALUES)})
          IS DISTINCT FROM ({", ".join(f"o.{c}" for c in _SNAPSHOT_VALUES)})
    """
# The rollup rows of the new snapshots (+1) and the old ones (-1): first per lead hour, keys, facet
# and value (leads of an hour share most), then spread over the periods (the hour under the hourly
# dimensions alone) and the six dimensions;
# written in the primary key's order, as `add` sorts them, so each insert lands beside the last.
_HOURLY_SQL = ", ".join(f"'{dimension}'" for dimension in HOURLY_DIMENSIONS)
_DIMENSIONS_SQL = ", ".join(
    ["('', CASE WHEN f.lhour = '' THEN 'x' ELSE '-' END)", *(f"('{c}', f.{c})" for c in KEY_COLUMNS)]
)
_ADD_CHANGED_SQL = f"""
    INSERT INTO report_rollups (workspace_id, dimension, facet, period, key, value, leads, amount)
    SELECT :_ws, d.dimension, f.facet, p.period, d.key, f.value, sum(f.n), sum(f.a)
    FROM (
        SELECT s.hour AS lhour, {", ".join(f"s.{c}" for c in KEY_COLUMNS)}, r.facet, r.hour, r.value,
               sum(s.sign) AS n, sum(s.sign * r.amount) AS a
        FROM (
            SELECT 1 AS sign, {", ".join(_SNAPSHOT_VALUES)} FROM rollup_rebuild_changed
            UNION ALL
            SELECT -1, {", ".join(f"old_{c}" for c in _SNAPSHOT_VALUES)}
            FROM rollup_rebuild_changed WHERE known
        ) AS s
        CROSS JOIN LATERAL (
            SELECT 'mask', s.hour, s.mask, s.amount WHERE s.hour <> ''
            UNION ALL SELECT 'score', s.hour, s.score, CAST(0 AS double precision) WHERE s.hour <> ''
            UNION ALL SELECT 'touch', s.hour, s.touch, CAST(0 AS double precision) WHERE s.hour <> ''
            UNION ALL SELECT 'active', s.hour, s.active, CAST(0 AS double precision) WHERE s.hour <> ''
            UNION ALL SELECT e ->> 0, e ->> 1, e ->> 2, CAST(0 AS double precision)
            FROM json_array_elements(CAST(s.extra AS json)) AS e
        ) AS r (facet, hour, value, amount)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ) AS f
    CROSS JOIN LATERAL (
        VALUES (CASE WHEN f.hour <> '{NOW}' THEN '{HOUR_PREFIX}' || f.hour ELSE f.hour END),
               (CASE WHEN f.hour <> '{NOW}' THEN left(f.hour, 10) END),
               (CASE WHEN f.hour <> '{NOW}' THEN left(f.hour, 7) END)
    ) AS p (period)
    CROSS JOIN LATERAL (VALUES {_DIMENSIONS_SQL}) AS d (dimension, key)
    WHERE p.period IS NOT NULL AND (f.lhour <> '' OR d.dimension = '')
      AND (p.period NOT LIKE '{HOUR_PREFIX}%' OR d.dimension IN ({_HOURLY_SQL}))
    GROUP BY d.dimension, f.facet, p.period, d.key, f.value
    HAVING sum(f.n) <> 0 OR sum(f.a) <> 0
    ORDER BY d.dimension, f.facet, p.period, d.key, f.value
    ON CONFLICT (workspace_id, dimension, facet, period, key, value) DO UPDATE
    SET leads = report_rollups.leads + excluded.leads, amount = report_rollups.amount + excluded.amount
    """
_SAVE_CHANGED_SQL = f"""
    INSERT INTO rollup_leads (workspace_id, lead_id, {", ".join(_SNAPSHOT_VALUES)})
    SELECT :_ws, lead_id, {", ".join(_SNAPSHOT_VALUES)} FROM rollup_rebuild_changed ORDER BY lead_id
    ON CONFLICT (workspace_id, lead_id) DO UPDATE
    SET {", ".join(f"{c} = excluded.{c}" for c in _SNAPSHOT_VALUES)}
    """
_LAST_SQL = (
    "SELECT (SELECT count(*) FROM rollup_rebuild) AS n, created_at, lead_id FROM rollup_rebuild "
    "ORDER BY created_at DESC, lead_id DESC LIMIT 1"
)


def period_runs(periods: Sequence[str]) -> list[tuple[str, str]]:
    """Sorted ISO days ('2026-03-04') or local hours ('2026-03-04T05') as runs of consecutive ones
    (first, last): a range's days outside its whole months are two runs at most, and so are the
    hours of its partial days."""
    runs: list[tuple[str, str]] = []
    for period in periods:
        step = timedelta(hours=1) if len(period) > 10 else timedelta(days=1)
        if runs and datetime.fromisoformat(runs[-1][1]) + step == datetime.fromisoformat(period):
            runs[-1] = (runs[-1][0], period)
        else:
            runs.append((period, period))
    return runs


def missing_cursors_statement(now: datetime, dialect: str) -> Any:
    """Start a position for every workspace with numbered events and none yet: 0, so the rollups
    take in the whole log (each event re-reads its lead, so going over old events is harmless)."""
    has_cursor = select(cursors.c.workspace_id).where(cursors.c.workspace_id == sequences.c.workspace_id)
    missing = select(sequences.c.workspace_id, literal(0, BigInteger), literal(now, UTCDateTime)).where(
        ~has_cursor.exists()
    )
    into = (pg_insert if dialect == "postgresql" else sqlite_insert)(cursors)
    # Two workers may start the same workspace at once: the second finds it started.
    return into.from_select(["workspace_id", "position", "updated_at"], missing).on_conflict_do_nothing()


__all__ = ["KEY_COLUMNS", "RollupRepository", "cursors", "rollups", "snapshots"]
