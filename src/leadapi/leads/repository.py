"""Lead queries. Every statement starts from `_base()`, already scoped to one workspace."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    CompoundSelect,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import BindParameter

from leadapi.api.filters import FieldSpec
from leadapi.api.pagination import keyset_clause

# Only for the one-statement capture below, which must write the lead and its event together.
from leadapi.events.models import Event
from leadapi.leads.fields import SCALAR_FIELDS
from leadapi.leads.models import Lead, LeadExternalId
from leadapi.routing.models import RoutingSettings
from leadapi.scoring.models import ScoringSettings
from leadapi.stages.models import LifecycleSettings

leads = cast(Table, Lead.__table__)
external_ids = cast(Table, LeadExternalId.__table__)
events = cast(Table, Event.__table__)
scoring_settings = cast(Table, ScoringSettings.__table__)
routing_settings = cast(Table, RoutingSettings.__table__)
lifecycle_settings = cast(Table, LifecycleSettings.__table__)

# Text columns: the plain fields that hold text, and the derived or read-only ones.
_STRING_FIELDS = [name for name in SCALAR_FIELDS if name not in ("company_size", "consent")] + [
    "id",
    "owner_id",
    "stage",
    "domain",
    "seniority",
    "band",
    "score_model_id",
]

# What `GET /v1/leads` can filter and sort on.
LEAD_FIELDS: dict[str, FieldSpec] = {
    **{name: FieldSpec(name, "string") for name in _STRING_FIELDS},
    "company_size": FieldSpec("company_size", "int"),
    "score": FieldSpec("score", "int"),
    "fit_score": FieldSpec("fit_score", "number"),
    "behavior_score": FieldSpec("behavior_score", "number"),
    "scored_at": FieldSpec("scored_at", "datetime"),
    "last_activity_at": FieldSpec("last_activity_at", "datetime"),
    "first_touch_at": FieldSpec("first_touch_at", "datetime"),
    "first_activity_at": FieldSpec("first_activity_at", "datetime"),
    "stage_entered_at": FieldSpec("stage_entered_at", "datetime"),
    "version": FieldSpec("version", "int"),
    "consent": FieldSpec("consent", "bool"),
    "unsubscribed": FieldSpec("unsubscribed", "bool"),
    "is_free_email": FieldSpec("is_free_email", "bool"),
    "created_at": FieldSpec("created_at", "datetime"),
    "updated_at": FieldSpec("updated_at", "datetime"),
    "tags": FieldSpec("tags", "string_list", sortable=False),
    "attributes": FieldSpec("attributes", "attributes", sortable=False),
}

# Enough to hold the email match, each external id match and a few phone matches.
MAX_MATCHES = 25
# The advisory lock that makes the phone key exact under concurrency (two-key form: this class,
# hashtext(workspace id, space, phone)). Email and external ids are exact by their unique
# indexes; a phone cannot have one (leads with different emails may share a number), so every
# capture with a phone takes this lock before it looks for matches and holds it until it
# commits. The one-statement capture takes it in `leadapi_phone_matches` (migration 0014).
PHONE_LOCK_CLASS = 19539
_LOCK_PHONE = text("SELECT pg_advisory_xact_lock(:lock_class, hashtext(:ws || ' ' || :phone))")


# Hot-path statements are built once with bind parameters: constructing a statement per call
# (values(), where() with literals) costs more than executing it. Each still filters on `_ws`.
_WS: BindParameter[str] = bindparam("_ws")
_BASE = select(leads).where(leads.c.workspace_id == _WS)
_GET = _BASE.where(leads.c.id == bindparam("_id"))
_GET_FOR_UPDATE = _GET.with_for_update()
_GET_SKIP_LOCKED = _GET.with_for_update(skip_locked=True)
_INSERT = insert(leads)
_UPDATE = update(leads).where(leads.c.workspace_id == _WS, leads.c.id == bindparam("_id"))
_INSERT_EXTERNAL_IDS = insert(external_ids)
_OWNERS_OF_EXTERNAL_IDS = select(
    external_ids.c.system, external_ids.c.external_id, external_ids.c.lead_id
).where(
    external_ids.c.workspace_id == _WS,
    tuple_(external_ids.c.system, external_ids.c.external_id).in_(bindparam("_ext", expanding=True)),
)
# The dedupe lookups compare the workspace to an initplan's value, `(SELECT $ws)`, which the
# planner cannot see: it then plans for a workspace of average size, as a generic plan does. With
# the value in sight, a workspace newer than the last ANALYZE looked empty, every index that
# starts with workspace_id tied at one row, and the smallest won (ix_leads_workspace_id_score):
# each capture walked the whole workspace (2.6 ms at 11k leads; `make bench`'s routed workspace).
# The average can tie too, where workspaces hold about one lead each: then autoanalyze decides.
_WS_UNSEEN = select(_WS).scalar_subquery()


@lru_cache(maxsize=16)
def _match_ids_statement(by_email: bool, by_phone: bool, by_external_id: bool) -> CompoundSelect[Any]:
    """Ids of leads sharing a dedupe key with the request.

    A phone is only a key between leads that cannot be told apart by email, so with an email in the
    request only leads without one are phone candidates (that also keeps a busy switchboard number
    from matching hundreds of rows).

    One UNION ALL branch per key, each an equality on a whole index: an OR of the keys, or an ORDER
    BY, let PostgreSQL pick a plan that walks every lead of the workspace and filters (measured:
    4.6 ms at 5k leads and growing), which it does for certain on a table without statistics yet.
    """
    branches: list[Select[Any]] = []
    in_workspace = leads.c.workspace_id == _WS_UNSEEN
    if by_email:
        branches.append(select(leads.c.id).where(in_workspace, leads.c.email == bindparam("_email")))
    if by_phone:
        phone = leads.c.phone == bindparam("_phone")
        branches.append(
            select(leads.c.id).where(in_workspace, phone, *([leads.c.email.is_(None)] if by_email else []))
        )
    if by_external_id:
        branches.append(
            select(external_ids.c.lead_id).where(
                external_ids.c.workspace_id == _WS_UNSEEN,
                tuple_(external_ids.c.system, external_ids.c.external_id).in_(
                    bindparam("_ext", expanding=True)
                ),
            )
        )
    return union_all(*branches).limit(MAX_MATCHES)


@lru_cache(maxsize=16)
def _match_statement(by_email: bool, by_phone: bool, by_external_id: bool) -> CompoundSelect[Any]:
    """The matching leads themselves, one branch per key as above (a lead matched by two keys
    comes twice; the few matches are deduplicated and ordered in Python). Rows come straight
    from each branch's index: an outer `id IN (matches)` over the workspace let PostgreSQL walk
    every lead of a new workspace once per match candidate (7.7 s at 2,800 leads)."""
    in_workspace = leads.c.workspace_id == _WS_UNSEEN
    branches: list[Select[Any]] = []
    if by_email:
        branches.append(select(leads).where(in_workspace, leads.c.email == bindparam("_email")))
    if by_phone:
        phone = leads.c.phone == bindparam("_phone")
        branches.append(
            select(leads).where(in_workspace, phone, *([leads.c.email.is_(None)] if by_email else []))
        )
    if by_external_id:
        branches.append(
            select(leads)
            .join(external_ids, external_ids.c.lead_id == leads.c.id)
            .where(
                in_workspace,
                external_ids.c.workspace_id == _WS_UNSEEN,
                tuple_(external_ids.c.system, external_ids.c.external_id).in_(
                    bindparam("_ext", expanding=True)
                ),
            )
        )
    return union_all(*branches).limit(MAX_MATCHES)


class LeadRepository:
    def __init__(self, conn: AsyncConnection, workspace_id: str, *, lock: bool = False) -> None:
        self.conn = conn
        self.workspace_id = workspace_id
        # Row locks only mean something on PostgreSQL; SQLite transactions already hold the write lock.
        self.lock = lock

    def _base(self) -> Select[Any]:
        return select(leads).where(leads.c.workspace_id == self.workspace_id)

    async def get(
        self, lead_id: str, *, for_update: bool = False, skip_locked: bool = False
    ) -> dict[str, Any] | None:
        """The lead; `for_update` locks it (PostgreSQL), and with `skip_locked` a lead someone
        else holds reads as None instead of waiting."""
        stmt = _GET
        if for_update and self.lock:
            stmt = _GET_SKIP_LOCKED if skip_locked else _GET_FOR_UPDATE
        row = (await self.conn.execute(stmt, {"_ws": self.workspace_id, "_id": lead_id})).mappings().first()
        return dict(row) if row else None

    async def lock_phone(self, phone: str) -> None:
        """Hold the phone's dedupe lock until the transaction ends (PostgreSQL; SQLite's single
        writer already orders captures). Take it before the lookup: in READ COMMITTED the
        lookup's own snapshot then sees every lead committed under it before."""
        if self.lock:
            params = {"lock_class": PHONE_LOCK_CLASS, "ws": self.workspace_id, "phone": phone}
            await self.conn.execute(_LOCK_PHONE, params)

    async def find_matches(
        self, email: str | None, phone: str | None, ext_ids: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        """Leads sharing a dedupe key with the request, oldest first (unlocked: lock the pick)."""
        if not (email or phone or ext_ids):
            return []
        stmt = _match_statement(bool(email), bool(phone), bool(ext_ids))
        params: dict[str, Any] = {"_ws": self.workspace_id, "_email": email, "_phone": phone}
        if ext_ids:
            params["_ext"] = list(ext_ids.items())
        unique = {row["id"]: dict(row) for row in (await self.conn.execute(stmt, params)).mappings()}
        return sorted(unique.values(), key=lambda row: (row["created_at"], row["id"]))

    async def lead_ids_by_external_ids(self, ext_ids: Mapping[str, str]) -> dict[tuple[str, str], str]:
        if not ext_ids:
            return {}
        result = await self.conn.execute(
            _OWNERS_OF_EXTERNAL_IDS, {"_ws": self.workspace_id, "_ext": list(ext_ids.items())}
        )
        return {(r.system, r.external_id): r.lead_id for r in result}

    async def email_owner(self, email: str) -> str | None:
        stmt = select(leads.c.id).where(leads.c.workspace_id == self.workspace_id, leads.c.email == email)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def insert(self, row: Mapping[str, Any]) -> None:
        await self.conn.execute(_INSERT, {**row, "workspace_id": self.workspace_id})

    async def update(self, lead_id: str, values: Mapping[str, Any]) -> None:
        await self.conn.execute(_UPDATE, {**values, "_ws": self.workspace_id, "_id": lead_id})

    async def delete(self, lead_id: str) -> None:
        await self.conn.execute(
            delete(leads).where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
        )

    async def add_external_ids(self, lead_id: str, ext_ids: Mapping[str, str]) -> None:
        if ext_ids:
            await self.conn.execute(
                _INSERT_EXTERNAL_IDS,
                [
                    {"workspace_id": self.workspace_id, "lead_id": lead_id, "system": s, "external_id": v}
                    for s, v in ext_ids.items()
                ],
            )

    async def remove_external_ids(self, lead_id: str, systems: Sequence[str]) -> None:
        if systems:
            await self.conn.execute(
                delete(external_ids).where(
                    external_ids.c.workspace_id == self.workspace_id,
                    external_ids.c.lead_id == lead_id,
                    external_ids.c.system.in_(list(systems)),
                )
            )

    async def move_external_ids(self, from_lead_id: str, to_lead_id: str, systems: Sequence[str]) -> None:
        """Re-point the given systems' ids to another lead (the rest are dropped with their lead)."""
        if systems:
            await self.conn.execute(
                update(external_ids)
                .where(
                    external_ids.c.workspace_id == self.workspace_id,
                    external_ids.c.lead_id == from_lead_id,
                    external_ids.c.system.in_(list(systems)),
                )
                .values(lead_id=to_lead_id)
            )

    async def count(self) -> int:
        stmt = select(func.count()).select_from(leads).where(leads.c.workspace_id == self.workspace_id)
        return int((await self.conn.execute(stmt)).scalar_one())

    async def not_scored_by(
        self, model_id: str, after: tuple[Any, str] | None, limit: int
    ) -> list[dict[str, Any]]:
        """The next leads, in creation order, whose score another model (or none) computed;
        locked on PostgreSQL."""
        stmt = self._base().where(or_(leads.c.score_model_id != model_id, leads.c.score_model_id.is_(None)))
        if after is not None:
            stmt = stmt.where(keyset_clause([(leads.c.created_at, False), (leads.c.id, False)], after))
        stmt = stmt.order_by(leads.c.created_at, leads.c.id).limit(limit)
        if self.lock:
            stmt = stmt.with_for_update()
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]


async def due_for_rescore(conn: AsyncConnection, now: Any, limit: int, *, lock: bool) -> list[dict[str, Any]]:
    """Leads, in any workspace, whose score time alone may have changed by `now`, most overdue
    first. On PostgreSQL they are locked and rows other sweepers hold are skipped, so several
    workers share the queue without doing anything twice."""
    stmt = select(leads).where(leads.c.rescore_at <= now).order_by(leads.c.rescore_at).limit(limit)
    if lock:
        stmt = stmt.with_for_update(skip_locked=True)
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]
