from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.consent import Consent
from ...models.consent_confirm import ConsentConfirm
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    lead_id: str,
    *,
    body: ConsentConfirm,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/leads/{lead_id}/consents/confirm".format(
            lead_id=quote(str(lead_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Consent | Problem | None:
    if response.status_code == 201:
        response_201 = Consent.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Consent | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsentConfirm,
) -> Response[Consent | Problem]:
    """Confirm a double opt-in

     The token of the lead's `consent.requested` grants the pending channel (email), once: a
    `granted` record (source `double_opt_in`) and `consent.recorded`. 422 naming `token` when no
    pending confirmation of the lead has it (wrong, or spent).

    Args:
        lead_id (str):
        body (ConsentConfirm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consent | Problem]
    """

    kwargs = _get_kwargs(
        lead_id=lead_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsentConfirm,
) -> Consent | Problem | None:
    """Confirm a double opt-in

     The token of the lead's `consent.requested` grants the pending channel (email), once: a
    `granted` record (source `double_opt_in`) and `consent.recorded`. 422 naming `token` when no
    pending confirmation of the lead has it (wrong, or spent).

    Args:
        lead_id (str):
        body (ConsentConfirm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consent | Problem
    """

    return sync_detailed(
        lead_id=lead_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsentConfirm,
) -> Response[Consent | Problem]:
    """Confirm a double opt-in

     The token of the lead's `consent.requested` grants the pending channel (email), once: a
    `granted` record (source `double_opt_in`) and `consent.recorded`. 422 naming `token` when no
    pending confirmation of the lead has it (wrong, or spent).

    Args:
        lead_id (str):
        body (ConsentConfirm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consent | Problem]
    """

    kwargs = _get_kwargs(
        lead_id=lead_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsentConfirm,
) -> Consent | Problem | None:
    """Confirm a double opt-in

     The token of the lead's `consent.requested` grants the pending channel (email), once: a
    `granted` record (source `double_opt_in`) and `consent.recorded`. 422 naming `token` when no
    pending confirmation of the lead has it (wrong, or spent).

    Args:
        lead_id (str):
        body (ConsentConfirm):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consent | Problem
    """

    return (
        await asyncio_detailed(
            lead_id=lead_id,
            client=client,
            body=body,
        )
    ).parsed
