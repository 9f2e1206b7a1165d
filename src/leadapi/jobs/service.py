"""Running background jobs: a request enqueues one in its own transaction; a worker (in the
serving process by default, or `leadapi worker`) claims it with a lease and runs its handler.

Handlers must be safe to run again: a job whose worker died is picked up once its lease ends.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.db import Database
from leadapi.errors import not_found
from leadapi.ids import new_id
from leadapi.jobs.repository import JobRepository
from leadapi.principal import Principal

log = logging.getLogger("leadapi.jobs")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3

Report = Callable[[dict[str, Any]], Awaitable[None]]
Handler = Callable[[dict[str, Any], Report], Awaitable[dict[str, Any]]]


class JobService:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
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

    async def get(self, principal: Principal, job_id: str) -> dict[str, Any]:
        async with self.db.read() as conn:
            row = await JobRepository(conn).get(principal.workspace_id, job_id)
        if row is None:
            raise not_found("Job", job_id)
        return row

    async def run_once(self) -> bool:
        """Claim and run one due job; False when there was none."""
        now = self.clock()
        async with self.db.transaction() as conn:
            job = await JobRepository(conn).claim(now, now + LEASE)
        if job is None:
            return False

        async def report(progress: dict[str, Any]) -> None:
            async with self.db.transaction() as conn:
                await JobRepository(conn).report(job["id"], progress, self.clock() + LEASE)

        handler = self.handlers.get(job["kind"])
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job['kind']!r}")
            result = await handler(job, report)
        except Exception as exc:
            log.exception("job %s (%s) failed, attempt %d", job["id"], job["kind"], job["attempts"])
            final = job["attempts"] >= MAX_ATTEMPTS or handler is None
            values: dict[str, Any] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
            values.update(
                {"status": "failed", "finished_at": self.clock()} if final else {"status": "queued"}
            )
            async with self.db.transaction() as conn:
                await JobRepository(conn).finish(job["id"], values)
            return True
        async with self.db.transaction() as conn:
            await JobRepository(conn).finish(
                job["id"],
                {"status": "succeeded", "result": result, "error": None, "finished_at": self.clock()},
            )
        return True
