"""Outbound webhook subscriptions and their deliveries over HTTP: thin over WebhookService."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from leadapi.api.auth import Admin, Reader
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
from leadapi.webhooks.service import WebhookService

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=PROBLEM_RESPONSES)


def _service(request: Request) -> WebhookService:
    service: WebhookService = request.app.state.webhooks
    return service


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
    request: Request, body: SubscriptionCreate, principal: Admin, response: Response
) -> SubscriptionWithSecret:
    """Events from now on whose type matches `events` are POSTed to `url`, signed per Standard
    Webhooks with the returned secret (shown this once). Private addresses are refused."""
    row = await _service(request).create(principal, body)
    response.headers["Location"] = f"/v1/webhooks/{row['id']}"
    return SubscriptionWithSecret.model_validate(row)


@router.get("", operation_id="list_webhooks", response_model=SubscriptionList, summary="Subscriptions")
async def list_webhooks(
    request: Request,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> SubscriptionList:
    rows = await _service(request).page(principal, limit + 1, id_cursor(cursor))
    return SubscriptionList(
        data=[Subscription.model_validate(r) for r in rows[:limit]], next_cursor=next_id_cursor(rows, limit)
    )


@router.get(
    "/{webhook_id}", operation_id="get_webhook", response_model=Subscription, summary="A subscription"
)
async def get_webhook(request: Request, webhook_id: str, principal: Reader) -> Subscription:
    return Subscription.model_validate(await _service(request).get(principal, webhook_id))


@router.patch(
    "/{webhook_id}",
    operation_id="update_webhook",
    response_model=Subscription,
    summary="Change a subscription",
)
async def update_webhook(
    request: Request, webhook_id: str, body: SubscriptionUpdate, principal: Admin
) -> Subscription:
    """`active: true` re-enables a disabled subscription (for events from then on)."""
    return Subscription.model_validate(await _service(request).update(principal, webhook_id, body))


@router.delete("/{webhook_id}", operation_id="delete_webhook", status_code=204, summary="Unsubscribe")
async def delete_webhook(request: Request, webhook_id: str, principal: Admin) -> Response:
    await _service(request).delete(principal, webhook_id)
    return Response(status_code=204)


@router.post(
    "/{webhook_id}/rotate-secret",
    operation_id="rotate_webhook_secret",
    response_model=SubscriptionWithSecret,
    summary="A new signing secret",
)
async def rotate_webhook_secret(
    request: Request, webhook_id: str, principal: Admin
) -> SubscriptionWithSecret:
    """The new secret is shown this once; for 24 hours deliveries carry a signature by the old
    one too, so receivers can switch without missing a message."""
    return SubscriptionWithSecret.model_validate(await _service(request).rotate_secret(principal, webhook_id))


@router.get(
    "/{webhook_id}/deliveries",
    operation_id="list_webhook_deliveries",
    response_model=DeliveryList,
    summary="Deliveries",
)
async def list_webhook_deliveries(
    request: Request,
    webhook_id: str,
    principal: Reader,
    status: Literal["pending", "succeeded", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> DeliveryList:
    """Newest first: status, attempts, the last response code and latency, the next attempt."""
    before = time_cursor(cursor)
    rows = await _service(request).deliveries(principal, webhook_id, status, limit + 1, before)
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
    request: Request, webhook_id: str, delivery_id: str, principal: Admin
) -> Delivery:
    """Queued now, with the same webhook-id (receivers that saw it may drop it)."""
    return _delivery(await _service(request).redeliver(principal, webhook_id, delivery_id))


@router.post(
    "/{webhook_id}/test",
    operation_id="test_webhook",
    status_code=202,
    response_model=Delivery,
    summary="Send a test message",
)
async def test_webhook(request: Request, webhook_id: str, principal: Admin) -> Delivery:
    """A `webhook.test` message, queued now; follow it in the deliveries."""
    return _delivery(await _service(request).test(principal, webhook_id))
