"""Background work: numbering events, running jobs, rescoring as time passes, finding SLA
breaches, overdue tasks and nurture steps due, cleaning up.

It runs inside `leadapi serve` by default and in `leadapi worker` when that is set apart. Every
piece is shared by any number of processes on one PostgreSQL, with no leader: each claims its
part (rows or per-workspace positions with SKIP LOCKED, leases for work that outlives a
transaction) and passes over what another process holds, so adding workers adds throughput and
killing one loses nothing (its leases run out, its transactions roll back).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from leadapi.api.idempotency import purge_expired
from leadapi.flows.automations import AutomationConsumer, InactivitySweep
from leadapi.flows.duplicates import DuplicateConsumer
from leadapi.flows.enrichment import EnrichmentConsumer
from leadapi.flows.hygiene import HygieneSweep
from leadapi.flows.rollups import RollupConsumer
from leadapi.flows.segments import SegmentConsumer
from leadapi.flows.sla_sweep import sweep_once
from leadapi.jobs.loop import every, run_job
from leadapi.metrics import Gauges, read_gauges
from leadapi.services import Services
from leadapi.tasks.sweep import sweep_once as overdue_sweep_once
from leadapi.tracks.sweep import ExitWatch
from leadapi.tracks.sweep import sweep_once as step_sweep_once
from leadapi.webhooks.loop import WebhookSender


def loops(services: Services, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    settings = services.settings
    work: list[tuple[float, Callable[[], Awaitable[bool]], str]] = []

    async def sequence() -> bool:
        numbered = await services.sequencer.run_once()
        services.metrics.events_sequenced.inc(numbered)
        return numbered == services.sequencer.batch

    async def purge() -> bool:
        ttl = timedelta(hours=settings.idempotency_ttl_hours)
        return await purge_expired(services.db, services.clock(), ttl) > 0

    async def rescore() -> bool:
        return await services.scoring.rescore_due() > 0

    work.append((settings.sequencer_interval, sequence, "sequencer"))

    async def jobs() -> bool:
        return await run_job(services.db, services.jobs, services.metrics.jobs_claimed.inc)

    work.append((settings.worker_interval, jobs, "jobs"))
    stopping = services.jobs.stopping

    async def propagate_stop() -> None:  # a job under way stops at its next safe point
        await stop.wait()
        stopping.set()

    async def sla_sweep() -> bool:
        _, more = await sweep_once(services.db, services.flow, services.clock())
        return more

    async def overdue_sweep() -> bool:
        _, more = await overdue_sweep_once(services.db, services.tasks, services.clock())
        return more

    work.append((settings.worker_interval, rescore, "rescoring sweep"))
    work.append((settings.sla_sweep_interval, sla_sweep, "SLA sweep"))
    # The other sweep over due times, on the same beat: a task is reported within this long too.
    work.append((settings.sla_sweep_interval, overdue_sweep, "overdue task sweep"))

    async def step_sweep() -> bool:
        _, more = await step_sweep_once(services.db, services.tracks, services.clock())
        return more

    # Nurture steps due: the same beat as the other sweeps over due times.
    work.append((settings.sla_sweep_interval, step_sweep, "track step sweep"))
    work.append((settings.maintenance_interval, purge, "idempotency purge"))
    consumer = AutomationConsumer(services.db, services.automation_flow)
    work.append((settings.automation_interval, consumer.run_once, "automations"))
    # `inactive_for_days` automations: time, not an event, finds their leads.
    inactivity = InactivitySweep(services.db, services.automation_flow)
    work.append((settings.automation_interval, inactivity.run_once, "inactivity sweep"))
    # Leads that meet their track's exit rules leave it on the automations' beat.
    work.append(
        (settings.automation_interval, ExitWatch(services.db, services.tracks).run_once, "track exits")
    )
    segments = SegmentConsumer(services.db, services.segment_flow)
    work.append((settings.segment_interval, segments.run_once, "segments"))
    rollups = RollupConsumer(services.db, services.rollup_flow)
    work.append((settings.rollup_interval, rollups.run_once, "report rollups"))
    duplicates = DuplicateConsumer(services.db, services.duplicate_flow)
    work.append((settings.duplicate_interval, duplicates.run_once, "duplicates"))
    hygiene = HygieneSweep(services.db, services.clock)
    work.append((settings.hygiene_interval, hygiene.run_once, "hygiene sweep"))
    enrichment = EnrichmentConsumer(services.db, services.enrichment_flow)
    work.append((settings.enrichment_interval, enrichment.run_once, "enrichment"))
    running = [every(interval, fn, stop, name) for interval, fn, name in work if interval > 0]
    running.append(propagate_stop())
    if settings.webhook_interval > 0:
        running.append(_webhooks(services, stop))
    return running


async def _webhooks(services: Services, stop: asyncio.Event) -> None:
    """The delivery loop; once stopped, its sends under way finish and are recorded before the
    caller closes the HTTP client (services.webhooks.close())."""
    sender = WebhookSender(services.db, services.webhooks)
    try:
        await every(services.settings.webhook_interval, sender.run_once, stop, "webhooks")
    finally:
        await sender.close()


async def run_worker(services: Services, metrics_address: tuple[str, int] | None = None) -> None:
    """`leadapi worker`: the background loops alone, until SIGINT or SIGTERM; with a metrics
    address, its counters (webhook deliveries, SLA breaches, ...) and the queue depths on
    /metrics there, as `leadapi serve` has them on its own port."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    def read_depths() -> Gauges:  # on the exporter's thread: the query runs on this loop
        reading = read_gauges(services.db, services.clock())
        return asyncio.run_coroutine_threadsafe(reading, loop).result(timeout=30)

    stop_metrics = None if metrics_address is None else services.metrics.serve(*metrics_address, read_depths)
    try:
        await asyncio.gather(*loops(services, stop))
    finally:
        if stop_metrics is not None:
            await asyncio.to_thread(stop_metrics)  # a scrape in flight needs this loop to finish
        await services.webhooks.close()
        await services.enrichment_flow.close()
        await services.reads.dispose()
        await services.db.dispose()
