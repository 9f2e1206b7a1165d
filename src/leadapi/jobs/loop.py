"""A periodic loop that survives its own failures and stops promptly, and the job runner it
drives: each step of a job's run in a transaction of its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from leadapi.db import Database
from leadapi.jobs.service import MAX_ATTEMPTS, JobInterrupted, JobService

log = logging.getLogger("leadapi.jobs")


async def every(interval: float, work: Callable[[], Awaitable[bool]], stop: asyncio.Event, name: str) -> None:
    """Run `work` every `interval` seconds until `stop` is set; `work` returning True (more to do)
    runs it again at once. A failed round is logged and retried next round: never kill the loop."""
    while not stop.is_set():
        try:
            more = await work()
        except Exception:
            log.exception("%s round failed", name)
            more = False
        if not more:
            with contextlib.suppress(TimeoutError):  # the normal way to wait out the interval
                await asyncio.wait_for(stop.wait(), timeout=interval)


async def run_job(db: Database, jobs: JobService, claimed: Callable[[], object] | None = None) -> bool:
    """Claim and run one due job; False when there was none. The claim commits before the
    handler runs (another worker must not take it), each progress report commits as it comes,
    and the outcome commits at the end. `claimed` is called once a job is this process's."""
    async with db.transaction() as conn:
        job = await jobs.claim(conn)
    if job is None:
        return False
    if claimed is not None:
        claimed()
    await execute(db, jobs, job)
    return True


async def execute(
    db: Database,
    jobs: JobService,
    job: dict[str, Any],
    on_progress: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any] | None:
    """Run a job this process has claimed: its result, or None when it failed (queued again, or
    failed for good once out of attempts). `on_progress` sees each report once it is stored (the
    command line's progress bar)."""

    async def report(progress: dict[str, Any]) -> None:
        async with db.transaction() as conn:
            await jobs.report(conn, job["id"], progress)
        if on_progress is not None:
            on_progress(progress)

    handler = jobs.handlers.get(job["kind"])
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job['kind']!r}")
        result = await handler(job, report)
    except JobInterrupted:
        async with db.transaction() as conn:
            await jobs.released(conn, job)
        return None
    except Exception as exc:
        log.exception("job %s (%s) failed, attempt %d", job["id"], job["kind"], job["attempts"])
        final = job["attempts"] >= MAX_ATTEMPTS or handler is None
        async with db.transaction() as conn:
            await jobs.failed(conn, job, exc, final=final)
        return None
    async with db.transaction() as conn:
        await jobs.succeeded(conn, job, result)
    return result
