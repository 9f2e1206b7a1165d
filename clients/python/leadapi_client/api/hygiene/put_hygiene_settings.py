from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.hygiene_settings import HygieneSettings
from ...models.hygiene_settings_in import HygieneSettingsIn
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: HygieneSettingsIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/hygiene/settings",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HygieneSettings | Problem | None:
    if response.status_code == 200:
        response_200 = HygieneSettings.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HygieneSettings | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: HygieneSettingsIn,
) -> Response[HygieneSettings | Problem]:
    """Set when inactive leads are archived

     A sweep archives leads with no activity for `archive_inactive_after_days` (in `only_stages`,
    when given), in batches, each with `lead.archived`. Archived leads leave lead lists (unless
    `include_archived=true`) and count as no one's load in least-loaded routing (reports still
    count them), and come back on their next activity (`lead.unarchived`). 422 naming a stage
    the pipeline does not have.

    Args:
        body (HygieneSettingsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HygieneSettings | Problem]
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
    body: HygieneSettingsIn,
) -> HygieneSettings | Problem | None:
    """Set when inactive leads are archived

     A sweep archives leads with no activity for `archive_inactive_after_days` (in `only_stages`,
    when given), in batches, each with `lead.archived`. Archived leads leave lead lists (unless
    `include_archived=true`) and count as no one's load in least-loaded routing (reports still
    count them), and come back on their next activity (`lead.unarchived`). 422 naming a stage
    the pipeline does not have.

    Args:
        body (HygieneSettingsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HygieneSettings | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: HygieneSettingsIn,
) -> Response[HygieneSettings | Problem]:
    """Set when inactive leads are archived

     A sweep archives leads with no activity for `archive_inactive_after_days` (in `only_stages`,
    when given), in batches, each with `lead.archived`. Archived leads leave lead lists (unless
    `include_archived=true`) and count as no one's load in least-loaded routing (reports still
    count them), and come back on their next activity (`lead.unarchived`). 422 naming a stage
    the pipeline does not have.

    Args:
        body (HygieneSettingsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HygieneSettings | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: HygieneSettingsIn,
) -> HygieneSettings | Problem | None:
    """Set when inactive leads are archived

     A sweep archives leads with no activity for `archive_inactive_after_days` (in `only_stages`,
    when given), in batches, each with `lead.archived`. Archived leads leave lead lists (unless
    `include_archived=true`) and count as no one's load in least-loaded routing (reports still
    count them), and come back on their next activity (`lead.unarchived`). 422 naming a stage
    the pipeline does not have.

    Args:
        body (HygieneSettingsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HygieneSettings | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
