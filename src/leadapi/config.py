"""Settings, read from the environment with the LEADAPI_ prefix (and an optional .env file)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADAPI_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./data/leadapi.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db",
    )
    read_database_url: str | None = Field(
        default=None,
        description="A PostgreSQL streaming replica (postgresql+asyncpg://...) that reports, lead "
        "lists, search, exports and the change feed read from; writes, and reads that must see the "
        "caller's own writes, stay on `database_url`. Unset: everything reads the primary. While "
        "the replica is unreachable those reads go to the primary (a warning is logged).",
    )
    read_database_retry_seconds: float = Field(
        default=5.0,
        ge=0,
        description="After the replica failed to answer, seconds its reads go to the primary before "
        "it is tried again.",
    )
    read_database_connect_timeout: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Seconds a connection to the replica may take before its reads go to the primary.",
    )
    host: str = Field(default="127.0.0.1", description="Interface `leadapi serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `leadapi serve` listens on.")
    workers: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes for `leadapi serve`.")
    log_level: str = Field(default="info", description="uvicorn / application log level.")
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`text`: readable lines; `json`: one JSON object per record. Either way each "
        "request is one record with its request id, key id, workspace, route, status and duration.",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds a client has to send a request's headers (from connecting, or from the "
        "first byte of the next request on a kept-alive connection); then the connection is closed.",
    )
    body_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a client has to send a request's body once its headers are in; then 408 "
        "and the connection is closed.",
    )
    default_phone_region: str = Field(
        default="US",
        min_length=2,
        max_length=2,
        description="ISO country used to read phone numbers written without a +country prefix.",
    )
    max_body_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, description="Largest accepted request body; larger gets 413."
    )
    preview_match_budget: int = Field(
        default=1_000_000_000,
        ge=1,
        description="Matching one preview's `matches` conditions may do, in characters read times "
        "compiled pattern size; beyond it the preview is a 422 problem (match-budget-exceeded).",
    )
    preview_cpu_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="CPU seconds one scoring preview may take evaluating (off the event loop); "
        "beyond it the preview is a 422 problem (match-budget-exceeded).",
    )
    backtest_inline_leads: int = Field(
        default=20_000,
        ge=0,
        le=10_000_000,
        description="A backtest or model suggestion over more leads than this runs as a background "
        "job (202 and the job) instead of in the request.",
    )
    export_chunk_rows: int = Field(
        default=2000,
        ge=1,
        le=100_000,
        description="Leads an export (`GET /v1/leads` as CSV or NDJSON, `leadapi export`) reads per "
        "statement; each statement checks a connection out for itself alone.",
    )
    import_max_bytes: int = Field(
        default=1024 * 1024 * 1024,
        ge=1024,
        description="Largest file `POST /v1/imports` takes (as sent, and once decompressed); larger "
        "gets 413, from Content-Length before the body is read, or as soon as the stream passes it.",
    )
    import_chunk_rows: int = Field(
        default=2000,
        ge=1,
        le=100_000,
        description="Rows an import captures per transaction; the import's position commits with "
        "them, so a crash loses at most the chunk in flight and a restart resumes after it.",
    )
    job_lease_seconds: float = Field(
        default=300,
        gt=0,
        description="How long a claimed background job is its worker's before another worker may "
        "take it over (a worker that died); each committed import chunk extends it.",
    )
    db_pool_size: int = Field(
        default=30,
        ge=1,
        description="PostgreSQL connections per process (opened as needed, then kept); keep "
        "processes x pool size under PostgreSQL's max_connections.",
    )
    db_max_overflow: int = Field(
        default=0,
        ge=0,
        description="Extra connections beyond the pool under bursts; each is closed after use, and that "
        "churn cost 25% of capture throughput in the benchmark, so the default is none.",
    )
    db_pool_timeout: float = Field(
        default=30.0,
        gt=0,
        description="How long a request waits for a free PostgreSQL connection of its process; past it "
        "the request is answered 503 with Retry-After (the process is at capacity), not 500.",
    )
    auth_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a process trusts a verified API key before checking it again "
        "(revocation is immediate in the process that revokes; others see it within this time).",
    )
    idempotency_ttl_hours: int = Field(
        default=24, ge=1, description="How long an Idempotency-Key's stored response is replayed."
    )
    sequencer_interval: float = Field(
        default=0.1,
        ge=0,
        description="Seconds between rounds of numbering new events for the change feed; 0 turns the "
        "in-process sequencer off (run it elsewhere).",
    )
    maintenance_interval: float = Field(
        default=60,
        ge=0,
        description="Seconds between sweeps of expired Idempotency-Key records; 0 turns the sweep off.",
    )
    worker_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between rounds of background jobs (rescoring after a model is activated) and "
        "of time-based rescoring (windows, decay, inactivity); 0 turns both off.",
    )
    sla_sweep_interval: float = Field(
        default=10.0,
        ge=0,
        description="Seconds between sweeps for first-touch SLA breaches and for open tasks past their due "
        "time (each is found within this long of its due time); 0 turns both sweeps off.",
    )
    webhook_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between rounds of turning new events into webhook deliveries and sending due "
        "ones; 0 turns webhook delivery off in this process.",
    )
    automation_interval: float = Field(
        # A quarter of a second: an automation acts within about that of its event when the
        # consumer keeps up, and an idle round is one statement.
        default=0.25,
        ge=0,
        description="Seconds between rounds of running automations over new events (a round with work "
        "goes again at once); 0 turns automations off in this process (run them elsewhere).",
    )
    segment_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between rounds of keeping segment membership current over new events and "
        "filling new or changed segments (a round with work goes again at once); 0 turns it off in this "
        "process (run it elsewhere).",
    )
    rollup_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between rounds of bringing the report rollups up to new events (a round with "
        "work goes again at once); 0 turns it off in this process (run it elsewhere).",
    )
    hygiene_interval: float = Field(
        default=60.0,
        ge=0,
        description="Seconds between rounds of the hygiene sweep that archives inactive leads (in "
        "workspaces whose settings ask for it); a round with work goes again at once; 0 turns it off "
        "in this process (run it elsewhere).",
    )
    duplicate_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between rounds of finding duplicate candidates among leads that changed "
        "(and sweeping workspaces met for the first time or asked to); a round with work goes again at "
        "once; 0 turns it off in this process (run it elsewhere).",
    )
    enrichment_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between rounds of enriching new leads (queueing them from new events, and "
        "calling the providers of the runs due; a round with work goes again at once); 0 turns it off in "
        "this process (run it elsewhere).",
    )
    enrichment_allow_private: bool = Field(
        default=False,
        description="Let enrichment providers be called at addresses that are not globally routable "
        "(as `webhooks_allow_private` does for webhooks: tests, closed networks).",
    )
    automation_max_depth: int = Field(
        default=5,
        ge=1,
        le=100,
        description="How long a chain of automations may grow: a run triggered by an event that this many "
        "automation runs led to is skipped (reason `depth`), so automations that set each other off end.",
    )
    webhook_timeout: float = Field(
        default=10.0, gt=0, le=60, description="Seconds a webhook endpoint has to answer."
    )
    webhook_disable_after_failures: int = Field(
        default=5,
        ge=1,
        description="A subscription is disabled once this many attempts in a row have failed and "
        "`webhook_disable_after_hours` have passed without a success (both bounds).",
    )
    webhook_disable_after_hours: float = Field(
        default=120,
        gt=0,
        # Over a century, as good as never. A larger value, or infinity, does not fit a timedelta:
        # refused here, with the setting's name, not an OverflowError as the app starts.
        le=1_000_000,
        allow_inf_nan=False,
        description="Hours without a successful delivery (with `webhook_disable_after_failures` failed "
        "attempts) after which a subscription is disabled, with a `webhook.disabled` event; at most "
        "1000000.",
    )
    webhooks_allow_private: bool = Field(
        default=False,
        description="Let webhooks target addresses that are not globally routable (private, loopback, "
        "link-local, carrier-grade NAT, metadata; tests, closed networks); off, such targets are "
        "refused on write and at connect time.",
    )
    metrics_enabled: bool = Field(
        default=True,
        description="Serve Prometheus metrics at GET /metrics (no key: keep the port internal, or "
        "turn this off).",
    )
    mcp_enabled: bool = Field(
        default=True,
        description="Serve the MCP server (streamable HTTP) at /mcp, with the same API keys as REST.",
    )
    background_in_serve: bool = Field(
        default=True,
        description="Run the background work (event numbering, jobs, rescoring, cleanup) inside "
        "`leadapi serve`; set false where `leadapi worker` runs it instead.",
    )
    bootstrap: bool = Field(
        default=True,
        description="On start, if no API key exists, create a default workspace and admin key and print it.",
    )
    docs_enabled: bool = Field(default=True, description="Serve /docs, /redoc and /openapi.json.")
    fast_paths: bool = Field(
        default=True,
        description="On PostgreSQL, take the one-statement paths for the common capture (a new person) "
        "and behaviour event; on both databases, let the automations' consumer keep a batch's tag "
        "changes and enrolments and write them once; false forces the general path everywhere, which "
        "stores the same rows (the parity tests compare the two).",
    )
    secret_keys: SecretStr = Field(
        default=SecretStr(""),
        description="Comma-separated Fernet keys that seal stored secrets (webhook signing secrets, form "
        "source secrets): the first seals, all unseal. Empty: a key file (`secret_key_file`).",
    )
    secret_key_file: Path | None = Field(
        default=None,
        description="Where the sealing key is kept when `secret_keys` is empty; made on first start. "
        "Default: secret.key next to the SQLite database (./data/secret.key for PostgreSQL).",
    )
    rate_limit: str = Field(
        default="10000/second;300000/minute",
        description="Requests allowed per API key (and per client address without a valid key), in "
        "`limits` notation: `<count>/<period>` joined by `;`. A key's own `rate_limit` replaces it.",
    )
    rate_limit_sources: str = Field(
        default="100/second;3000/minute",
        description="Submissions allowed per form source at /v1/hooks/{source_id}, same notation.",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate limit counters are kept: memory:// (each process its own) or "
        "redis://host:port/db (shared by every process). If Redis fails, requests pass unlimited "
        "and one warning is logged.",
    )

    @model_validator(mode="after")
    def _read_database(self) -> Settings:
        # A replica is a PostgreSQL hot standby of the primary; SQLite has none.
        if self.read_database_url is not None and not (
            self.read_database_url.startswith("postgresql") and self.database_url.startswith("postgresql")
        ):
            raise ValueError("read_database_url needs PostgreSQL for both it and database_url")
        return self

    @field_validator("rate_limit", "rate_limit_sources")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        from leadapi.api.ratelimit import check_limits

        return check_limits(value)

    @field_validator("rate_limit_storage")
    @classmethod
    def _rate_limit_storage(cls, value: str) -> str:
        from leadapi.api.ratelimit import check_storage

        return check_storage(value)

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file of a sqlite URL (None for in-memory or other databases)."""
        if not self.is_sqlite:
            return None
        _, _, path = self.database_url.partition(":///")
        if not path or path == ":memory:":
            return None
        return Path(path)
