"""Per-workspace settings rows written at once: a workspace's first writes of its settings, sent
together, all succeed and leave the row as one of them said (PostgreSQL, where the requests run on
connections of their own: a write that read "no row yet" and then inserted met the other's row).

Every settings endpoint that makes its row on its first write is here. The pipeline's and the
routing settings' writers take the workspace's locks first (`hold_back_captures`, the routing lock),
and the scoring settings' first row comes with the default model, whose unique version retries."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import Tenant

WRITERS = 10

ZONES = (
    "Europe/Paris",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Lagos",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Europe/Berlin",
    "Pacific/Auckland",
    "America/Denver",
)
KEY_SETS = (["email"], ["email", "phone"], ["phone"], ["email", "external_ids"], ["external_ids"])


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    # The i-th writer's body; what the GET answers is compared on these fields.
    body: Callable[[int], dict[str, Any]]


ENDPOINTS = {
    "hygiene": Endpoint(
        "/v1/hygiene/settings", "PUT", lambda i: {"archive_inactive_after_days": 10 + i, "only_stages": []}
    ),
    "consent": Endpoint(
        "/v1/consent/settings",
        "PUT",
        lambda i: {
            "double_opt_in_sources": [],
            "require_email_consent": i % 2 == 0,
            "suppressed_capture": ("refuse", "flag")[i // 2 % 2],
        },
    ),
    "dedupe": Endpoint(
        "/v1/duplicates/policy",
        "PUT",
        lambda i: {"mode": ("auto_merge", "flag_only")[i % 2], "keys": KEY_SETS[i % len(KEY_SETS)]},
    ),
    "reports": Endpoint("/v1/reports/settings", "PUT", lambda i: {"time_zone": ZONES[i]}),
    "nurture": Endpoint("/v1/tracks/settings", "PATCH", lambda i: {"weekly_touch_cap": i + 1}),
}


def shown(answer: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return {name: answer[name] for name in body}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
async def test_first_writes_at_once_all_succeed_and_one_stands(
    client: httpx.AsyncClient, tenant: Tenant, postgres_only: None, name: str
) -> None:
    endpoint = ENDPOINTS[name]
    bodies = [endpoint.body(i) for i in range(WRITERS)]
    answers = await asyncio.gather(
        *(client.request(endpoint.method, endpoint.path, json=body, headers=tenant.admin) for body in bodies)
    )
    assert [a.status_code for a in answers] == [200] * WRITERS, [a.text for a in answers]
    for answer, body in zip(answers, bodies, strict=True):
        assert shown(answer.json(), body) == body
    stored = await client.get(endpoint.path, headers=tenant.read)
    assert stored.status_code == 200, stored.text
    assert shown(stored.json(), bodies[0]) in bodies
