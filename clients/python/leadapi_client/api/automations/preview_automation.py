from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.automation_preview import AutomationPreview
from ...models.automation_preview_in import AutomationPreviewIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: AutomationPreviewIn,
    matching: bool | Unset = False,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["matching"] = matching

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/automations/preview",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AutomationPreview | Problem | None:
    if response.status_code == 200:
        response_200 = AutomationPreview.from_dict(response.json())

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
) -> Response[AutomationPreview | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AutomationPreviewIn,
    matching: bool | Unset = False,
) -> Response[AutomationPreview | Problem]:
    """Dry run

     Would this automation (stored, or written out) fire for this lead (stored, or written out)
    and event, and what would each action do? Nothing is stored.

    Args:
        matching (bool | Unset): Also count the workspace's leads the `when` matches now
            (`event.*` leaves on this event). A `when` SQL cannot count (attributes, `matches`, text
            outside ASCII) is a 422 naming the node. Default: False.
        body (AutomationPreviewIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AutomationPreview | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        matching=matching,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: AutomationPreviewIn,
    matching: bool | Unset = False,
) -> AutomationPreview | Problem | None:
    """Dry run

     Would this automation (stored, or written out) fire for this lead (stored, or written out)
    and event, and what would each action do? Nothing is stored.

    Args:
        matching (bool | Unset): Also count the workspace's leads the `when` matches now
            (`event.*` leaves on this event). A `when` SQL cannot count (attributes, `matches`, text
            outside ASCII) is a 422 naming the node. Default: False.
        body (AutomationPreviewIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AutomationPreview | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        matching=matching,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AutomationPreviewIn,
    matching: bool | Unset = False,
) -> Response[AutomationPreview | Problem]:
    """Dry run

     Would this automation (stored, or written out) fire for this lead (stored, or written out)
    and event, and what would each action do? Nothing is stored.

    Args:
        matching (bool | Unset): Also count the workspace's leads the `when` matches now
            (`event.*` leaves on this event). A `when` SQL cannot count (attributes, `matches`, text
            outside ASCII) is a 422 naming the node. Default: False.
        body (AutomationPreviewIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AutomationPreview | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        matching=matching,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AutomationPreviewIn,
    matching: bool | Unset = False,
) -> AutomationPreview | Problem | None:
    """Dry run

     Would this automation (stored, or written out) fire for this lead (stored, or written out)
    and event, and what would each action do? Nothing is stored.

    Args:
        matching (bool | Unset): Also count the workspace's leads the `when` matches now
            (`event.*` leaves on this event). A `when` SQL cannot count (attributes, `matches`, text
            outside ASCII) is a 422 naming the node. Default: False.
        body (AutomationPreviewIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AutomationPreview | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            matching=matching,
        )
    ).parsed
