from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.feed_page import FeedPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | Unset = 0,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    json_types: None | str | Unset
    if isinstance(types, Unset):
        json_types = UNSET
    else:
        json_types = types
    params["types"] = json_types

    params["limit"] = limit

    params["wait"] = wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FeedPage | Problem | None:
    if response.status_code == 200:
        response_200 = FeedPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[FeedPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
) -> Response[FeedPage | Problem]:
    """The change feed

     The workspace's events in sequence order, every state change included (lead.*, sla.*, and
    behaviour events): a CRM syncs by calling again with `after=next`, and never misses or
    reorders a change. Events are numbered within about a tenth of a second of their commit.

    Args:
        after (int | Unset): Events numbered after this (0: from the start). Default: 0.
        types (None | str | Unset): Comma-separated types or patterns: `lead.*,sla.breached`.
        limit (int | Unset):  Default: 100.
        wait (float | Unset): Seconds to wait for new events when none are there. Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        types=types,
        limit=limit,
        wait=wait,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
) -> FeedPage | Problem | None:
    """The change feed

     The workspace's events in sequence order, every state change included (lead.*, sla.*, and
    behaviour events): a CRM syncs by calling again with `after=next`, and never misses or
    reorders a change. Events are numbered within about a tenth of a second of their commit.

    Args:
        after (int | Unset): Events numbered after this (0: from the start). Default: 0.
        types (None | str | Unset): Comma-separated types or patterns: `lead.*,sla.breached`.
        limit (int | Unset):  Default: 100.
        wait (float | Unset): Seconds to wait for new events when none are there. Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedPage | Problem
    """

    return sync_detailed(
        client=client,
        after=after,
        types=types,
        limit=limit,
        wait=wait,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
) -> Response[FeedPage | Problem]:
    """The change feed

     The workspace's events in sequence order, every state change included (lead.*, sla.*, and
    behaviour events): a CRM syncs by calling again with `after=next`, and never misses or
    reorders a change. Events are numbered within about a tenth of a second of their commit.

    Args:
        after (int | Unset): Events numbered after this (0: from the start). Default: 0.
        types (None | str | Unset): Comma-separated types or patterns: `lead.*,sla.breached`.
        limit (int | Unset):  Default: 100.
        wait (float | Unset): Seconds to wait for new events when none are there. Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedPage | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        types=types,
        limit=limit,
        wait=wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
) -> FeedPage | Problem | None:
    """The change feed

     The workspace's events in sequence order, every state change included (lead.*, sla.*, and
    behaviour events): a CRM syncs by calling again with `after=next`, and never misses or
    reorders a change. Events are numbered within about a tenth of a second of their commit.

    Args:
        after (int | Unset): Events numbered after this (0: from the start). Default: 0.
        types (None | str | Unset): Comma-separated types or patterns: `lead.*,sla.breached`.
        limit (int | Unset):  Default: 100.
        wait (float | Unset): Seconds to wait for new events when none are there. Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            types=types,
            limit=limit,
            wait=wait,
        )
    ).parsed
