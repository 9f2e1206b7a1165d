from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.lead import Lead
from ...models.lead_update import LeadUpdate
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    lead_id: str,
    *,
    body: LeadUpdate,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/leads/{lead_id}".format(
            lead_id=quote(str(lead_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Lead | Problem | None:
    if response.status_code == 200:
        response_200 = Lead.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Lead | Problem]:
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
    body: LeadUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[Lead | Problem]:
    """Update a lead

     Absent fields stay, `null` clears; `attributes` and `external_ids` merge key by key.

    Args:
        lead_id (str):
        if_match (None | str | Unset): ETag from a read; 412 if the lead changed since.
        body (LeadUpdate): Partial update. Absent fields stay; `null` clears a field. `attributes`
            and `external_ids` are
            merged key by key (a `null` value removes the key); `tags` replaces the list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Lead | Problem]
    """

    kwargs = _get_kwargs(
        lead_id=lead_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    body: LeadUpdate,
    if_match: None | str | Unset = UNSET,
) -> Lead | Problem | None:
    """Update a lead

     Absent fields stay, `null` clears; `attributes` and `external_ids` merge key by key.

    Args:
        lead_id (str):
        if_match (None | str | Unset): ETag from a read; 412 if the lead changed since.
        body (LeadUpdate): Partial update. Absent fields stay; `null` clears a field. `attributes`
            and `external_ids` are
            merged key by key (a `null` value removes the key); `tags` replaces the list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Lead | Problem
    """

    return sync_detailed(
        lead_id=lead_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    body: LeadUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[Lead | Problem]:
    """Update a lead

     Absent fields stay, `null` clears; `attributes` and `external_ids` merge key by key.

    Args:
        lead_id (str):
        if_match (None | str | Unset): ETag from a read; 412 if the lead changed since.
        body (LeadUpdate): Partial update. Absent fields stay; `null` clears a field. `attributes`
            and `external_ids` are
            merged key by key (a `null` value removes the key); `tags` replaces the list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Lead | Problem]
    """

    kwargs = _get_kwargs(
        lead_id=lead_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    body: LeadUpdate,
    if_match: None | str | Unset = UNSET,
) -> Lead | Problem | None:
    """Update a lead

     Absent fields stay, `null` clears; `attributes` and `external_ids` merge key by key.

    Args:
        lead_id (str):
        if_match (None | str | Unset): ETag from a read; 412 if the lead changed since.
        body (LeadUpdate): Partial update. Absent fields stay; `null` clears a field. `attributes`
            and `external_ids` are
            merged key by key (a `null` value removes the key); `tags` replaces the list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Lead | Problem
    """

    return (
        await asyncio_detailed(
            lead_id=lead_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
