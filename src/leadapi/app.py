"""create_app(settings): the FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.routing import BaseRoute, Route

from leadapi import __version__
from leadapi.activation.router import router as activation_router
from leadapi.api.auth import SECURITY_SCHEMES
from leadapi.api.idempotency import Idempotency
from leadapi.api.middleware import RequestGuard
from leadapi.api.params import check_query
from leadapi.api.problems import install_handlers, problem_response
from leadapi.api.ratelimit import RateLimit, RateLimiter
from leadapi.api.request_log import RequestLog
from leadapi.audit.router import router as audit_router
from leadapi.automations.router import lead_router as lead_automations_router
from leadapi.automations.router import router as automations_router
from leadapi.background import loops
from leadapi.config import Settings
from leadapi.consent.router import lead_router as lead_consent_router
from leadapi.consent.router import report_router as quality_report_router
from leadapi.consent.router import settings_router as consent_settings_router
from leadapi.db import Database, utcnow
from leadapi.duplicates.router import lead_router as lead_duplicates_router
from leadapi.duplicates.router import router as duplicates_router
from leadapi.enrichment.router import lead_router as lead_enrichment_router
from leadapi.enrichment.router import router as enrichment_router
from leadapi.errors import PROBLEM_JSON, ProblemError
from leadapi.events.router import router as events_router
from leadapi.hygiene.router import router as hygiene_router
from leadapi.imports.router import router as imports_router
from leadapi.jobs.router import router as jobs_router
from leadapi.leads.router import router as leads_router
from leadapi.metrics import RequestMetrics, read_gauges
from leadapi.owners.router import router as owners_router
from leadapi.reports.fairness.router import router as fairness_router
from leadapi.reports.router import router as reports_router
from leadapi.routing.router import lead_router as lead_routing_router
from leadapi.routing.router import router as routing_router
from leadapi.scoring.router import lead_router as lead_scoring_router
from leadapi.scoring.router import router as scoring_router
from leadapi.segments.router import router as segments_router
from leadapi.services import Services, build_services
from leadapi.sla.router import router as sla_router
from leadapi.sources.router import hook_router
from leadapi.sources.router import router as sources_router
from leadapi.stages.router import lead_router as lead_stages_router
from leadapi.stages.router import router as stages_router
from leadapi.tasks.router import lead_router as lead_tasks_router
from leadapi.tasks.router import router as tasks_router
from leadapi.tracks.router import lead_router as lead_tracks_router
from leadapi.tracks.router import router as tracks_router
from leadapi.webhooks.router import router as webhooks_router
from leadapi.workspaces.router import router as api_keys_router

if TYPE_CHECKING:
    from leadapi.mcp.http import McpEndpoint

DESCRIPTION = """Headless lead management: capture, dedupe, score, route, SLA, webhooks, funnel.

Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`). Errors are RFC 9457
`application/problem+json`. Lists use cursor pagination (`limit`, `cursor` -> `next_cursor`).
POSTs accept an `Idempotency-Key` header; updates honour `If-Match`. Every response carries an
`X-Request-Id` (yours, when you send one of up to 128 visible ASCII characters); problem documents
repeat it as `request_id`."""

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string", "description": "The response's X-Request-Id."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


TOO_MANY_REQUESTS: dict[str, Any] = {
    "description": "Over the key's (or form source's) rate limit: retry after `Retry-After` seconds. "
    "Every response carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers).",
    "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


STRICT_QUERY = [Depends(check_query)]


def create_app(settings: Settings | None = None, *, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or Settings()
    services = build_services(settings, clock)
    db = services.db
    mcp = _mcp_endpoint(services) if settings.mcp_enabled else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = (
            [asyncio.create_task(loop) for loop in loops(services, stop)]
            if settings.background_in_serve
            else []
        )
        try:
            async with AsyncExitStack() as stack:
                if mcp is not None:
                    await stack.enter_async_context(mcp.running())
                yield
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            await services.webhooks.close()
            await services.enrichment_flow.close()
            services.scoring.evaluator.close()
            await services.reads.dispose()
            await db.dispose()

    app = _application(
        settings.docs_enabled,
        title="leadapi",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.db = db
    app.state.reads = services.reads
    app.state.clock = clock
    app.state.workspaces = services.workspaces
    app.state.sequencer = services.sequencer
    app.state.leads = services.leads
    app.state.events = services.events
    app.state.scoring = services.scoring
    app.state.jobs = services.jobs
    app.state.routing = services.routing
    app.state.owners = services.owners
    app.state.sla = services.sla
    app.state.stages = services.stages
    app.state.webhooks = services.webhooks
    app.state.sources = services.sources
    app.state.reports = services.reports
    app.state.tasks = services.tasks

    install_handlers(app)
    # Every REST route reads its query strictly (api/params.py); the inbound form hooks take
    # what form providers send.
    strict = (
        lead_duplicates_router,
        leads_router,
        events_router,
        scoring_router,
        lead_scoring_router,
        jobs_router,
        owners_router,
        routing_router,
        lead_routing_router,
        stages_router,
        lead_stages_router,
        sla_router,
        webhooks_router,
        sources_router,
        reports_router,
        fairness_router,
        api_keys_router,
        audit_router,
        duplicates_router,
        tasks_router,
        lead_tasks_router,
        activation_router,
        lead_consent_router,
        consent_settings_router,
        quality_report_router,
        hygiene_router,
        automations_router,
        lead_automations_router,
        tracks_router,
        lead_tracks_router,
        segments_router,
        imports_router,
        enrichment_router,
        lead_enrichment_router,
    )
    for router in strict:
        app.include_router(router, dependencies=STRICT_QUERY)
    rest = len(app.router.routes)
    app.include_router(hook_router)
    _add_health(app, db)
    if mcp is not None:
        # A plain ASGI route: the MCP transport speaks JSON-RPC, not the REST contract, so it
        # stays out of the OpenAPI document.
        app.router.routes.append(Route(mcp.path, endpoint=mcp))
    if settings.metrics_enabled:
        _add_metrics(app, services, clock)
    # The document lists the routes as registered. Requests try them in order, and FastAPI
    # works through an included router's candidates to pass over it, so a route behind all the
    # REST routers pays for each: the form hooks, MCP and the probes, captures and checks whose
    # paths no REST route shares, go first.
    documented = list(app.router.routes)
    app.router.routes[:] = documented[rest:] + documented[:rest]

    # The middleware added last runs first: RequestGuard reads and checks the body once, then
    # Idempotency hashes the same bytes.
    app.add_middleware(
        Idempotency,
        db=db,
        workspaces=services.workspaces,
        clock=clock,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
    )
    # Form providers post form-encoded bodies too; the hook checks its own content types.
    app.add_middleware(
        RequestGuard,
        max_body_bytes=settings.max_body_bytes,
        body_timeout=settings.body_timeout,
        non_json_prefixes=("/v1/hooks/",),
        # An import's file may be far larger than any other body: its route streams it to
        # storage, with a limit of its own (import_max_bytes).
        streamed_paths=("/v1/imports",),
    )
    # Before the body is read and before an Idempotency-Key is claimed: a refused request costs
    # little and leaves nothing behind.
    app.add_middleware(
        RateLimit,
        limiter=RateLimiter(settings.rate_limit_storage),
        workspaces=services.workspaces,
        default=settings.rate_limit,
        sources=settings.rate_limit_sources,
    )
    # Outside the guards: times and counts every request, the ones they refuse included.
    app.add_middleware(RequestMetrics, metrics=services.metrics)
    # Outside everything: the request id for every response and log record, and the 500s.
    app.add_middleware(RequestLog)
    app.openapi = lambda: _openapi(app, documented)  # type: ignore[method-assign]
    return app


def _application(docs: bool, **options: Any) -> FastAPI:
    """The FastAPI app; with docs, /docs and /redoc load Swagger UI and ReDoc from files the
    fastapi-offline package ships (served under /static-offline-docs), not from a CDN, so the
    docs work offline and behind strict firewalls."""
    if not docs:
        return FastAPI(docs_url=None, redoc_url=None, openapi_url=None, **options)
    from fastapi_offline import FastAPIOffline

    return FastAPIOffline(docs_url="/docs", redoc_url="/redoc", openapi_url="/openapi.json", **options)


def _mcp_endpoint(services: Services) -> McpEndpoint:
    # Imported here: with LEADAPI_MCP_ENABLED=false the MCP SDK is never loaded.
    from leadapi.mcp.http import McpEndpoint

    return McpEndpoint(services)


def _add_health(app: FastAPI, db: Database) -> None:
    @app.get("/healthz", tags=["health"], operation_id="healthz", summary="Process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["health"],
        operation_id="readyz",
        summary="Database is reachable",
        responses={503: {"description": "Database unreachable", "content": {PROBLEM_JSON: {}}}},
    )
    async def readyz(request: Request) -> JSONResponse:
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return problem_response(ProblemError(503, "The database is not reachable."), request)
        return JSONResponse({"status": "ok", "database": db.dialect})


def _add_metrics(app: FastAPI, services: Services, clock: Callable[[], datetime]) -> None:
    @app.get(
        "/metrics",
        tags=["health"],
        operation_id="metrics",
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def prometheus_metrics() -> Response:
        """Request counts and latencies, leads created, events ingested, webhook deliveries by
        outcome, SLA breaches, queue depths, the automations' lag and the read replica's, in
        Prometheus' text format."""
        gauges = await read_gauges(services.db, clock(), services.reads)
        return Response(services.metrics.exposition(gauges), media_type=CONTENT_TYPE_LATEST)


def _openapi(app: FastAPI, routes: list[BaseRoute]) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=routes)
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    schema["components"]["securitySchemes"] = SECURITY_SCHEMES
    for path_name, path in schema.get("paths", {}).items():
        if path_name.startswith("/v1/"):
            for operation in path.values():
                operation["security"] = [{"bearer": []}, {"apiKey": []}]
                operation.setdefault("responses", {})["429"] = TOO_MANY_REQUESTS
    # FastAPI adds its own 422 shape; ours is the Problem, declared on every router.
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            if "422" in responses:
                responses["422"] = {
                    "description": "Unprocessable content",
                    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)
    app.openapi_schema = schema
    return schema
