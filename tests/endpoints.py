"""The catalogue of endpoints the bad-input matrix, the contract tests and the generated edge
cases walk, and the world of ids (a lead, a key, an owner, a webhook...) their paths are filled
with."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from mcp.types import CallToolResult, TextContent

from leadapi.flows.duplicates import DuplicateConsumer
from leadapi.jobs.loop import run_job
from tests.conftest import Tenant, make_tenant
from tests.factories import post_generic


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {lead} and {key} are replaced by ids of the tenant (or of another tenant)
    scope: str
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


PIPELINE = [
    {"key": "new", "name": "New", "category": "open"},
    {"key": "working", "name": "Working", "category": "open"},
    {"key": "nurturing", "name": "Nurturing", "category": "open"},
    {"key": "won", "name": "Won", "category": "won"},
    {"key": "lost", "name": "Lost", "category": "lost"},
]


AUTOMATION = {
    "name": "a",
    "trigger": {"event": "page_view"},
    "actions": [{"type": "add_tags", "tags": ["seen"]}],
}

TRACK = {"name": "t", "steps": [{"channel": "email", "ref": "tmpl_1", "wait_minutes": 60}]}
SEGMENT = {"name": "s", "when": {"all": [{"field": "band", "op": "eq", "value": "mql"}]}}
# Built in: needs no network, so the generated requests to /enrich call nobody.
PROVIDER = {"name": "p", "kind": "company_from_domain"}

REPORTS = (
    "funnel", "speed-to-lead", "sla", "stage-velocity", "sources", "owners", "scores", "activation",
    "routing",
)  # fmt: skip


ENDPOINTS = [
    Endpoint("POST", "/v1/leads", "write", {"email": "new@acme.com"}),
    Endpoint("POST", "/v1/leads/batch", "write", {"leads": [{"email": "new@acme.com"}]}),
    Endpoint("GET", "/v1/leads", "read"),
    Endpoint("GET", "/v1/leads/{lead}", "read"),
    Endpoint("PATCH", "/v1/leads/{lead}", "write", {"city": "Oslo"}),
    Endpoint("DELETE", "/v1/leads/{lead}", "write"),
    Endpoint("POST", "/v1/leads/{lead}/merge", "write", {"duplicate_id": "{dup}"}),
    Endpoint("GET", "/v1/leads/{lead}/timeline", "read"),
    Endpoint("POST", "/v1/leads/{lead}/events", "write", {"type": "page_view"}),
    Endpoint("POST", "/v1/events", "write", {"type": "page_view", "lead_id": "{lead}"}),
    Endpoint("POST", "/v1/events/batch", "write", {"events": [{"type": "call", "lead_id": "{lead}"}]}),
    Endpoint("GET", "/v1/events", "read"),
    Endpoint("GET", "/v1/scoring/models", "read"),
    Endpoint("POST", "/v1/scoring/models", "admin", {"name": "m"}),
    Endpoint("GET", "/v1/scoring/active", "read"),
    Endpoint("POST", "/v1/scoring/preview", "read", {"lead_id": "{lead}"}),
    Endpoint("POST", "/v1/scoring/models/{model}/activate", "admin"),
    Endpoint("POST", "/v1/scoring/backtest", "read", {"model": "{model}", "outcome": {"within_days": 30}}),
    Endpoint("POST", "/v1/scoring/suggest", "read", {"model": "{model}", "as_of": "created"}),
    Endpoint("GET", "/v1/leads/{lead}/score", "read"),
    Endpoint("GET", "/v1/leads/{lead}/score/history", "read"),
    Endpoint("POST", "/v1/leads/{lead}/score-adjustments", "write", {"points": 5, "reason": "met at a fair"}),
    Endpoint("GET", "/v1/leads/{lead}/score-adjustments", "read"),
    Endpoint("GET", "/v1/jobs/{job}", "read"),
    Endpoint("POST", "/v1/owners", "write", {"name": "Ada", "email": "ada@acme.com"}),
    Endpoint("GET", "/v1/owners", "read"),
    Endpoint("GET", "/v1/owners/{owner}", "read"),
    Endpoint("PATCH", "/v1/owners/{owner}", "write", {"name": "Ada L."}),
    Endpoint("DELETE", "/v1/owners/{owner}", "write"),
    Endpoint("GET", "/v1/routing/rules", "read"),
    Endpoint("POST", "/v1/routing/rules", "admin", {"name": "r", "position": 99, "strategy": "round_robin"}),
    Endpoint("GET", "/v1/routing/rules/{rule}", "read"),
    Endpoint("PATCH", "/v1/routing/rules/{rule}", "admin", {"name": "renamed"}),
    Endpoint("DELETE", "/v1/routing/rules/{rule}", "admin"),
    Endpoint("GET", "/v1/routing/settings", "read"),
    Endpoint("PUT", "/v1/routing/settings", "admin", {"route_on": "created"}),
    Endpoint("POST", "/v1/routing/preview", "read", {"lead_id": "{lead}"}),
    Endpoint("POST", "/v1/leads/{lead}/route", "write", {"force": False}),
    Endpoint("GET", "/v1/leads/{lead}/assignments", "read"),
    Endpoint("GET", "/v1/stages", "read"),
    Endpoint("PUT", "/v1/stages", "admin", {"stages": PIPELINE, "accepted_stage": "working"}),
    Endpoint("POST", "/v1/leads/{lead}/stage", "write", {"to": "mql"}),
    Endpoint("POST", "/v1/leads/{lead}/accept", "write", {"note": "mine"}),
    Endpoint("POST", "/v1/leads/{lead}/reject", "write", {"reason": "not_ready"}),
    Endpoint("GET", "/v1/leads/{lead}/stages", "read"),
    Endpoint("GET", "/v1/sla/policies", "read"),
    Endpoint(
        "POST", "/v1/sla/policies", "admin", {"name": "p", "position": 99, "first_touch_within_minutes": 5}
    ),
    Endpoint("GET", "/v1/sla/policies/{policy}", "read"),
    Endpoint("PATCH", "/v1/sla/policies/{policy}", "admin", {"name": "renamed"}),
    Endpoint("DELETE", "/v1/sla/policies/{policy}", "admin"),
    Endpoint("GET", "/v1/sla/breaches", "read"),
    Endpoint("POST", "/v1/webhooks", "admin", {"url": "http://127.0.0.1:9/hook", "events": ["lead.*"]}),
    Endpoint("GET", "/v1/webhooks", "read"),
    Endpoint("GET", "/v1/webhooks/{webhook}", "read"),
    Endpoint("PATCH", "/v1/webhooks/{webhook}", "admin", {"description": "renamed"}),
    Endpoint("DELETE", "/v1/webhooks/{webhook}", "admin"),
    Endpoint("POST", "/v1/webhooks/{webhook}/rotate-secret", "admin"),
    Endpoint("POST", "/v1/webhooks/{webhook}/test", "admin"),
    Endpoint("GET", "/v1/webhooks/{webhook}/deliveries", "read"),
    Endpoint("POST", "/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver", "admin"),
    Endpoint("POST", "/v1/sources", "admin", {"name": "Form", "mapping": {"email": "email"}}),
    Endpoint("GET", "/v1/sources", "read"),
    Endpoint("GET", "/v1/sources/{source}", "read"),
    Endpoint("PATCH", "/v1/sources/{source}", "admin", {"name": "renamed"}),
    Endpoint("DELETE", "/v1/sources/{source}", "admin"),
    Endpoint("GET", "/v1/sources/{source}/submissions", "read"),
    Endpoint("POST", "/v1/sources/{source}/submissions/{submission}/replay", "write"),
    *(Endpoint("GET", f"/v1/reports/{name}", "read") for name in REPORTS),
    Endpoint("GET", "/v1/reports/settings", "read"),
    Endpoint("PUT", "/v1/reports/settings", "admin", {"time_zone": "Europe/Paris"}),
    Endpoint(
        "POST",
        "/v1/tasks",
        "write",
        {"lead_id": "{lead}", "owner_id": "{owner}", "type": "call", "due_at": "2030-01-01T09:00:00Z"},
    ),
    Endpoint("GET", "/v1/tasks", "read"),
    Endpoint("GET", "/v1/tasks/{task}", "read"),
    Endpoint("PATCH", "/v1/tasks/{task}", "write", {"note": "left a voicemail"}),
    Endpoint("GET", "/v1/leads/{lead}/tasks", "read"),
    Endpoint(
        "POST",
        "/v1/leads/{lead}/consents",
        "write",
        {"channel": "email", "status": "granted", "source": "form", "proof": {"ip": "192.0.2.1"}},
    ),
    Endpoint("GET", "/v1/leads/{lead}/consents", "read"),
    Endpoint("GET", "/v1/leads/{lead}/export", "read"),
    Endpoint("POST", "/v1/leads/{lead}/consents/confirm", "write", {"token": "not-a-token"}),
    Endpoint("GET", "/v1/consent/settings", "read"),
    Endpoint("GET", "/v1/hygiene/settings", "read"),
    Endpoint("PUT", "/v1/hygiene/settings", "admin", {"archive_inactive_after_days": 30}),
    Endpoint("GET", "/v1/reports/data-quality", "read"),
    Endpoint("PUT", "/v1/consent/settings", "admin", {"double_opt_in_sources": []}),
    Endpoint("POST", "/v1/automations", "admin", AUTOMATION),
    Endpoint("GET", "/v1/automations", "read"),
    Endpoint("POST", "/v1/automations/defaults", "admin"),
    Endpoint(
        "POST",
        "/v1/automations/preview",
        "read",
        {"automation": "{automation}", "lead_id": "{lead}", "event": {"type": "page_view"}},
    ),
    Endpoint("GET", "/v1/automations/{automation}", "read"),
    Endpoint("PATCH", "/v1/automations/{automation}", "admin", {"name": "renamed"}),
    Endpoint("DELETE", "/v1/automations/{automation}", "admin"),
    Endpoint("GET", "/v1/automations/{automation}/runs", "read"),
    Endpoint("GET", "/v1/leads/{lead}/automation-runs", "read"),
    Endpoint("POST", "/v1/tracks", "admin", TRACK),
    Endpoint("GET", "/v1/tracks", "read"),
    Endpoint("GET", "/v1/tracks/settings", "read"),
    Endpoint("PATCH", "/v1/tracks/settings", "admin", {"weekly_touch_cap": 4}),
    Endpoint("GET", "/v1/tracks/{track}", "read"),
    Endpoint("PATCH", "/v1/tracks/{track}", "admin", {"name": "renamed"}),
    Endpoint("DELETE", "/v1/tracks/{track}", "admin"),
    Endpoint("GET", "/v1/tracks/{track}/enrollments", "read"),
    Endpoint("POST", "/v1/leads/{lead}/enrollments", "write", {"track_id": "{spare_track}"}),
    Endpoint("GET", "/v1/leads/{lead}/enrollments", "read"),
    Endpoint("POST", "/v1/leads/{lead}/enrollments/{enrollment}/pause", "write", {"reason": "hold"}),
    Endpoint("POST", "/v1/leads/{lead}/enrollments/{enrollment}/resume", "write", {"reason": "go"}),
    Endpoint("POST", "/v1/leads/{lead}/enrollments/{enrollment}/exit", "write", {"reason": "done"}),
    Endpoint("POST", "/v1/segments", "admin", SEGMENT),
    Endpoint("GET", "/v1/segments", "read"),
    Endpoint("GET", "/v1/segments/{segment}", "read"),
    Endpoint("PATCH", "/v1/segments/{segment}", "admin", {"name": "renamed"}),
    Endpoint("DELETE", "/v1/segments/{segment}", "admin"),
    Endpoint("GET", "/v1/segments/{segment}/leads", "read"),
    # The file is the body (CSV or NDJSON, not JSON): tests/api/test_imports.py covers its bad input.
    Endpoint("POST", "/v1/imports", "write"),
    Endpoint("GET", "/v1/imports", "read"),
    Endpoint("GET", "/v1/imports/{import}", "read"),
    Endpoint("GET", "/v1/imports/{import}/errors", "read"),
    Endpoint("GET", "/v1/imports/{import}/outcomes", "read"),
    Endpoint("POST", "/v1/imports/{import}/cancel", "write"),
    Endpoint("GET", "/v1/duplicates", "read"),
    Endpoint("GET", "/v1/duplicates/policy", "read"),
    Endpoint("PUT", "/v1/duplicates/policy", "admin", {"mode": "auto_merge"}),
    Endpoint("GET", "/v1/duplicates/{pair}", "read"),
    Endpoint("POST", "/v1/duplicates/{pair}/dismiss", "write"),
    Endpoint("POST", "/v1/duplicates/{pair}/merge", "write"),
    Endpoint("POST", "/v1/duplicates/sweep", "admin"),
    Endpoint("POST", "/v1/leads/match", "read", {"leads": [{"email": "new@acme.com"}]}),
    Endpoint("POST", "/v1/enrichment/providers", "admin", PROVIDER),
    Endpoint("GET", "/v1/enrichment/providers", "admin"),
    Endpoint("GET", "/v1/enrichment/providers/{provider}", "admin"),
    Endpoint("PATCH", "/v1/enrichment/providers/{provider}", "admin", {"name": "renamed"}),
    Endpoint("DELETE", "/v1/enrichment/providers/{provider}", "admin"),
    Endpoint("POST", "/v1/leads/{lead}/enrich", "write"),
    Endpoint("POST", "/v1/api-keys", "admin", {"name": "k", "scopes": ["read"]}),
    Endpoint("GET", "/v1/api-keys", "admin"),
    Endpoint("DELETE", "/v1/api-keys/{key}", "admin"),
]


@dataclass
class World:
    tenant: Tenant
    ids: dict[str, str]


async def make_world(app: FastAPI, client: httpx.AsyncClient) -> World:
    tenant = await make_tenant(app)
    lead = (await client.post("/v1/leads", json={"email": "a@acme.com"}, headers=tenant.write)).json()
    dup = (await client.post("/v1/leads", json={"email": "b@acme.com"}, headers=tenant.write)).json()
    key = (
        await client.post("/v1/api-keys", json={"name": "x", "scopes": ["read"]}, headers=tenant.admin)
    ).json()
    model = (await client.get("/v1/scoring/active", headers=tenant.read)).json()
    job = (await client.post(f"/v1/scoring/models/{model['id']}/activate", headers=tenant.admin)).json()
    while await run_job(app.state.db, app.state.jobs):  # run it (and leave no queued job behind)
        pass
    owner = (
        await client.post(
            "/v1/owners", json={"name": "Owner", "email": "owner@acme.com"}, headers=tenant.write
        )
    ).json()
    rule = (
        await client.post(
            "/v1/routing/rules",
            json={
                "name": "all",
                "position": 1,
                "strategy": "round_robin",
                "pool": {"owner_ids": [owner["id"]]},
            },
            headers=tenant.admin,
        )
    ).json()
    ids = {"lead": lead["id"], "dup": dup["id"], "key": key["id"], "model": model["id"], "job": job["id"]}
    policy = (await client.get("/v1/sla/policies", headers=tenant.read)).json()["data"][0]
    webhook = (
        await client.post(
            "/v1/webhooks",
            # Paused: the world's test message must not be sent (to a closed port) by later tests.
            json={"url": "http://127.0.0.1:9/hook", "events": ["lead.*"], "active": False},
            headers=tenant.admin,
        )
    ).json()
    delivery = (await client.post(f"/v1/webhooks/{webhook['id']}/test", headers=tenant.admin)).json()
    source = (
        await client.post(
            "/v1/sources", json={"name": "Form", "mapping": {"mail": "email"}}, headers=tenant.admin
        )
    ).json()
    failed = await post_generic(client, source, {"email": "unmapped@acme.com"}, int(time.time()))
    assert failed.status_code == 422, failed.text
    ids.update(owner=owner["id"], rule=rule["id"], policy=policy["id"])
    ids.update(webhook=webhook["id"], delivery=delivery["id"])
    ids.update(source=source["id"], submission=failed.json()["submission_id"])
    task = (
        await client.post(
            "/v1/tasks",
            json={
                "lead_id": lead["id"],
                "owner_id": owner["id"],
                "type": "call",
                "due_at": "2030-01-01T09:00:00Z",
            },
            headers=tenant.write,
        )
    ).json()
    ids.update(task=task["id"])
    automation = (await client.post("/v1/automations", json=AUTOMATION, headers=tenant.admin)).json()
    ids.update(automation=automation["id"])
    track = (await client.post("/v1/tracks", json=TRACK, headers=tenant.admin)).json()
    spare = (
        await client.post("/v1/tracks", json={**TRACK, "allow_concurrent": True}, headers=tenant.admin)
    ).json()
    enrollment = (
        await client.post(
            f"/v1/leads/{lead['id']}/enrollments", json={"track_id": track["id"]}, headers=tenant.write
        )
    ).json()
    ids.update(track=track["id"], spare_track=spare["id"], enrollment=enrollment["id"])
    segment = (await client.post("/v1/segments", json=SEGMENT, headers=tenant.admin)).json()
    ids.update(segment=segment["id"])
    upload = await client.post(
        "/v1/imports",
        content=b"email,company\nimported@acme.com,Acme\nnot-an-email,X\n",
        headers={**tenant.write, "Content-Type": "text/csv"},
    )
    while await run_job(app.state.db, app.state.jobs):  # done: no queued job left behind
        pass
    ids["import"] = upload.json()["id"]
    # Two leads alike enough to be queued as a pair, found by the duplicates' consumer.
    for email in ("pair.one@gmail.com", "pairone+x@gmail.com"):
        await client.post("/v1/leads", json={"email": email}, headers=tenant.write)
    await app.state.sequencer.drain()
    consumer = DuplicateConsumer(app.state.db, app.state.services.duplicate_flow)
    while await consumer.run_once(tenant.workspace_id):
        pass
    [pair] = (await client.get("/v1/duplicates", headers=tenant.read)).json()["data"]
    ids.update(pair=pair["id"])
    provider = (await client.post("/v1/enrichment/providers", json=PROVIDER, headers=tenant.admin)).json()
    ids.update(provider=provider["id"])
    return World(tenant, ids)


# The MCP server's tools, as an agent lists them over any transport.
MCP_TOOLS = {
    "search_leads", "get_lead", "create_lead", "update_lead", "record_event", "explain_score",
    "delete_lead", "merge_leads", "preview_routing", "route_lead", "move_stage", "accept_lead",
    "reject_lead", "list_owners", "set_out_of_office", "list_sla_breaches", "funnel_report",
    "speed_to_lead_report", "list_tasks", "complete_task", "enroll_lead", "exit_track",
    "list_automations", "preview_automation",
    "list_segments", "routing_fairness", "find_duplicates", "merge_duplicate", "backtest_model",
    "export_lead",
}  # fmt: skip


def text_of(result: CallToolResult) -> str:
    """A tool result's one text content."""
    [content] = result.content
    assert isinstance(content, TextContent), content
    return content.text


# The OpenAPI document's path parameters -> the world's ids they take.
PATH_IDS = {
    "lead_id": "lead", "owner_id": "owner", "rule_id": "rule", "policy_id": "policy",
    "source_id": "source", "webhook_id": "webhook", "delivery_id": "delivery", "key_id": "key",
    "model_id": "model", "job_id": "job", "submission_id": "submission", "task_id": "task",
    "automation_id": "automation", "track_id": "track", "enrollment_id": "enrollment",
    "segment_id": "segment", "import_id": "import", "pair_id": "pair", "provider_id": "provider",
}  # fmt: skip


def fill_path(text: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        text = text.replace("{" + name + "}", value)
    return text
