"""Double opt-in: a capture through a form source the workspace names is pending for email until
the person confirms. The pending record's `consent.requested` event carries a one-time token
(webhooks deliver it to whatever sends the confirmation email); `POST
/v1/leads/{id}/consents/confirm` with the token, or an inbound `consent.confirm` event carrying it
(`POST /v1/events`, properties.token), grants email consent. Only the token's SHA-256 is
stored: it is random (192 bits), so a keyed hash adds nothing, and the table alone confirms
nobody."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.consent.repository import ConsentRepository
from leadapi.consent.schemas import Consent
from leadapi.errors import validation_problem
from leadapi.events.repository import EventRepository, NewEvent
from leadapi.ids import new_id


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def shown(row: Mapping[str, Any]) -> dict[str, Any]:
    return Consent.model_validate(row).model_dump(mode="json")


async def request_if_opted_in(
    conn: AsyncConnection,
    workspace_id: str,
    lead_id: str,
    source: Mapping[str, Any],
    now: datetime,
    actor: str | None,
) -> None:
    """When the workspace names `source` for double opt-in: a pending email record on the lead and
    `consent.requested` with its token, in the caller's transaction."""
    consents = ConsentRepository(conn, workspace_id)
    held = await consents.settings()
    if held is None or source["id"] not in held["double_opt_in_sources"]:
        return
    token = secrets.token_urlsafe(24)
    row: dict[str, Any] = {
        "id": new_id("consent"),
        "lead_id": lead_id,
        "channel": "email",
        "status": "pending",
        "source": f"form:{source['name']}"[:200],
        "at": now,
        "proof": {"form": source["name"][:200]},
        "actor": actor,
        "token_digest": token_digest(token),
        "created_at": now,
    }
    await consents.add(row)
    data = {"consent": shown(row), "token": token, "confirm_url": f"/v1/leads/{lead_id}/consents/confirm"}
    await EventRepository(conn, workspace_id).append(
        [NewEvent("consent.requested", lead_id, now, data, actor)]
    )


async def confirm_pending(
    conn: AsyncConnection,
    workspace_id: str,
    lead_id: str,
    token: str,
    now: datetime,
    actor: str | None,
    field: str = "token",
) -> dict[str, Any]:
    """Grant the pending consent the token belongs to (once), for a lead the caller has locked, in
    its transaction: the granted record, and `consent.recorded`. A token that confirms nothing
    of this lead: a 422 problem naming `field`."""
    consents = ConsentRepository(conn, workspace_id)
    pending = await consents.pending_by_token(lead_id, token_digest(token))
    if pending is None:
        raise validation_problem(
            [{"field": field, "message": "no pending confirmation of this lead has this token"}]
        )
    await consents.spend_token(pending["id"])
    row: dict[str, Any] = {
        "id": new_id("consent"),
        "lead_id": lead_id,
        "channel": pending["channel"],
        "status": "granted",
        "source": "double_opt_in",
        "at": now,
        "proof": {**(pending["proof"] or {}), "text": f"confirmed {pending['id']}"},
        "actor": actor,
        "token_digest": None,
        "created_at": now,
    }
    await consents.add(row)
    await EventRepository(conn, workspace_id).append(
        [NewEvent("consent.recorded", lead_id, now, {"consent": shown(row)}, actor)]
    )
    return row
