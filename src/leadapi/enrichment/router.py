"""Enrichment over HTTP: providers (admin), and enriching one lead now (write)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from leadapi.api.auth import Admin, Writer
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.api.pagination import id_cursor, next_id_cursor
from leadapi.enrichment.schemas import (
    EnrichResult,
    Provider,
    ProviderCreate,
    ProviderList,
    ProviderResult,
    ProviderUpdate,
)
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.leads.schemas import Lead

router = APIRouter(prefix="/v1/enrichment/providers", tags=["enrichment"], responses=PROBLEM_RESPONSES)
lead_router = APIRouter(prefix="/v1/leads", tags=["enrichment"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=2000)]


def shown(row: dict[str, Any], calls: int) -> Provider:
    return Provider.model_validate(
        {**row, "has_secret": row["secret"] is not None, "calls_this_month": calls}
    )


async def _vetted_create(body: ProviderCreate, services: ServicesDep) -> ProviderCreate:
    # A dependency, so the target is checked (a DNS look-up) before the transaction opens.
    await services.enrichment.vet(body.url_template)
    return body


async def _vetted_update(body: ProviderUpdate, services: ServicesDep) -> ProviderUpdate:
    changes = services.enrichment.changes(body)  # a null where one is needed: 422 before anything
    if changes.get("url_template") is not None:
        await services.enrichment.vet(changes["url_template"])
    return body


@router.post(
    "", operation_id="create_enrichment_provider", status_code=201, response_model=Provider, summary="Add one"
)
async def create_provider(
    body: Annotated[ProviderCreate, Depends(_vetted_create)],
    principal: Admin,
    services: ServicesDep,
    conn: Tx,
    response: Response,
) -> Provider:
    """A provider every new lead is enriched by, in the background after its capture (never in the
    capture's request): an HTTP API (`url_template`, `mapping`), or a built-in kind. It fills empty
    fields only unless `overwrite`; each change appends `lead.enriched` and rescores the lead."""
    row = await services.enrichment.create(conn, principal, body)
    response.headers["Location"] = f"/v1/enrichment/providers/{row['id']}"
    return shown(row, 0)


@router.get("", operation_id="list_enrichment_providers", response_model=ProviderList, summary="Providers")
async def list_providers(
    principal: Admin, services: ServicesDep, conn: Snapshot, limit: Limit = 50, cursor: Cursor = None
) -> ProviderList:
    rows = await services.enrichment.page(conn, principal, limit + 1, id_cursor(cursor))
    calls = await services.enrichment.calls_this_month(conn, principal, [r["id"] for r in rows[:limit]])
    return ProviderList(
        data=[shown(r, calls.get(r["id"], 0)) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.get("/{provider_id}", operation_id="get_enrichment_provider", response_model=Provider, summary="One")
async def get_provider(provider_id: str, principal: Admin, services: ServicesDep, conn: Snapshot) -> Provider:
    row = await services.enrichment.get(conn, principal, provider_id)
    calls = await services.enrichment.calls_this_month(conn, principal, [provider_id])
    return shown(row, calls.get(provider_id, 0))


@router.patch(
    "/{provider_id}", operation_id="update_enrichment_provider", response_model=Provider, summary="Change one"
)
async def update_provider(
    provider_id: str,
    body: Annotated[ProviderUpdate, Depends(_vetted_update)],
    principal: Admin,
    services: ServicesDep,
    conn: Tx,
) -> Provider:
    """Absent fields stay; `secret: null` removes the credential."""
    row = await services.enrichment.update(conn, principal, provider_id, body)
    calls = await services.enrichment.calls_this_month(conn, principal, [provider_id])
    return shown(row, calls.get(provider_id, 0))


@router.delete(
    "/{provider_id}", operation_id="delete_enrichment_provider", status_code=204, summary="Delete one"
)
async def delete_provider(provider_id: str, principal: Admin, services: ServicesDep, conn: Tx) -> Response:
    """Its queued runs, cached answers and call counts go with it; values it set stay."""
    await services.enrichment.delete(conn, principal, provider_id)
    return Response(status_code=204)


@lead_router.post(
    "/{lead_id}/enrich", operation_id="enrich_lead", response_model=EnrichResult, summary="Enrich a lead now"
)
async def enrich_lead(lead_id: str, principal: Writer, services: ServicesDep) -> EnrichResult:
    """Every active provider whose `when` the lead meets, now; answers are cached and calls budgeted
    as in the background. A provider that does not answer is tried again later in the background
    (`retrying`)."""
    lead, results = await services.enrichment_flow.enrich_now(principal, lead_id)
    return EnrichResult(
        lead=Lead.model_validate(lead), results=[ProviderResult.model_validate(r) for r in results]
    )
