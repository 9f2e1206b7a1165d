"""Writing audit entries (inside the caller's transaction) and reading them back.

An entry holds the resource's row before and after the change, as JSON, with every value whose
name says it is a secret masked: the log is for seeing who changed what, and must not become a
second place secrets can be read from (signing secrets are sealed at rest; the log never holds
them at all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, cast

from sqlalchemy import Select, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.pagination import row_after
from leadapi.audit.models import AuditEntry
from leadapi.ids import new_id
from leadapi.principal import Principal

audit_log = cast(Table, AuditEntry.__table__)

Action = Literal["created", "updated", "deleted", "revoked", "activated", "rotated", "replaced"]
RESOURCES = (
    "api_key",
    "scoring_model",
    "routing_rule",
    "routing_settings",
    "owner",
    "lifecycle_stages",
    "sla_policy",
    "source",
    "webhook",
    "automation",
    "segment",
    "enrichment_provider",
)
MASK = "[masked]"
# A name holding any of these is a secret (or a hash of one): its value is never logged.
SECRET_MARKERS = ("secret", "password", "token", "credential", "api_key", "private_key", "hash")
# Never part of an entry: the tenant is the entry's own, and these are bookkeeping, not settings.
ALWAYS_OMITTED = frozenset({"workspace_id"})


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def masked(value: Any) -> Any:
    """A JSON-ready copy with secret-named values replaced by a mask (at any depth)."""
    if isinstance(value, Mapping):
        return {
            str(k): (MASK if v is not None and _is_secret(str(k)) else masked(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [masked(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _shown(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    shown: dict[str, Any] = masked({k: v for k, v in row.items() if k not in ALWAYS_OMITTED})
    return shown


async def snapshot(
    conn: AsyncConnection, table: Table, where: Mapping[str, Any], omit: Sequence[str] = ()
) -> dict[str, Any] | None:
    """The row as an entry shows it (masked, without bookkeeping columns), or None."""
    stmt = select(table).where(*(table.c[name] == value for name, value in where.items()))
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    skip = ALWAYS_OMITTED | set(omit)
    snap: dict[str, Any] = masked({k: v for k, v in row.items() if k not in skip})
    return snap


async def record(
    conn: AsyncConnection,
    *,
    workspace_id: str,
    key_id: str | None,
    at: datetime,
    action: Action,
    resource: str,
    resource_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Append an entry in `conn`'s transaction: it commits (or rolls back) with the change."""
    await conn.execute(
        insert(audit_log).values(
            id=new_id("audit"),
            workspace_id=workspace_id,
            at=at,
            key_id=key_id,
            action=action,
            resource=resource,
            resource_id=resource_id,
            before=_shown(before),
            after=_shown(after),
        )
    )


async def record_for(
    conn: AsyncConnection,
    principal: Principal,
    at: datetime,
    action: Action,
    resource: str,
    resource_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    await record(
        conn,
        workspace_id=principal.workspace_id,
        key_id=principal.key_id or None,
        at=at,
        action=action,
        resource=resource,
        resource_id=resource_id,
        before=before,
        after=after,
    )


def entries_statement(
    workspace_id: str,
    *,
    resource: str | None = None,
    resource_id: str | None = None,
    key_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    before: tuple[datetime, str] | None = None,
) -> Select[Any]:
    """A page of the log, newest first, after the (at, id) of `before` when given."""
    c = audit_log.c
    stmt = (
        select(audit_log)
        .where(c.workspace_id == workspace_id)
        .order_by(c.at.desc(), c.id.desc())
        .limit(limit)
    )
    if resource is not None:
        stmt = stmt.where(c.resource == resource)
    if resource_id is not None:
        stmt = stmt.where(c.resource_id == resource_id)
    if key_id is not None:
        stmt = stmt.where(c.key_id == key_id)
    if since is not None:
        stmt = stmt.where(c.at >= since)
    if until is not None:
        stmt = stmt.where(c.at < until)
    if before is not None:
        stmt = stmt.where(row_after([(c.at, True), (c.id, True)], before))
    return stmt


async def entries(
    conn: AsyncConnection,
    principal: Principal,
    *,
    resource: str | None,
    resource_id: str | None,
    key_id: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    before: tuple[datetime, str] | None,
) -> list[dict[str, Any]]:
    """A page of the caller's workspace's log (see entries_statement)."""
    stmt = entries_statement(
        principal.workspace_id,
        resource=resource,
        resource_id=resource_id,
        key_id=key_id,
        since=since,
        until=until,
        limit=limit,
        before=before,
    )
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]
