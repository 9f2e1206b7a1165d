"""Consent and the data-subject access export over HTTP: thin over ConsentService."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from leadapi.api.auth import Admin, Reader, Writer
from leadapi.api.deps import ReplicaSnapshot, ServicesDep, Snapshot, Tx
from leadapi.api.pagination import next_time_cursor, time_cursor
from leadapi.consent.quality import data_quality
from leadapi.consent.schemas import (
    Consent,
    ConsentConfirm,
    ConsentCreate,
    ConsentList,
    ConsentSettingsIn,
    ConsentSettingsOut,
    DataQualityReport,
    LeadExport,
)
from leadapi.consent.service import shown
from leadapi.errors import PROBLEM_RESPONSES

lead_router = APIRouter(prefix="/v1/leads", tags=["consent"], responses=PROBLEM_RESPONSES)
settings_router = APIRouter(prefix="/v1/consent", tags=["consent"], responses=PROBLEM_RESPONSES)
report_router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)


@lead_router.post(
    "/{lead_id}/consents",
    operation_id="record_consent",
    status_code=201,
    response_model=Consent,
    summary="Record a consent",
)
async def record_consent(
    lead_id: str, body: ConsentCreate, principal: Writer, services: ServicesDep, conn: Tx
) -> JSONResponse:
    """A grant, a denial or a pending request on one channel, with its source, time and proof;
    appended to the lead's consent history (nothing is overwritten) with `consent.recorded`.
    The channel's status is its latest record."""
    row = await services.consents.record(conn, principal, lead_id, body)
    return JSONResponse(shown(row), status_code=201)


@lead_router.get(
    "/{lead_id}/consents",
    operation_id="list_consents",
    response_model=ConsentList,
    summary="A lead's consents",
)
async def list_consents(
    lead_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size of the history.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")
    ] = None,
) -> ConsentList:
    """Each channel's status now (`current`) and the history, newest first."""
    current, history = await services.consents.page(conn, principal, lead_id, limit + 1, time_cursor(cursor))
    return ConsentList(
        current=[Consent.model_validate(r) for r in current],
        data=[Consent.model_validate(r) for r in history[:limit]],
        next_cursor=next_time_cursor(history, limit, "at"),
    )


@lead_router.get(
    "/{lead_id}/export",
    operation_id="export_lead",
    response_model=LeadExport,
    summary="Everything held about a person",
)
async def export_lead(lead_id: str, principal: Reader, services: ServicesDep, conn: Snapshot) -> LeadExport:
    """A data-subject access request: the lead's fields and external ids, its timeline, score
    adjustments, stage changes, assignments, tasks, track enrolments and consent history, as one
    JSON document."""
    return LeadExport.model_validate(await services.consents.export(conn, principal, lead_id))


@lead_router.post(
    "/{lead_id}/consents/confirm",
    operation_id="confirm_consent",
    status_code=201,
    response_model=Consent,
    summary="Confirm a double opt-in",
)
async def confirm_consent(
    lead_id: str, body: ConsentConfirm, principal: Writer, services: ServicesDep, conn: Tx
) -> JSONResponse:
    """The token of the lead's `consent.requested` grants the pending channel (email), once: a
    `granted` record (source `double_opt_in`) and `consent.recorded`. 422 naming `token` when no
    pending confirmation of the lead has it (wrong, or spent)."""
    row = await services.consents.confirm(conn, principal, lead_id, body.token)
    return JSONResponse(shown(row), status_code=201)


@settings_router.get(
    "/settings",
    operation_id="get_consent_settings",
    response_model=ConsentSettingsOut,
    summary="Consent settings",
)
async def get_consent_settings(
    principal: Reader, services: ServicesDep, conn: Snapshot
) -> ConsentSettingsOut:
    return ConsentSettingsOut.model_validate(await services.consents.settings(conn, principal))


@settings_router.put(
    "/settings",
    operation_id="put_consent_settings",
    response_model=ConsentSettingsOut,
    summary="Set consent settings",
)
async def put_consent_settings(
    body: ConsentSettingsIn, principal: Admin, services: ServicesDep, conn: Tx
) -> ConsentSettingsOut:
    """Which form sources' captures are pending for email until confirmed (double opt-in)."""
    return ConsentSettingsOut.model_validate(await services.consents.save_settings(conn, principal, body))


@report_router.get(
    "/data-quality",
    operation_id="data_quality_report",
    response_model=DataQualityReport,
    summary="Data quality by source",
)
async def data_quality_report(principal: Reader, conn: ReplicaSnapshot) -> DataQualityReport:
    """Per lead source and overall: the share of leads that have each field, and the share without
    granted email consent. Which source sends bad data."""
    return DataQualityReport.model_validate(await data_quality(conn, principal.workspace_id))
