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
from datetime import datetime
from typing import Any, cast

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Select, Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadapi.db import Database, constant
from leadapi.events.models import Event
from leadapi.jobs.models import Job
from leadapi.routing.models import Assignment
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

    def counted(self) -> CollectorRegistry:
        """This process's metrics, or in multiprocess mode every process's."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return self.registry
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry

    def exposition(self, depths: dict[str, int]) -> bytes:
        """The text format: the counted metrics plus the queue depths just read."""
        return generate_latest(self._scraped(lambda: depths))

    def serve(self, host: str, port: int, read_depths: Callable[[], dict[str, int]]) -> Callable[[], None]:
        """Serve /metrics on a port of its own, for `leadapi worker`, which has no HTTP app:
        prometheus_client's exporter in a thread, the queue depths read at each scrape by
        `read_depths`. Returns what stops it."""
        server, thread = start_http_server(port, addr=host, registry=self._scraped(read_depths))

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join()

        return stop

    def _scraped(self, read_depths: Callable[[], dict[str, int]]) -> CollectorRegistry:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Scraped(self, read_depths))
        return registry


class _Scraped(Collector):
    """What one scrape shows, wherever it is served: the counted metrics, then the queue depths
    read at that moment."""

    def __init__(self, metrics: Metrics, read_depths: Callable[[], dict[str, int]]) -> None:
        self.metrics = metrics
        self.read_depths = read_depths

    def collect(self) -> Iterator[Metric]:
        yield from self.metrics.counted().collect()
        yield from _Depths(self.read_depths()).collect()


class _Depths(Collector):
    def __init__(self, depths: dict[str, int]) -> None:
        self.depths = depths

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("leadapi_queue_depth", "Work waiting now, by queue.", labels=["queue"])
        for queue, depth in sorted(self.depths.items()):
            family.add_metric([queue], depth)
        yield family


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


async def read_queue_depths(db: Database, now: datetime) -> dict[str, int]:
    """What a scrape shows as leadapi_queue_depth, whichever process answers it."""
    async with db.read() as conn:
        return await queue_depths(conn, now)


def queue_depth_statements(now: datetime) -> dict[str, Select[Any]]:
    """The counts behind leadapi_queue_depth; each reads a partial or status index (statuses
    written into the SQL, as the partial indexes are defined by them), so a scrape stays cheap."""
    jobs = cast(Table, Job.__table__)
    deliveries = cast(Table, WebhookDelivery.__table__)
    events = cast(Table, Event.__table__)
    assignments = cast(Table, Assignment.__table__)
    return {
        "jobs": select(func.count()).where(jobs.c.status == constant("queued")),
        "webhook_deliveries": select(func.count()).where(deliveries.c.status == constant("pending")),
        "unsequenced_events": select(func.count()).where(events.c.seq.is_(None)),
        "sla_overdue": select(func.count()).where(
            assignments.c.sla_state == constant("running"), assignments.c.due_at <= now
        ),
    }


async def queue_depths(conn: AsyncConnection, now: datetime) -> dict[str, int]:
    """Work waiting across all workspaces: jobs queued, webhook deliveries pending, events not
    yet numbered for the feed, and SLA clocks past due that no sweep has judged yet."""
    counts = queue_depth_statements(now)
    return {name: int((await conn.execute(stmt)).scalar_one()) for name, stmt in counts.items()}
