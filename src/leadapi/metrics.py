"""Prometheus metrics for operators, with prometheus_client (its exposition format, its
histograms, its multiprocess mode) rather than hand-written text.

Each process has its own registry, so several apps in one process (tests) never share counts.
Under several uvicorn workers, set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess
mode) and every worker's counts are summed at scrape time. Queue depths are read from the
database at scrape time, so they are right whichever process answers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Select, Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadapi.automations.models import AutomationCursor
from leadapi.db import Database, constant
from leadapi.duplicates.models import DuplicateCursor
from leadapi.enrichment.models import EnrichmentCursor, EnrichmentRun
from leadapi.events.models import Event, EventSequence
from leadapi.jobs.models import Job
from leadapi.replica import ReadDatabase, ReplicaLag
from leadapi.reports.models import RollupCursor
from leadapi.routing.models import Assignment
from leadapi.segments.models import SegmentCursor
from leadapi.webhooks.models import WebhookDelivery

# Latency buckets around what a capture costs (a few ms) up to a slow report (seconds).
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "leadapi_http_requests", "HTTP requests answered.", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "leadapi_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.leads_created = Counter("leadapi_leads_created", "Leads created (not merged).", registry=r)
        self.events_ingested = Counter(
            "leadapi_events_ingested", "Behaviour events recorded (not replays).", registry=r
        )
        self.webhook_deliveries = Counter(
            "leadapi_webhook_deliveries",
            "Webhook delivery attempts by outcome: succeeded, retrying, failed (given up) or gone (410).",
            ["outcome"],
            registry=r,
        )
        self.sla_breaches = Counter("leadapi_sla_breaches", "First-touch SLA breaches recorded.", registry=r)
        self.replica_fallbacks = Counter(
            "leadapi_replica_fallback_reads",
            "Reads meant for the read replica that went to the primary because the replica could not "
            "be reached.",
            registry=r,
        )
        # The background work this process did: with several workers, each one's share.
        self.events_sequenced = Counter(
            "leadapi_events_sequenced", "Events this process numbered for the change feed.", registry=r
        )
        self.jobs_claimed = Counter(
            "leadapi_jobs_claimed", "Background jobs this process claimed to run.", registry=r
        )

    def counted(self) -> CollectorRegistry:
        """This process's metrics, or in multiprocess mode every process's."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return self.registry
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry

    def exposition(self, gauges: Gauges) -> bytes:
        """The text format: the counted metrics plus the gauges just read."""
        return generate_latest(self._scraped(lambda: gauges))

    def serve(self, host: str, port: int, read_depths: Callable[[], Gauges]) -> Callable[[], None]:
        """Serve /metrics on a port of its own, for `leadapi worker`, which has no HTTP app:
        prometheus_client's exporter in a thread, the queue depths read at each scrape by
        `read_depths`. Returns what stops it."""
        server, thread = start_http_server(port, addr=host, registry=self._scraped(read_depths))

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join()

        return stop

    def _scraped(self, read_depths: Callable[[], Gauges]) -> CollectorRegistry:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Scraped(self, read_depths))
        return registry


class _Scraped(Collector):
    """What one scrape shows, wherever it is served: the counted metrics, then the gauges read at
    that moment."""

    def __init__(self, metrics: Metrics, read_depths: Callable[[], Gauges]) -> None:
        self.metrics = metrics
        self.read_depths = read_depths

    def collect(self) -> Iterator[Metric]:
        yield from self.metrics.counted().collect()
        yield from _Gauges(self.read_depths()).collect()


@dataclass(frozen=True)
class Gauges:
    """What the database says at a scrape: queue depths, and how far behind the automations are."""

    depths: dict[str, int]
    automation_lag_events: int = 0
    automation_lag_seconds: float = 0.0
    segment_lag_events: int = 0
    segment_lag_seconds: float = 0.0
    rollup_lag_events: int = 0
    rollup_lag_seconds: float = 0.0
    enrichment_lag_events: int = 0
    enrichment_lag_seconds: float = 0.0
    duplicate_lag_events: int = 0
    duplicate_lag_seconds: float = 0.0
    replica: ReplicaLag | None = None  # None: no read replica configured


class _Gauges(Collector):
    def __init__(self, gauges: Gauges) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("leadapi_queue_depth", "Work waiting now, by queue.", labels=["queue"])
        for queue, depth in sorted(self.gauges.depths.items()):
            family.add_metric([queue], depth)
        yield family
        yield GaugeMetricFamily(
            "leadapi_automation_lag_events",
            "Numbered events the automations have not gone through yet, over all workspaces.",
            value=self.gauges.automation_lag_events,
        )
        yield GaugeMetricFamily(
            "leadapi_automation_lag_seconds",
            "How long the oldest event the automations have not gone through has waited (0: caught up).",
            value=self.gauges.automation_lag_seconds,
        )
        yield GaugeMetricFamily(
            "leadapi_segment_lag_events",
            "Numbered events segment membership has not been brought up to yet, over all workspaces.",
            value=self.gauges.segment_lag_events,
        )
        yield GaugeMetricFamily(
            "leadapi_segment_lag_seconds",
            "How long the oldest event segment membership has not gone through has waited (0: caught up).",
            value=self.gauges.segment_lag_seconds,
        )
        yield GaugeMetricFamily(
            "leadapi_rollup_lag_events",
            "Numbered events the report rollups have not taken in yet, over all workspaces.",
            value=self.gauges.rollup_lag_events,
        )
        yield GaugeMetricFamily(
            "leadapi_rollup_lag_seconds",
            "How long the oldest event the report rollups have not taken in has waited (0: caught up).",
            value=self.gauges.rollup_lag_seconds,
        )
        yield GaugeMetricFamily(
            "leadapi_enrichment_lag_events",
            "Numbered events enrichment has not gone through yet (new leads not yet queued), over all "
            "workspaces with providers.",
            value=self.gauges.enrichment_lag_events,
        )
        yield GaugeMetricFamily(
            "leadapi_enrichment_lag_seconds",
            "How long the oldest event enrichment has not gone through has waited (0: caught up).",
            value=self.gauges.enrichment_lag_seconds,
        )
        yield GaugeMetricFamily(
            "leadapi_duplicate_lag_events",
            "Numbered events duplicate detection has not gone through yet (changed leads not yet "
            "filed under their keys), over all workspaces it follows.",
            value=self.gauges.duplicate_lag_events,
        )
        yield GaugeMetricFamily(
            "leadapi_duplicate_lag_seconds",
            "How long the oldest event duplicate detection has not gone through has waited (0: caught up).",
            value=self.gauges.duplicate_lag_seconds,
        )
        yield from _replica_gauges(self.gauges.replica)


def _replica_gauges(replica: ReplicaLag | None) -> Iterator[Metric]:
    if replica is None:
        return
    yield GaugeMetricFamily(
        "leadapi_replica_up",
        "1 when the read replica answered this scrape, 0 when its reads go to the primary.",
        value=1 if replica.up else 0,
    )
    if replica.bytes is not None:
        yield GaugeMetricFamily(
            "leadapi_replica_lag_bytes",
            "Write-ahead log the primary has written and the read replica has not replayed yet.",
            value=replica.bytes,
        )
    if replica.seconds is not None:
        yield GaugeMetricFamily(
            "leadapi_replica_lag_seconds",
            "0 when the read replica has replayed everything; else how long ago the last transaction "
            "it replayed committed on the primary.",
            value=replica.seconds,
        )


class RequestMetrics:
    """Counts and times every request by its route template (/v1/leads/{lead_id}, not each id),
    so label values stay few. Paths no route matched count as `unmatched`."""

    def __init__(
        self, app: ASGIApp, metrics: Metrics, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = self.clock()
        status = 500  # an exception before any response is answered with 500 upstream

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(self.clock() - started)


def lag_statements(cursors: Table | None = None) -> dict[str, Select[Any]]:
    """A consumer's lag over every workspace (by default the automations'; `cursors`: another
    consumer's positions): numbered events it has not gone through (per workspace, its last number
    less the consumer's position), and when the oldest of those happened (the first event after
    each position, by the unique (workspace, seq) index)."""
    cursors = cursors if cursors is not None else cast(Table, AutomationCursor.__table__)
    sequences = cast(Table, EventSequence.__table__)
    events = cast(Table, Event.__table__)
    last_seq = (
        select(sequences.c.last_seq).where(sequences.c.workspace_id == cursors.c.workspace_id)
    ).scalar_subquery()
    oldest = (
        select(events.c.occurred_at)
        .where(events.c.workspace_id == cursors.c.workspace_id, events.c.seq > cursors.c.position)
        .order_by(events.c.seq)
        .limit(1)
        .scalar_subquery()
    )
    return {
        "events": select(func.coalesce(func.sum(last_seq - cursors.c.position), 0)).where(
            cursors.c.position < last_seq
        ),
        "oldest": select(func.min(oldest)).where(cursors.c.position < last_seq),
    }


async def read_gauges(db: Database, now: datetime, reads: ReadDatabase | None = None) -> Gauges:
    """What a scrape shows of the database, whichever process answers it (and of the read replica,
    when `reads` has one)."""
    replica = None if reads is None else await reads.lag()
    async with db.read() as conn:
        depths = await queue_depths(conn, now)
        behind, seconds = await _lag(conn, lag_statements(), now)
        segments_behind, segment_seconds = await _lag(
            conn, lag_statements(cast(Table, SegmentCursor.__table__)), now
        )
        rollups_behind, rollup_seconds = await _lag(
            conn, lag_statements(cast(Table, RollupCursor.__table__)), now
        )
        enrichment_behind, enrichment_seconds = await _lag(
            conn, lag_statements(cast(Table, EnrichmentCursor.__table__)), now
        )
        duplicates_behind, duplicate_seconds = await _lag(
            conn, lag_statements(cast(Table, DuplicateCursor.__table__)), now
        )
    return Gauges(
        depths,
        behind,
        seconds,
        segments_behind,
        segment_seconds,
        rollups_behind,
        rollup_seconds,
        enrichment_behind,
        enrichment_seconds,
        duplicates_behind,
        duplicate_seconds,
        replica,
    )


async def _lag(conn: AsyncConnection, lag: dict[str, Select[Any]], now: datetime) -> tuple[int, float]:
    behind = int((await conn.execute(lag["events"])).scalar_one() or 0)
    oldest: datetime | None = (await conn.execute(lag["oldest"])).scalar_one_or_none()
    seconds = 0.0
    if behind and oldest is not None:
        seconds = max(0.0, (now - oldest).total_seconds())
    return behind, seconds


def queue_depth_statements(now: datetime) -> dict[str, Select[Any]]:
    """The counts behind leadapi_queue_depth; each reads a partial or status index (statuses
    written into the SQL, as the partial indexes are defined by them), so a scrape stays cheap."""
    jobs = cast(Table, Job.__table__)
    deliveries = cast(Table, WebhookDelivery.__table__)
    events = cast(Table, Event.__table__)
    assignments = cast(Table, Assignment.__table__)
    runs = cast(Table, EnrichmentRun.__table__)
    return {
        "jobs": select(func.count()).where(jobs.c.status == constant("queued")),
        "webhook_deliveries": select(func.count()).where(deliveries.c.status == constant("pending")),
        "unsequenced_events": select(func.count()).where(events.c.seq.is_(None)),
        "sla_overdue": select(func.count()).where(
            assignments.c.sla_state == constant("running"), assignments.c.due_at <= now
        ),
        # Leads waiting for a provider's call now (ix_enrichment_runs_due_at).
        "enrichment_runs": select(func.count()).where(runs.c.due_at <= now),
    }


async def queue_depths(conn: AsyncConnection, now: datetime) -> dict[str, int]:
    """Work waiting across all workspaces: jobs queued, webhook deliveries pending, events not
    yet numbered for the feed, and SLA clocks past due that no sweep has judged yet."""
    counts = queue_depth_statements(now)
    return {name: int((await conn.execute(stmt)).scalar_one()) for name, stmt in counts.items()}
