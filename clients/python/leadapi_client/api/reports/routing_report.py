import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.routing_report import RoutingReport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    rule_id: None | str | Unset = UNSET,
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

    json_rule_id: None | str | Unset
    if isinstance(rule_id, Unset):
        json_rule_id = UNSET
    else:
        json_rule_id = rule_id
    params["rule_id"] = json_rule_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/reports/routing",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RoutingReport | None:
    if response.status_code == 200:
        response_200 = RoutingReport.from_dict(response.json())

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
) -> Response[Problem | RoutingReport]:
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
    rule_id: None | str | Unset = UNSET,
) -> Response[Problem | RoutingReport]:
    """Routing fairness

     Per routing rule and owner, over the assignments made in the range: assignments, the share
    each owner was due (from the weights and who could take each lead when it came) against the
    share they got, the deviation and a chi-square p-value (below 0.01: the rotation is skewed),
    capacity hits, out-of-office skips, reassignments and median time to first touch; and per
    owner over every rule.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        rule_id (None | str | Unset): Only this routing rule.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoutingReport]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        rule_id=rule_id,
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
    rule_id: None | str | Unset = UNSET,
) -> Problem | RoutingReport | None:
    """Routing fairness

     Per routing rule and owner, over the assignments made in the range: assignments, the share
    each owner was due (from the weights and who could take each lead when it came) against the
    share they got, the deviation and a chi-square p-value (below 0.01: the rotation is skewed),
    capacity hits, out-of-office skips, reassignments and median time to first touch; and per
    owner over every rule.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        rule_id (None | str | Unset): Only this routing rule.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoutingReport
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        rule_id=rule_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    rule_id: None | str | Unset = UNSET,
) -> Response[Problem | RoutingReport]:
    """Routing fairness

     Per routing rule and owner, over the assignments made in the range: assignments, the share
    each owner was due (from the weights and who could take each lead when it came) against the
    share they got, the deviation and a chi-square p-value (below 0.01: the rotation is skewed),
    capacity hits, out-of-office skips, reassignments and median time to first touch; and per
    owner over every rule.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        rule_id (None | str | Unset): Only this routing rule.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoutingReport]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        rule_id=rule_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    rule_id: None | str | Unset = UNSET,
) -> Problem | RoutingReport | None:
    """Routing fairness

     Per routing rule and owner, over the assignments made in the range: assignments, the share
    each owner was due (from the weights and who could take each lead when it came) against the
    share they got, the deviation and a chi-square p-value (below 0.01: the rotation is skewed),
    capacity hits, out-of-office skips, reassignments and median time to first touch; and per
    owner over every rule.

    Args:
        from_ (datetime.datetime | None | Unset): Range start (inclusive). Default: 30 days before
            `to`. No offset: UTC.
        to (datetime.datetime | None | Unset): Range end (exclusive). Default: now.
        rule_id (None | str | Unset): Only this routing rule.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoutingReport
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            rule_id=rule_id,
        )
    ).parsed
