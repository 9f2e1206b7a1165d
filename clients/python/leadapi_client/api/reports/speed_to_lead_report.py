import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.group_by import GroupBy
from ...models.problem import Problem
from ...models.speed_report import SpeedReport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    owner_id: None | str | Unset = UNSET,
    utm_campaign: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    group_by: GroupBy | None | Unset = UNSET,
    exact: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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

    json_source: None | str | Unset
    if isinstance(source, Unset):
        json_source = UNSET
    else:
        json_source = source
    params["source"] = json_source

    json_owner_id: None | str | Unset
    if isinstance(owner_id, Unset):
        json_owner_id = UNSET
    else:
        json_owner_id = owner_id
    params["owner_id"] = json_owner_id

    json_utm_campaign: None | str | Unset
    if isinstance(utm_campaign, Unset):
        json_utm_campaign = UNSET
    else:
        json_utm_campaign = utm_campaign
    params["utm_campaign"] = json_utm_campaign

    json_tag: None | str | Unset
    if isinstance(tag, Unset):
        json_tag = UNSET
    else:
        json_tag = tag
    params["tag"] = json_tag

    json_group_by: None | str | Unset
    if isinstance(group_by, Unset):
        json_group_by = UNSET
    elif isinstance(group_by, GroupBy):
        json_group_by = group_by.value
    else:
        json_group_by = group_by
    params["group_by"] = json_group_by

    params["exact"] = exact

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/reports/speed-to-lead",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SpeedReport | None:
    if response.status_code == 200:
        response_200 = SpeedReport.from_dict(response.json())

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
) -> Response[Problem | SpeedReport]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    owner_id: None | str | Unset = UNSET,
    utm_campaign: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    group_by: GroupBy | None | Unset = UNSET,
    exact: bool | Unset = False,
) -> Response[Problem | SpeedReport]:
    """Speed to lead

     First touch after creation (leads created in the range) and after assignment
    (assignments made in the range): median, p90, share within 5 minutes and within an hour,
    share never touched; overall, per group and per owner.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        source (None | str | Unset): Only leads of this source.
        owner_id (None | str | Unset): Only leads this owner holds.
        utm_campaign (None | str | Unset):
        tag (None | str | Unset): Only leads with this tag.
        group_by (GroupBy | None | Unset): Split the figures (where the report allows; 422
            otherwise).
        exact (bool | Unset): Percentiles by sorting every duration of the range, not from the
            rollups' sketches (slower over long ranges; counts are the same either way). Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SpeedReport]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        source=source,
        owner_id=owner_id,
        utm_campaign=utm_campaign,
        tag=tag,
        group_by=group_by,
        exact=exact,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    owner_id: None | str | Unset = UNSET,
    utm_campaign: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    group_by: GroupBy | None | Unset = UNSET,
    exact: bool | Unset = False,
) -> Problem | SpeedReport | None:
    """Speed to lead

     First touch after creation (leads created in the range) and after assignment
    (assignments made in the range): median, p90, share within 5 minutes and within an hour,
    share never touched; overall, per group and per owner.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        source (None | str | Unset): Only leads of this source.
        owner_id (None | str | Unset): Only leads this owner holds.
        utm_campaign (None | str | Unset):
        tag (None | str | Unset): Only leads with this tag.
        group_by (GroupBy | None | Unset): Split the figures (where the report allows; 422
            otherwise).
        exact (bool | Unset): Percentiles by sorting every duration of the range, not from the
            rollups' sketches (slower over long ranges; counts are the same either way). Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SpeedReport
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        source=source,
        owner_id=owner_id,
        utm_campaign=utm_campaign,
        tag=tag,
        group_by=group_by,
        exact=exact,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    owner_id: None | str | Unset = UNSET,
    utm_campaign: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    group_by: GroupBy | None | Unset = UNSET,
    exact: bool | Unset = False,
) -> Response[Problem | SpeedReport]:
    """Speed to lead

     First touch after creation (leads created in the range) and after assignment
    (assignments made in the range): median, p90, share within 5 minutes and within an hour,
    share never touched; overall, per group and per owner.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        source (None | str | Unset): Only leads of this source.
        owner_id (None | str | Unset): Only leads this owner holds.
        utm_campaign (None | str | Unset):
        tag (None | str | Unset): Only leads with this tag.
        group_by (GroupBy | None | Unset): Split the figures (where the report allows; 422
            otherwise).
        exact (bool | Unset): Percentiles by sorting every duration of the range, not from the
            rollups' sketches (slower over long ranges; counts are the same either way). Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SpeedReport]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        source=source,
        owner_id=owner_id,
        utm_campaign=utm_campaign,
        tag=tag,
        group_by=group_by,
        exact=exact,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    owner_id: None | str | Unset = UNSET,
    utm_campaign: None | str | Unset = UNSET,
    tag: None | str | Unset = UNSET,
    group_by: GroupBy | None | Unset = UNSET,
    exact: bool | Unset = False,
) -> Problem | SpeedReport | None:
    """Speed to lead

     First touch after creation (leads created in the range) and after assignment
    (assignments made in the range): median, p90, share within 5 minutes and within an hour,
    share never touched; overall, per group and per owner.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        source (None | str | Unset): Only leads of this source.
        owner_id (None | str | Unset): Only leads this owner holds.
        utm_campaign (None | str | Unset):
        tag (None | str | Unset): Only leads with this tag.
        group_by (GroupBy | None | Unset): Split the figures (where the report allows; 422
            otherwise).
        exact (bool | Unset): Percentiles by sorting every duration of the range, not from the
            rollups' sketches (slower over long ranges; counts are the same either way). Default:
            False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SpeedReport
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            source=source,
            owner_id=owner_id,
            utm_campaign=utm_campaign,
            tag=tag,
            group_by=group_by,
            exact=exact,
        )
    ).parsed
