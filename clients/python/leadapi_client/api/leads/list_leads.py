from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.lead_list import LeadList
from ...models.list_leads_count_type_0 import ListLeadsCountType0
from ...models.list_leads_include_archived_type_0 import ListLeadsIncludeArchivedType0
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    count: ListLeadsCountType0 | None | Unset = UNSET,
    include_archived: ListLeadsIncludeArchivedType0 | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_sort: None | str | Unset
    if isinstance(sort, Unset):
        json_sort = UNSET
    else:
        json_sort = sort
    params["sort"] = json_sort

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_count: None | str | Unset
    if isinstance(count, Unset):
        json_count = UNSET
    elif isinstance(count, ListLeadsCountType0):
        json_count = count.value
    else:
        json_count = count
    params["count"] = json_count

    json_include_archived: None | str | Unset
    if isinstance(include_archived, Unset):
        json_include_archived = UNSET
    elif isinstance(include_archived, ListLeadsIncludeArchivedType0):
        json_include_archived = include_archived.value
    else:
        json_include_archived = include_archived
    params["include_archived"] = json_include_archived

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/leads",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LeadList | Problem | None:
    if response.status_code == 200:
        response_200 = LeadList.from_dict(response.json())

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

    if response.status_code == 406:
        response_406 = Problem.from_dict(response.json())

        return response_406

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[LeadList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    count: ListLeadsCountType0 | None | Unset = UNSET,
    include_archived: ListLeadsIncludeArchivedType0 | None | Unset = UNSET,
) -> Response[LeadList | Problem]:
    """List and filter leads, or export them

     Filters: `field[op]=value` with eq, ne, gt, gte, lt, lte, in (comma-separated), contains,
    starts_with, exists; on lead fields, `tags`, and `attributes.<name>`. A bare `field=value` means eq.
    The README lists the filter and sort combinations an index serves.

    Export: with `Accept: text/csv` or `Accept: application/x-ndjson` the answer is every lead the
    filters, `q` and `sort` select, streamed in that order (CSV as `leadapi export` writes it:
    `tags` joined by `|`, `attributes` and `external_ids` as JSON; NDJSON one lead per line, as
    the JSON list shows it). `limit`, `cursor` and `count` page the JSON list and are refused
    (400) with an export.

    Args:
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        sort (None | str | Unset): e.g. `-created_at` (the default) or `company,-score`. With `q`
            and no sort, best matches first.
        q (None | str | Unset): Text search in email, names, company and domain (prefixes; typos
            tolerated on PostgreSQL).
        count (ListLeadsCountType0 | None | Unset): Also return `total`: `estimate` is the
            planner's (reads no rows), `exact` counts every matching lead.
        include_archived (ListLeadsIncludeArchivedType0 | None | Unset): `true`: archived leads
            too (by default a list leaves them out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LeadList | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        sort=sort,
        q=q,
        count=count,
        include_archived=include_archived,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    count: ListLeadsCountType0 | None | Unset = UNSET,
    include_archived: ListLeadsIncludeArchivedType0 | None | Unset = UNSET,
) -> LeadList | Problem | None:
    """List and filter leads, or export them

     Filters: `field[op]=value` with eq, ne, gt, gte, lt, lte, in (comma-separated), contains,
    starts_with, exists; on lead fields, `tags`, and `attributes.<name>`. A bare `field=value` means eq.
    The README lists the filter and sort combinations an index serves.

    Export: with `Accept: text/csv` or `Accept: application/x-ndjson` the answer is every lead the
    filters, `q` and `sort` select, streamed in that order (CSV as `leadapi export` writes it:
    `tags` joined by `|`, `attributes` and `external_ids` as JSON; NDJSON one lead per line, as
    the JSON list shows it). `limit`, `cursor` and `count` page the JSON list and are refused
    (400) with an export.

    Args:
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        sort (None | str | Unset): e.g. `-created_at` (the default) or `company,-score`. With `q`
            and no sort, best matches first.
        q (None | str | Unset): Text search in email, names, company and domain (prefixes; typos
            tolerated on PostgreSQL).
        count (ListLeadsCountType0 | None | Unset): Also return `total`: `estimate` is the
            planner's (reads no rows), `exact` counts every matching lead.
        include_archived (ListLeadsIncludeArchivedType0 | None | Unset): `true`: archived leads
            too (by default a list leaves them out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LeadList | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        sort=sort,
        q=q,
        count=count,
        include_archived=include_archived,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    count: ListLeadsCountType0 | None | Unset = UNSET,
    include_archived: ListLeadsIncludeArchivedType0 | None | Unset = UNSET,
) -> Response[LeadList | Problem]:
    """List and filter leads, or export them

     Filters: `field[op]=value` with eq, ne, gt, gte, lt, lte, in (comma-separated), contains,
    starts_with, exists; on lead fields, `tags`, and `attributes.<name>`. A bare `field=value` means eq.
    The README lists the filter and sort combinations an index serves.

    Export: with `Accept: text/csv` or `Accept: application/x-ndjson` the answer is every lead the
    filters, `q` and `sort` select, streamed in that order (CSV as `leadapi export` writes it:
    `tags` joined by `|`, `attributes` and `external_ids` as JSON; NDJSON one lead per line, as
    the JSON list shows it). `limit`, `cursor` and `count` page the JSON list and are refused
    (400) with an export.

    Args:
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        sort (None | str | Unset): e.g. `-created_at` (the default) or `company,-score`. With `q`
            and no sort, best matches first.
        q (None | str | Unset): Text search in email, names, company and domain (prefixes; typos
            tolerated on PostgreSQL).
        count (ListLeadsCountType0 | None | Unset): Also return `total`: `estimate` is the
            planner's (reads no rows), `exact` counts every matching lead.
        include_archived (ListLeadsIncludeArchivedType0 | None | Unset): `true`: archived leads
            too (by default a list leaves them out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LeadList | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        sort=sort,
        q=q,
        count=count,
        include_archived=include_archived,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    count: ListLeadsCountType0 | None | Unset = UNSET,
    include_archived: ListLeadsIncludeArchivedType0 | None | Unset = UNSET,
) -> LeadList | Problem | None:
    """List and filter leads, or export them

     Filters: `field[op]=value` with eq, ne, gt, gte, lt, lte, in (comma-separated), contains,
    starts_with, exists; on lead fields, `tags`, and `attributes.<name>`. A bare `field=value` means eq.
    The README lists the filter and sort combinations an index serves.

    Export: with `Accept: text/csv` or `Accept: application/x-ndjson` the answer is every lead the
    filters, `q` and `sort` select, streamed in that order (CSV as `leadapi export` writes it:
    `tags` joined by `|`, `attributes` and `external_ids` as JSON; NDJSON one lead per line, as
    the JSON list shows it). `limit`, `cursor` and `count` page the JSON list and are refused
    (400) with an export.

    Args:
        limit (int | Unset): Page size. Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page.
        sort (None | str | Unset): e.g. `-created_at` (the default) or `company,-score`. With `q`
            and no sort, best matches first.
        q (None | str | Unset): Text search in email, names, company and domain (prefixes; typos
            tolerated on PostgreSQL).
        count (ListLeadsCountType0 | None | Unset): Also return `total`: `estimate` is the
            planner's (reads no rows), `exact` counts every matching lead.
        include_archived (ListLeadsIncludeArchivedType0 | None | Unset): `true`: archived leads
            too (by default a list leaves them out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LeadList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            sort=sort,
            q=q,
            count=count,
            include_archived=include_archived,
        )
    ).parsed
