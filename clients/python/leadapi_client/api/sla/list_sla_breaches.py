import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.breach_list import BreachList
from ...models.list_sla_breaches_status_type_0 import ListSlaBreachesStatusType0
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    owner_id: None | str | Unset = UNSET,
    lead_id: None | str | Unset = UNSET,
    status: ListSlaBreachesStatusType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
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

    json_lead_id: None | str | Unset
    if isinstance(lead_id, Unset):
        json_lead_id = UNSET
    else:
        json_lead_id = lead_id
    params["lead_id"] = json_lead_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListSlaBreachesStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

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
        "url": "/v1/sla/breaches",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BreachList | Problem | None:
    if response.status_code == 200:
        response_200 = BreachList.from_dict(response.json())

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
) -> Response[BreachList | Problem]:
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
    lead_id: None | str | Unset = UNSET,
    status: ListSlaBreachesStatusType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[BreachList | Problem]:
    """Breaches

     Newest first.

    Args:
        owner_id (None | str | Unset): The owner who breached.
        lead_id (None | str | Unset):
        status (ListSlaBreachesStatusType0 | None | Unset): open: the lead is still untouched.
        from_ (datetime.datetime | None | Unset): Breached at or after.
        to (datetime.datetime | None | Unset): Breached before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BreachList | Problem]
    """

    kwargs = _get_kwargs(
        owner_id=owner_id,
        lead_id=lead_id,
        status=status,
        from_=from_,
        to=to,
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
    lead_id: None | str | Unset = UNSET,
    status: ListSlaBreachesStatusType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> BreachList | Problem | None:
    """Breaches

     Newest first.

    Args:
        owner_id (None | str | Unset): The owner who breached.
        lead_id (None | str | Unset):
        status (ListSlaBreachesStatusType0 | None | Unset): open: the lead is still untouched.
        from_ (datetime.datetime | None | Unset): Breached at or after.
        to (datetime.datetime | None | Unset): Breached before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BreachList | Problem
    """

    return sync_detailed(
        client=client,
        owner_id=owner_id,
        lead_id=lead_id,
        status=status,
        from_=from_,
        to=to,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    owner_id: None | str | Unset = UNSET,
    lead_id: None | str | Unset = UNSET,
    status: ListSlaBreachesStatusType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[BreachList | Problem]:
    """Breaches

     Newest first.

    Args:
        owner_id (None | str | Unset): The owner who breached.
        lead_id (None | str | Unset):
        status (ListSlaBreachesStatusType0 | None | Unset): open: the lead is still untouched.
        from_ (datetime.datetime | None | Unset): Breached at or after.
        to (datetime.datetime | None | Unset): Breached before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BreachList | Problem]
    """

    kwargs = _get_kwargs(
        owner_id=owner_id,
        lead_id=lead_id,
        status=status,
        from_=from_,
        to=to,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    owner_id: None | str | Unset = UNSET,
    lead_id: None | str | Unset = UNSET,
    status: ListSlaBreachesStatusType0 | None | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> BreachList | Problem | None:
    """Breaches

     Newest first.

    Args:
        owner_id (None | str | Unset): The owner who breached.
        lead_id (None | str | Unset):
        status (ListSlaBreachesStatusType0 | None | Unset): open: the lead is still untouched.
        from_ (datetime.datetime | None | Unset): Breached at or after.
        to (datetime.datetime | None | Unset): Breached before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BreachList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            owner_id=owner_id,
            lead_id=lead_id,
            status=status,
            from_=from_,
            to=to,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
