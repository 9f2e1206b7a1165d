"""Outbound webhook subscriptions and their deliveries over HTTP: thin over WebhookService."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from leadapi.api.auth import Admin, Reader
from leadapi.api.deps import Reads, ServicesDep, Snapshot, Tx
from leadapi.api.pagination import id_cursor, next_id_cursor, next_time_cursor, time_cursor
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.webhooks.schemas import (
    Delivery,
    DeliveryList,
    Subscription,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=PROBLEM_RESPONSES)


async def _vetted_create(body: SubscriptionCreate, services: ServicesDep) -> SubscriptionCreate:
    # A dependency, so the target is checked (a DNS look-up) before the transaction opens.
    await services.webhooks.vet(body.url)
    return body


async def _vetted_update(body: SubscriptionUpdate, services: ServicesDep) -> SubscriptionUpdate:
    changes = services.webhooks.changes(body)  # a null where one is needed: 422 before anything
    if "url" in changes:
        await services.webhooks.vet(changes["url"])
    return body


VettedCreate = Annotated[SubscriptionCreate, Depends(_vetted_create)]
VettedUpdate = Annotated[SubscriptionUpdate, Depends(_vetted_update)]


def _delivery(row: dict[str, Any]) -> Delivery:
    return Delivery.model_validate(row)


@router.post(
    "",
    operation_id="create_webhook",
    status_code=201,
    response_model=SubscriptionWithSecret,
    summary="Subscribe an endpoint",
)
async def create_webhook(
    principal: Admin, body: VettedCreate, services: ServicesDep, conn: Tx, response: Response
) -> SubscriptionWithSecret:
    """Events from now on whose type matches `events` are POSTed to `url`, signed per Standard
    Webhooks with the returned secret (shown this once). Private addresses are refused."""
    row = await services.webhooks.create(conn, principal, body)
    response.headers["Location"] = f"/v1/webhooks/{row['id']}"
    return SubscriptionWithSecret.model_validate(row)


@router.get("", operation_id="list_webhooks", response_model=SubscriptionList, summary="Subscriptions")
async def list_webhooks(
    principal: Reader,
    services: ServicesDep,
    conn: Reads,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> SubscriptionList:
    rows = await services.webhooks.page(conn, principal, limit + 1, id_cursor(cursor))
    return SubscriptionList(
        data=[Subscription.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.get(
    "/{webhook_id}", operation_id="get_webhook", response_model=Subscription, summary="A subscription"
)
async def get_webhook(webhook_id: str, principal: Reader, services: ServicesDep, conn: Reads) -> Subscription:
    return Subscription.model_validate(await services.webhooks.get(conn, principal, webhook_id))


@router.patch(
    "/{webhook_id}",
    operation_id="update_webhook",
    response_model=Subscription,
    summary="Change a subscription",
)
async def update_webhook(
    webhook_id: str, principal: Admin, body: VettedUpdate, services: ServicesDep, conn: Tx
) -> Subscription:
    """`active: true` re-enables a disabled subscription (for events from then on)."""
    return Subscription.model_validate(await services.webhooks.update(conn, principal, webhook_id, body))


@router.delete("/{webhook_id}", operation_id="delete_webhook", status_code=204, summary="Unsubscribe")
async def delete_webhook(webhook_id: str, principal: Admin, services: ServicesDep, conn: Tx) -> Response:
    await services.webhooks.delete(conn, principal, webhook_id)
    return Response(status_code=204)


@router.post(
    "/{webhook_id}/rotate-secret",
    operation_id="rotate_webhook_secret",
    response_model=SubscriptionWithSecret,
    summary="A new signing secret",
)
async def rotate_webhook_secret(
    webhook_id: str, principal: Admin, services: ServicesDep, conn: Tx
) -> SubscriptionWithSecret:
    """The new secret is shown this once; for 24 hours deliveries carry a signature by the old
    one too, so receivers can switch without missing a message."""
    row = await services.webhooks.rotate_secret(conn, principal, webhook_id)
    return SubscriptionWithSecret.model_validate(row)


@router.get(
    "/{webhook_id}/deliveries",
    operation_id="list_webhook_deliveries",
    response_model=DeliveryList,
    summary="Deliveries",
)
async def list_webhook_deliveries(
    webhook_id: str,
    principal: Reader,
    services: ServicesDep,
    conn: Snapshot,
    status: Literal["pending", "succeeded", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> DeliveryList:
    """Newest first: status, attempts, the last response code and latency, the next attempt."""
    before = time_cursor(cursor)
    rows = await services.webhooks.deliveries(conn, principal, webhook_id, status, limit + 1, before)
    next_cursor = next_time_cursor(rows, limit, "created_at")
    return DeliveryList(data=[_delivery(r) for r in rows[:limit]], next_cursor=next_cursor)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    operation_id="redeliver_webhook",
    status_code=202,
    response_model=Delivery,
    summary="Send again",
)
async def redeliver_webhook(
    webhook_id: str, delivery_id: str, principal: Admin, services: ServicesDep, conn: Tx
) -> Delivery:
    """Queued now, with the same webhook-id (receivers that saw it may drop it)."""
    return _delivery(await services.webhooks.redeliver(conn, principal, webhook_id, delivery_id))


@router.post(
    "/{webhook_id}/test",
    operation_id="test_webhook",
    status_code=202,
    response_model=Delivery,
    summary="Send a test message",
)
async def test_webhook(webhook_id: str, principal: Admin, services: ServicesDep, conn: Tx) -> Delivery:
    """A `webhook.test` message, queued now; follow it in the deliveries."""
    return _delivery(await services.webhooks.test(conn, principal, webhook_id))
