from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.job import Job
from ...models.problem import Problem
from ...models.suggest_in import SuggestIn
from ...models.suggest_out import SuggestOut
from ...types import Response


def _get_kwargs(
    *,
    body: SuggestIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/scoring/suggest",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Job | Problem | SuggestOut | None:
    if response.status_code == 200:
        response_200 = SuggestOut.from_dict(response.json())

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
) -> Response[Job | Problem | SuggestOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SuggestIn,
) -> Response[Job | Problem | SuggestOut]:
    """A model fitted to your outcomes

     Fit a logistic regression of the outcome on the model's rule hits (the earlier 70% of the
    leads by reference time) and propose a draft: the same rules, points from the coefficients
    rescaled to the score range, the bands kept. Nothing is stored or activated: the draft and the
    current model are backtested side by side on the later 30%. Create the draft with
    `POST /v1/scoring/models` to keep it. Large workspaces: 202 and a job, as for a backtest.

    Args:
        body (SuggestIn): The leads, outcome and reference as for a backtest; `model` is the one
            whose rules are
            refitted (default: the active model); `compare_with` is not taken.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Job | Problem | SuggestOut]
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
    body: SuggestIn,
) -> Job | Problem | SuggestOut | None:
    """A model fitted to your outcomes

     Fit a logistic regression of the outcome on the model's rule hits (the earlier 70% of the
    leads by reference time) and propose a draft: the same rules, points from the coefficients
    rescaled to the score range, the bands kept. Nothing is stored or activated: the draft and the
    current model are backtested side by side on the later 30%. Create the draft with
    `POST /v1/scoring/models` to keep it. Large workspaces: 202 and a job, as for a backtest.

    Args:
        body (SuggestIn): The leads, outcome and reference as for a backtest; `model` is the one
            whose rules are
            refitted (default: the active model); `compare_with` is not taken.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Job | Problem | SuggestOut
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SuggestIn,
) -> Response[Job | Problem | SuggestOut]:
    """A model fitted to your outcomes

     Fit a logistic regression of the outcome on the model's rule hits (the earlier 70% of the
    leads by reference time) and propose a draft: the same rules, points from the coefficients
    rescaled to the score range, the bands kept. Nothing is stored or activated: the draft and the
    current model are backtested side by side on the later 30%. Create the draft with
    `POST /v1/scoring/models` to keep it. Large workspaces: 202 and a job, as for a backtest.

    Args:
        body (SuggestIn): The leads, outcome and reference as for a backtest; `model` is the one
            whose rules are
            refitted (default: the active model); `compare_with` is not taken.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Job | Problem | SuggestOut]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SuggestIn,
) -> Job | Problem | SuggestOut | None:
    """A model fitted to your outcomes

     Fit a logistic regression of the outcome on the model's rule hits (the earlier 70% of the
    leads by reference time) and propose a draft: the same rules, points from the coefficients
    rescaled to the score range, the bands kept. Nothing is stored or activated: the draft and the
    current model are backtested side by side on the later 30%. Create the draft with
    `POST /v1/scoring/models` to keep it. Large workspaces: 202 and a job, as for a backtest.

    Args:
        body (SuggestIn): The leads, outcome and reference as for a backtest; `model` is the one
            whose rules are
            refitted (default: the active model); `compare_with` is not taken.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Job | Problem | SuggestOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
