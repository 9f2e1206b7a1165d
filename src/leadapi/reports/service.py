"""Reports: each one reads a snapshot, asks the repository for a handful of numbers per group,
and shapes them (reports/engine.py) into the figures the API returns."""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import as_utc
from leadapi.errors import validation_problem
from leadapi.principal import Principal
from leadapi.reports.engine import (
    ACTIVATION_WINDOWS_DAYS,
    GROUP_BYS,
    MAX_RANGE,
    SCORE_BUCKET_WIDTH,
    FunnelOrder,
    ReportQuery,
    funnel_from_masks,
    funnel_stages,
    merge_counts,
    rate,
    seconds,
    stage_reached,
)
from leadapi.reports.intent import IntentReportRepository
from leadapi.reports.repository import Group, Keyed, ReportRepository, assignments, changes, leads
from leadapi.reports.rollup_engine import RELATIVE_ERROR
from leadapi.reports.rollup_repository import RollupRepository
from leadapi.stages.engine import Pipeline
from leadapi.stages.service import StageService

Report = dict[str, Any]
DEFAULT_RANGE = timedelta(days=30)


@dataclass(frozen=True)
class ReportParams:
    """A report's parameters as a caller gives them (REST query or MCP tool), before checks."""

    start: datetime | None = None
    end: datetime | None = None
    source: str | None = None
    owner_id: str | None = None
    utm_campaign: str | None = None
    tag: str | None = None
    group_by: str | None = None
    exact: bool = False


class ReportService:
    """Reports, each read in the caller's transaction (one snapshot, so its figures agree)."""

    def __init__(self, clock: Callable[[], datetime], stages: StageService) -> None:
        self.clock = clock
        self.stages = stages

    def query(
        self,
        params: ReportParams,
        *,
        allowed: tuple[str, ...] = GROUP_BYS,
        default_group: str | None = None,
        range_names: tuple[str, str] = ("from", "to"),
    ) -> ReportQuery:
        """The checked query: the range defaults to the 30 days before now, a time without an
        offset is UTC, and `group_by` is one this report allows (422 otherwise, naming the range
        as the caller does: REST's from/to, the MCP tools' start/end)."""
        start_name, end_name = range_names
        errors: list[dict[str, str]] = []
        group_by = params.group_by if params.group_by is not None else default_group
        if group_by is not None and group_by not in allowed:
            choices = ", ".join(allowed) if allowed else "none: this report is already split"
            errors.append({"field": "group_by", "message": f"not one of {choices}"})
        end = as_utc(params.end) or self.clock()
        start = as_utc(params.start) or end - DEFAULT_RANGE
        if start >= end:
            errors.append({"field": start_name, "message": f"must be before `{end_name}`"})
        elif end - start > MAX_RANGE:
            errors.append({"field": start_name, "message": f"the range spans at most {MAX_RANGE.days} days"})
        if errors:
            raise validation_problem(errors)
        return ReportQuery(
            start,
            end,
            params.source,
            params.owner_id,
            params.utm_campaign,
            params.tag,
            group_by,
            exact=params.exact,
        )

    # -- settings ---------------------------------------------------------------------------

    async def settings(self, conn: AsyncConnection, principal: Principal) -> dict[str, Any]:
        return await RollupRepository(conn, principal.workspace_id).settings()

    async def save_settings(
        self, conn: AsyncConnection, principal: Principal, time_zone: str
    ) -> dict[str, Any]:
        repo = RollupRepository(conn, principal.workspace_id)
        await repo.save_time_zone(time_zone, self.clock())
        return await repo.settings()

    # -- the shared frame -------------------------------------------------------------------

    async def _run(
        self,
        conn: AsyncConnection,
        principal: Principal,
        q: ReportQuery,
        build: Callable[[ReportRepository, Pipeline], Awaitable[Report]],
    ) -> Report:
        if conn.dialect.name == "postgresql":
            # Reports read many rows: plans made for their actual range (the pool forces
            # generic plans, which guess a range is narrow and walk an index row by row:
            # 3x slower over a year, and never parallel), room to hash in memory, no JIT
            # (compiling costs more than it saves at these sizes).
            await conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            await conn.execute(text("SET LOCAL work_mem = '64MB'"))
            await conn.execute(text("SET LOCAL jit = off"))
        repo = RollupRepository(conn, principal.workspace_id, q)
        await repo.prepare()
        if q.owner_id is not None and q.owner_id not in await repo.owner_names():
            raise validation_problem([{"field": "owner_id", "message": "no such owner in this workspace"}])
        pipeline = await self.stages.pipeline(conn, principal.workspace_id)
        body = await build(repo, pipeline)
        return {
            "from": q.start,
            "to": q.end,
            "filters": q.filters(),
            "group_by": q.group_by,
            "approximate": repo.approximated,
            "relative_error": RELATIVE_ERROR if repo.approximated else None,
            **body,
        }

    @staticmethod
    def _lead_dimension(repo: ReportRepository) -> Group:
        return repo.dimension(repo.q.group_by, at=leads.c.created_at, owner=leads.c.owner_id)

    @staticmethod
    def _assignment_dimension(repo: ReportRepository) -> Group:
        return repo.dimension(repo.q.group_by, at=assignments.c.created_at, owner=assignments.c.owner_id)

    @staticmethod
    async def _total_and_groups(
        repo: ReportRepository,
        group: Group,
        figures: Callable[[Group], Awaitable[dict[Any, Report]]],
    ) -> Report:
        """The figures for the whole range, and per group when the report is split."""
        total = (await figures(None))[None]
        groups = await _labelled(repo, await figures(group)) if group is not None else []
        return {"total": total, "groups": groups}

    # -- funnel and sources ---------------------------------------------------------------

    async def _funnels(self, repo: ReportRepository, pipeline: Pipeline) -> tuple[Report, list[Report]]:
        """The funnel figures of the range and of each group, from one query: lead counts per
        stages_mask add up across groups, and so do won amounts."""
        order = FunnelOrder.of(pipeline)
        group = self._lead_dimension(repo)
        rollups = _rollups(repo)
        found = await (rollups.rollup_stage_masks() if rollups else repo.stage_masks(group))
        counts = {g: {mask: n for mask, (n, _) in masks.items()} for g, masks in found.items()}
        revenue = {g: sum(amount for _, amount in masks.values()) for g, masks in found.items()}
        total = _funnel(order, pipeline, merge_counts(counts.values()), sum(revenue.values()))
        if group is None:
            return total, []
        per_group = {g: _funnel(order, pipeline, counts[g], revenue[g]) for g in found}
        return total, await _labelled(repo, per_group)

    async def funnel(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            total, groups = await self._funnels(repo, pipeline)
            return {"total": total, "groups": groups}

        return await self._run(conn, principal, q, build)

    async def sources(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            total, groups = await self._funnels(repo, pipeline)
            return {
                "total": _source_row(total),
                "groups": [{"key": g["key"], "label": g["label"], **_source_row(g)} for g in groups],
            }

        return await self._run(conn, principal, q, build)

    # -- speed to lead ----------------------------------------------------------------------

    async def speed_to_lead(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            async def figures(group: Group) -> dict[Any, Report]:
                # One dimension for both halves: the lead's for lead figures, the assignment's for
                # assignment figures (by owner: the lead's owner, then the assignee).
                lead_group = group if group is None else self._lead_dimension(repo)
                assignment_group = group if group is None else self._assignment_dimension(repo)
                rollups = _rollups(repo)
                touched = await (
                    rollups.rollup_touches(grouped=lead_group is not None)
                    if rollups
                    else repo.touches(lead_group)
                )
                assigned = await (
                    rollups.rollup_assignment_figures(grouped=group is not None)
                    if rollups
                    else repo.assignment_figures(assignment_group)
                )
                out: dict[Any, Report] = {}
                for g in _keys(group, touched, assigned):
                    out[g] = {
                        "after_creation": _speed(touched.get(g, {}), "leads"),
                        "after_assignment": _speed(assigned.get(g, {}), "assignments"),
                    }
                return out

            body = await self._total_and_groups(repo, self._lead_dimension(repo), figures)
            names = await repo.owner_names()
            rollups = _rollups(repo)
            by_owner = await (
                rollups.rollup_assignment_figures(grouped=False, keys=("owner_id",))
                if rollups
                else repo.assignment_figures(None, keys=("owner_id",))
            )
            body["owners"] = [
                {
                    "owner_id": owner_id,
                    "name": names.get(owner_id),
                    "after_assignment": _speed(row, "assignments"),
                }
                for owner_id, row in sorted(by_owner.items(), key=lambda kv: str(kv[0]))
            ]
            return body

        return await self._run(conn, principal, q, build)

    # -- SLA ------------------------------------------------------------------------------

    async def sla(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            # Clock counts add up: the total, each policy's and each owner's come from one
            # query by (policy, owner).
            rollups = _rollups(repo)
            counted = await (
                rollups.rollup_assignment_figures(
                    grouped=False, keys=("policy_id", "owner_id"), spread_=False
                )
                if rollups
                else repo.assignment_figures(None, keys=("policy_id", "owner_id"), spread=False)
            )
            per_policy: dict[Any, list[Mapping[str, Any]]] = {}
            per_owner: dict[Any, list[Mapping[str, Any]]] = {}
            for (policy_id, owner_id), row in counted.items():
                per_policy.setdefault(policy_id, []).append(row)
                per_owner.setdefault(owner_id, []).append(row)
            policy_names = await repo.policy_names()
            owner_names = await repo.owner_names()
            body: Report = {"total": _sla(_summed(counted.values())), "groups": []}
            group = self._assignment_dimension(repo)
            if group is not None:
                by_group = await (
                    rollups.rollup_assignment_figures(grouped=True, spread_=False)
                    if rollups
                    else repo.assignment_figures(group, spread=False)
                )
                body["groups"] = await _labelled(repo, {g: _sla(row) for g, row in by_group.items()})
            body["policies"] = [
                {"policy_id": pid, "name": policy_names.get(pid), **_sla(_summed(rows))}
                for pid, rows in sorted(per_policy.items(), key=lambda kv: str(kv[0]))
                if pid is not None
            ]
            owners = [(oid, _sla(_summed(rows))) for oid, rows in per_owner.items()]
            body["owners"] = [
                {"owner_id": oid, "name": owner_names.get(oid), **figures}
                for oid, figures in sorted(owners, key=lambda kv: str(kv[0]))
                if figures["covered"]
            ]
            return body

        return await self._run(conn, principal, q, build)

    # -- stage velocity ---------------------------------------------------------------------

    async def stage_velocity(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            won = [s.key for s in pipeline.stages if s.category == "won"]

            async def figures(group: Group) -> dict[Any, Report]:
                rollups = _rollups(repo)
                if rollups:
                    stays = await rollups.rollup_stage_stays(grouped=group is not None)
                    to_won = await rollups.rollup_time_to_won(won, grouped=group is not None) if won else {}
                else:
                    stays = await repo.stage_stays(group)
                    to_won = await repo.time_to_won(group, won) if won else {}
                out: dict[Any, Report] = {}
                for g in _keys(group, {g for g, _ in stays}, to_won):
                    out[g] = {
                        "stages": [
                            {"stage": s.key, "name": s.name, **_durations(stays.get((g, s.key), {}), "stays")}
                            for s in pipeline.stages
                            if s.category == "open"
                        ],
                        "to_customer": _durations(to_won.get(g, {}), "leads"),
                    }
                return out

            moved_at = repo.dimension(q.group_by, at=changes.c.at, owner=leads.c.owner_id)
            return await self._total_and_groups(repo, moved_at, figures)

        return await self._run(conn, principal, q, build)

    # -- owners ---------------------------------------------------------------------------

    async def owners(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            names = await repo.owner_names()
            open_stages = [s.key for s in pipeline.stages if s.category == "open"]
            won_stages = [s.key for s in pipeline.stages if s.category == "won"]
            rollups = _rollups(repo)
            if rollups:
                counted = await rollups.rollup_assignment_figures(grouped=False, keys=("owner_id",))
                open_leads = await rollups.rollup_open_leads_by_owner(open_stages)
                accepted = await rollups.rollup_moves_by_owner([pipeline.accepted_stage], by_owner=True)
                rejected = await rollups.rollup_rejections_by_owner()
                won = await rollups.rollup_moves_by_owner(won_stages, by_owner=False)
            else:
                counted = await repo.assignment_figures(None, keys=("owner_id",))
                open_leads = await repo.open_leads_by_owner(open_stages)
                accepted = await repo.moves_by_owner([pipeline.accepted_stage], by_owner=True)
                rejected = await repo.rejections_by_owner()
                won = await repo.moves_by_owner(won_stages, by_owner=False)
            ids = set(names) | set(counted) | set(open_leads) | set(accepted) | set(rejected) | set(won)
            if q.owner_id is not None:
                ids = {q.owner_id}
            rows = []
            for owner_id in sorted(i for i in ids if i is not None):
                row = counted.get(owner_id, {})
                sla = _sla(row)
                rows.append(
                    {
                        "owner_id": owner_id,
                        "name": names.get(owner_id),
                        "assigned": row.get("assignments", 0),
                        "touched": row.get("touched", 0),
                        "open": open_leads.get(owner_id, 0),
                        "accepted": accepted.get(owner_id, 0),
                        "rejected": rejected.get(owner_id, 0),
                        "won": won.get(owner_id, 0),
                        "sla_met": sla["met"],
                        "sla_breached": sla["breached"],
                        "sla_compliance": sla["compliance"],
                        "median_speed_seconds": seconds(row.get("p50")),
                    }
                )
            return {"owners": rows}

        return await self._run(conn, principal, q, build)

    # -- scores ---------------------------------------------------------------------------

    async def scores(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            won = [s.key for s in pipeline.stages if s.category == "won"]

            # Counts add up across groups: one query, the total summed from its groups.
            group = self._lead_dimension(repo)
            rollups = _rollups(repo)
            found = await (rollups.rollup_score_bands(won) if rollups else repo.score_bands(group, won))
            body: Report = {"total": _scores(lambda g: True, found), "groups": []}
            if group is not None:
                per_group = {g: _scores(partial(operator.eq, g), found) for g in {g for g, _, _ in found}}
                body["groups"] = await _labelled(repo, per_group)
            return body

        return await self._run(conn, principal, q, build)

    # -- activation -------------------------------------------------------------------------

    async def activation(self, conn: AsyncConnection, principal: Principal, q: ReportQuery) -> Report:
        async def build(repo: ReportRepository, pipeline: Pipeline) -> Report:
            # Counts add up across groups: one query, the total summed from its groups.
            group = self._lead_dimension(repo)
            rollups = _rollups(repo)
            counted = await (
                rollups.rollup_activation() if rollups else repo.activation(group, ACTIVATION_WINDOWS_DAYS)
            )
            body: Report = {"total": _activation(_summed(counted.values())), "groups": []}
            if group is not None:
                body["groups"] = await _labelled(repo, {g: _activation(row) for g, row in counted.items()})
            body.update(
                await _intent_and_tracks(IntentReportRepository(repo.conn, repo.workspace_id, repo.q))
            )
            return body

        return await self._run(conn, principal, q, build)


def _rollups(repo: ReportRepository) -> RollupRepository | None:
    """The repository to read lead figures from rollups with, when the query allows it."""
    return repo if isinstance(repo, RollupRepository) and repo.reads_rollups else None


async def _labelled(repo: ReportRepository, per_group: Mapping[Any, Report]) -> list[Report]:
    """Groups in key order (no value last), each with its key, and its owner's name when split
    by owner."""
    names = await repo.owner_names() if repo.q.group_by == "owner" else {}
    ordered = sorted(per_group, key=lambda k: (k is None, str(k)))
    return [{"key": g, "label": names.get(g), **per_group[g]} for g in ordered]


def _funnel(order: FunnelOrder, pipeline: Pipeline, masks: Mapping[int, int], revenue: float) -> Report:
    total, entered, reached, accepted, rejections = funnel_from_masks(order, pipeline, masks)
    stages = funnel_stages(order, pipeline, entered, reached)
    customers = reached.get(order.ranks[order.won[0]], 0) if order.won else 0
    mql, sql = stage_reached(stages, "mql"), stage_reached(stages, "sql")
    return {
        "leads": total,
        "stages": stages,
        "accepted": accepted,
        "rejected": rejections,
        "customers": customers,
        "revenue": float(revenue),
        "rates": {
            "lead_to_mql": rate(mql, total),
            "mql_to_sql": rate(sql, mql),
            "sql_acceptance": rate(accepted, accepted + rejections),
            "lead_to_customer": rate(customers, total),
        },
    }


def _summed(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Count columns of several rows added up."""
    total: dict[str, int] = {}
    for row in rows:
        for name, value in row.items():
            if isinstance(value, int):
                total[name] = total.get(name, 0) + value
    return total


def _keys(group: Group, *found: Any) -> set[Any]:
    """The groups any query found; for the whole range (no group), always the one None key,
    so an empty range still has a total of zeros."""
    keys: set[Any] = set()
    for items in found:
        keys.update(items)
    return keys if group is not None else {None}


def _source_row(funnel: Mapping[str, Any]) -> Report:
    stages = funnel["stages"]
    mql, sql = stage_reached(stages, "mql"), stage_reached(stages, "sql")
    return {
        "leads": funnel["leads"],
        "mql": mql,
        "sql": sql,
        "customers": funnel["customers"],
        "revenue": funnel["revenue"],
        "lead_to_mql": funnel["rates"]["lead_to_mql"],
        "mql_to_sql": funnel["rates"]["mql_to_sql"],
        "lead_to_customer": funnel["rates"]["lead_to_customer"],
    }


def _speed(counts: Mapping[str, Any], unit: str) -> Report:
    total = counts.get(unit) or 0
    touched = counts.get("touched") or 0
    return {
        unit: total,
        "touched": touched,
        "median_seconds": seconds(counts.get("p50")),
        "p90_seconds": seconds(counts.get("p90")),
        "within_5m": rate(counts.get("within_5m") or 0, total),
        "within_1h": rate(counts.get("within_1h") or 0, total),
        "never_touched": rate(total - touched, total),
    }


def _sla(row: Mapping[str, Any]) -> Report:
    met, breached = row.get("met") or 0, row.get("breached") or 0
    return {
        "covered": row.get("covered") or 0,
        "met": met,
        "breached": breached,
        "running": row.get("running") or 0,
        "stopped": row.get("stopped") or 0,
        "compliance": rate(met, met + breached),
    }


def _durations(row: Mapping[str, Any], unit: str) -> Report:
    return {
        unit: row.get("n") or 0,
        "median_seconds": seconds(row.get("p50")),
        "p90_seconds": seconds(row.get("p90")),
    }


def _scores(include: Callable[[Any], bool], found: Keyed) -> Report:
    """The histogram and bands of the groups `include` takes, from (group, band, bucket) counts."""
    per_bucket: dict[Any, int] = {}
    per_band: dict[Any, list[int]] = {}
    for (g, band, bucket), row in found.items():
        if not include(g):
            continue
        per_bucket[bucket] = per_bucket.get(bucket, 0) + row["leads"]
        counts = per_band.setdefault(band, [0, 0])
        counts[0] += row["leads"]
        counts[1] += row["customers"] or 0
    leads_total = sum(per_bucket.values())
    width = SCORE_BUCKET_WIDTH
    return {
        "leads": leads_total,
        "scored": leads_total - per_bucket.get(None, 0),
        "buckets": [
            {
                "bucket": f"{i * width}-{i * width + width - 1 if i < 9 else 100}",
                "leads": per_bucket.get(i, 0),
            }
            for i in range(10)
        ],
        "bands": [
            {
                "band": band,
                "leads": leads,
                "share": rate(leads, leads_total),
                "customers": customers,
                "conversion": rate(customers, leads),
            }
            for band, (leads, customers) in sorted(
                per_band.items(), key=lambda kv: (kv[0] is None, str(kv[0]))
            )
        ],
    }


def _activation(row: Mapping[str, Any]) -> Report:
    total = row.get("leads") or 0
    out: Report = {"leads": total}
    for days in ACTIVATION_WINDOWS_DAYS:
        active = row.get(f"d{days}") or 0
        out[f"activated_{days}d"] = active
        out[f"rate_{days}d"] = rate(active, total)
    return out


async def _intent_and_tracks(repo: IntentReportRepository) -> Report:
    """The activation report's `intent` and `tracks` sections (for the whole range, not split)."""
    spikes = await repo.spikes(await repo.spike_automation_ids())
    task_figures = await repo.task_figures()
    intent: Report = {
        **spikes,
        "sql_rate_30d": rate(spikes["reached_sql_30d"], spikes["spike_leads"]),
        **task_figures,
        "on_time_rate": rate(task_figures["tasks_done_on_time"], task_figures["tasks_created"]),
    }
    return {"intent": intent, "tracks": _tracks(await repo.track_figures())}


def _tracks(rows: Iterable[Mapping[str, Any]]) -> list[Report]:
    """Rows per (track, status, exit reason) -> one entry per track."""
    out: dict[str, Report] = {}
    for row in rows:
        track = out.setdefault(
            row["track_id"],
            {
                "track_id": row["track_id"],
                "name": row["name"],
                "enrolled": 0,
                "active": 0,
                "paused": 0,
                "completed": 0,
                "exited": 0,
                "exit_reasons": {},
                "reached_sql": 0,
            },
        )
        n = int(row["n"])
        track["enrolled"] += n
        track[row["status"]] += n
        track["reached_sql"] += int(row["reached_sql"] or 0)
        if row["status"] == "exited":
            reason = row["reason"] or "unknown"
            track["exit_reasons"][reason] = track["exit_reasons"].get(reason, 0) + n
    for track in out.values():
        track["sql_rate"] = rate(track["reached_sql"], track["enrolled"])
    return list(out.values())
