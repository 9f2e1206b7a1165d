"""Hygiene over HTTP: the archiving settings."""

from __future__ import annotations

from fastapi import APIRouter

from leadapi.api.auth import Admin, Reader
from leadapi.api.deps import ServicesDep, Snapshot, Tx
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.hygiene.schemas import HygieneSettings, HygieneSettingsIn

router = APIRouter(prefix="/v1/hygiene", tags=["hygiene"], responses=PROBLEM_RESPONSES)


@router.get(
    "/settings",
    operation_id="get_hygiene_settings",
    response_model=HygieneSettings,
    summary="Hygiene settings",
)
async def get_hygiene_settings(principal: Reader, services: ServicesDep, conn: Snapshot) -> HygieneSettings:
    return HygieneSettings.model_validate(await services.hygiene.settings(conn, principal))


@router.put(
    "/settings",
    operation_id="put_hygiene_settings",
    response_model=HygieneSettings,
    summary="Set when inactive leads are archived",
)
async def put_hygiene_settings(
    body: HygieneSettingsIn, principal: Admin, services: ServicesDep, conn: Tx
) -> HygieneSettings:
    """A sweep archives leads with no activity for `archive_inactive_after_days` (in `only_stages`,
    when given), in batches, each with `lead.archived`. Archived leads leave lead lists (unless
    `include_archived=true`) and count as no one's load in least-loaded routing (reports still
    count them), and come back on their next activity (`lead.unarchived`). 422 naming a stage
    the pipeline does not have."""
    return HygieneSettings.model_validate(await services.hygiene.save_settings(conn, principal, body))
