from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.lead_detail import LeadDetail
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    lead_id: str,
    *,
    include: Literal["provenance"] | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_include: Literal["provenance"] | None | Unset
    if isinstance(include, Unset):
        json_include = UNSET
    else:
        json_include = include
    params["include"] = json_include

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/leads/{lead_id}".format(
            lead_id=quote(str(lead_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LeadDetail | Problem | None:
    if response.status_code == 200:
        response_200 = LeadDetail.from_dict(response.json())

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
) -> Response[LeadDetail | Problem]:
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
    include: Literal["provenance"] | None | Unset = UNSET,
) -> Response[LeadDetail | Problem]:
    """Get a lead

    Args:
        lead_id (str):
        include (Literal['provenance'] | None | Unset): `provenance`: also where each field's
            value came from, and when.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LeadDetail | Problem]
    """

    kwargs = _get_kwargs(
        lead_id=lead_id,
        include=include,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    include: Literal["provenance"] | None | Unset = UNSET,
) -> LeadDetail | Problem | None:
    """Get a lead

    Args:
        lead_id (str):
        include (Literal['provenance'] | None | Unset): `provenance`: also where each field's
            value came from, and when.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LeadDetail | Problem
    """

    return sync_detailed(
        lead_id=lead_id,
        client=client,
        include=include,
    ).parsed


async def asyncio_detailed(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    include: Literal["provenance"] | None | Unset = UNSET,
) -> Response[LeadDetail | Problem]:
    """Get a lead

    Args:
        lead_id (str):
        include (Literal['provenance'] | None | Unset): `provenance`: also where each field's
            value came from, and when.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LeadDetail | Problem]
    """

    kwargs = _get_kwargs(
        lead_id=lead_id,
        include=include,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    lead_id: str,
    *,
    client: AuthenticatedClient,
    include: Literal["provenance"] | None | Unset = UNSET,
) -> LeadDetail | Problem | None:
    """Get a lead

    Args:
        lead_id (str):
        include (Literal['provenance'] | None | Unset): `provenance`: also where each field's
            value came from, and when.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LeadDetail | Problem
    """

    return (
        await asyncio_detailed(
            lead_id=lead_id,
            client=client,
            include=include,
        )
    ).parsed
