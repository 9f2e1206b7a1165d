"""The service graph, built once per process: by the API app and by `leadapi worker` alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadapi.automations.service import AutomationService
from leadapi.conditions.offload import EvaluationLimits, Evaluator
from leadapi.config import Settings
from leadapi.consent.service import ConsentService
from leadapi.consent.suppression import Suppressions
from leadapi.db import Database, create_engine
from leadapi.duplicates.service import DuplicateService
from leadapi.enrichment.service import EnrichmentService
from leadapi.events.sequencer import EventSequencer
from leadapi.events.service import EventService
from leadapi.flows.activation import ActivationFlow
from leadapi.flows.automations import AutomationFlow
from leadapi.flows.backtest import BacktestFlow
from leadapi.flows.duplicates import DuplicateFlow
from leadapi.flows.enrichment import EnrichmentFlow
from leadapi.flows.imports import READ_ONLY, WRITABLE, ImportRunner
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.flows.rollups import RollupFlow
from leadapi.flows.segments import SegmentFlow
from leadapi.hygiene.service import HygieneService
from leadapi.imports.service import JOB_KIND as IMPORT_JOB
from leadapi.imports.service import ImportService
from leadapi.jobs.service import JobService
from leadapi.leads.service import LeadService
from leadapi.metrics import Metrics
from leadapi.owners.service import OwnerService
from leadapi.replica import ReadDatabase
from leadapi.reports.fairness.service import FairnessService
from leadapi.reports.service import ReportService
from leadapi.routing.service import RoutingService
from leadapi.scoring.scorer import Scorer
from leadapi.scoring.service import ScoringService
from leadapi.sealing import Sealer, load_sealer
from leadapi.segments.service import SegmentService
from leadapi.sla.service import SlaService
from leadapi.sources.service import SourceService
from leadapi.stages.service import StageService
from leadapi.tasks.service import TaskService
from leadapi.tracks.service import TrackService
from leadapi.webhooks.service import WebhookService
from leadapi.workspaces.service import WorkspaceService


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Callable[[], datetime]
    db: Database
    # Reads that may lag the primary (reports, lists, search, exports, the change feed).
    reads: ReadDatabase
    workspaces: WorkspaceService
    sequencer: EventSequencer
    jobs: JobService
    scorer: Scorer
    leads: LeadService
    events: EventService
    flow: LeadChangeFlow
    scoring: ScoringService
    routing: RoutingService
    owners: OwnerService
    sla: SlaService
    stages: StageService
    webhooks: WebhookService
    sources: SourceService
    reports: ReportService
    fairness: FairnessService
    tasks: TaskService
    tracks: TrackService
    automations: AutomationService
    automation_flow: AutomationFlow
    segments: SegmentService
    segment_flow: SegmentFlow
    rollup_flow: RollupFlow
    imports: ImportService
    activation: ActivationFlow
    duplicates: DuplicateService
    duplicate_flow: DuplicateFlow
    enrichment: EnrichmentService
    enrichment_flow: EnrichmentFlow
    backtests: BacktestFlow
    consents: ConsentService
    hygiene: HygieneService
    metrics: Metrics
    sealer: Sealer


def build_services(settings: Settings, clock: Callable[[], datetime]) -> Services:
    db = Database(
        create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
        ),
        fast_paths=settings.fast_paths,
    )
    metrics = Metrics()
    reads = ReadDatabase(
        db,
        None
        if settings.read_database_url is None
        else create_engine(
            settings.read_database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
            pre_ping=True,
            connect_timeout=settings.read_database_connect_timeout,
        ),
        clock=clock,
        retry_after=timedelta(seconds=settings.read_database_retry_seconds),
        fallbacks=metrics.replica_fallbacks,
    )
    sealer = load_sealer(settings)
    jobs = JobService(clock, timedelta(seconds=settings.job_lease_seconds))
    scorer = Scorer(clock)
    evaluator = Evaluator(EvaluationLimits(settings.preview_match_budget, settings.preview_cpu_seconds))
    routing = RoutingService(db, clock, evaluator)
    sla = SlaService(clock, metrics)
    stages = StageService(clock)
    flow = LeadChangeFlow(scorer, stages, routing, sla)
    leads = LeadService(
        db,
        clock,
        settings.default_phone_region,
        scorer,
        flow,
        metrics,
        export_chunk_rows=settings.export_chunk_rows,
        suppressions=Suppressions(sealer),
        reads=reads,
    )
    events = EventService(db, clock, leads, scorer, stages, flow, metrics, reads=reads)
    automations = AutomationService(clock)
    tasks = TaskService(clock, flow)
    reports = ReportService(clock, stages)
    scoring = ScoringService(db, clock, leads, scorer, jobs, flow, evaluator)
    tracks = TrackService(clock)
    segments = SegmentService(clock)
    imports = ImportService(clock, jobs, settings.import_max_bytes, WRITABLE, READ_ONLY)
    jobs.register(IMPORT_JOB, ImportRunner(db, clock, leads, jobs, settings.import_chunk_rows).run)
    activation = ActivationFlow(clock, automations, tracks)
    duplicates = DuplicateService(clock, settings.default_phone_region)
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        reads=reads,
        workspaces=WorkspaceService(db, clock, settings.auth_cache_seconds, seed=activation.install),
        sequencer=EventSequencer(db),
        jobs=jobs,
        scorer=scorer,
        leads=leads,
        events=events,
        flow=flow,
        scoring=scoring,
        routing=routing,
        owners=OwnerService(clock, routing),
        sla=sla,
        stages=stages,
        webhooks=WebhookService(
            clock,
            timeout=settings.webhook_timeout,
            allow_private=settings.webhooks_allow_private,
            disable_after_failures=settings.webhook_disable_after_failures,
            disable_after=timedelta(hours=settings.webhook_disable_after_hours),
            sealer=sealer,
            metrics=metrics,
        ),
        sources=SourceService(clock, leads, events, sealer, metrics),
        reports=reports,
        fairness=FairnessService(reports),
        tasks=tasks,
        tracks=tracks,
        automations=automations,
        automation_flow=AutomationFlow(
            clock,
            automations,
            leads,
            flow,
            routing,
            tasks,
            scoring=scoring,
            nurture=tracks,
            max_depth=settings.automation_max_depth,
            keep_writes=settings.fast_paths,
        ),
        segments=segments,
        segment_flow=SegmentFlow(clock, segments, tracks),
        rollup_flow=RollupFlow(clock),
        imports=imports,
        activation=activation,
        duplicates=duplicates,
        duplicate_flow=DuplicateFlow(duplicates, leads),
        enrichment=EnrichmentService(clock, sealer, allow_private=settings.enrichment_allow_private),
        enrichment_flow=EnrichmentFlow(
            db, clock, leads, sealer, allow_private=settings.enrichment_allow_private
        ),
        backtests=BacktestFlow(db, clock, scorer, stages, jobs, settings.backtest_inline_leads),
        consents=ConsentService(clock),
        hygiene=HygieneService(clock),
        metrics=metrics,
        sealer=sealer,
    )
