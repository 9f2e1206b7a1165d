"""Running background jobs: a request enqueues one in the request's transaction; a worker (in the
serving process by default, or `leadapi worker`) claims it with a lease and runs its handler.

Handlers must be safe to run again: a job whose worker died is picked up once its lease ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.errors import not_found
from leadapi.ids import new_id
from leadapi.jobs.repository import JobRepository
from leadapi.principal import Principal

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3

Report = Callable[[dict[str, Any]], Awaitable[None]]


class JobInterrupted(Exception):  # noqa: N818  (not an error: the process is stopping)
    """A handler stopped at a safe point because its process is stopping: the job goes back to
    the queue as it was (this run does not count as an attempt), and resumes elsewhere."""


Handler = Callable[[dict[str, Any], Report], Awaitable[dict[str, Any]]]


class JobService:
    """Jobs, in the caller's transaction; jobs/loop.py runs them."""

    def __init__(self, clock: Callable[[], datetime], lease: timedelta = LEASE) -> None:
        self.clock = clock
        self.lease = lease
        # Set when the process stops: long handlers (an import) stop at their next safe point
        # rather than hold the shutdown until they are done.
        self.stopping = asyncio.Event()
        self.handlers: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    async def enqueue(
        self, conn: AsyncConnection, workspace_id: str, kind: str, params: dict[str, Any], actor: str | None
    ) -> dict[str, Any]:
        """A new queued job, in the caller's transaction (so it exists if and only if that commits)."""
        row = {
            "id": new_id("job"),
            "workspace_id": workspace_id,
            "kind": kind,
            "status": "queued",
            "params": params,
            "progress": {},
            "result": None,
            "error": None,
            "attempts": 0,
            "created_at": self.clock(),
            "created_by": actor,
            "started_at": None,
            "finished_at": None,
            "lease_until": None,
        }
        await JobRepository(conn).add(row)
        return row

    async def get(self, conn: AsyncConnection, principal: Principal, job_id: str) -> dict[str, Any]:
        row = await JobRepository(conn).get(principal.workspace_id, job_id)
        if row is None:
            raise not_found("Job", job_id)
        return row

    # One job's run is several units of work (claim, progress reports, the outcome), each its own
    # transaction, opened by the runner (jobs/loop.py): a claim must commit before the handler
    # runs, and progress must be visible while it does.

    async def claim(self, conn: AsyncConnection) -> dict[str, Any] | None:
        """Lease the next due job, or None."""
        now = self.clock()
        return await JobRepository(conn).claim(now, now + self.lease)

    async def claim_one(self, conn: AsyncConnection, job_id: str) -> dict[str, Any] | None:
        """Lease this job if it is queued (the command line runs the job it queued), or None."""
        now = self.clock()
        return await JobRepository(conn).claim(now, now + self.lease, job_id=job_id)

    async def report(self, conn: AsyncConnection, job_id: str, progress: dict[str, Any]) -> None:
        """Store a running job's progress and extend its lease."""
        await JobRepository(conn).report(job_id, progress, self.clock() + self.lease)

    async def failed(
        self, conn: AsyncConnection, job: dict[str, Any], exc: Exception, *, final: bool
    ) -> None:
        """A run that raised: queued again, or failed for good once out of attempts."""
        values: dict[str, Any] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        values.update({"status": "failed", "finished_at": self.clock()} if final else {"status": "queued"})
        await JobRepository(conn).finish(job["id"], values)

    async def released(self, conn: AsyncConnection, job: dict[str, Any]) -> None:
        """A run interrupted by its process stopping: queued again, the attempt not counted."""
        await JobRepository(conn).finish(
            job["id"], {"status": "queued", "attempts": max(job["attempts"] - 1, 0)}
        )

    async def succeeded(self, conn: AsyncConnection, job: dict[str, Any], result: dict[str, Any]) -> None:
        await JobRepository(conn).finish(
            job["id"], {"status": "succeeded", "result": result, "error": None, "finished_at": self.clock()}
        )
