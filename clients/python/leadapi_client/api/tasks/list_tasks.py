import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_tasks_sort import ListTasksSort
from ...models.list_tasks_status_type_0 import ListTasksStatusType0
from ...models.problem import Problem
from ...models.task_list import TaskList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    owner_id: None | str | Unset = UNSET,
    status: ListTasksStatusType0 | None | Unset = UNSET,
    due_before: datetime.datetime | None | Unset = UNSET,
    due_after: datetime.datetime | None | Unset = UNSET,
    sort: ListTasksSort | Unset = ListTasksSort.DUE_AT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_owner_id: None | str | Unset
    if isinstance(owner_id, Unset):
        json_owner_id = UNSET
    else:
        json_owner_id = owner_id
    params["owner_id"] = json_owner_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListTasksStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_due_before: None | str | Unset
    if isinstance(due_before, Unset):
        json_due_before = UNSET
    elif isinstance(due_before, datetime.datetime):
        json_due_before = due_before.isoformat()
    else:
        json_due_before = due_before
    params["due_before"] = json_due_before

    json_due_after: None | str | Unset
    if isinstance(due_after, Unset):
        json_due_after = UNSET
    elif isinstance(due_after, datetime.datetime):
        json_due_after = due_after.isoformat()
    else:
        json_due_after = due_after
    params["due_after"] = json_due_after

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

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
        "url": "/v1/tasks",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TaskList | None:
    if response.status_code == 200:
        response_200 = TaskList.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | TaskList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    owner_id: None | str | Unset = UNSET,
    status: ListTasksStatusType0 | None | Unset = UNSET,
    due_before: datetime.datetime | None | Unset = UNSET,
    due_after: datetime.datetime | None | Unset = UNSET,
    sort: ListTasksSort | Unset = ListTasksSort.DUE_AT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | TaskList]:
    """Tasks

     By due time, then id. A rep's open work: `owner_id=ow_...&status=open`; what is late:
    `status=open&due_before=<now>`.

    Args:
        owner_id (None | str | Unset): Only this owner's tasks.
        status (ListTasksStatusType0 | None | Unset): Only tasks in this status.
        due_before (datetime.datetime | None | Unset): Due before this time (ISO 8601).
        due_after (datetime.datetime | None | Unset): Due at or after this time.
        sort (ListTasksSort | Unset): By due time: soonest first, or (-due_at) last. Default:
            ListTasksSort.DUE_AT.
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskList]
    """

    kwargs = _get_kwargs(
        owner_id=owner_id,
        status=status,
        due_before=due_before,
        due_after=due_after,
        sort=sort,
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
    owner_id: None | str | Unset = UNSET,
    status: ListTasksStatusType0 | None | Unset = UNSET,
    due_before: datetime.datetime | None | Unset = UNSET,
    due_after: datetime.datetime | None | Unset = UNSET,
    sort: ListTasksSort | Unset = ListTasksSort.DUE_AT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Problem | TaskList | None:
    """Tasks

     By due time, then id. A rep's open work: `owner_id=ow_...&status=open`; what is late:
    `status=open&due_before=<now>`.

    Args:
        owner_id (None | str | Unset): Only this owner's tasks.
        status (ListTasksStatusType0 | None | Unset): Only tasks in this status.
        due_before (datetime.datetime | None | Unset): Due before this time (ISO 8601).
        due_after (datetime.datetime | None | Unset): Due at or after this time.
        sort (ListTasksSort | Unset): By due time: soonest first, or (-due_at) last. Default:
            ListTasksSort.DUE_AT.
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskList
    """

    return sync_detailed(
        client=client,
        owner_id=owner_id,
        status=status,
        due_before=due_before,
        due_after=due_after,
        sort=sort,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    owner_id: None | str | Unset = UNSET,
    status: ListTasksStatusType0 | None | Unset = UNSET,
    due_before: datetime.datetime | None | Unset = UNSET,
    due_after: datetime.datetime | None | Unset = UNSET,
    sort: ListTasksSort | Unset = ListTasksSort.DUE_AT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | TaskList]:
    """Tasks

     By due time, then id. A rep's open work: `owner_id=ow_...&status=open`; what is late:
    `status=open&due_before=<now>`.

    Args:
        owner_id (None | str | Unset): Only this owner's tasks.
        status (ListTasksStatusType0 | None | Unset): Only tasks in this status.
        due_before (datetime.datetime | None | Unset): Due before this time (ISO 8601).
        due_after (datetime.datetime | None | Unset): Due at or after this time.
        sort (ListTasksSort | Unset): By due time: soonest first, or (-due_at) last. Default:
            ListTasksSort.DUE_AT.
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskList]
    """

    kwargs = _get_kwargs(
        owner_id=owner_id,
        status=status,
        due_before=due_before,
        due_after=due_after,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    owner_id: None | str | Unset = UNSET,
    status: ListTasksStatusType0 | None | Unset = UNSET,
    due_before: datetime.datetime | None | Unset = UNSET,
    due_after: datetime.datetime | None | Unset = UNSET,
    sort: ListTasksSort | Unset = ListTasksSort.DUE_AT,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Problem | TaskList | None:
    """Tasks

     By due time, then id. A rep's open work: `owner_id=ow_...&status=open`; what is late:
    `status=open&due_before=<now>`.

    Args:
        owner_id (None | str | Unset): Only this owner's tasks.
        status (ListTasksStatusType0 | None | Unset): Only tasks in this status.
        due_before (datetime.datetime | None | Unset): Due before this time (ISO 8601).
        due_after (datetime.datetime | None | Unset): Due at or after this time.
        sort (ListTasksSort | Unset): By due time: soonest first, or (-due_at) last. Default:
            ListTasksSort.DUE_AT.
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskList
    """

    return (
        await asyncio_detailed(
            client=client,
            owner_id=owner_id,
            status=status,
            due_before=due_before,
            due_after=due_after,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
