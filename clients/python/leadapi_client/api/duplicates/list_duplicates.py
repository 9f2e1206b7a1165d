from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.duplicate_pair_list import DuplicatePairList
from ...models.list_duplicates_status import ListDuplicatesStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ListDuplicatesStatus | Unset = ListDuplicatesStatus.PENDING,
    min_score: int | None | Unset = UNSET,
    max_score: int | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_min_score: int | None | Unset
    if isinstance(min_score, Unset):
        json_min_score = UNSET
    else:
        json_min_score = min_score
    params["min_score"] = json_min_score

    json_max_score: int | None | Unset
    if isinstance(max_score, Unset):
        json_max_score = UNSET
    else:
        json_max_score = max_score
    params["max_score"] = json_max_score

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/duplicates",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DuplicatePairList | Problem | None:
    if response.status_code == 200:
        response_200 = DuplicatePairList.from_dict(response.json())

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
) -> Response[DuplicatePairList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ListDuplicatesStatus | Unset = ListDuplicatesStatus.PENDING,
    min_score: int | None | Unset = UNSET,
    max_score: int | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[DuplicatePairList | Problem]:
    """Review queue

     Pairs of leads that look like one person (found shortly after a lead is captured or
    changed, and by a sweep), highest score first, each with the reasons that matched.

    Args:
        status (ListDuplicatesStatus | Unset):  Default: ListDuplicatesStatus.PENDING.
        min_score (int | None | Unset):
        max_score (int | None | Unset):
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DuplicatePairList | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        min_score=min_score,
        max_score=max_score,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: ListDuplicatesStatus | Unset = ListDuplicatesStatus.PENDING,
    min_score: int | None | Unset = UNSET,
    max_score: int | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> DuplicatePairList | Problem | None:
    """Review queue

     Pairs of leads that look like one person (found shortly after a lead is captured or
    changed, and by a sweep), highest score first, each with the reasons that matched.

    Args:
        status (ListDuplicatesStatus | Unset):  Default: ListDuplicatesStatus.PENDING.
        min_score (int | None | Unset):
        max_score (int | None | Unset):
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DuplicatePairList | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        min_score=min_score,
        max_score=max_score,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ListDuplicatesStatus | Unset = ListDuplicatesStatus.PENDING,
    min_score: int | None | Unset = UNSET,
    max_score: int | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[DuplicatePairList | Problem]:
    """Review queue

     Pairs of leads that look like one person (found shortly after a lead is captured or
    changed, and by a sweep), highest score first, each with the reasons that matched.

    Args:
        status (ListDuplicatesStatus | Unset):  Default: ListDuplicatesStatus.PENDING.
        min_score (int | None | Unset):
        max_score (int | None | Unset):
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DuplicatePairList | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        min_score=min_score,
        max_score=max_score,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ListDuplicatesStatus | Unset = ListDuplicatesStatus.PENDING,
    min_score: int | None | Unset = UNSET,
    max_score: int | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> DuplicatePairList | Problem | None:
    """Review queue

     Pairs of leads that look like one person (found shortly after a lead is captured or
    changed, and by a sweep), highest score first, each with the reasons that matched.

    Args:
        status (ListDuplicatesStatus | Unset):  Default: ListDuplicatesStatus.PENDING.
        min_score (int | None | Unset):
        max_score (int | None | Unset):
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DuplicatePairList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            min_score=min_score,
            max_score=max_score,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
