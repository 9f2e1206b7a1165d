"""A routing preview's subject, a stored lead (`lead_id`) or an inline one (`lead`), resolved and
tried against the rules: the REST endpoint and the MCP tool both answer from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.errors import validation_problem
from leadapi.principal import Principal
from leadapi.routing.engine import Decision

if TYPE_CHECKING:
    from leadapi.leads.schemas import LeadFields
    from leadapi.leads.service import LeadService
    from leadapi.routing.service import RoutingService


async def preview_decision(
    conn: AsyncConnection,
    principal: Principal,
    leads: LeadService,
    routing: RoutingService,
    lead_id: str | None,
    lead: LeadFields | None,
) -> Decision:
    """Who would get the lead: exactly one of `lead_id` and `lead` (an inline lead is scored by
    the active model first, so band conditions apply); nothing is stored, no rotation moves."""
    if lead_id is not None and lead is None:
        row = await leads.get(conn, principal, lead_id)
    elif lead is not None and lead_id is None:
        row = await leads.sketch(conn, principal, lead)
    else:
        raise validation_problem([{"field": "lead_id", "message": "give exactly one of lead_id and lead"}])
    return await routing.preview(conn, principal, row)
