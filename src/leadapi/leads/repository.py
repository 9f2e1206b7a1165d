"""Lead queries, scoped to one workspace (leadapi/repository.py); the hot path's statements are
built once with the workspace as a bind parameter (`WS`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    func,
    or_,
    select,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.filters import FieldKind, FieldSpec
from leadapi.api.pagination import keyset_clause
from leadapi.db import UTCDateTime
from leadapi.errors import not_found
from leadapi.leads.fields import PUBLIC_FIELDS, LeadRow
from leadapi.leads.models import Lead, LeadExternalId
from leadapi.repository import WS, WorkspaceRepository, in_workspace, same_workspace

leads = cast(Table, Lead.__table__)
external_ids = cast(Table, LeadExternalId.__table__)

# A plain column filters as the kind of its type.
_KINDS: tuple[tuple[type[Any], FieldKind], ...] = (
    (String, "string"),
    (Integer, "int"),
    (Float, "number"),
    (Boolean, "bool"),
    (UTCDateTime, "datetime"),
)
# The JSON documents filter as documents and cannot be sorted; external ids do not filter.
_DOCUMENTS = {
    "tags": FieldSpec("tags", "string_list", sortable=False),
    "attributes": FieldSpec("attributes", "attributes", sortable=False),
    "external_ids": None,
}


def _field(column: Column[Any]) -> FieldSpec:
    kind = next((kind for type_, kind in _KINDS if isinstance(column.type, type_)), None)
    if kind is None:  # a new kind of column: say how it filters
        raise TypeError(f"leads.{column.name}: no filter kind for {column.type!r}")
    return FieldSpec(column.name, kind)


# What `GET /v1/leads` can filter and sort on: every field the API shows (leads/fields.py).
LEAD_FIELDS: dict[str, FieldSpec] = {
    name: spec
    for name in PUBLIC_FIELDS
    if (spec := _DOCUMENTS[name] if name in _DOCUMENTS else _field(leads.c[name])) is not None
}

# Enough to hold the email match, each external id match and a few phone matches.
MAX_MATCHES = 25
# The advisory lock that makes the phone key exact under concurrency (two-key form: this class,
# hashtext(workspace id, space, phone)). Email and external ids are exact by their unique
# indexes; a phone cannot have one (leads with different emails may share a number), so every
# capture with a phone takes this lock before it looks for matches and holds it until it
# commits. The one-statement capture takes it in `leadapi_phone_matches` (migration 0014).
PHONE_LOCK_CLASS = 19539
_LOCK_PHONE = text("SELECT pg_advisory_xact_lock(:lock_class, hashtext(:_ws || ' ' || :phone))")
# Keys per statement of a bulk lookup: within SQLite's limit of bound parameters, whatever the
# import's chunk size.
_LOOKUP_SLICE = 5000
# Many phones' locks, taken in the order of the (sorted) array.
_LOCK_PHONES = text(
    "SELECT count(pg_advisory_xact_lock(:lock_class, hashtext(:_ws || ' ' || p))) "
    "FROM unnest(CAST(:phones AS text[])) AS p"
)


# Hot-path statements are built once with bind parameters: constructing a statement per call
# (values(), where() with literals) costs more than executing it. Each still filters on `WS`.
_GET = select(leads).where(in_workspace(leads), leads.c.id == bindparam("_id"))
_GET_FOR_UPDATE = _GET.with_for_update()
_GET_SKIP_LOCKED = _GET.with_for_update(skip_locked=True)
# In id order, so two transactions locking overlapping sets take the locks in the same order.
_GET_MANY = (
    select(leads)
    .where(in_workspace(leads), leads.c.id.in_(bindparam("_ids", expanding=True)))
    .order_by(leads.c.id)
)
_GET_MANY_FOR_UPDATE = _GET_MANY.with_for_update()
_UPDATE = update(leads).where(in_workspace(leads), leads.c.id == bindparam("_id"))
_OWNERS_OF_EXTERNAL_IDS = select(
    external_ids.c.system, external_ids.c.external_id, external_ids.c.lead_id
).where(
    in_workspace(external_ids),
    tuple_(external_ids.c.system, external_ids.c.external_id).in_(bindparam("_ext", expanding=True)),
)
# The dedupe lookups compare the workspace to an initplan's value, `(SELECT $ws)`, which the
# planner cannot see: it then plans for a workspace of average size, as a generic plan does. With
# the value in sight, a workspace newer than the last ANALYZE looked empty, every index that
# starts with workspace_id tied at one row, and the smallest won (ix_leads_workspace_id_score):
# each capture walked the whole workspace (2.6 ms at 11k leads; `make bench`'s routed workspace).
# The average can tie too, where workspaces hold about one lead each: then autoanalyze decides.
_WS_UNSEEN = select(WS).scalar_subquery()


# Ids of the leads that have the request's email, for the one-statement capture (leads/fast.py,
# which looks up phones through `leadapi_phone_matches`).
EMAIL_MATCH_IDS = select(leads.c.id).where(
    in_workspace(leads, _WS_UNSEEN), leads.c.email == bindparam("_email")
)


@lru_cache(maxsize=16)
def _match_statement(
    by_email: bool, by_phone: bool, by_external_id: bool, by_attribute: bool = False, postgres: bool = True
) -> CompoundSelect[Any]:
    """The matching leads themselves, one branch per key as above (a lead matched by two keys
    comes twice; the few matches are deduplicated and ordered in Python). Rows come straight
    from each branch's index: an outer `id IN (matches)` over the workspace let PostgreSQL walk
    every lead of a new workspace once per match candidate (7.7 s at 2,800 leads)."""
    of_workspace = in_workspace(leads, _WS_UNSEEN)
    branches: list[Select[Any]] = []
    if by_email:
        branches.append(select(leads).where(of_workspace, leads.c.email == bindparam("_email")))
    if by_phone:
        phone = leads.c.phone == bindparam("_phone")
        branches.append(
            select(leads).where(of_workspace, phone, *([leads.c.email.is_(None)] if by_email else []))
        )
    if by_external_id:
        branches.append(
            select(leads)
            .join(
                external_ids, and_(external_ids.c.lead_id == leads.c.id, same_workspace(external_ids, leads))
            )
            .where(
                of_workspace,
                in_workspace(external_ids, _WS_UNSEEN),
                tuple_(external_ids.c.system, external_ids.c.external_id).in_(
                    bindparam("_ext", expanding=True)
                ),
            )
        )
    if by_attribute:
        # A dedupe policy's chosen attribute: on PostgreSQL `attributes @> {name: value}`, through
        # the GIN index on attributes; SQLite compares the extracted value.
        has_value: ColumnElement[bool]
        if postgres:
            has_value = leads.c.attributes.op("@>")(bindparam("_attr_doc", type_=JSONB))
        else:
            has_value = func.json_extract(leads.c.attributes, bindparam("_attr_path")) == bindparam(
                "_attr_value"
            )
        branches.append(select(leads).where(of_workspace, has_value))
    return union_all(*branches).limit(MAX_MATCHES)


class LeadRepository(WorkspaceRepository):
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        super().__init__(conn, workspace_id)
        # Row locks only mean something on PostgreSQL; SQLite transactions already hold the write lock.
        self.lock = conn.dialect.name == "postgresql"

    async def get(
        self, lead_id: str, *, for_update: bool = False, skip_locked: bool = False
    ) -> dict[str, Any] | None:
        """The lead; `for_update` locks it (PostgreSQL), and with `skip_locked` a lead someone
        else holds reads as None instead of waiting."""
        stmt = _GET
        if for_update and self.lock:
            stmt = _GET_SKIP_LOCKED if skip_locked else _GET_FOR_UPDATE
        row = (await self.conn.execute(stmt, self.params(_id=lead_id))).mappings().first()
        return dict(row) if row else None

    async def get_many(
        self, lead_ids: Sequence[str], *, for_update: bool = False
    ) -> dict[str, dict[str, Any]]:
        """The leads among these that exist, by id, in one statement; `for_update` locks them
        (PostgreSQL)."""
        if not lead_ids:
            return {}
        stmt = _GET_MANY_FOR_UPDATE if for_update and self.lock else _GET_MANY
        rows = (await self.conn.execute(stmt, self.params(_ids=sorted(set(lead_ids))))).mappings()
        return {str(row["id"]): dict(row) for row in rows}

    async def require(self, lead_id: str) -> None:
        """A 404 problem unless the workspace has the lead: for what lists a lead's history."""
        found = await self.conn.scalar(self.scoped_select(leads, leads.c.id).where(leads.c.id == lead_id))
        if found is None:
            raise not_found("Lead", lead_id)

    async def lock_phone(self, phone: str) -> None:
        """Hold the phone's dedupe lock until the transaction ends (PostgreSQL; SQLite's single
        writer already orders captures). Take it before the lookup: in READ COMMITTED the
        lookup's own snapshot then sees every lead committed under it before."""
        if self.lock:
            await self.conn.execute(_LOCK_PHONE, self.params(lock_class=PHONE_LOCK_CLASS, phone=phone))

    async def find_matches(
        self,
        email: str | None,
        phone: str | None,
        ext_ids: Mapping[str, str],
        attribute: tuple[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Leads sharing a dedupe key with the request (`attribute`: a dedupe policy's chosen
        attribute and the request's value of it), oldest first (unlocked: lock the pick)."""
        if not (email or phone or ext_ids or attribute):
            return []
        stmt = _match_statement(bool(email), bool(phone), bool(ext_ids), attribute is not None, self.lock)
        params = self.params(_email=email, _phone=phone)
        if ext_ids:
            params["_ext"] = list(ext_ids.items())
        if attribute is not None:
            name, value = attribute
            if self.lock:
                params["_attr_doc"] = {name: value}
            else:
                params.update(_attr_path=f'$."{name}"', _attr_value=value)
        unique = {row["id"]: dict(row) for row in (await self.conn.execute(stmt, params)).mappings()}
        return sorted(unique.values(), key=lambda row: (row["created_at"], row["id"]))

    async def lock_phones(self, phones: Sequence[str]) -> None:
        """`lock_phone` for many phones in one statement, in sorted order (two bulk writers
        then never wait on each other in a cycle)."""
        if self.lock and phones:
            await self.conn.execute(
                _LOCK_PHONES, self.params(lock_class=PHONE_LOCK_CLASS, phones=sorted(set(phones)))
            )

    async def taken_keys(
        self, emails: Sequence[str], phones: Sequence[str], ext_ids: Sequence[tuple[str, str]]
    ) -> tuple[set[str], set[str], set[tuple[str, str]]]:
        """Which of these dedupe keys some lead of the workspace holds (emails, phones, external
        ids): a statement per kind of key, each by the index a single capture's lookup uses."""
        found: tuple[set[str], set[str], set[tuple[str, str]]] = (set(), set(), set())
        if emails:
            found[0].update(await self._present(leads.c.email, emails))
        if phones:
            found[1].update(await self._present(leads.c.phone, phones))
        unique = sorted(set(ext_ids))
        for at in range(0, len(unique), _LOOKUP_SLICE):
            owners = await self.conn.execute(
                _OWNERS_OF_EXTERNAL_IDS, self.params(_ext=unique[at : at + _LOOKUP_SLICE])
            )
            found[2].update((r.system, r.external_id) for r in owners)
        return found

    async def _present(self, column: Column[Any], values: Sequence[str]) -> list[str]:
        # PostgreSQL: one array parameter, so the statement is the same whatever the chunk holds.
        matches = (
            column == any_(bindparam("_values", type_=ARRAY(String)))
            if self.lock
            else column.in_(bindparam("_values", expanding=True))
        )
        stmt = select(column).where(in_workspace(leads, _WS_UNSEEN), matches)
        unique, present = sorted(set(values)), []
        for at in range(0, len(unique), _LOOKUP_SLICE):
            params = self.params(_values=unique[at : at + _LOOKUP_SLICE])
            present += list((await self.conn.execute(stmt, params)).scalars())
        return present

    async def add_external_ids_many(self, rows: Sequence[Mapping[str, str]]) -> None:
        """(lead_id, system, external_id) rows of new leads, in one statement."""
        await self.copy_rows(external_ids, rows)

    async def lead_ids_by_external_ids(self, ext_ids: Mapping[str, str]) -> dict[tuple[str, str], str]:
        if not ext_ids:
            return {}
        result = await self.conn.execute(_OWNERS_OF_EXTERNAL_IDS, self.params(_ext=list(ext_ids.items())))
        return {(r.system, r.external_id): r.lead_id for r in result}

    async def email_owner(self, email: str) -> str | None:
        """The lead holding the email's slot (others may share the email under a flag_only
        dedupe policy), else the oldest that has it."""
        stmt = (
            self.scoped_select(leads, leads.c.id)
            .where(leads.c.email == email)
            .order_by(leads.c.dedupe_slot, leads.c.created_at)
            .limit(1)
        )
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def insert(self, row: LeadRow | Mapping[str, Any]) -> None:
        """A new lead (its `workspace_id` is this repository's, whatever `row` says)."""
        await self.insert_row(leads, row)

    async def insert_many(self, rows: Sequence[LeadRow | Mapping[str, Any]]) -> None:
        """New leads in one statement (COPY on PostgreSQL)."""
        await self.copy_rows(leads, rows)

    async def update(self, lead_id: str, values: Mapping[str, Any]) -> None:
        await self.conn.execute(_UPDATE, self.params(**values, _id=lead_id))

    async def update_many(self, changes: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """(lead id, values) pairs, every values of the same columns, in one executemany."""
        if changes:
            await self.conn.execute(
                _UPDATE, [self.params(**values, _id=lead_id) for lead_id, values in changes]
            )

    async def delete(self, lead_id: str) -> None:
        await self.conn.execute(self.scoped_delete(leads).where(leads.c.id == lead_id))

    async def add_external_ids(self, lead_id: str, ext_ids: Mapping[str, str]) -> None:
        rows = [{"lead_id": lead_id, "system": s, "external_id": v} for s, v in ext_ids.items()]
        await self.insert_rows(external_ids, rows)

    async def remove_external_ids(self, lead_id: str, systems: Sequence[str]) -> None:
        if systems:
            await self.conn.execute(
                self.scoped_delete(external_ids).where(
                    external_ids.c.lead_id == lead_id,
                    external_ids.c.system.in_(list(systems)),
                )
            )

    async def move_external_ids(self, from_lead_id: str, to_lead_id: str, systems: Sequence[str]) -> None:
        """Re-point the given systems' ids to another lead (the rest are dropped with their lead)."""
        if systems:
            await self.conn.execute(
                self.scoped_update(external_ids)
                .where(
                    external_ids.c.lead_id == from_lead_id,
                    external_ids.c.system.in_(list(systems)),
                )
                .values(lead_id=to_lead_id)
            )

    async def count(self) -> int:
        stmt = self.scoped_select(leads, func.count())
        return int((await self.conn.execute(stmt)).scalar_one())

    async def not_scored_by(
        self, model_id: str, after: tuple[Any, str] | None, limit: int
    ) -> list[dict[str, Any]]:
        """The next leads, in creation order, whose score another model (or none) computed;
        locked on PostgreSQL."""
        stmt = self.scoped_select(leads).where(
            or_(leads.c.score_model_id != model_id, leads.c.score_model_id.is_(None))
        )
        if after is not None:
            stmt = stmt.where(keyset_clause([(leads.c.created_at, False), (leads.c.id, False)], after))
        stmt = stmt.order_by(leads.c.created_at, leads.c.id).limit(limit)
        if self.lock:
            stmt = stmt.with_for_update()
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]


async def due_for_rescore(conn: AsyncConnection, now: Any, limit: int) -> list[dict[str, Any]]:
    """Leads, in any workspace, whose score time alone may have changed by `now`, most overdue
    first. On PostgreSQL they are locked and rows other sweepers hold are skipped, so several
    workers share the queue without doing anything twice."""
    stmt = select(leads).where(leads.c.rescore_at <= now).order_by(leads.c.rescore_at).limit(limit)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [dict(row) for row in (await conn.execute(stmt)).mappings()]
