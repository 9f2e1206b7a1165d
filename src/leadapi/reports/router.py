"""Reports over HTTP: JSON by default, CSV with `Accept: text/csv`."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.auth import Admin, Reader
from leadapi.api.deps import ReplicaSnapshot, ServicesDep, Snapshot, Tx
from leadapi.errors import PROBLEM_RESPONSES, validation_problem
from leadapi.principal import Principal
from leadapi.reports.engine import GROUP_BYS, GroupBy, ReportQuery, csv_rows
from leadapi.reports.schemas import (
    ActivationReport,
    FunnelReport,
    OwnersReport,
    ReportSettingsIn,
    ReportSettingsOut,
    ScoresReport,
    SlaReport,
    SourcesReport,
    SpeedReport,
    VelocityReport,
)
from leadapi.reports.service import Report, ReportParams
from leadapi.times import UtcDateTime

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)

QUERY_NAMES = frozenset({"from", "to", "source", "owner_id", "utm_campaign", "tag", "group_by", "exact"})
CSV = "text/csv"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {"schema": {"type": "string"}}}, "description": "JSON, or CSV on request."}
}


def raw_query(
    request: Request,
    from_: Annotated[
        UtcDateTime | None,
        Query(
            alias="from", description="Range start (inclusive). Default: 30 days before `to`. No offset: UTC."
        ),
    ] = None,
    to: Annotated[UtcDateTime | None, Query(description="Range end (exclusive). Default: now.")] = None,
    source: Annotated[str | None, Query(max_length=100, description="Only leads of this source.")] = None,
    owner_id: Annotated[str | None, Query(max_length=32, description="Only leads this owner holds.")] = None,
    utm_campaign: Annotated[str | None, Query(max_length=200)] = None,
    tag: Annotated[str | None, Query(max_length=50, description="Only leads with this tag.")] = None,
    group_by: Annotated[
        GroupBy | None, Query(description="Split the figures (where the report allows; 422 otherwise).")
    ] = None,
    exact: Annotated[
        bool,
        Query(
            description="Percentiles by sorting every duration of the range, not from the rollups' "
            "sketches (slower over long ranges; counts are the same either way)."
        ),
    ] = False,
) -> ReportParams:
    unknown = sorted(set(request.query_params) - QUERY_NAMES)
    if unknown:
        allowed = ", ".join(sorted(QUERY_NAMES))
        raise validation_problem(
            [{"field": name, "message": f"not a report parameter (known: {allowed})"} for name in unknown]
        )
    split = None if group_by is None else group_by.value
    return ReportParams(from_, to, source, owner_id, utm_campaign, tag, split, exact)


Raw = Annotated[ReportParams, Depends(raw_query)]


def _respond(request: Request, model: type[BaseModel], body: Report, sections: tuple[str, ...]) -> Any:
    if CSV in request.headers.get("accept", ""):
        columns, lines = csv_rows(body, sections)
        # Whether the percentiles are sketched is the whole answer's, said on every line.
        frame = {"approximate": body.get("approximate", False), "relative_error": body.get("relative_error")}
        columns += list(frame)
        lines = [{**line, **frame} for line in lines]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(lines)
        return Response(out.getvalue(), media_type=CSV)
    return model.model_validate(body)


Runner = Callable[[AsyncConnection, Principal, ReportQuery], Awaitable[Report]]


async def _report(
    request: Request,
    services: ServicesDep,
    conn: AsyncConnection,
    principal: Principal,
    raw: ReportParams,
    run: Runner,
    model: type[BaseModel],
    *,
    allowed: tuple[str, ...] = GROUP_BYS,
    default_group: str | None = None,
    sections: tuple[str, ...] = ("total", "groups"),
) -> Any:
    query = services.reports.query(raw, allowed=allowed, default_group=default_group)
    return _respond(request, model, await run(conn, principal, query), sections)


@router.get(
    "/funnel",
    operation_id="funnel_report",
    response_model=FunnelReport,
    responses=CSV_RESPONSE,
    summary="Funnel",
)
async def funnel_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """Of the leads created in the range: how many entered and reached each stage, the
    conversion between consecutive funnel stages, lead-to-MQL, MQL-to-SQL, SQL acceptance and
    lead-to-customer. Split by day, week, month (of creation), source, owner or UTM fields."""
    return await _report(request, services, conn, principal, raw, services.reports.funnel, FunnelReport)


@router.get(
    "/speed-to-lead",
    operation_id="speed_to_lead_report",
    response_model=SpeedReport,
    responses=CSV_RESPONSE,
    summary="Speed to lead",
)
async def speed_to_lead_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """First touch after creation (leads created in the range) and after assignment
    (assignments made in the range): median, p90, share within 5 minutes and within an hour,
    share never touched; overall, per group and per owner."""
    return await _report(
        request,
        services,
        conn,
        principal,
        raw,
        services.reports.speed_to_lead,
        SpeedReport,
        sections=("total", "groups", "owners"),
    )


@router.get(
    "/sla", operation_id="sla_report", response_model=SlaReport, responses=CSV_RESPONSE, summary="SLA"
)
async def sla_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """First-touch SLA clocks of the assignments made in the range: covered, met, breached,
    running, stopped, and compliance (met / decided); per policy and per owner."""
    return await _report(
        request,
        services,
        conn,
        principal,
        raw,
        services.reports.sla,
        SlaReport,
        sections=("total", "groups", "policies", "owners"),
    )


@router.get(
    "/stage-velocity",
    operation_id="stage_velocity_report",
    response_model=VelocityReport,
    responses=CSV_RESPONSE,
    summary="Stage velocity",
)
async def stage_velocity_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """Median and p90 time spent in each open stage, over the stays that ended in the range
    (a move ends one), and from creation to won, over the leads won in the range. Split by
    the day, week or month of the move, or by the lead's source, owner or UTM fields."""
    return await _report(
        request, services, conn, principal, raw, services.reports.stage_velocity, VelocityReport
    )


@router.get(
    "/sources",
    operation_id="sources_report",
    response_model=SourcesReport,
    responses=CSV_RESPONSE,
    summary="Sources",
)
async def sources_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """Per source (or `group_by=utm_campaign`, `utm_source`, `utm_medium`...): leads created in
    the range, how many reached MQL, SQL and customer, the rates between, and won revenue."""
    return await _report(
        request,
        services,
        conn,
        principal,
        raw,
        services.reports.sources,
        SourcesReport,
        default_group="source",
    )


@router.get(
    "/owners",
    operation_id="owners_report",
    response_model=OwnersReport,
    responses=CSV_RESPONSE,
    summary="Owners",
)
async def owners_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """Per owner: assignments in the range and how many were touched, open leads now, leads
    accepted, rejected and won in the range, SLA compliance and median speed to lead."""
    return await _report(
        request,
        services,
        conn,
        principal,
        raw,
        services.reports.owners,
        OwnersReport,
        allowed=(),
        sections=("owners",),
    )


@router.get(
    "/scores",
    operation_id="scores_report",
    response_model=ScoresReport,
    responses=CSV_RESPONSE,
    summary="Scores",
)
async def scores_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """Of the leads created in the range: a histogram of current scores in 10-point buckets,
    the share in each band, and each band's conversion to customer (is the model predictive?)."""
    return await _report(request, services, conn, principal, raw, services.reports.scores, ScoresReport)


@router.get(
    "/activation",
    operation_id="activation_report",
    response_model=ActivationReport,
    responses=CSV_RESPONSE,
    summary="Activation",
)
async def activation_report(
    request: Request, principal: Reader, raw: Raw, services: ServicesDep, conn: ReplicaSnapshot
) -> Any:
    """Of the leads created in the range, per source by default: the share with a behaviour
    event within 7 and within 30 days of entry. Recent leads have not had their whole window.

    `intent` (the whole range, the lead filters applied): intent spikes the intent-spike
    automations found, the leads they were on and those that reached sql within 30 days of one;
    tasks made, by automations, done and done on time. `tracks`: per nurture track, its enrolments
    made in the range by how they stand (exits by reason) and the leads that reached sql after
    enrolling. CSV (`Accept: text/csv`) has a line per section row."""
    return await _report(
        request,
        services,
        conn,
        principal,
        raw,
        services.reports.activation,
        ActivationReport,
        default_group="source",
        sections=("total", "groups", "intent", "tracks"),
    )


@router.get(
    "/settings",
    operation_id="get_report_settings",
    response_model=ReportSettingsOut,
    summary="Report settings",
)
async def get_report_settings(principal: Reader, services: ServicesDep, conn: Snapshot) -> ReportSettingsOut:
    """The time zone report days run in (UTC unless set), and whether reports read rollups now."""
    return ReportSettingsOut.model_validate(await services.reports.settings(conn, principal))


@router.put(
    "/settings",
    operation_id="put_report_settings",
    response_model=ReportSettingsOut,
    summary="Set report settings",
)
async def put_report_settings(
    body: ReportSettingsIn, principal: Admin, services: ServicesDep, conn: Tx
) -> ReportSettingsOut:
    """Set the time zone of report days. A change makes the rollups again in the background (the
    rollup consumer goes through the event log from its start); reports answer from the rows,
    exactly, until it is done (`rollups_ready`)."""
    return ReportSettingsOut.model_validate(
        await services.reports.save_settings(conn, principal, body.time_zone)
    )
