from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.hook_reply import HookReply
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    source_id: str,
    submission_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/sources/{source_id}/submissions/{submission_id}/replay".format(
            source_id=quote(str(source_id), safe=""),
            submission_id=quote(str(submission_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> HookReply | Problem | None:
    if response.status_code == 200:
        response_200 = HookReply.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[HookReply | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    source_id: str,
    submission_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[HookReply | Problem]:
    """Map a failed submission again

     After fixing the mapping: the stored payload is mapped again; 422 if it still fails.

    Args:
        source_id (str):
        submission_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HookReply | Problem]
    """

    kwargs = _get_kwargs(
        source_id=source_id,
        submission_id=submission_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    source_id: str,
    submission_id: str,
    *,
    client: AuthenticatedClient,
) -> HookReply | Problem | None:
    """Map a failed submission again

     After fixing the mapping: the stored payload is mapped again; 422 if it still fails.

    Args:
        source_id (str):
        submission_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HookReply | Problem
    """

    return sync_detailed(
        source_id=source_id,
        submission_id=submission_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    source_id: str,
    submission_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[HookReply | Problem]:
    """Map a failed submission again

     After fixing the mapping: the stored payload is mapped again; 422 if it still fails.

    Args:
        source_id (str):
        submission_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HookReply | Problem]
    """

    kwargs = _get_kwargs(
        source_id=source_id,
        submission_id=submission_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    source_id: str,
    submission_id: str,
    *,
    client: AuthenticatedClient,
) -> HookReply | Problem | None:
    """Map a failed submission again

     After fixing the mapping: the stored payload is mapped again; 422 if it still fails.

    Args:
        source_id (str):
        submission_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HookReply | Problem
    """

    return (
        await asyncio_detailed(
            source_id=source_id,
            submission_id=submission_id,
            client=client,
        )
    ).parsed
