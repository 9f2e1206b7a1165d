from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.provider import Provider
from ...models.provider_create import ProviderCreate
from ...types import Response


def _get_kwargs(
    *,
    body: ProviderCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/enrichment/providers",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Provider | None:
    if response.status_code == 201:
        response_201 = Provider.from_dict(response.json())

        return response_201

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Provider]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ProviderCreate,
) -> Response[Problem | Provider]:
    """Add one

     A provider every new lead is enriched by, in the background after its capture (never in the
    capture's request): an HTTP API (`url_template`, `mapping`), or a built-in kind. It fills empty
    fields only unless `overwrite`; each change appends `lead.enriched` and rescores the lead.

    Args:
        body (ProviderCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Provider]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ProviderCreate,
) -> Problem | Provider | None:
    """Add one

     A provider every new lead is enriched by, in the background after its capture (never in the
    capture's request): an HTTP API (`url_template`, `mapping`), or a built-in kind. It fills empty
    fields only unless `overwrite`; each change appends `lead.enriched` and rescores the lead.

    Args:
        body (ProviderCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Provider
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ProviderCreate,
) -> Response[Problem | Provider]:
    """Add one

     A provider every new lead is enriched by, in the background after its capture (never in the
    capture's request): an HTTP API (`url_template`, `mapping`), or a built-in kind. It fills empty
    fields only unless `overwrite`; each change appends `lead.enriched` and rescores the lead.

    Args:
        body (ProviderCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Provider]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ProviderCreate,
) -> Problem | Provider | None:
    """Add one

     A provider every new lead is enriched by, in the background after its capture (never in the
    capture's request): an HTTP API (`url_template`, `mapping`), or a built-in kind. It fills empty
    fields only unless `overwrite`; each change appends `lead.enriched` and rescores the lead.

    Args:
        body (ProviderCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Provider
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
