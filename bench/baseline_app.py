"""The baseline: FastAPI, a pydantic-validated body and ONE asyncpg INSERT (autocommit); for
reads, ONE indexed asyncpg SELECT ... LIMIT 50.

It is what a lead endpoint costs with nothing of leadapi in it; `make bench` reports leadapi as a
ratio to it, measured in the same run on the same machine.

Beside it, the capture's floor (`POST /floor/leads`): the same app writing what a new lead must
store in leadapi's schema, in one autocommitted statement: its row in `leads` (the columns a
capture sets, with its provenance) and its `lead.created` (the lead as a document) and
`lead.scored` events, with ids in creation order as leadapi's are. No key checked, no dedupe,
no normalising or scoring, no background work: any capture into this schema costs at least this.
It writes a little less than a capture does (no scoring model id or rescoring time on the lead, so
no entry in the rescoring index, and a shorter `lead.scored`), so it errs on the fast side.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, Response
from pydantic import BaseModel
from pydantic_core import to_json

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/leadapi_bench")


class LeadIn(BaseModel):
    email: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    title: str | None = None
    country: str | None = None
    phone: str | None = None
    website: str | None = None
    source: str | None = None
    tags: list[str] = []


state: dict[str, Any] = {}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Idle connections close soon, down to few: the bench's other servers need PostgreSQL's
    # connections next (max_connections is 100).
    state["pool"] = await asyncpg.create_pool(
        DSN, min_size=2, max_size=20, max_inactive_connection_lifetime=1
    )
    try:  # the floor writes into the workspace of the capture bench's key (`bench`)
        state["workspace"] = await state["pool"].fetchval(
            "SELECT workspace_id FROM api_keys WHERE name = 'bench' ORDER BY created_at LIMIT 1"
        )
    except asyncpg.UndefinedTableError:  # a database without leadapi's schema: no floor
        state["workspace"] = None
    yield
    await state["pool"].close()


app = FastAPI(lifespan=lifespan)


@app.post("/v1/leads", status_code=201)
async def create_lead(body: LeadIn) -> dict[str, Any]:
    lead_id = uuid.uuid4().hex
    await state["pool"].execute(
        "INSERT INTO baseline_leads (id, email, payload) VALUES ($1, $2, $3::jsonb)",
        lead_id,
        body.email,
        body.model_dump_json(),
    )
    return {"id": lead_id, **body.model_dump()}


FLOOR_SQL = """
WITH lead AS (
    INSERT INTO leads (id, workspace_id, email, first_name, last_name, phone, title, company, website,
                       country, source, domain, tags, external_ids, attributes, unsubscribed, stage,
                       is_free_email, seniority, created_at, updated_at, version, score, fit_score,
                       behavior_score, band, scored_at, stage_entered_at, stages_mask, provenance)
    VALUES ($1, $2, $3::text, $4, $5, $6, $7, $8, $9, $10, $11, split_part($3::text, '@', 2), $12::jsonb,
            '{}', '{}', false, 'new', false, 'unknown', now(), now(), 1, 0, 0, 0, 'not_ready', now(), now(),
            1, $13::jsonb)
    RETURNING id
)
INSERT INTO events (id, workspace_id, type, lead_id, occurred_at, data)
SELECT $14 || kind.suffix, $2, kind.type, lead.id, now(), kind.data
FROM lead,
     (VALUES ('0', 'lead.created', $15::jsonb), ('1', 'lead.scored', $16::jsonb)) AS kind(suffix, type, data)
"""
_made = itertools.count()
# The keys of `lead.created`'s document (the lead as the API shows it), most of them null for a
# new lead: the event is as large as a real one.
_DOCUMENT = dict.fromkeys((
    "id", "band", "city", "tags", "email", "phone", "score", "stage", "title", "domain", "region", "source",
    "company", "consent", "country", "version", "website", "industry", "owner_id", "utm_term", "fit_score",
    "last_name", "scored_at", "seniority", "attributes", "created_at", "first_name", "updated_at",
    "utm_medium", "utm_source", "archived_at", "postal_code", "utm_content", "company_size", "external_ids",
    "unsubscribed", "utm_campaign", "is_free_email", "is_role_email", "behavior_score", "first_touch_at",
    "score_model_id", "last_activity_at", "stage_entered_at", "first_activity_at", "is_disposable_email",
))  # fmt: skip


def _ordered_id() -> str:
    """Ids that sort by creation, as leadapi's ULIDs do (the primary keys grow at their right edge)."""
    return f"{time.time_ns():016x}{os.getpid() % 4096:03x}{next(_made) % 4096:03x}"


# FLOOR_SQL's $3-$11, in order.
_FLOOR_COLUMNS = (
    "email", "first_name", "last_name", "phone", "title", "company", "website", "country", "source",
)  # fmt: skip


def floor_arguments(workspace_id: str, fields: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """FLOOR_SQL's arguments for a new lead of `fields` (the body's), and the lead's document."""
    suffix = _ordered_id()
    lead_id = f"ld_{suffix}"
    now = datetime.now(UTC).isoformat()
    provenance = {name: {"at": now, "source": "api"} for name, value in fields.items() if value}
    lead = {
        **_DOCUMENT,
        "id": lead_id,
        **fields,
        "stage": "new",
        "score": 0,
        "band": "not_ready",
        "version": 1,
    }
    scored = {"new": 0, "old": None, "band": "not_ready", "reason": "lead_created", "fit_score": 0.0}
    arguments = [
        lead_id,
        workspace_id,
        *(fields.get(column) for column in _FLOOR_COLUMNS),
        to_json(fields.get("tags") or []).decode(),
        to_json(provenance).decode(),
        f"ev_{suffix}",
        to_json({"lead": lead}).decode(),
        to_json(scored).decode(),
    ]
    return arguments, lead


@app.post("/floor/leads", status_code=201)
async def floor_lead(body: LeadIn) -> Response:
    if state["workspace"] is None:
        return Response(status_code=503)
    arguments, lead = floor_arguments(state["workspace"], body.model_dump())
    await state["pool"].execute(FLOOR_SQL, *arguments)
    return Response(to_json(lead), status_code=201, media_type="application/json")


# The read baseline: one indexed SELECT ... LIMIT 50 of a lead's columns, straight to JSON.
READ_SQL = """
SELECT id, email, first_name, last_name, phone, title, company, website, industry, company_size, country,
       region, city, postal_code, source, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
       tags, external_ids, attributes, consent, unsubscribed, owner_id, stage, score, fit_score,
       behavior_score, band, scored_at, score_model_id, last_activity_at, first_touch_at,
       first_activity_at, stage_entered_at, domain, is_free_email, seniority, created_at, updated_at, version
FROM leads WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50
"""


@app.get("/v1/leads")
async def list_leads(workspace: str = "ws_bench_reads") -> Response:
    rows = await state["pool"].fetch(READ_SQL, workspace)
    return Response(to_json({"data": [dict(row) for row in rows]}), media_type="application/json")


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
