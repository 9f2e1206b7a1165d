"""Lead queries. Every statement starts from `_base()`, already scoped to one workspace."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, delete, insert, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.api.filters import FieldSpec, Filter, filter_clause
from leadapi.api.pagination import keyset_clause, order_by
from leadapi.leads.models import Lead, LeadExternalId

leads = cast(Table, Lead.__table__)
external_ids = cast(Table, LeadExternalId.__table__)

_STRING_FIELDS = [
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "title",
    "company",
    "website",
    "industry",
    "country",
    "region",
    "city",
    "postal_code",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "owner_id",
    "stage",
    "domain",
    "seniority",
]

# What `GET /v1/leads` can filter and sort on.
LEAD_FIELDS: dict[str, FieldSpec] = {
    **{name: FieldSpec(name, "string") for name in _STRING_FIELDS},
    "company_size": FieldSpec("company_size", "int"),
    "score": FieldSpec("score", "int"),
    "version": FieldSpec("version", "int"),
    "consent": FieldSpec("consent", "bool"),
    "unsubscribed": FieldSpec("unsubscribed", "bool"),
    "is_free_email": FieldSpec("is_free_email", "bool"),
    "created_at": FieldSpec("created_at", "datetime"),
    "updated_at": FieldSpec("updated_at", "datetime"),
    "tags": FieldSpec("tags", "string_list", sortable=False),
    "attributes": FieldSpec("attributes", "attributes", sortable=False),
}

SEARCH_COLUMNS = ("email", "first_name", "last_name", "company")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class LeadRepository:
    def __init__(self, conn: AsyncConnection, workspace_id: str, *, lock: bool = False) -> None:
        self.conn = conn
        self.workspace_id = workspace_id
        # Row locks only mean something on PostgreSQL; SQLite transactions already hold the write lock.
        self.lock = lock

    def _base(self) -> Select[Any]:
        return select(leads).where(leads.c.workspace_id == self.workspace_id)

    def _locked(self, stmt: Select[Any]) -> Select[Any]:
        return stmt.with_for_update() if self.lock else stmt

    async def get(self, lead_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = self._base().where(leads.c.id == lead_id)
        if for_update:
            stmt = self._locked(stmt)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def find_matches(
        self, email: str | None, phone: str | None, ext_ids: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        """Every lead sharing one of the dedupe keys, locked for the merge that may follow."""
        conditions: list[ColumnElement[bool]] = []
        if email:
            conditions.append(leads.c.email == email)
        if phone:
            conditions.append(leads.c.phone == phone)
        if ext_ids:
            conditions.append(
                leads.c.id.in_(
                    select(external_ids.c.lead_id).where(
                        external_ids.c.workspace_id == self.workspace_id,
                        tuple_(external_ids.c.system, external_ids.c.external_id).in_(list(ext_ids.items())),
                    )
                )
            )
        if not conditions:
            return []
        stmt = self._locked(self._base().where(or_(*conditions)).order_by(leads.c.created_at, leads.c.id))
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def lead_ids_by_external_ids(self, ext_ids: Mapping[str, str]) -> dict[tuple[str, str], str]:
        if not ext_ids:
            return {}
        stmt = select(external_ids.c.system, external_ids.c.external_id, external_ids.c.lead_id).where(
            external_ids.c.workspace_id == self.workspace_id,
            tuple_(external_ids.c.system, external_ids.c.external_id).in_(list(ext_ids.items())),
        )
        return {(r.system, r.external_id): r.lead_id for r in await self.conn.execute(stmt)}

    async def email_owner(self, email: str) -> str | None:
        stmt = select(leads.c.id).where(leads.c.workspace_id == self.workspace_id, leads.c.email == email)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def insert(self, row: Mapping[str, Any]) -> None:
        await self.conn.execute(insert(leads).values(workspace_id=self.workspace_id, **row))

    async def update(self, lead_id: str, values: Mapping[str, Any]) -> None:
        await self.conn.execute(
            update(leads)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
            .values(**values)
        )

    async def delete(self, lead_id: str) -> None:
        await self.conn.execute(
            delete(leads).where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
        )

    async def add_external_ids(self, lead_id: str, ext_ids: Mapping[str, str]) -> None:
        if ext_ids:
            await self.conn.execute(
                insert(external_ids),
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

    async def page(
        self,
        filters: Sequence[Filter],
        sort: Sequence[tuple[str, bool]],
        query: str | None,
        limit: int,
        after: Sequence[Any] | None,
    ) -> list[dict[str, Any]]:
        stmt = self._base()
        clauses = [filter_clause(leads, f, LEAD_FIELDS, self.conn.dialect.name) for f in filters]
        if query:
            pattern = f"%{_escape_like(query)}%"
            clauses.append(or_(*(leads.c[name].ilike(pattern, escape="\\") for name in SEARCH_COLUMNS)))
        keys: list[tuple[ColumnElement[Any], bool]] = [
            (leads.c[LEAD_FIELDS[name].column], desc) for name, desc in sort
        ]
        keys.append((leads.c.id, sort[-1][1] if sort else False))
        if after is not None:
            clauses.append(keyset_clause(keys, after))
        if clauses:
            stmt = stmt.where(and_(*clauses))
        stmt = stmt.order_by(*order_by(keys)).limit(limit)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]
