"""A process whose every database connection is busy answers 503 with Retry-After (overload, which a
client retries), never 500; once a connection is free again, requests go through."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from leadapi.app import create_app
from leadapi.config import Settings
from tests.conftest import Clock, make_tenant, serving


async def test_no_free_connection_is_a_503_to_retry(settings: Settings, postgres_only: None) -> None:
    """A process of its own with one connection, the suite's settings otherwise."""
    one_connection = settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout": 0.2}
    )
    async with serving(create_app(one_connection, clock=Clock())) as app:
        tenant = await make_tenant(app, "pool")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leadapi.test") as client:
            async with app.state.db.transaction() as held:  # the process's only connection
                await held.execute(text("SELECT 1"))
                busy = await client.post("/v1/leads", json={"email": "busy@acme.com"}, headers=tenant.write)
            assert busy.status_code == 503, busy.text
            assert busy.headers["content-type"] == "application/problem+json"
            assert busy.headers["retry-after"] == "1"
            assert "capacity" in busy.json()["detail"]
            free = await client.post("/v1/leads", json={"email": "busy@acme.com"}, headers=tenant.write)
            assert free.status_code == 201, free.text
