"""Scoring models and previews over HTTP: thin over ScoringService."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from fastapi.responses import JSONResponse

from leadapi.api.auth import Admin, Reader, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import decode_cursor, encode_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.jobs.schemas import Job
from leadapi.scoring.schemas import (
    MODEL_DESCRIPTION,
    BacktestIn,
    BacktestOut,
    LeadScore,
    ModelRef,
    PreviewIn,
    ScoreAdjustmentIn,
    ScoreAdjustmentList,
    ScoreAdjustmentMade,
    ScoreChange,
    ScoreHistory,
    ScoreOut,
    ScoringModel,
    ScoringModelList,
    SuggestIn,
    SuggestOut,
)
from leadapi.scoring.service import lead_score, rule_hits, shown_adjustment

router = APIRouter(prefix="/v1/scoring", tags=["scoring"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["scoring"], responses=PROBLEM_RESPONSES)


@router.get(
    "/models", operation_id="list_scoring_models", response_model=ScoringModelList, summary="Model versions"
)
async def list_scoring_models(
    services: ServicesDep,
    conn: Snapshot,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ScoringModelList:
    """Newest version first."""
    before = decode_cursor(cursor, ["int"])[0] if cursor else None
    rows = await services.scoring.page(conn, principal, limit + 1, before)
    next_cursor = encode_cursor([rows[limit - 1]["version"]]) if len(rows) > limit else None
    return ScoringModelList(
        data=[ScoringModel.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor
    )


@router.post(
    "/models",
    operation_id="create_scoring_model",
    status_code=201,
    response_model=ScoringModel,
    summary="Create a model version",
)
async def create_scoring_model(
    services: ServicesDep,
    conn: Tx,
    principal: Admin,
    response: Response,
    document: Annotated[dict[str, Any], Body(description=MODEL_DESCRIPTION)],
) -> ScoringModel:
    """Models are immutable: a change is a new version. Creating one does not activate it."""
    row = await services.scoring.create(conn, principal, document)
    response.headers["Location"] = f"/v1/scoring/models/{row['id']}"
    return ScoringModel.model_validate(row)


@router.get(
    "/models/{model_id}", operation_id="get_scoring_model", response_model=ScoringModel, summary="A model"
)
async def get_scoring_model(
    services: ServicesDep, conn: Snapshot, model_id: str, principal: Reader
) -> ScoringModel:
    return ScoringModel.model_validate(await services.scoring.get(conn, principal, model_id))


@router.get(
    "/active", operation_id="get_active_scoring_model", response_model=ScoringModel, summary="Active model"
)
async def get_active_scoring_model(services: ServicesDep, conn: Snapshot, principal: Reader) -> ScoringModel:
    """A new workspace starts with the default B2B model."""
    return ScoringModel.model_validate(await services.scoring.active(conn, principal))


@router.post(
    "/preview", operation_id="preview_score", response_model=ScoreOut, summary="Score without storing"
)
async def preview_score(services: ServicesDep, conn: Tx, body: PreviewIn, principal: Reader) -> ScoreOut:
    """Score a stored lead (with its events) or an inline lead with inline events, under the
    active model or an inline draft; nothing is stored."""
    result, ref = await services.scoring.preview(conn, principal, body)
    return ScoreOut(
        score=result.score,
        fit_score=result.fit_score,
        behavior_score=result.behavior_score,
        band=result.band,
        breakdown=rule_hits(result),
        model=ModelRef.model_validate(ref),
    )


def _job_accepted(job: dict[str, Any]) -> JSONResponse:
    return JSONResponse(
        Job.model_validate(job).model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/v1/jobs/{job['id']}"},
    )


_AS_JOB = {202: {"model": Job, "description": "Too many leads for one request: a job (follow `Location`)."}}


@router.post(
    "/backtest",
    operation_id="backtest_scoring_model",
    response_model=BacktestOut,
    responses=_AS_JOB,  # type: ignore[arg-type]
    summary="How well a model predicts conversion",
)
async def backtest_scoring_model(
    services: ServicesDep, conn: Tx, body: BacktestIn, principal: Reader
) -> BacktestOut | JSONResponse:
    """Score every lead as it stood at its reference time (creation, or becoming an MQL) under a
    model (a version's id or an inline draft; default: the active one), and set the scores against
    the outcome: a move into a won stage (or `outcome.stage`) within `outcome.within_days`. Per
    model: ROC AUC, the top decile's lift, each band's conversion rate, a calibration table and,
    per rule, how often it fired and the conversion rate with and without it (95% intervals).
    `compare_with` scores a second model on the same leads. Leads whose horizon is not over are
    left out. A workspace with many leads in range answers 202 with a job whose result is this."""
    result, job = await services.backtests.backtest(conn, principal, body)
    if job is not None:
        return _job_accepted(job)
    return BacktestOut.model_validate(result)


@router.post(
    "/suggest",
    operation_id="suggest_scoring_model",
    response_model=SuggestOut,
    responses=_AS_JOB,  # type: ignore[arg-type]
    summary="A model fitted to your outcomes",
)
async def suggest_scoring_model(
    services: ServicesDep, conn: Tx, body: SuggestIn, principal: Reader
) -> SuggestOut | JSONResponse:
    """Fit a logistic regression of the outcome on the model's rule hits (the earlier 70% of the
    leads by reference time) and propose a draft: the same rules, points from the coefficients
    rescaled to the score range, the bands kept. Nothing is stored or activated: the draft and the
    current model are backtested side by side on the later 30%. Create the draft with
    `POST /v1/scoring/models` to keep it. Large workspaces: 202 and a job, as for a backtest."""
    result, job = await services.backtests.suggest(conn, principal, body)
    if job is not None:
        return _job_accepted(job)
    return SuggestOut.model_validate(result)


@router.post(
    "/models/{model_id}/activate",
    operation_id="activate_scoring_model",
    status_code=202,
    response_model=Job,
    summary="Activate a model version",
)
async def activate_scoring_model(
    services: ServicesDep, conn: Tx, model_id: str, principal: Admin, response: Response
) -> Job:
    """The model scores every change from now on; a background job rescores every existing lead
    (follow it at the `Location` given, `GET /v1/jobs/{id}`)."""
    job = await services.scoring.activate(conn, principal, model_id)
    response.headers["Location"] = f"/v1/jobs/{job['id']}"
    return Job.model_validate(job)


@lead_router.get(
    "/{lead_id}/score", operation_id="get_lead_score", response_model=LeadScore, summary="Why this score"
)
async def get_lead_score(services: ServicesDep, conn: Snapshot, lead_id: str, principal: Reader) -> LeadScore:
    """The lead's score, rule by rule, under the model version that computed it."""
    return lead_score(*await services.scoring.explain(conn, principal, lead_id))


@lead_router.get(
    "/{lead_id}/score/history",
    operation_id="get_lead_score_history",
    response_model=ScoreHistory,
    summary="How the score changed",
)
async def get_lead_score_history(
    services: ServicesDep,
    conn: Snapshot,
    lead_id: str,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ScoreHistory:
    """Every score change, newest first, with its reason and model version."""
    before = decode_cursor(cursor, ["datetime", "id"]) if cursor else None
    rows = await services.scoring.history(
        conn, principal, lead_id, limit + 1, (before[0], before[1]) if before else None
    )
    next_cursor = (
        encode_cursor([rows[limit - 1]["occurred_at"], rows[limit - 1]["id"]]) if len(rows) > limit else None
    )
    return ScoreHistory(
        data=[
            ScoreChange(
                event_id=row["id"],
                at=row["occurred_at"],
                score=row["data"]["new"],
                old_score=row["data"]["old"],
                fit_score=row["data"]["fit_score"],
                behavior_score=row["data"]["behavior_score"],
                band=row["data"]["band"],
                old_band=row["data"].get("old_band"),
                model_id=row["data"]["model_id"],
                model_version=row["data"]["model_version"],
                reason=row["data"]["reason"],
            )
            for row in rows[:limit]
        ],
        next_cursor=next_cursor,
    )


@lead_router.post(
    "/{lead_id}/score-adjustments",
    operation_id="adjust_lead_score",
    status_code=201,
    response_model=ScoreAdjustmentMade,
    summary="Add manual points",
)
async def adjust_lead_score(
    services: ServicesDep, conn: Tx, lead_id: str, body: ScoreAdjustmentIn, principal: Writer
) -> ScoreAdjustmentMade:
    """Manual points (-100..100) with a reason, counted in the behaviour part of the score until
    they expire (`expires_in_days`; none: never) and shown in the breakdown (`kind: adjustment`).
    The lead is rescored at once (its band may change, promoting and routing it) and again when
    the points expire; `lead.score_adjusted` is on its timeline."""
    row, lead = await services.scoring.adjust(
        conn, principal.workspace_id, lead_id, body, actor=principal.key_id
    )
    shown = shown_adjustment(row, services.clock())
    return ScoreAdjustmentMade(**shown.model_dump(), score=lead["score"], band=lead["band"])


@lead_router.get(
    "/{lead_id}/score-adjustments",
    operation_id="list_lead_score_adjustments",
    response_model=ScoreAdjustmentList,
    summary="A lead's manual points",
)
async def list_lead_score_adjustments(
    services: ServicesDep,
    conn: Snapshot,
    lead_id: str,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ScoreAdjustmentList:
    """Every manual adjustment of the lead, newest first, expired ones too (`active: false`)."""
    before = decode_cursor(cursor, ["datetime", "id"]) if cursor else None
    rows = await services.scoring.adjustments(
        conn, principal, lead_id, limit + 1, (before[0], str(before[1])) if before else None
    )
    next_cursor = (
        encode_cursor([rows[limit - 1]["created_at"], rows[limit - 1]["id"]]) if len(rows) > limit else None
    )
    now = services.clock()
    return ScoreAdjustmentList(
        data=[shown_adjustment(row, now) for row in rows[:limit]], next_cursor=next_cursor
    )
