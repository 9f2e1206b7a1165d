"""The baseline: FastAPI, a pydantic-validated body and ONE asyncpg INSERT (autocommit); for
reads, ONE indexed asyncpg SELECT ... LIMIT 50.

It is what a lead endpoint costs with nothing of leadapi in it; `make bench` reports leadapi as a
ratio to it, measured in the same run on the same machine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
    state["pool"] = await asyncpg.create_pool(DSN, min_size=10, max_size=20)
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
