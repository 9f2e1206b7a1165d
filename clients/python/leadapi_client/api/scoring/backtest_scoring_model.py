from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.backtest_in import BacktestIn
from ...models.backtest_out import BacktestOut
from ...models.job import Job
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: BacktestIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/scoring/backtest",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BacktestOut | Job | Problem | None:
    if response.status_code == 200:
        response_200 = BacktestOut.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = Job.from_dict(response.json())

        return response_202

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
) -> Response[BacktestOut | Job | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BacktestIn,
) -> Response[BacktestOut | Job | Problem]:
    """How well a model predicts conversion

     Score every lead as it stood at its reference time (creation, or becoming an MQL) under a
    model (a version's id or an inline draft; default: the active one), and set the scores against
    the outcome: a move into a won stage (or `outcome.stage`) within `outcome.within_days`. Per
    model: ROC AUC, the top decile's lift, each band's conversion rate, a calibration table and,
    per rule, how often it fired and the conversion rate with and without it (95% intervals).
    `compare_with` scores a second model on the same leads. Leads whose horizon is not over are
    left out. A workspace with many leads in range answers 202 with a job whose result is this.

    Args:
        body (BacktestIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BacktestOut | Job | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: BacktestIn,
) -> BacktestOut | Job | Problem | None:
    """How well a model predicts conversion

     Score every lead as it stood at its reference time (creation, or becoming an MQL) under a
    model (a version's id or an inline draft; default: the active one), and set the scores against
    the outcome: a move into a won stage (or `outcome.stage`) within `outcome.within_days`. Per
    model: ROC AUC, the top decile's lift, each band's conversion rate, a calibration table and,
    per rule, how often it fired and the conversion rate with and without it (95% intervals).
    `compare_with` scores a second model on the same leads. Leads whose horizon is not over are
    left out. A workspace with many leads in range answers 202 with a job whose result is this.

    Args:
        body (BacktestIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BacktestOut | Job | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BacktestIn,
) -> Response[BacktestOut | Job | Problem]:
    """How well a model predicts conversion

     Score every lead as it stood at its reference time (creation, or becoming an MQL) under a
    model (a version's id or an inline draft; default: the active one), and set the scores against
    the outcome: a move into a won stage (or `outcome.stage`) within `outcome.within_days`. Per
    model: ROC AUC, the top decile's lift, each band's conversion rate, a calibration table and,
    per rule, how often it fired and the conversion rate with and without it (95% intervals).
    `compare_with` scores a second model on the same leads. Leads whose horizon is not over are
    left out. A workspace with many leads in range answers 202 with a job whose result is this.

    Args:
        body (BacktestIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BacktestOut | Job | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BacktestIn,
) -> BacktestOut | Job | Problem | None:
    """How well a model predicts conversion

     Score every lead as it stood at its reference time (creation, or becoming an MQL) under a
    model (a version's id or an inline draft; default: the active one), and set the scores against
    the outcome: a move into a won stage (or `outcome.stage`) within `outcome.within_days`. Per
    model: ROC AUC, the top decile's lift, each band's conversion rate, a calibration table and,
    per rule, how often it fired and the conversion rate with and without it (95% intervals).
    `compare_with` scores a second model on the same leads. Leads whose horizon is not over are
    left out. A workspace with many leads in range answers 202 with a job whose result is this.

    Args:
        body (BacktestIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BacktestOut | Job | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
