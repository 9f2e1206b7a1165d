"""Job rows: enqueue, claim with a lease, report progress, finish."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, insert, or_, select, update

from leadapi.db import constant
from leadapi.jobs.models import Job
from leadapi.repository import Repository, in_workspace

jobs = cast(Table, Job.__table__)


def claim_statement(now: datetime) -> Select[Any]:
    """The oldest job queued, or running with its lease run out. Statuses are written into the
    SQL: bound, a generic plan cannot tell how few rows they select."""
    due = or_(
        jobs.c.status == constant("queued"),
        and_(jobs.c.status == constant("running"), jobs.c.lease_until < now),
    )
    return (
        select(jobs)
        .where(jobs.c.status.in_([constant("queued"), constant("running")]), due)
        .order_by(jobs.c.created_at, jobs.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


class JobRepository(Repository):
    """The job queue, across workspaces: workers claim any workspace's jobs. A job is read by
    its workspace and id (`get`); the rest act on a job the worker already holds."""

    async def add(self, row: dict[str, Any]) -> None:
        await self.conn.execute(insert(jobs).values(**row))

    async def get(self, workspace_id: str, job_id: str) -> dict[str, Any] | None:
        stmt = select(jobs).where(in_workspace(jobs, workspace_id), jobs.c.id == job_id)
        row = (await self.conn.execute(stmt)).mappings().first()
        return dict(row) if row else None

    async def claim(
        self, now: datetime, lease_until: datetime, job_id: str | None = None
    ) -> dict[str, Any] | None:
        """The oldest job that is queued, or whose worker's lease ran out; leased to the caller.

        SKIP LOCKED lets several workers on PostgreSQL claim different jobs at once (SQLite has
        one writer at a time anyway).
        """
        if job_id is None:
            stmt = claim_statement(now)
        else:
            queued = (jobs.c.id == job_id) & (jobs.c.status == constant("queued"))
            stmt = select(jobs).where(queued).with_for_update(skip_locked=True)
        row = (await self.conn.execute(stmt)).mappings().first()
        if row is None:
            return None
        claimed = {
            "status": "running",
            "attempts": row["attempts"] + 1,
            "started_at": row["started_at"] or now,
            "lease_until": lease_until,
        }
        await self.conn.execute(update(jobs).where(jobs.c.id == row["id"]).values(**claimed))
        return {**dict(row), **claimed}

    async def report(self, job_id: str, progress: dict[str, Any], lease_until: datetime) -> None:
        await self.conn.execute(
            update(jobs).where(jobs.c.id == job_id).values(progress=progress, lease_until=lease_until)
        )

    async def finish(self, job_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(update(jobs).where(jobs.c.id == job_id).values(lease_until=None, **values))
