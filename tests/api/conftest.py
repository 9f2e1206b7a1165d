"""Fixtures of the API tests beyond the shared ones in tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from leadapi.webhooks.models import WebhookSubscription
from tests.api.webhook_receiver import Receiver, start_receiver


@pytest.fixture
async def receiver(app: FastAPI) -> AsyncIterator[Receiver]:
    endpoint, server, task = await start_receiver()
    yield endpoint
    server.should_exit = True
    await task
    # The database is shared by the session: a test's subscriptions must not keep later tests'
    # delivery rounds busy retrying endpoints that are gone.
    async with app.state.db.transaction() as conn:
        await conn.execute(update(WebhookSubscription).values(active=False))
