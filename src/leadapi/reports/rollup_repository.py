"""The rollups' SQL: what leads add to them (computed by the exact reports' own expressions), the
snapshots of what each lead last added, the rollup rows summed per period and key, and the
consumer's position.

Reads scan the primary key (workspace, dimension, facet, period range); writes add to rows with
INSERT ... ON CONFLICT DO UPDATE, so a batch of events is a handful of statements whatever it holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import BigInteger, ColumnElement, Table, and_, func, literal, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import UTCDateTime
from leadapi.events.models import Event, EventSequence
from leadapi.reports.engine import TIME_BUCKETS, ReportQuery
from leadapi.reports.models import ReportRollup, RollupCursor, RollupLead
from leadapi.reports.repository import Keyed, ReportRepository, leads
from leadapi.reports.rollup_engine import (
    DIMENSIONS,
    KEY_COLUMNS,
    LEAD_COLUMN,
    TOTAL,
    Contribution,
    Delta,
    contribution,
    day_of,
    decode_key,
    encode_key,
    facet_value,
    plan,
    quantile,
    time_bucket,
    unpack,
)

rollups = cast(Table, ReportRollup.__table__)
snapshots = cast(Table, RollupLead.__table__)
cursors = cast(Table, RollupCursor.__table__)
events = cast(Table, Event.__table__)
sequences = cast(Table, EventSequence.__table__)

ROLLUP_KEY = ("workspace_id", "dimension", "facet", "period", "key", "value")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
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
    "lead_id", "day", "source", "owner", "utm_campaign", "utm_source", "utm_medium", "mask", "amount",
    "score", "touch", "active",
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
        self._raw: list[dict[str, Any]] | None = None  # the partial days' leads, read once

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

    async def contributions_of(self, lead_ids: Sequence[str]) -> dict[str, Contribution]:
        """What these leads add now (a lead that no longer exists adds nothing)."""
        if not lead_ids:
            return {}
        stmt = self._lead_rows().where(leads.c.id.in_(list(lead_ids)))
        return {r["id"]: contribution(dict(r)) for r in (await self.conn.execute(stmt)).mappings()}

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
        rows = (await self.conn.execute(stmt)).mappings()
        return [(r["id"], contribution(dict(r)), r["created_at"]) for r in rows]

    # -- snapshots ----------------------------------------------------------------------------

    async def snapshots_of(self, lead_ids: Sequence[str]) -> dict[str, Contribution]:
        if not lead_ids:
            return {}
        stmt = self.scoped_select(snapshots).where(snapshots.c.lead_id.in_(list(lead_ids)))
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

    async def forget_days(self, first_day: str, end_day: str) -> None:
        """The snapshots and rollup rows of the whole months in [first_day, end_day) (a rebuild
        goes over whole months: both days are firsts of a month)."""
        await self.conn.execute(
            self.scoped_delete(snapshots).where(snapshots.c.day >= first_day, snapshots.c.day < end_day)
        )
        # A month's day periods sort after it and before the next month ('2026-03' < '2026-03-01'
        # < '2026-04'): one range of periods takes both.
        await self.conn.execute(
            self.scoped_delete(rollups).where(
                rollups.c.period >= first_day[:7], rollups.c.period < end_day[:7]
            )
        )

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
    ) -> list[tuple[str | None, str | None, str, int, float]]:
        """(period, key, value, leads, amount) summed over these periods (and this key, if one),
        per period when `by_period` and per key when `by_key` (None in the unsplit columns)."""
        if not months and not days:
            return []
        spans: list[ColumnElement[bool]] = []
        if months:
            spans.append(rollups.c.period.in_(list(months)))
        for first, last in day_runs(days):
            # A range over consecutive days: the months inside it are left out by their length.
            spans.append(
                and_(rollups.c.period >= first, rollups.c.period <= last, func.length(rollups.c.period) == 10)
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
        return out

    # -- reports from rollups ------------------------------------------------------------------

    @property
    def reads_rollups(self) -> bool:
        """Whether this report's query can read rollups: not `exact`, no tag filter (tags are not
        a rollup key), and at most one lead key among the filters and the split (rollups are kept
        per key, not per pair of keys). Other queries read the raw rows."""
        q = self.q
        if q.exact or q.tag is not None:
            return False
        keys = [name for name in ("source", "owner_id", "utm_campaign") if getattr(q, name) is not None]
        if q.group_by in DIMENSIONS:
            keys.append(q.group_by)
        return len(keys) <= 1

    async def _facet(self, facet: str, *, grouped: bool = True) -> dict[Any, dict[str, list[float]]]:
        """Per group of the report (or for the whole range, unless `grouped`): each value of
        `facet` with its [leads, amount], the whole days from rollups and the partial first and
        last days from the leads themselves."""
        q = self.q
        group_by = q.group_by if grouped else None
        unit = group_by if group_by in TIME_BUCKETS else None
        split = DIMENSIONS.get(group_by or "")
        dimension, key = TOTAL, "-"
        for name in ("source", "owner_id", "utm_campaign"):
            if getattr(q, name) is not None:
                dimension, key = DIMENSIONS[name], encode_key(getattr(q, name))
        if split is not None:
            dimension, key = split, None  # type: ignore[assignment]
        reading = plan(q.start, q.end, days_only=unit in ("day", "week"))
        out: dict[Any, dict[str, list[float]]] = {}

        def count(group: Any, value: str, leads_: int, amount: float) -> None:
            counts = out.setdefault(group, {}).setdefault(value, [0, 0.0])
            counts[0] += leads_
            counts[1] += amount

        rows = await self.summed(
            dimension,
            facet,
            reading.months,
            reading.days,
            key,
            by_period=unit is not None,
            by_key=split is not None,
        )
        for period, stored_key, value, leads_, amount in rows:
            if unit is not None and period is not None:
                group: Any = time_bucket(period if len(period) == 10 else f"{period}-01", unit)
            else:
                group = decode_key(stored_key) if split is not None and stored_key is not None else None
            count(group, value, leads_, amount)
        if self._raw is None:
            self._raw = [row for start, end in reading.raw for row in await self.raw_rows(start, end)]
        column = LEAD_COLUMN[split] if split is not None else None
        for row in self._raw:
            if unit is not None:
                group = time_bucket(day_of(row["created_at"]), unit)
            else:
                group = row[column] if column is not None else None
            amount = float(row["won_amount"] or 0.0) if facet == "mask" else 0.0
            count(group, facet_value(row, facet), 1, amount)
        # A row taken back to 0 (its leads changed since) is no figure; nor is a group without one.
        kept = {g: {v: c for v, c in values.items() if c[0]} for g, values in out.items()}
        return {g: values for g, values in kept.items() if values}

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


def day_runs(days: Sequence[str]) -> list[tuple[str, str]]:
    """Sorted ISO days as runs of consecutive days (first, last): a range's days outside its whole
    months are two runs at most."""
    runs: list[tuple[str, str]] = []
    for day in days:
        if runs and date.fromisoformat(runs[-1][1]) + timedelta(days=1) == date.fromisoformat(day):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
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
