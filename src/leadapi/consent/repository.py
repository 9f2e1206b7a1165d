"""Consent records and suppressions of one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, or_
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.consent.models import ConsentSettings, LeadConsent, Suppression
from leadapi.repository import WorkspaceRepository

consents = cast(Table, LeadConsent.__table__)
suppressions = cast(Table, Suppression.__table__)
settings = cast(Table, ConsentSettings.__table__)


class ConsentRepository(WorkspaceRepository):
    def __init__(self, conn: AsyncConnection, workspace_id: str) -> None:
        super().__init__(conn, workspace_id)

    async def add(self, row: dict[str, Any]) -> None:
        await self.insert_row(consents, row)

    async def history(
        self, lead_id: str, limit: int | None = None, before: tuple[datetime, str] | None = None
    ) -> list[dict[str, Any]]:
        """A lead's records, newest first (by `at`, then id): one range of the lead's index."""
        stmt = (
            self.scoped_select(consents)
            .where(consents.c.lead_id == lead_id)
            .order_by(consents.c.at.desc(), consents.c.id.desc())
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        if before is not None:
            stmt = stmt.where(
                or_(consents.c.at < before[0], and_(consents.c.at == before[0], consents.c.id < before[1]))
            )
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def all_of(self, lead_id: str) -> list[dict[str, Any]]:
        """Every record of the lead, in no order (a lead's records are few: a handful of channels
        changed now and then)."""
        stmt = self.scoped_select(consents).where(consents.c.lead_id == lead_id)
        return [dict(row) for row in (await self.conn.execute(stmt)).mappings()]

    async def email_consented(self, lead_ids: Sequence[str]) -> set[str]:
        """Those of `lead_ids` whose email consent is granted now (their latest email record)."""
        if not lead_ids:
            return set()
        stmt = self.scoped_select(consents).where(
            consents.c.lead_id.in_(list(lead_ids)), consents.c.channel == "email"
        )
        latest: dict[str, tuple[Any, str, str]] = {}
        for row in (await self.conn.execute(stmt)).mappings():
            key = (row["at"], row["id"], row["status"])
            if row["lead_id"] not in latest or key[:2] > latest[row["lead_id"]][:2]:
                latest[row["lead_id"]] = key
        return {lead_id for lead_id, (_, _, status) in latest.items() if status == "granted"}

    async def pending_by_token(self, lead_id: str, token_digest: str) -> dict[str, Any] | None:
        """The lead's pending double opt-in whose token hashes to `token_digest`, locked."""
        stmt = (
            self.scoped_select(consents)
            .where(consents.c.lead_id == lead_id, consents.c.token_digest == token_digest)
            .with_for_update()
        )
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def spend_token(self, consent_id: str) -> None:
        await self.conn.execute(
            self.scoped_update(consents).where(consents.c.id == consent_id).values(token_digest=None)
        )

    async def settings(self) -> dict[str, Any] | None:
        row = (await self.conn.execute(self.scoped_select(settings))).mappings().first()
        return dict(row) if row else None

    async def save_settings(self, values: dict[str, Any]) -> None:
        """The settings replaced (made on the first write)."""
        await self.upsert_settings(settings, values)

    async def move_to_lead(self, from_lead_id: str, to_lead_id: str) -> None:
        """A merged duplicate's consent history is the survivor's."""
        await self.conn.execute(
            self.scoped_update(consents).where(consents.c.lead_id == from_lead_id).values(lead_id=to_lead_id)
        )

    async def erase_lead(self, lead_id: str) -> None:
        await self.conn.execute(self.scoped_delete(consents).where(consents.c.lead_id == lead_id))


class SuppressionRepository(WorkspaceRepository):
    async def suppressed(self, digests: Sequence[str]) -> str | None:
        """The kind (email, phone) of the first of `digests` suppressed in the workspace, or None."""
        if not digests:
            return None
        stmt = (
            self.scoped_select(suppressions, suppressions.c.kind)
            .where(suppressions.c.digest.in_(list(digests)))
            .limit(1)
        )
        return cast(str | None, await self.conn.scalar(stmt))

    async def present(self, digests: Sequence[str]) -> set[str]:
        """Those of `digests` suppressed in the workspace (a bulk capture's check, by the same
        index as a single one's)."""
        unique, found = sorted(set(digests)), set[str]()
        for at in range(0, len(unique), 5000):  # within SQLite's limit of bound parameters
            stmt = self.scoped_select(suppressions, suppressions.c.digest).where(
                suppressions.c.digest.in_(unique[at : at + 5000])
            )
            found.update((await self.conn.execute(stmt)).scalars())
        return found

    async def add(self, rows: Sequence[dict[str, Any]]) -> None:
        """Suppress these digests; one already suppressed (the same person erased before) stays."""
        if not rows:
            return
        stmt = self.scoped_select(suppressions, suppressions.c.digest).where(
            suppressions.c.digest.in_([r["digest"] for r in rows])
        )
        held = set((await self.conn.execute(stmt)).scalars())
        await self.insert_rows(suppressions, [r for r in rows if r["digest"] not in held])
