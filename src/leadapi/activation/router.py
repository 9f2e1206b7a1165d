"""Installing the activation defaults over HTTP: thin over the activation flow."""

from __future__ import annotations

from fastapi import APIRouter

from leadapi.activation.schemas import InstalledDefault, InstalledDefaults
from leadapi.api.auth import Admin
from leadapi.api.deps import ServicesDep, Tx
from leadapi.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/automations", tags=["automations"], responses=PROBLEM_RESPONSES)


@router.post(
    "/defaults",
    operation_id="install_automation_defaults",
    response_model=InstalledDefaults,
    summary="Install the activation defaults",
)
async def install_automation_defaults(principal: Admin, services: ServicesDep, conn: Tx) -> InstalledDefaults:
    """The automations a new workspace starts with, **inactive** until an admin switches them on,
    and the nurture tracks they enrol leads in: an intent spike on an MQL notifies the owner and
    makes a call task due in 60 minutes; a lead quiet for 90 days moves to the recycle stage and
    enters the re-engagement track; a rejected lead enters the nurture track. For workspaces made
    before they existed. Idempotent: what the workspace was given already (even if deleted since)
    is not made again; each is listed with `installed: false`."""
    rows = await services.activation.install(conn, principal)
    return InstalledDefaults(data=[InstalledDefault.model_validate(r) for r in rows])
