from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.merged_pair import MergedPair
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    pair_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/duplicates/{pair_id}/merge".format(
            pair_id=quote(str(pair_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MergedPair | Problem | None:
    if response.status_code == 200:
        response_200 = MergedPair.from_dict(response.json())

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
) -> Response[MergedPair | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    pair_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[MergedPair | Problem]:
    """Merge the pair

     The newer lead merged into the older one: its empty fields filled, and its events, scores,
    stage moves, assignments, tasks and track enrolments kept under the survivor; `lead.merged`
    names both. 409 when the pair is not pending (or one of its leads is gone).

    Args:
        pair_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MergedPair | Problem]
    """

    kwargs = _get_kwargs(
        pair_id=pair_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    pair_id: str,
    *,
    client: AuthenticatedClient,
) -> MergedPair | Problem | None:
    """Merge the pair

     The newer lead merged into the older one: its empty fields filled, and its events, scores,
    stage moves, assignments, tasks and track enrolments kept under the survivor; `lead.merged`
    names both. 409 when the pair is not pending (or one of its leads is gone).

    Args:
        pair_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MergedPair | Problem
    """

    return sync_detailed(
        pair_id=pair_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    pair_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[MergedPair | Problem]:
    """Merge the pair

     The newer lead merged into the older one: its empty fields filled, and its events, scores,
    stage moves, assignments, tasks and track enrolments kept under the survivor; `lead.merged`
    names both. 409 when the pair is not pending (or one of its leads is gone).

    Args:
        pair_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MergedPair | Problem]
    """

    kwargs = _get_kwargs(
        pair_id=pair_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    pair_id: str,
    *,
    client: AuthenticatedClient,
) -> MergedPair | Problem | None:
    """Merge the pair

     The newer lead merged into the older one: its empty fields filled, and its events, scores,
    stage moves, assignments, tasks and track enrolments kept under the survivor; `lead.merged`
    names both. 409 when the pair is not pending (or one of its leads is gone).

    Args:
        pair_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MergedPair | Problem
    """

    return (
        await asyncio_detailed(
            pair_id=pair_id,
            client=client,
        )
    ).parsed
