"""GET /v1/audit-log (admin scope)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from leadapi.api.auth import Admin
from leadapi.api.deps import Reads
from leadapi.api.pagination import next_time_cursor, time_cursor
from leadapi.audit.schemas import AuditEntry, AuditEntryList, Resource
from leadapi.audit.service import entries
from leadapi.errors import PROBLEM_RESPONSES, ProblemError
from leadapi.times import UtcDateTime

router = APIRouter(prefix="/v1/audit-log", tags=["audit-log"], responses=PROBLEM_RESPONSES)


@router.get("", operation_id="list_audit_log", response_model=AuditEntryList, summary="Admin changes")
async def list_audit_log(
    principal: Admin,
    conn: Reads,
    resource: Annotated[Resource | None, Query(description="Only changes to this kind of resource.")] = None,
    resource_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    key_id: Annotated[str | None, Query(min_length=1, max_length=32, description="Made by this key.")] = None,
    from_: Annotated[UtcDateTime | None, Query(alias="from", description="At or after.")] = None,
    to: Annotated[UtcDateTime | None, Query(description="Before.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> AuditEntryList:
    """Changes to API keys, scoring models, routing rules and settings, owners, lifecycle stages,
    SLA policies, form sources and webhooks, newest first: who (key id), what (resource, id,
    before and after, secrets masked) and when. Each entry was written in the transaction that
    made the change."""
    if from_ is not None and to is not None and from_ >= to:
        raise ProblemError(
            422, "`from` must be before `to`.", errors=[{"field": "from", "message": "not before `to`"}]
        )
    rows = await entries(
        conn,
        principal,
        resource=resource,
        resource_id=resource_id,
        key_id=key_id,
        since=from_,
        until=to,
        limit=limit + 1,
        before=time_cursor(cursor),
    )
    return AuditEntryList(
        data=[AuditEntry.model_validate(r) for r in rows[:limit]],
        next_cursor=next_time_cursor(rows, limit, "at"),
    )
