"""The data-quality report: per lead source, how complete the leads' fields are and how many lack
granted email consent, so that the source that sends bad data stands out.

One aggregate over the workspace's leads (GROUP BY source), read in the caller's snapshot. A
lead's email consent is its latest email record; a lead whose `consent` field is true counts as
consented too (the field predates the consent records)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from leadapi.consent.models import LeadConsent
from leadapi.duplicates.models import DuplicatePair
from leadapi.leads.models import Lead
from leadapi.repository import WorkspaceRepository

leads = cast(Table, Lead.__table__)
consents = cast(Table, LeadConsent.__table__)
pairs = cast(Table, DuplicatePair.__table__)

# The fields whose completeness the report measures.
QUALITY_FIELDS = (
    "email", "phone", "first_name", "last_name", "company", "title", "website", "industry", "country",
)  # fmt: skip


class QualityRepository(WorkspaceRepository):
    async def by_source(self) -> list[dict[str, Any]]:
        later = aliased(LeadConsent)
        granted = (
            select(consents.c.lead_id)
            .where(
                self.scope(consents),
                consents.c.channel == "email",
                consents.c.status == "granted",
                ~exists().where(
                    later.lead_id == consents.c.lead_id,
                    later.channel == "email",
                    or_(
                        later.at > consents.c.at,
                        and_(later.at == consents.c.at, later.id > consents.c.id),
                    ),
                ),
            )
            .scalar_subquery()
        )
        consented = or_(leads.c.consent.is_(True), leads.c.id.in_(granted))
        columns = [
            leads.c.source,
            func.count().label("leads"),
            func.sum(case((consented, 0), else_=1)).label("unconsented"),
            func.sum(case((leads.c.is_disposable_email.is_(True), 1), else_=0)).label("disposable"),
            func.sum(case((leads.c.is_role_email.is_(True), 1), else_=0)).label("role"),
            *(func.count(leads.c[name]).label(name) for name in QUALITY_FIELDS),
        ]
        stmt = self.scoped_select(leads, *columns).group_by(leads.c.source).order_by(leads.c.source)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def pending_duplicates(self) -> int:
        stmt = self.scoped_select(pairs, func.count()).where(pairs.c.status == "pending")
        return int(await self.conn.scalar(stmt) or 0)


def _shares(row: dict[str, Any]) -> dict[str, Any]:
    total = int(row["leads"])
    return {
        "leads": total,
        "completeness": {name: round(int(row[name]) / total, 4) if total else 0.0 for name in QUALITY_FIELDS},
        "unconsented_share": _share(row["unconsented"], total),
        "disposable_email_share": _share(row["disposable"], total),
        "role_email_share": _share(row["role"], total),
    }


def _share(count: Any, total: int) -> float:
    return round(int(count or 0) / total, 4) if total else 0.0


async def data_quality(conn: AsyncConnection, workspace_id: str) -> dict[str, Any]:
    repo = QualityRepository(conn, workspace_id)
    rows = await repo.by_source()
    overall: dict[str, Any] = {
        "leads": 0, "unconsented": 0, "disposable": 0, "role": 0, **dict.fromkeys(QUALITY_FIELDS, 0),
    }  # fmt: skip
    for row in rows:
        for key in overall:
            overall[key] += int(row[key] or 0)
    return {
        "overall": _shares(overall),
        "pending_duplicates": await repo.pending_duplicates(),
        "by_source": [{"source": row["source"], **_shares(row)} for row in rows],
    }
