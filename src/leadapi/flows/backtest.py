"""Backtests and suggested models: the evidence of whether a scoring model predicts conversion.

It reads across domains (scoring models, leads and their events, the pipeline's stages and every
lead's stage moves), so it is a flow. Each lead is scored as it stood at its reference time
(creation, or its first move into the MQL stage or a later one): its fields as they are now (the
log keeps no history of fields) and its events up to then, by the compiled model, a batch of leads
per statement. The outcome is a move into a won stage (or the stage asked for) within the horizon
after the reference; a lead whose horizon is not over yet is left out, so a recent lead never
counts as a failure it has not had time to turn into a success.

On PostgreSQL a batch's events are not read but counted per lead in the database (see
scoring.counting: one row per lead, scored by CompiledModel.score_counted with the engine's
figures), the next batch counted while this one is scored; SQLite, and models or data the counting
cannot take, are scored by the engine from the events.

A workspace with more leads in range than `backtest_inline_leads` gets a job (202) instead of a
long request; the job runs the same code on its own read transaction.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.errors import ProblemError, not_found, validation_problem
from leadapi.jobs.service import JobService, Report
from leadapi.principal import Principal
from leadapi.scoring.backtest import NotEnoughOutcomesError, Tally, fit_split, suggest
from leadapi.scoring.counting import (
    FIXED_COLUMNS,
    MAX_COMBINATIONS,
    CountPlan,
    FitJudge,
    NotCountableError,
    count_plan,
)
from leadapi.scoring.engine import ADJUSTED, CompiledModel, EventFact
from leadapi.scoring.repository import JSON_LEAD_COLUMNS, BacktestRepository, ScoringRepository
from leadapi.scoring.schemas import BacktestIn, SuggestIn
from leadapi.scoring.scorer import Scorer
from leadapi.scoring.service import compile_document
from leadapi.stages.engine import Pipeline
from leadapi.stages.service import StageService

BACKTEST_JOB = "scoring.backtest"
SUGGEST_JOB = "scoring.suggest"
BATCH = 2000  # leads per statement: their events and moves are read together
MQL_STAGE = "mql"


@dataclass(frozen=True)
class ChosenModel:
    ref: dict[str, Any]  # {id, version, name}; id and version null for a draft
    document: dict[str, Any]
    compiled: CompiledModel


@dataclass(frozen=True)
class Plan:
    """What a backtest scores, resolved in the request: it runs the same in a job."""

    workspace_id: str
    models: list[ChosenModel]
    as_of: str
    start: datetime | None
    end: datetime
    outcome_stages: list[str]
    reference_stages: list[str]
    within: timedelta


@dataclass
class Scored:
    tallies: list[Tally]
    references: list[datetime]  # per lead, in the tallies' order
    lead_ids: list[str]


class BacktestFlow:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        scorer: Scorer,
        stages: StageService,
        jobs: JobService,
        inline_leads: int,
    ) -> None:
        self.db = db
        self.clock = clock
        self.scorer = scorer
        self.stages = stages
        self.jobs = jobs
        self.inline_leads = inline_leads
        # On PostgreSQL, count each lead's events in the statement rather than read them; off, the
        # engine scores from the events everywhere (what the counting is compared with in tests).
        self.count_in_database = True
        self.max_combinations = MAX_COMBINATIONS
        jobs.register(BACKTEST_JOB, self._run_backtest_job)
        jobs.register(SUGGEST_JOB, self._run_suggest_job)

    # ---- requests ---------------------------------------------------------------------------------

    async def backtest(
        self, conn: AsyncConnection, principal: Principal, body: BacktestIn
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(the backtest, None), or (None, the job running it) for a large workspace."""
        choices = [body.model] if body.compare_with is None else [body.model, body.compare_with]
        plan = await self._plan(conn, principal, body, choices)
        if await self._count(conn, plan) > self.inline_leads:
            params = {"plan": _plan_params(plan)}
            return None, await self.jobs.enqueue(
                conn, plan.workspace_id, BACKTEST_JOB, params, principal.key_id
            )
        return self._backtest_result(plan, await self._score(conn, plan)), None

    async def suggest(
        self, conn: AsyncConnection, principal: Principal, body: SuggestIn
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(the suggestion, None), or (None, the job working it out) for a large workspace."""
        plan = await self._plan(conn, principal, body, [body.model])
        if await self._count(conn, plan) > self.inline_leads:
            params = {"plan": _plan_params(plan)}
            return None, await self.jobs.enqueue(
                conn, plan.workspace_id, SUGGEST_JOB, params, principal.key_id
            )
        return await self._suggestion(conn, plan, await self._score(conn, plan)), None

    async def _run_backtest_job(self, job: dict[str, Any], report: Report) -> dict[str, Any]:
        plan = _plan_from(job["workspace_id"], job["params"]["plan"])
        # Statements on their own, not one transaction: the progress reports commit meanwhile (on
        # SQLite a transaction held open would lock them out).
        async with self.db.read_statements() as conn:
            scored = await self._score(conn, plan, report)
        return self._backtest_result(plan, scored)

    async def _run_suggest_job(self, job: dict[str, Any], report: Report) -> dict[str, Any]:
        plan = _plan_from(job["workspace_id"], job["params"]["plan"])
        async with self.db.read_statements() as conn:
            scored = await self._score(conn, plan, report)
            try:
                return await self._suggestion(conn, plan, scored, report)
            except ProblemError as exc:  # too few outcomes: the job's answer, not a failure to retry
                return {"refused": exc.detail}

    # ---- resolving the request --------------------------------------------------------------------

    async def _model(
        self, conn: AsyncConnection, principal: Principal, choice: Any, field: str
    ) -> ChosenModel:
        if isinstance(choice, Mapping):
            try:
                compiled = compile_document(choice)
            except ProblemError as exc:  # the node's path, under the field that holds the draft
                for error in exc.errors or []:
                    error["field"] = f"{field}.{error['field']}" if error["field"] else field
                raise
            return ChosenModel({"id": None, "version": None, "name": compiled.name}, dict(choice), compiled)
        if choice is None:
            active = await self.scorer.ensure_active(conn, principal.workspace_id, principal.key_id)
            choice = active.id
        row = await ScoringRepository(conn, principal.workspace_id).get(str(choice))
        if row is None:
            raise not_found("Scoring model", str(choice))
        model = self.scorer.compiled(row)
        ref = {"id": model.id, "version": model.version, "name": model.name}
        return ChosenModel(ref, row["document"], model.compiled)

    async def _plan(
        self, conn: AsyncConnection, principal: Principal, body: BacktestIn, choices: list[Any]
    ) -> Plan:
        fields = ("model", "compare_with")
        models = [await self._model(conn, principal, c, f) for c, f in zip(choices, fields, strict=False)]
        pipeline = await self.stages.pipeline(conn, principal.workspace_id)
        if body.outcome.stage is None:
            outcome_stages = [s.key for s in pipeline.stages if s.category == "won"]
        elif pipeline.stage(body.outcome.stage) is None:
            raise validation_problem(
                [{"field": "outcome.stage", "message": f"no stage {body.outcome.stage!r} in the pipeline"}]
            )
        else:
            outcome_stages = [body.outcome.stage]
        reference_stages = _mql_or_later(pipeline) if body.as_of == "mql" else []
        if body.as_of == "mql" and not reference_stages:
            raise validation_problem(
                [{"field": "as_of", "message": f"the pipeline has no {MQL_STAGE!r} stage to refer to"}]
            )
        within = timedelta(days=body.outcome.within_days)
        horizon_over = self.clock() - within  # later references have not had their full horizon
        end = horizon_over if body.to is None else min(body.to, horizon_over)
        return Plan(
            principal.workspace_id,
            models,
            body.as_of,
            body.from_,
            end,
            outcome_stages,
            reference_stages,
            within,
        )

    async def _count(self, conn: AsyncConnection, plan: Plan) -> int:
        repo = BacktestRepository(conn, plan.workspace_id)
        if plan.start is not None and plan.start >= plan.end:
            return 0
        if plan.as_of == "created":
            return await repo.count_created(plan.start, plan.end)
        return len(await repo.first_entries(plan.reference_stages, plan.start, plan.end))

    # ---- scoring the leads ------------------------------------------------------------------------

    async def _score(
        self,
        conn: AsyncConnection,
        plan: Plan,
        report: Report | None = None,
        only: frozenset[str] | None = None,
    ) -> Scored:
        """Score the plan's leads (those in `only`, if given) by each of its models: on PostgreSQL
        from counts per lead, when the models can be counted; otherwise, or once the counting gives
        up, by the engine from the events."""
        if self.count_in_database and conn.dialect.name == "postgresql":
            try:
                counting = count_plan([model.compiled for model in plan.models], self.max_combinations)
                return await self._score_all(conn, plan, report, only, counting)
            except NotCountableError:
                pass
        return await self._score_all(conn, plan, report, only, None)

    async def _score_all(
        self,
        conn: AsyncConnection,
        plan: Plan,
        report: Report | None,
        only: frozenset[str] | None,
        counting: CountPlan | None,
    ) -> Scored:
        """Raises NotCountableError (counting only)."""
        repo = BacktestRepository(conn, plan.workspace_id)
        tallies = [Tally(model.compiled) for model in plan.models]
        references: list[datetime] = []
        lead_ids: list[str] = []
        types = sorted(set().union(*(model.compiled.event_type_list for model in plan.models)))
        with_data = sorted({ADJUSTED}.union(*(_looked_into(model.compiled) for model in plan.models)))
        judges = [FitJudge(model.compiled, JSON_LEAD_COLUMNS) for model in plan.models]
        done = 0
        # Counting, the batch before is scored while the database counts this one.
        counted: tuple[list[tuple[Any, datetime]], tuple[dict[str, Any], list[bool]]] | None = None
        async for every in self._batches(repo, plan, counting):
            batch = every if only is None else [(lead, at) for lead, at in every if lead["id"] in only]
            if not batch:
                continue
            if counting is None:
                outcomes = await self._outcomes(repo, plan, batch, False)
                await self._score_events(repo, plan, batch, outcomes, tallies, types, with_data)
            else:
                counting_it = asyncio.ensure_future(self._counted(repo, counting, plan, batch))
                await asyncio.sleep(0)  # its statement sent
                try:
                    if counted is not None:
                        self._score_counted(counting, judges, counted[0], *counted[1], tallies)
                except BaseException:  # the connection is the statement's until it is done
                    counting_it.cancel()
                    await asyncio.gather(counting_it, return_exceptions=True)
                    raise
                counted = (batch, await counting_it)
            references.extend(reference for _, reference in batch)
            lead_ids.extend(lead["id"] for lead, _ in batch)
            done += len(batch)
            if report is not None:
                await report({"done": done})
        if counting is not None and counted is not None:
            self._score_counted(counting, judges, counted[0], *counted[1], tallies)
        return Scored(tallies, references, lead_ids)

    async def _outcomes(
        self, repo: BacktestRepository, plan: Plan, batch: list[tuple[Any, datetime]], arrays: bool
    ) -> list[bool]:
        """Whether each lead of the batch moved into an outcome stage within the horizon."""
        if arrays:  # PostgreSQL
            refs = [reference for _, reference in batch]
            deadlines = [reference + plan.within for reference in refs]
            ids = [lead["id"] for lead, _ in batch]
            won = await repo.converted(ids, refs, deadlines, plan.outcome_stages)
            return [lead_id in won for lead_id in ids]
        moves: defaultdict[str, list[datetime]] = defaultdict(list)
        for lead_id, at in await repo.moves_into([lead["id"] for lead, _ in batch], plan.outcome_stages):
            moves[lead_id].append(at)
        return [
            any(reference <= at <= reference + plan.within for at in moves.get(lead["id"], ()))
            for lead, reference in batch
        ]

    async def _score_events(
        self,
        repo: BacktestRepository,
        plan: Plan,
        batch: list[tuple[Any, datetime]],
        outcomes: list[bool],
        tallies: list[Tally],
        types: list[str],
        with_data: list[str],
    ) -> None:
        """Score a batch by the engine from the leads' events (SQLite, or what counting cannot)."""
        ids = [lead["id"] for lead, _ in batch]
        latest = max(reference for _, reference in batch)
        facts: defaultdict[str, list[EventFact]] = defaultdict(list)
        for row in await repo.events_of(ids, types, with_data, latest):
            facts[row.lead_id].append(
                EventFact(row.id, row.type, row.occurred_at, row.data or {}, row.source)
            )
        for (lead, reference), converted in zip(batch, outcomes, strict=True):
            before = [fact for fact in facts.get(lead["id"], ()) if fact.occurred_at <= reference]
            for tally in tallies:
                tally.add(tally.model.score(lead, before, reference), converted)

    async def _counted(
        self, repo: BacktestRepository, counting: CountPlan, plan: Plan, batch: list[tuple[Any, datetime]]
    ) -> tuple[dict[str, Any], list[bool]]:
        """A batch's counts per lead (PostgreSQL): one row per lead, not per event, by lead id
        (a lead with no events has none), and its outcomes. A batch whose events show
        combinations of properties not judged yet is counted again once they are. Raises
        NotCountableError."""
        ids = [lead["id"] for lead, _ in batch]
        refs = [reference for _, reference in batch]
        sinces = [[reference - window for reference in refs] for window in counting.windows]
        while True:
            rows = await repo.counts(counting, ids, refs, sinces)
            unknown = {item for row in rows if row[5] for item in row[5]}
            if not unknown:
                break
            counting.judge(sorted(unknown))
        return {row[0]: row for row in rows}, await self._outcomes(repo, plan, batch, True)

    def _score_counted(
        self,
        counting: CountPlan,
        judges: list[FitJudge],
        batch: list[tuple[Any, datetime]],
        found: dict[str, Any],
        outcomes: list[bool],
        tallies: list[Tally],
    ) -> None:
        """Score a batch from its leads' counts."""
        width = FIXED_COLUMNS + sum(
            1 + (last is not None) + (times is not None) for _, last, times in counting.places
        )
        nothing: list[Any] = [None] * width
        for count_at, _, _ in counting.places:
            nothing[count_at] = 0
        models = list(zip(tallies, judges, counting.columns, strict=True))
        for (lead, reference), converted in zip(batch, outcomes, strict=True):
            row = found.get(lead["id"], nothing)
            adjustments = (
                [
                    EventFact(event_id, ADJUSTED, at, (None if data is None else json.loads(data)) or {})
                    for event_id, at, data in zip(row[2], row[3], row[4], strict=True)
                ]
                if row[2]
                else []
            )
            for tally, judge, columns in models:
                fired = judge.fired(lead)
                score, band, hits = tally.model.score_counted(
                    lead, reference, fired, row, columns, row[1], adjustments
                )
                tally.add_hits(score, band, hits, converted)

    async def _batches(
        self, repo: BacktestRepository, plan: Plan, counting: CountPlan | None = None
    ) -> AsyncIterator[list[tuple[Any, datetime]]]:
        """Batches of (lead, reference time), in reference-time order; with `counting`, the leads
        with only the columns its models read, as `BacktestRepository.lead_page` reads them."""
        if plan.start is not None and plan.start >= plan.end:
            return
        if plan.as_of == "created":
            after: tuple[datetime, str] | None = None
            while True:
                if counting is None:
                    rows: list[Any] = await repo.created_page(plan.start, plan.end, after, BATCH)
                else:
                    rows = await repo.lead_page(counting.lead_columns, plan.start, plan.end, after, BATCH)
                if not rows:
                    return
                yield [(row, row["created_at"]) for row in rows]
                after = (rows[-1]["created_at"], rows[-1]["id"])
        else:
            entries = await repo.first_entries(plan.reference_stages, plan.start, plan.end)
            for index in range(0, len(entries), BATCH):
                part = entries[index : index + BATCH]
                ids = [lead_id for lead_id, _ in part]
                if counting is None:
                    leads: list[Any] = await repo.leads_by_id(ids)
                else:
                    leads = await repo.leads_of(counting.lead_columns, ids)
                found = {row["id"]: row for row in leads}
                yield [(found[lead_id], at) for lead_id, at in part if lead_id in found]

    # ---- results ----------------------------------------------------------------------------------

    def _population(self, plan: Plan, leads: int) -> dict[str, Any]:
        return {
            "as_of": plan.as_of,
            "from": plan.start,
            "to": plan.end,
            "outcome_stages": plan.outcome_stages,
            "within_days": plan.within.days,
            "leads": leads,
        }

    def _backtest_result(self, plan: Plan, scored: Scored) -> dict[str, Any]:
        results = [
            {"model": model.ref, **tally.summary()}
            for model, tally in zip(plan.models, scored.tallies, strict=True)
        ]
        result: dict[str, Any] = _json(
            {"population": self._population(plan, len(scored.references)), "results": results}
        )
        return result

    async def _suggestion(
        self, conn: AsyncConnection, plan: Plan, scored: Scored, report: Report | None = None
    ) -> dict[str, Any]:
        """Fit on the earlier leads, then score the later ones by the current model and the draft
        (the compared leads read again: the draft is only known once fitted)."""
        [model], [tally] = plan.models, scored.tallies
        split = fit_split(len(tally))
        fitted = tally.part(np.arange(split))
        try:
            suggestion = suggest(model.document, tally.rule_ids, fitted.strengths, fitted.outcomes)
        except NotEnoughOutcomesError as exc:
            raise validation_problem([{"field": "from", "message": str(exc)}], detail=str(exc)) from None
        compared = tally.part(np.arange(split, len(tally)))
        draft_ref = {"id": None, "version": None, "name": suggestion.document["name"]}
        draft = ChosenModel(draft_ref, suggestion.document, compile_document(suggestion.document))
        later = scored.lead_ids[split:]
        start = scored.references[split] if later else plan.end
        again = await self._score(
            conn, replace(plan, models=[draft], start=start), report, only=frozenset(later)
        )
        points_before = {rule["id"]: float(rule["points"]) for rule in model.document["rules"]}
        points_after = {rule["id"]: float(rule["points"]) for rule in suggestion.document["rules"]}
        result: dict[str, Any] = _json(
            {
                "draft": suggestion.document,
                "intercept": suggestion.intercept,
                "coefficients": [
                    {
                        "rule_id": rule_id,
                        "coefficient": suggestion.coefficients[rule_id],
                        "points_before": points_before.get(rule_id, 0.0),
                        "points_after": points_after.get(rule_id, 0.0),
                    }
                    for rule_id in tally.rule_ids
                ],
                "fitted_on": split,
                "compared_on": self._population(replace(plan, start=start), len(compared)),
                "current": {"model": model.ref, **compared.summary()},
                "suggested": {"model": draft_ref, **again.tallies[0].summary()},
            }
        )
        return result


def _looked_into(model: CompiledModel) -> set[str]:
    """The event types whose properties a model's rules read (the others' are only counted)."""
    return {rule.event_type for rule in model.behavior if rule.where is not None}


def _mql_or_later(pipeline: Pipeline) -> list[str]:
    """The MQL stage and every funnel stage after it, and the won stages: reaching any of them first
    is becoming an MQL (a lead may skip a stage)."""
    keys = [stage.key for stage in pipeline.stages]
    if MQL_STAGE not in keys:
        return []
    later = keys[keys.index(MQL_STAGE) :]
    return [
        key
        for key in later
        if pipeline.category(key) == "won"
        or (pipeline.category(key) == "open" and key != pipeline.recycle_stage)
    ] + [s.key for s in pipeline.stages if s.category == "won" and s.key not in later]


def _plan_params(plan: Plan) -> dict[str, Any]:
    return {
        "models": [{"ref": m.ref, "document": m.document} for m in plan.models],
        "as_of": plan.as_of,
        "start": None if plan.start is None else plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "outcome_stages": plan.outcome_stages,
        "reference_stages": plan.reference_stages,
        "within_days": plan.within.days,
    }


def _plan_from(workspace_id: str, params: Mapping[str, Any]) -> Plan:
    models = [ChosenModel(m["ref"], m["document"], compile_document(m["document"])) for m in params["models"]]
    return Plan(
        workspace_id,
        models,
        params["as_of"],
        None if params["start"] is None else datetime.fromisoformat(params["start"]),
        datetime.fromisoformat(params["end"]),
        params["outcome_stages"],
        params["reference_stages"],
        timedelta(days=params["within_days"]),
    )


def _json(value: Any) -> Any:
    """Datetimes as ISO 8601, so a job stores the result as the request answers it."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value
